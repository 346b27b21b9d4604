"""Reverse mode: sort the graph, then run each op's VJP from the output back.

The graph's vertices are the recorded ops (a tensor's `grad_fn`, a Node) and the
leaves that require grad (Tensors). Gradients flow from a Node to its `parents`.
The sort is iterative (a depth-first walk with an explicit stack), so a chain of a
million ops needs no recursion. Gradients are Tensors; with `create_graph` the VJPs
record their own graph, which is how higher derivatives come for free.

This module reads tensors only through their methods and attributes: it does not
import the Tensor class, whose `backward` calls it.
"""

from __future__ import annotations

import gc
from collections.abc import Sequence

import numpy as np

from .anomaly import backward_checks
from .node import Node
from .state import modes

_RELEASED = (
    "the graph behind this tensor was freed by an earlier backward(); "
    "pass retain_graph=True to the first backward to go through it again"
)


def _vertex(t):
    """Where t's gradient is collected: the op that made it, or t itself for a leaf."""
    return t if t._node is None else t._node


def _parents_of(v) -> tuple:
    if type(v) is not Node:
        return ()
    if v.inputs is None:
        raise RuntimeError(f"backward through {v.op.name}: {_RELEASED}")
    return v.parents


def _sorted(roots: Sequence, parents_of) -> list:
    """Everything the roots depend on through parents_of, inputs before outputs.

    The order is the one backward runs (reversed), and it is deterministic: parents
    are visited in argument order.
    """
    order: list = []
    seen: set = set()  # Nodes and Tensors hash by identity
    for root in roots:
        if root in seen:
            continue
        seen.add(root)
        # The walk's stack as two lists side by side: the vertices on the path, and
        # for each, an iterator over the parents it has still to look at.
        path, pending = [root], [iter(parents_of(root))]
        while path:
            for p in pending[-1]:
                if p is not None and p not in seen:
                    seen.add(p)
                    path.append(p)
                    pending.append(iter(parents_of(p)))
                    break
            else:  # all its parents are in order: the vertex comes next
                pending.pop()
                order.append(path.pop())
    return order


def _tensor_inputs(t) -> list:
    """The tensors that t was made from and that require grad: what a picture draws."""
    return [x for x in t._inputs or () if _is_tensor(x) and x.requires_grad]


def toposort(roots: Sequence) -> list:
    """Every tensor that requires grad and that the roots depend on, inputs before outputs."""
    return _sorted(list(roots), _tensor_inputs)


def backward_order(root) -> list:
    """The tensors in the order backward visits them: root first, leaves last."""
    return toposort([root])[::-1]


def _is_tensor(x) -> bool:
    return hasattr(x, "grad_fn")


def _seed(root, gradient):
    """The gradient backward starts from: 1 for a scalar, else the caller's `gradient`."""
    if gradient is None:
        if root.numel() != 1:
            raise RuntimeError(
                f"backward: the output has shape {root.shape}; a gradient can be implied "
                f"only for a scalar output, so pass gradient= a tensor of shape {root.shape}"
            )
        return root._lift(np.ones(root.shape, root.dtype))
    seed = root._lift(gradient if _is_tensor(gradient) else np.asarray(gradient, dtype=root.dtype))
    if seed.shape != root.shape:
        raise RuntimeError(f"backward: gradient has shape {seed.shape} but the output has shape {root.shape}")
    return seed


def _run(roots, seeds, retain_graph: bool, create_graph: bool, wanted=None) -> dict:
    """Propagate seeds from roots back through the graph.

    With `wanted` (a set of vertices), the gradients arriving there are returned and
    no `.grad` is touched; without it, leaves accumulate into `.grad`.
    """
    with _collector_paused():
        return _propagate(roots, seeds, retain_graph, create_graph, wanted)


def _propagate(roots, seeds, retain_graph: bool, create_graph: bool, wanted) -> dict:
    vertices = [_vertex(r) for r in roots]
    order = _sorted(vertices, _parents_of)
    grads: dict = {}
    for v, seed in zip(vertices, seeds):
        grads[v] = seed if v not in grads else grads[v] + seed
    found: dict = {}
    given: set[int] = {id(s._data) for s in seeds}  # arrays a .grad must not share
    previous_mode = modes.grad_enabled
    modes.grad_enabled = create_graph
    recorder = modes.recorder
    if recorder is not None:  # a trace marks what backward computes as such
        recorder.backward_depth += 1
        recorder.seen_backward = True
        for s in seeds:
            recorder.var(s._data, name="seed")
    try:
        with backward_checks() as check:
            while order:
                # Popping drops the list's reference: once backward is past a vertex, and its
                # consumers have let go of their inputs, its arrays can be freed.
                v = order.pop()
                g = grads.pop(v, None)
                if g is None:  # nothing flowed here (e.g. a branch cut by detach)
                    continue
                is_node = type(v) is Node
                hooks = v.hooks if is_node else v._hooks
                if hooks:
                    g = _run_hooks(hooks, g)
                if wanted is not None:
                    if v in wanted:
                        found[v] = g
                elif not is_node:
                    _accumulate(v, g, given)
                elif v.retained is not None:
                    t = v.retained()
                    if t is not None:
                        _accumulate(t, g, given)
                if is_node:
                    _through(v, g, grads, check)
                    if not retain_graph:  # free what it saved; a second backward now says so
                        v.inputs = v.parents = v.out = v.versions = None
    finally:
        modes.grad_enabled = previous_mode
        if recorder is not None:
            recorder.backward_depth -= 1
    return found


def _through(node, g, grads: dict, check) -> None:
    """Send g back through node's op: one VJP per input that wants a gradient."""
    op, inputs, parents = node.op, node.inputs, node.parents
    if inputs is None:
        raise RuntimeError(f"backward through {op.name}: {_RELEASED}")
    if node.versions is not None:
        _check_versions(node)
    out = _output_of(node, g)
    vjps = op.vjps
    recorder = modes.recorder
    if recorder is not None:
        recorder.through(node)
    for i, p in enumerate(parents):
        if p is None:
            continue
        gx = vjps[i](g, out, *inputs)
        if check is not None:
            check(node, i, gx)
        # Each gradient takes its input's shape and dtype here, in one place
        # (a VJP may broadcast, or promote through a float64 constant).
        x = inputs[i]._data
        if gx._data.shape != x.shape:
            gx = gx.sum_to(x.shape)
        if gx._data.dtype != x.dtype:
            gx = gx.astype(x.dtype)
        if recorder is not None:
            recorder.gradient_of(inputs[i], gx)
        before = grads.get(p)
        grads[p] = gx if before is None else before + gx


def _output_of(node, g):
    """The op's output, for VJPs that read it: the Tensor itself while it lives (with
    create_graph it always does, and its graph is needed), else its array."""
    if node.out is None:
        return None
    ref, data, _, _ = node.out
    out = ref()
    return out if out is not None else g._lift(data)


def _check_versions(node) -> None:
    """Raise if a value the node's backward reads was changed in place since the op ran."""
    op, inputs = node.op, node.inputs
    for i, p in enumerate(node.parents):
        if p is None:
            continue
        for j in op.reads.get(i, ()):
            if j == -1:
                _, data, counter, saved = node.out
                now = counter.value
            else:
                saved = node.versions[j]
                if saved is None:  # not a Tensor: a number or a constant array
                    continue
                now = inputs[j]._version
            if now != saved:
                shape = data.shape if j == -1 else inputs[j].shape
                what = "its output" if j == -1 else f"its input {op.params[j]!r}"
                raise changed_in_place(op.name, what, shape, saved, now)


def changed_in_place(name: str, what: str, shape: tuple, saved: int, now: int) -> RuntimeError:
    """The error for a value that a backward needs and that was changed in place after its op ran."""
    return RuntimeError(
        f"backward through {name}: {what} (shape {shape}) was changed in place after "
        f"{name} ran (version {saved} then, {now} now), and its gradient needs that "
        "value. Change a clone() instead, or make the change before the op"
    )


def _run_hooks(hooks: list, g):
    for hook in list(hooks):
        replaced = hook(g)
        if replaced is None:
            continue
        replaced = g._lift(replaced)
        if replaced.shape != g.shape:
            raise RuntimeError(
                f"hook {getattr(hook, '__name__', hook)!r} returned a gradient of shape {replaced.shape}, "
                f"but the gradient it replaces has shape {g.shape}"
            )
        g = replaced
    return g


def _accumulate(t, g, given: set[int]) -> None:
    """Add g into t.grad, first giving t an array of its own if g's is shared, a view or read-only.

    `.grad` never shares memory with another tensor's gradient or with the caller's
    `gradient=`, so changing one in place (clipping, say) never changes another.
    """
    if g.dtype != t.dtype:
        g = g.astype(t.dtype)
    data = g._data
    recorder = modes.recorder
    if id(data) in given or data.base is not None or not data.flags.writeable:
        if g.requires_grad:
            g = g + 0.0
        else:
            g = g._lift(data.copy())
            if recorder is not None:
                recorder.copied(data, g._data)
    given.add(id(g._data))
    if recorder is not None:
        recorder.grad_read(t)
    t._grad = g if t._grad is None else t._grad + g
    if recorder is not None:
        recorder.grad_set(t, t._grad)


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


def backward(root, gradient=None, retain_graph: bool = False, create_graph: bool = False) -> None:
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
) -> tuple:
    """d(outputs)/d(inputs) weighted by grad_outputs, as a tuple; no `.grad` is changed."""
    outputs = [outputs] if _is_tensor(outputs) else list(outputs)
    inputs = [inputs] if _is_tensor(inputs) else list(inputs)
    if grad_outputs is None or _is_tensor(grad_outputs):
        grad_outputs = [grad_outputs] * len(outputs)
    if len(grad_outputs) != len(outputs):
        raise ValueError(f"grad: {len(outputs)} outputs but {len(grad_outputs)} grad_outputs")
    for i, x in enumerate(inputs):
        if not _is_tensor(x) or not x.requires_grad:
            raise RuntimeError(f"grad: input {i} does not require grad")
    for i, y in enumerate(outputs):
        if not y.requires_grad:
            raise RuntimeError(f"grad: output {i} does not require grad (it does not depend on any input)")
    retain = create_graph if retain_graph is None else retain_graph
    seeds = [_seed(y, g) for y, g in zip(outputs, grad_outputs)]
    wanted = [_vertex(x) for x in inputs]
    found = _run(outputs, seeds, retain, create_graph, wanted=set(wanted))
    result = []
    for i, (x, v) in enumerate(zip(inputs, wanted)):
        g = found.get(v)
        if g is None and not allow_unused:
            raise RuntimeError(
                f"grad: input {i} (shape {x.shape}) was not used to compute the outputs; "
                "pass allow_unused=True to get None for it"
            )
        if g is not None and g.dtype != x.dtype:
            g = g.astype(x.dtype)
        result.append(g)
    return tuple(result)
