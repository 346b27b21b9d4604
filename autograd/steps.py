"""Backward, one node at a time: `backward_steps(root)` is the sequence of pictures of the pass.

Frame k highlights the k-th tensor that backward visits, in the engine's own order
(`autograd.backward_order`, the list `backward()` walks). When backward reaches a
tensor, every path from the root to it has been summed, so its gradient is complete;
before that, the parts that have arrived from its consumers show as a running sum
("0.5000 + ?"). In Jupyter the sequence shows as a player (player.py); `.save` writes
the player as a page, or an animated GIF.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from . import draw_labels as labels
from ._tensor import Tensor, apply
from .draw_names import names_of, roles_of
from .draw_picture import DEFAULT_MAX_NODES, FREED_NOTE, Walk, picture
from .engine import backward_order
from .engine import grad as _grad
from .player import player_html, player_page, write_gif
from .render import Picture, RendererNotFound, find_renderer
from .state import enable_grad

PARTS_WRITTEN_OUT = 3
"""A running sum of up to this many parts is written out in full; a longer one is shortened."""


def _sum_of(terms: list[str]) -> str:
    """'3.0000 + 10.0000', with a negative term subtracted: '3.0000 − 2.0000'."""
    text = terms[0]
    for term in terms[1:]:
        text += f" − {term[1:]}" if term.startswith("-") else f" + {term}"
    return text


class BackwardSteps(Sequence):
    """The frames of one backward pass; `steps[k]` is a `graphviz.Digraph`.

    In Jupyter it shows as a player (a slider, previous/next buttons). `.order` is the
    engine's visiting order. `.save('steps.html')` writes the player as a page,
    `.save('steps.gif')` an animated GIF (needs Pillow), and `.save(folder)` each frame
    as folder/step-000.svg, step-001.svg, ... (`format=` picks another format).
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
        self._seeded = gradient is not None
        self._names = names_of(draw_options.pop("params", None))
        self._roles = roles_of(self.walk, self.walk.scopes())
        self._options = draw_options
        self._parts = self._parts_arriving()
        if draw_options.get("rankdir", "auto") == "auto":
            # One direction for every frame: the one the last (fullest) frame reads best in.
            self._options["rankdir"] = self._frame(len(self) - 1, title=False).graph_attr["rankdir"]

    def _parts_arriving(self) -> dict[int, list[tuple[int, np.ndarray]]]:
        """Walk index -> (step, gradient) of each part of its gradient, as its consumers send them.

        Step k's op is run again on stand-ins for its inputs and differentiated alone, so
        each part is what that one op's VJP sends, as the engine's own backward sends it.
        """
        parts: dict[int, list[tuple[int, np.ndarray]]] = {}
        for k, t in enumerate(self.order):
            g = self._gradients[k]
            if t._op is None or g is None:
                continue
            stand_in: dict[int, Tensor] = {}
            for x in t._inputs:
                if isinstance(x, Tensor) and x.requires_grad and id(x) not in stand_in:
                    stand_in[id(x)] = Tensor(x.numpy(), dtype=x.dtype, requires_grad=True)
            with enable_grad():
                again = apply(
                    t._op, *(stand_in.get(id(x), x) if isinstance(x, Tensor) else x for x in t._inputs)
                )
                sent = _grad(again, list(stand_in.values()), grad_outputs=[Tensor(g)], allow_unused=True)
            for key, part in zip(stand_in, sent):
                if part is not None:
                    parts.setdefault(self.walk.index[key], []).append((k, part.numpy()))
        return parts

    def __len__(self) -> int:
        return len(self.order)

    def __getitem__(self, k):
        if isinstance(k, slice):
            return [self[j] for j in range(*k.indices(len(self)))]
        if not -len(self) <= k < len(self):
            raise IndexError(f"backward_steps: step {k} out of range for {len(self)} steps")
        return self._frame(k % len(self), title=True)

    def _frame(self, k: int, title: bool, sizes: dict | None = None) -> Picture:
        shown: dict[int, object] = {}
        for j in range(k + 1):
            if self._gradients[j] is not None:
                i = self._position[j]
                shown[i] = self._sum_text(i, self._gradients[j]) or self._gradients[j]
        pending = {i: self._pending_text(i, k) for i in self._position[k + 1 :]}
        return picture(
            self.walk,
            gradients=shown,
            current=self._position[k],
            pending=pending,
            title=self.caption(k) if title else None,
            names=self._names,
            sizes=sizes,
            **self._options,
        )

    def _sum_text(self, i: int, total: np.ndarray) -> str | None:
        """'0.5000 + 1.5000 = 2.0000' for a scalar whose gradient came in several parts."""
        parts = [g for _, g in self._parts.get(i, ())]
        if len(parts) < 2 or total.size != 1:
            return None
        written = [labels.values(g) for g in parts]
        if len(written) > PARTS_WRITTEN_OUT:
            written = [written[0], "…", written[-1]]
            return f"{_sum_of(written)} ({len(parts)} parts) = {labels.values(total)}"
        return f"{_sum_of(written)} = {labels.values(total)}"

    def _pending_text(self, i: int, k: int) -> str:
        """What a tensor not yet reached says: '?', or the parts arrived so far."""
        parts = self._parts.get(i, ())
        arrived = [g for step, g in parts if step <= k]
        if not arrived:
            return "?"
        if len(arrived) == len(parts):  # all in: backward visits it next
            return self._sum_text(i, sum(arrived)) or labels.values(sum(arrived))
        if arrived[0].size == 1:
            written = [labels.values(g) for g in arrived]
            if len(written) > PARTS_WRITTEN_OUT:
                written = [written[0], "…", written[-1]]
            return f"{_sum_of(written)} + ? ({len(arrived)} of {len(parts)} parts)"
        return f"? ({len(arrived)} of {len(parts)} parts arrived)"

    # -- captions ---------------------------------------------------------------------

    def _name(self, t: Tensor) -> str | None:
        return self._names.get(id(t)) or t.name or self._roles.get(self.walk.index[id(t)])

    def _who(self, t: Tensor) -> str:
        """A tensor in a caption: its name, else the expression that made it ("x × x"), else its op."""
        name = self._name(t)
        if name:
            return name
        if t._op is None:
            return "an unnamed leaf"
        op = t._op
        operands = [
            (self._name(x) if isinstance(x, Tensor) else labels.constant(x))
            for x in t._inputs[: op.arity or len(t._inputs)]
        ]
        if None not in operands:
            if op.symbol and len(operands) == 2:
                return f"{operands[0]} {op.symbol} {operands[1]}"
            if len(operands) == 1:
                return f"{op.name}({operands[0]})"
        return f"the output of {op.name}"

    def caption(self, k: int) -> str:
        """One sentence on what backward does at step k."""
        t = self.order[k]
        who = self._who(t)
        head = f"Step {k + 1} of {len(self)}: "
        i = self._position[k]
        total = self._gradients[k]
        parts = self._parts.get(i, ())
        if k == 0:
            seed = "the gradient passed to backward" if self._seeded else "gradient 1"
            done = f"backward starts at {who} with {seed}"
        elif len(parts) > 1:
            written = self._sum_text(i, total) if total is not None else None
            done = f"{who}'s gradient is complete: " + (written or f"the sum of {len(parts)} parts")
        else:
            done = ""
        if t._op is None:
            name = self._names.get(id(t)) or t.name
            where = f"{name}.grad" if name else "its .grad"
            return head + (done or f"{who}'s gradient is complete") + f", and goes into {where}"
        targets = []
        for x in t._inputs:
            if isinstance(x, Tensor) and x.requires_grad and self._who(x) not in targets:
                targets.append(self._who(x))
        to = targets[0] if len(targets) == 1 else ", ".join(targets[:-1]) + " and " + targets[-1]
        if not done:
            return head + f"the gradient flows from {who} through {t._op.name} to {to}"
        return head + done + f"; it flows through {t._op.name} to {to}"

    # -- showing and saving -------------------------------------------------------------

    def _stable_frames(self) -> list[Picture]:
        """The frames without captions, every node as big in each as in the biggest, so that
        dot lays them all out alike and a player's frames do not jump."""
        sizes: dict[str, tuple[float, float]] = {}
        for k in range(len(self)):
            for line in self._frame(k, title=False).pipe(format="plain").decode().splitlines():
                fields = line.split()
                if fields and fields[0] == "node":
                    name, w, h = fields[1], float(fields[4]), float(fields[5])
                    before = sizes.get(name, (0.0, 0.0))
                    sizes[name] = (max(before[0], w), max(before[1], h))
        return [self._frame(k, title=False, sizes=sizes) for k in range(len(self))]

    def player(self) -> str:
        """The HTML of a player of these frames (what a notebook shows)."""
        frames = [frame.pipe(format="svg") for frame in self._stable_frames()]
        return player_html(frames, [self.caption(k) for k in range(len(self))])

    def save(self, path: str, format: str = "svg") -> str | list[str]:
        """Write the steps: 'steps.html' a player page, 'steps.gif' an animation, else a folder of frames.

        A folder gets one file per frame (step-000.svg, ...; `format` picks svg, png or pdf),
        and the list of their paths comes back; otherwise the file's path.
        """
        lower = str(path).lower()
        if lower.endswith((".html", ".htm")):
            frames = [frame.pipe(format="svg") for frame in self._stable_frames()]
            title = f"backward through {self._who(self.order[0])}, step by step"
            with open(path, "w", encoding="utf-8") as file:
                file.write(player_page(frames, [self.caption(k) for k in range(len(self))], title))
            return str(path)
        if lower.endswith(".gif"):
            frames = [frame.pipe(format="png") for frame in self._stable_frames()]
            captions = [_caption_picture(self.caption(k)).pipe(format="png") for k in range(len(self))]
            write_gif(str(path), frames, captions)
            return str(path)
        os.makedirs(path, exist_ok=True)
        paths = []
        for k in range(len(self)):
            frame = self[k]
            paths.append(frame.render(os.path.join(path, f"step-{k:03d}"), format=format, cleanup=True))
        return paths

    def _repr_html_(self) -> str:
        if find_renderer() is None:
            # One message for the whole sequence, rather than one per frame.
            return f"<pre>{RendererNotFound()}</pre>"
        return self.player()

    def __repr__(self) -> str:
        return (
            f"BackwardSteps: {len(self)} steps of backward through {self._who(self.order[0])}; "
            "in Jupyter it shows as a player; steps[k] is frame k; "
            ".save('steps.html') or .save('steps.gif') writes them all"
        )


def _caption_picture(text: str) -> Picture:
    """A caption as a picture in the frames' own font, to stand above a GIF's frame."""
    caption = Picture(name="caption", graph_attr={"margin": "0.1", "bgcolor": "white"})
    caption.node("caption", text, shape="plaintext", fontname="Helvetica", fontsize="14")
    return caption


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
    `gradient` weights a non-scalar root, as in `root.backward(gradient)`. No `.grad` is
    changed. The drawing options are draw_graph's. Shows as a player in Jupyter; see
    `BackwardSteps.save` for files.
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
