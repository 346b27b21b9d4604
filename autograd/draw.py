"""Pictures of the graph: `draw_graph(root)` is a `graphviz.Digraph` of everything root depends on.

What a picture shows, and how it is drawn, is draw_picture.py's; this module picks the
gradients to show and, for `step=k`, hands over to the backward step-through (steps.py).
The engine never imports this module.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ._tensor import Tensor
from .draw_names import names_of
from .draw_picture import DEFAULT_MAX_NODES, FREED_NOTE, Walk, picture
from .engine import grad as _grad
from .render import Picture
from .state import scope_label as cluster_label  # what a picture writes on a module's box
from .steps import backward_steps

# Imported from here by tests, benchmarks and users since before draw_picture.py split off.
__all__ = ["draw_graph", "flowing_gradients", "Walk", "DEFAULT_MAX_NODES", "FREED_NOTE", "cluster_label"]


def _backward_has_run(walk: Walk) -> bool:
    return any(t._op is None and t._grad is not None for t in walk.tensors)


def flowing_gradients(walk: Walk) -> dict[int, np.ndarray]:
    """The gradient each tensor shows: a leaf's `.grad`, an intermediate's d(root)/d(tensor).

    Intermediates keep no `.grad` (unless `retain_grad()`), so once backward has run
    (some leaf has a `.grad`), for a scalar root whose graph is intact, their gradients
    are recomputed with `autograd.grad(root, intermediates, retain_graph=True)`: it reads
    the graph and changes no `.grad` (hooks on those tensors run again, as in any backward).
    """
    shown: dict[int, np.ndarray] = {}
    intermediates: list[int] = []
    for i, t in enumerate(walk.tensors):
        if t._grad is not None:
            shown[i] = t._grad.numpy()
        elif t._op is not None:
            intermediates.append(i)
    root = walk.tensors[walk.root]
    if intermediates and not walk.freed and root.numel() == 1 and _backward_has_run(walk):
        found = _grad(root, [walk.tensors[i] for i in intermediates], retain_graph=True, allow_unused=True)
        for i, g in zip(intermediates, found):
            if g is not None:
                shown[i] = g.numpy()
    return shown


def draw_graph(
    root: Tensor,
    show_data: bool = True,
    show_grad: bool = True,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    rankdir: str = "auto",
    collapse: bool | int = False,
    params: dict[str, Tensor] | Iterable[tuple[str, Tensor]] | None = None,
    step: int | None = None,
    show_legend: bool = True,
    force: bool = False,
) -> Picture:
    """A `graphviz.Digraph` of everything `root` depends on; shows inline in Jupyter.

    - A box per tensor: its name (if any), shape and dtype, its value (scalars and arrays
      of up to 6 elements in full, bigger ones as min/mean/max) and its gradient. Leaves
      that require grad are blue, constants grey and dashed, the root gold with a double
      border; an ellipse per op, with constant operands folded in ("mul" over "· × 2.0") and
      parameters shown ("sum(axis=1)"). Edges run inputs → op → output.
    - Gradients: a leaf shows its `.grad`. An intermediate shows its retained `.grad`, or,
      once backward has run, for a scalar root whose graph is intact (use
      `backward(retain_graph=True)`), d(root)/d(tensor) recomputed with `autograd.grad`
      (no `.grad` is touched; hooks on those tensors run again). After a plain `backward()`
      the graph is freed: what is left is drawn, with a note saying so.
    - Tensors made inside `autograd.scope(...)` (every nn Module's forward) are grouped in
      clusters labelled like "layers.0 (Linear)"; parameters sit with the module that uses
      them. nn's losses (`F.cross_entropy`, `F.mse_loss`, ...) are one unit too: a gold
      cluster "cross_entropy" around log_softmax → nll_loss. `collapse=True` draws each
      innermost module or loss as one box; `collapse=k` collapses every scope k levels deep.
    - Names: `params` (a dict name -> Tensor, or (name, Tensor) pairs such as
      `model.named_parameters()`) names tensors in place of their own `.name`. What nobody
      named is called by its role: the root "loss" (when a loss made it) or "output", a
      constant that a module reads "input", one that only a loss reads "target".
    - A legend lists each kind of node shown (`show_legend=False` leaves it out).
    - `rankdir`: "auto" (the default) draws left to right when that fits about 1000 points
      across, else whichever of left to right and top to bottom shrinks the picture less;
      "LR", "TB", "RL" or "BT" say it outright.
    - Size: past `max_nodes` nodes (250 by default: dot lays that out in well under a second),
      the picture is summarised. First, runs of a repeated block (a loop of the same ops, a
      stack of identical layers) are folded into one box "× n" between the first block and
      the last two, which stay drawn in full; then modules are collapsed, innermost first
      (never down to fewer than max_nodes / 4 nodes); then the nodes nearest the root are
      kept and the rest summarised in one note. The title says what was done.
      `max_nodes=None` draws every node, up to 2,000; a bigger graph raises ValueError with
      its size and about how long dot would take (its time grows as the square of the size:
      12 s for 16,000 nodes), unless `force=True` says to draw it all anyway.
    - `step=k`: frame k of `backward_steps(root)`.

    `.render('graph', format='png')` saves it (svg, png, pdf); `.source` is the DOT text, which
    needs no Graphviz installed. Rendering uses Graphviz's `dot`, else `graphviz-pure`; with
    neither, `autograd.render.RendererNotFound` says how to install one.
    """
    if step is not None:
        steps = backward_steps(
            root,
            show_data=show_data,
            show_grad=show_grad,
            max_nodes=max_nodes,
            rankdir=rankdir,
            collapse=collapse,
            params=params,
            show_legend=show_legend,
        )
        return steps[step]
    walk = Walk(root)
    gradients = flowing_gradients(walk) if show_grad else {}
    return picture(
        walk,
        show_data=show_data,
        show_grad=show_grad,
        gradients=gradients,
        max_nodes=max_nodes,
        rankdir=rankdir,
        collapse=collapse,
        names=names_of(params),
        show_legend=show_legend,
        force=force,
    )
