"""Reverse mode: sort the graph, then run each op's VJP from the output back.

The sort is iterative (a depth-first walk with an explicit stack), so a chain of
a million ops needs no recursion. Gradients are Tensors; with `create_graph`
the VJPs record their own graph, which is how higher derivatives come for free.
"""

from __future__ import annotations

import gc
from collections.abc import Sequence

import numpy as np

from . import graph
from .anomaly import backward_checks
from .ops.elementwise import astype
from .ops.reduce import sum_to
from .tensor import Tensor

_RELEASED = "the graph behind this tensor was freed by an earlier backward(); pass retain_graph=True to the first backward to go through it again"


def toposort(roots: Sequence[Tensor]) -> list[Tensor]:
    """Every tensor that requires grad and that the roots depend on, inputs before outputs.

    The order is the one backward runs (reversed), and it is deterministic:
    inputs are visited in argument order.
    """
    order: list[Tensor] = []
    # Tensors hash by identity, so a set of them needs no id() calls (their `==` makes a
    # Tensor, but a set only calls it for equal hashes, which mean the same object).
    seen: set[Tensor] = set()
    for root in roots:
        if root in seen:
            continue
        seen.add(root)
        # The walk's stack as two lists side by side: the tensors on the path, and
        # for each, an iterator over the inputs it has still to look at.
        path, pending = [root], [iter(_inputs_of(root))]
        while path:
            for x in pending[-1]:
                if isinstance(x, Tensor) and x.requires_grad and x not in seen:
                    seen.add(x)
                    path.append(x)
                    pending.append(iter(_inputs_of(x)))
                    break
            else:  # all its inputs are in order: the tensor comes next
                pending.pop()
                order.append(path.pop())
    return order


def _inputs_of(t: Tensor) -> tuple:
    inputs = t._inputs
    if inputs is None:
        raise RuntimeError(f"backward through {t._op.name}: {_RELEASED}")
    return inputs


def backward_order(root: Tensor) -> list[Tensor]:
    """The tensors in the order backward visits them: root first, leaves last."""
    return toposort([root])[::-1]


def _seed(root: Tensor, gradient) -> Tensor:
    """The gradient backward starts from: 1 for a scalar, else the caller's `gradient`."""
    if gradient is None:
        if root.data.size != 1:
            raise RuntimeError(
                f"backward: the output has shape {root.shape}; a gradient can be implied "
                f"only for a scalar output, so pass gradient= a tensor of shape {root.shape}"
            )
        data = root.data
        # A 0-d root (a loss) gets a NumPy scalar, as 0-d op results hold: it is made
        # without np.ones_like's Python layer, and scalar arithmetic is faster than 0-d arrays'.
        return graph._constant(data.dtype.type(1) if data.ndim == 0 else np.ones(data.shape, data.dtype))
    seed = gradient if isinstance(gradient, Tensor) else Tensor(np.asarray(gradient, dtype=root.dtype))
    if seed.shape != root.shape:
        raise RuntimeError(f"backward: gradient has shape {seed.shape} but the output has shape {root.shape}")
    return seed


def _run(roots, seeds, retain_graph: bool, create_graph: bool, wanted=None) -> dict[Tensor, Tensor]:
    """Propagate seeds from roots back through the graph.

    With `wanted` (a set of tensors), the gradients of those tensors are returned
    and no `.grad` is touched; without it, leaves accumulate into `.grad`.
    """
    with _collector_paused():
        return _propagate(roots, seeds, retain_graph, create_graph, wanted)


def _propagate(roots, seeds, retain_graph: bool, create_graph: bool, wanted) -> dict[Tensor, Tensor]:
    order = toposort(roots)
    grads: dict[Tensor, Tensor] = {}  # keyed by tensor: identity hash, as in toposort
    for root, seed in zip(roots, seeds):
        grads[root] = seed if root not in grads else grads[root] + seed
    found: dict[Tensor, Tensor] = {}
    given: set[int] = set()  # ids of the arrays already handed to a .grad in this pass
    with graph.set_grad_enabled(create_graph), backward_checks() as check:
        while order:
            # Popping drops the list's reference: once backward is past a tensor, and its
            # consumers have let go of their inputs, its array is freed (as PyTorch frees
            # saved tensors), instead of every activation living until backward ends.
            t = order.pop()
            g = grads.pop(t, None)
            if g is None:  # nothing flowed here (e.g. a branch cut by detach)
                continue
            if t._hooks:
                for hook in list(t._hooks):
                    replaced = hook(g)
                    if replaced is not None:
                        g = replaced
            op = t._op
            if wanted is not None:
                if t in wanted:
                    found[t] = _as_dtype(g, t)
            elif op is None or t._retains_grad:
                _accumulate(t, g, given)
            if op is None:
                continue
            inputs = t._inputs
            vjps = op.vjps
            for i, x in enumerate(inputs):
                if isinstance(x, Tensor) and x.requires_grad:
                    gx = vjps[i](g, t, *inputs)
                    if check is not None:
                        check(t, i, gx)
                    # Each gradient takes its input's shape and dtype here, in one place
                    # (a VJP may broadcast, or promote through a float64 mask or constant).
                    # No local names the arrays: it would keep the unsummed one alive.
                    if gx.data.shape != x.data.shape:
                        gx = sum_to(gx, x.data.shape)
                    if gx.data.dtype != x.data.dtype:
                        gx = astype(gx, x.data.dtype)
                    before = grads.get(x)
                    grads[x] = gx if before is None else before + gx
            if not retain_graph:
                t._inputs = None  # frees the saved inputs; a second backward now says so
    return found


def _as_dtype(g: Tensor, t: Tensor) -> Tensor:
    """`.grad` always has its tensor's dtype (a float64 constant may have promoted it)."""
    return g if g.data.dtype == t.data.dtype else g.astype(t.data.dtype)


def _accumulate(t: Tensor, g: Tensor, given: set[int]) -> None:
    """Add g into t.grad, first giving t an array of its own if g's is shared or read-only."""
    g = _as_dtype(g, t)
    data = g.data
    if isinstance(data, np.ndarray) and (id(data) in given or not data.flags.writeable):
        g = g + 0.0 if g.requires_grad else graph._constant(data.copy())
    given.add(id(g.data))
    t.grad = g if t.grad is None else t.grad + g


class _collector_paused:
    """Pause Python's cycle collector: backward makes no cycles, so its scans would be wasted.

    With a million tensors alive, those scans were over a third of backward's time.
    """

    def __enter__(self):
        self.was_enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc):
        if self.was_enabled:
            gc.enable()


def backward(root: Tensor, gradient=None, retain_graph: bool = False, create_graph: bool = False) -> None:
    """root.backward(): accumulate d(root)/d(leaf) into each leaf's .grad."""
    if not root.requires_grad:
        raise RuntimeError(
            "backward: this tensor does not require grad; none of the tensors it was "
            "made from has requires_grad=True (or it was made under no_grad)"
        )
    _run([root], [_seed(root, gradient)], retain_graph or create_graph, create_graph)


def grad(
    outputs,
    inputs,
    grad_outputs=None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> tuple[Tensor | None, ...]:
    """d(outputs)/d(inputs) weighted by grad_outputs, as a tuple; no `.grad` is changed."""
    outputs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    if grad_outputs is None or isinstance(grad_outputs, Tensor):
        grad_outputs = [grad_outputs] * len(outputs)
    if len(grad_outputs) != len(outputs):
        raise ValueError(f"grad: {len(outputs)} outputs but {len(grad_outputs)} grad_outputs")
    for i, x in enumerate(inputs):
        if not isinstance(x, Tensor) or not x.requires_grad:
            raise RuntimeError(f"grad: input {i} does not require grad")
    for i, y in enumerate(outputs):
        if not y.requires_grad:
            raise RuntimeError(f"grad: output {i} does not require grad (it does not depend on any input)")
    retain = create_graph if retain_graph is None else retain_graph
    seeds = [_seed(y, g) for y, g in zip(outputs, grad_outputs)]
    found = _run(outputs, seeds, retain, create_graph, wanted=set(inputs))
    result = tuple(found.get(x) for x in inputs)
    for i, (x, g) in enumerate(zip(inputs, result)):
        if g is None and not allow_unused:
            raise RuntimeError(
                f"grad: input {i} (shape {x.shape}) was not used to compute the outputs; "
                "pass allow_unused=True to get None for it"
            )
    return result
