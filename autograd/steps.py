"""Backward, one node at a time: `backward_steps(root)` is the sequence of pictures of the pass.

Frame k highlights the k-th tensor that backward visits, in the engine's own order
(`autograd.backward_order`, the list `backward()` walks), and shows the gradient of
every tensor visited so far: when backward reaches a tensor, every path from the
root to it has been summed, so its gradient is complete. Later tensors say "grad ?".
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from ._tensor import Tensor
from .draw_names import names_of
from .draw_picture import DEFAULT_MAX_NODES, FREED_NOTE, Walk, picture
from .engine import backward_order
from .engine import grad as _grad
from .render import RendererNotFound, find_renderer

FRAMES_IN_SEQUENCE = 30
"""Without ipywidgets a notebook shows this many frames one after another, and says how many more."""


class BackwardSteps(Sequence):
    """The frames of one backward pass; `steps[k]` is a `graphviz.Digraph`.

    In Jupyter it shows a slider when ipywidgets is installed, else the frames one after another.
    `.order` is the engine's visiting order; `.save(folder)` writes step-000.svg, step-001.svg, ...
    """

    def __init__(self, root: Tensor, gradient=None, **draw_options):
        if not isinstance(root, Tensor):
            raise TypeError(f"backward_steps: root must be a Tensor, got {type(root).__name__}")
        if not root.requires_grad:
            raise RuntimeError(
                "backward_steps: the root does not require grad, so backward has nothing to do"
            )
        self.walk = Walk(root)
        if self.walk.freed:
            raise RuntimeError(f"backward_steps: the {FREED_NOTE}")
        self.order: list[Tensor] = backward_order(root)
        # Every visited tensor's full gradient, computed once without touching any .grad.
        found = _grad(root, self.order, grad_outputs=[gradient], retain_graph=True, allow_unused=True)
        self._position = [self.walk.index[id(t)] for t in self.order]
        self._gradients = [None if g is None else g.numpy() for g in found]
        self._names = names_of(draw_options.pop("params", None))
        self._options = draw_options

    def __len__(self) -> int:
        return len(self.order)

    def __getitem__(self, k):
        if isinstance(k, slice):
            return [self[j] for j in range(*k.indices(len(self)))]
        if not -len(self) <= k < len(self):
            raise IndexError(f"backward_steps: step {k} out of range for {len(self)} steps")
        k %= len(self)
        known = {}
        for j in range(k + 1):
            if self._gradients[j] is not None:
                known[self._position[j]] = self._gradients[j]
        pending = dict.fromkeys(self._position[k + 1 :], "?")
        return picture(
            self.walk,
            gradients=known,
            current=self._position[k],
            pending=pending,
            title=self._caption(k),
            names=self._names,
            **self._options,
        )

    def _caption(self, k: int) -> str:
        t = self.order[k]
        who = (
            self._names.get(id(t))
            or t.name
            or ("the root" if k == 0 else f"a {'leaf' if t._op is None else t._op.name + ' output'}")
        )
        head = f"backward step {k + 1} of {len(self)}: {who}"
        if t._op is None:
            return f"{head}: a leaf; its gradient is complete and goes into .grad"
        return f"{head}: its gradient is complete; {t._op.name}'s VJP passes it on to its inputs"

    def save(self, folder: str, format: str = "svg") -> list[str]:
        """Write every frame to folder/step-000.<format>, ...; returns the paths."""
        os.makedirs(folder, exist_ok=True)
        paths = []
        for k in range(len(self)):
            frame = self[k]
            paths.append(frame.render(os.path.join(folder, f"step-{k:03d}"), format=format, cleanup=True))
        return paths

    def _ipython_display_(self) -> None:
        from IPython.display import display

        if find_renderer() is None:
            # One message for the whole sequence, rather than one per frame.
            display(_Message(str(RendererNotFound())))
            return
        try:
            import ipywidgets
        except ImportError:
            for k in range(min(len(self), FRAMES_IN_SEQUENCE)):
                display(self[k])
            if len(self) > FRAMES_IN_SEQUENCE:
                display(
                    _Message(
                        f"… {len(self) - FRAMES_IN_SEQUENCE} more steps: index them (steps[k]), "
                        "or `pip install ipywidgets` for a slider"
                    )
                )
            return
        slider = ipywidgets.IntSlider(value=0, min=0, max=len(self) - 1, description="step")
        out = ipywidgets.Output()

        def show(change=None) -> None:
            with out:
                out.clear_output(wait=True)
                display(self[slider.value])

        slider.observe(show, names="value")
        show()
        display(ipywidgets.VBox([slider, out]))


class _Message:
    """Plain text for a notebook to show."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text


def backward_steps(
    root: Tensor,
    gradient=None,
    show_data: bool = True,
    show_grad: bool = True,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    rankdir: str = "auto",
    collapse: bool | int = False,
    params=None,
    show_legend: bool = True,
) -> BackwardSteps:
    """The pictures of root's backward pass, one per tensor in the order the engine visits them.

    Needs the graph intact (draw before backward(), or after backward(retain_graph=True));
    `gradient` weights a non-scalar root, as in `root.backward(gradient)`. No `.grad` is changed.
    """
    return BackwardSteps(
        root,
        gradient,
        show_data=show_data,
        show_grad=show_grad,
        max_nodes=max_nodes,
        rankdir=rankdir,
        collapse=collapse,
        params=params,
        show_legend=show_legend,
    )
