"""Custom ops written as PyTorch's `torch.autograd.Function`: a forward and its backward, by hand.

    class Cube(autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x**3

        @staticmethod
        def backward(ctx, grad_output):
            (x,) = ctx.saved_tensors
            return grad_output * 3 * x**2

    y = Cube.apply(x)

Each subclass becomes an `Op` (one per class, made on first use) and `apply` goes
through the engine's one recording boundary, `autograd._tensor.apply`, like every
built-in op: so gradcheck, anomaly mode, hooks, in-place version checks and the
pictures treat it as one op, named after the class. The per-call `ctx` travels as the
op's last argument (so the others keep their positions in errors), the Node that records
the call keeps it, and backward frees it with the rest of the graph.

The user's forward runs with recording off, on the very tensors given to `apply` (as
in PyTorch). Its backward runs as a VJP: with `create_graph`, its Tensor ops are
recorded, so a backward written with Tensor ops gives second derivatives too.
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np

from ._tensor import Tensor, apply
from .dtypes import get_default_dtype
from .engine import changed_in_place
from .ops.op import Op, every
from .state import modes, no_grad


class FunctionCtx:
    """What a Function's forward leaves for its backward (PyTorch's `ctx`).

    `save_for_backward(*tensors)` / `saved_tensors`, `needs_input_grad` (one bool per
    argument of `apply`), `mark_non_differentiable(*outputs)`; any other attribute may
    be set freely (`ctx.axis = 1`).
    """

    def __init__(self, function: type, inputs: tuple):
        self._function = function
        self._inputs = inputs  # until the forward has run
        self.needs_input_grad = tuple(
            isinstance(a, Tensor) and a.requires_grad and modes.grad_enabled for a in inputs
        )
        self._saved: tuple = ()
        self._non_differentiable: set[int] = set()
        self._outputs: list = []  # (shape, dtype, differentiable) of each output
        self._answer = None  # (g, gradients): backward runs once for all inputs

    def _traced_as(self) -> type:
        """What a trace records for this argument: the Function's class. A replay makes a new ctx
        from it and the new arrays (this one holds the recorded call's tensors)."""
        return self._function

    def save_for_backward(self, *tensors) -> None:
        """Keep tensors (or None) for backward, which gets them from `saved_tensors`.

        Changing one of them in place before backward makes backward raise, as in PyTorch.
        """
        for k, t in enumerate(tensors):
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(
                    f"save_for_backward: argument {k} is a {type(t).__name__}; only "
                    "tensors (or None) are saved this way; keep other values as ctx attributes"
                )
        self._saved = tuple(
            None if t is None else _Saved(t, self._describe(t, k)) for k, t in enumerate(tensors)
        )

    @property
    def saved_tensors(self) -> tuple:
        """The tensors given to save_for_backward, checked unchanged since."""
        return tuple(None if s is None else s.unpack(self._name) for s in self._saved)

    def mark_non_differentiable(self, *outputs) -> None:
        """Declare outputs that carry no gradient (their backward gradient is zeros)."""
        self._non_differentiable.update(id(t) for t in outputs)

    def set_materialize_grads(self, value: bool) -> None:
        """Accepted for PyTorch's code: here a gradient never arriving is always given as zeros."""

    @property
    def _name(self) -> str:
        return self._function.__name__

    def _describe(self, t: Tensor, k: int) -> str:
        for j, a in enumerate(self._inputs or ()):
            if a is t:
                return f"its input {j}"
        return f"its saved tensor {k}"

    # -- run by the op: forward inside the recording boundary, backward as the VJP -----------

    def _forward(self) -> np.ndarray:
        """Run the user's forward; return the array the op outputs (one output, or all packed)."""
        function, inputs = self._function, self._inputs
        anomaly, modes.anomaly = modes.anomaly, False  # the Function is checked as one op
        try:
            with no_grad():
                if _overrides(function, "setup_context"):  # PyTorch 2's style: forward without ctx
                    result = function.forward(*inputs)
                    function.setup_context(self, inputs, result)
                else:
                    result = function.forward(self, *inputs)
        finally:
            modes.anomaly = anomaly
        self._single = isinstance(result, Tensor)
        outputs = [self._output(o, k) for k, o in enumerate((result,) if self._single else _sequence(result))]
        self._outputs = [
            (o.shape, o.dtype, o.dtype.kind == "f" and id(o) not in self._non_differentiable) for o in outputs
        ]
        self._returned = outputs
        arrays = [o._data for o, (_, _, differentiable) in zip(outputs, self._outputs) if differentiable]
        data = arrays[0] if len(arrays) == 1 else _packed(arrays)
        # An output that is an input's own memory would share it without sharing its version.
        if any(isinstance(a, Tensor) and np.may_share_memory(data, a._data) for a in inputs):
            data = data.copy()
        self._inputs = None
        return data

    def _output(self, o, k: int) -> Tensor:
        if isinstance(o, np.ndarray):
            return Tensor._lift(o)
        if not isinstance(o, Tensor):
            raise TypeError(f"forward returned a {type(o).__name__} as output {k}; expected a Tensor")
        return o

    def _finish(self, result: Tensor):
        """The outputs apply returns, cut from the recorded result; saved outputs bound to them."""
        differentiable = [k for k, (_, _, d) in enumerate(self._outputs) if d]
        returned = [o.detach() if o.requires_grad else o for o in self._returned]
        if len(differentiable) == 1:
            returned[differentiable[0]] = result
        else:
            start = 0
            for k in differentiable:
                shape, dtype, _ = self._outputs[k]
                size = int(np.prod(shape, dtype=np.int64))
                returned[k] = _cut(result, start, size, shape, dtype)
                start += size
        by_identity = {id(o): r for o, r in zip(self._returned, returned)}
        self._saved = tuple(
            s if s is None or id(s.tensor) not in by_identity else s.bind(by_identity[id(s.tensor)])
            for s in self._saved
        )
        self._returned = None
        return returned[0] if self._single else tuple(returned)

    def _gradient(self, j: int, g: Tensor, inputs: tuple) -> Tensor:
        """The gradient of input j: the user's backward runs once per incoming g, for all inputs."""
        if self._answer is None or self._answer[0] is not g:
            self._answer = (g, self._backward(g, inputs))
        gradients = self._answer[1]
        if j == max(k for k, needed in enumerate(self.needs_input_grad) if needed):
            self._answer = None  # the engine asks in order: this was the last one
        return gradients[j]

    def _backward(self, g: Tensor, inputs: tuple) -> list:
        grads = self._function.backward(self, *self._grad_outputs(g))
        grads = list(grads) if isinstance(grads, (tuple, list)) else [grads]
        if len(grads) < len(inputs) or any(x is not None for x in grads[len(inputs) :]):
            raise RuntimeError(
                f"{self._name}.backward returned {len(grads)} gradients, but apply was given "
                f"{len(inputs)} arguments: return one per argument (None where there is none)"
            )
        return [self._checked(gx, x, j) for j, (gx, x) in enumerate(zip(grads, inputs))]

    def _grad_outputs(self, g: Tensor) -> list:
        """One gradient per output: g itself, or cut from g for packed outputs; zeros for the others."""
        differentiable = [k for k, (_, _, d) in enumerate(self._outputs) if d]
        grads, start = [], 0
        for shape, dtype, d in self._outputs:
            if not d:
                grads.append(g._lift(np.zeros(shape, dtype)))
            elif len(differentiable) == 1:
                grads.append(g)
            else:
                size = int(np.prod(shape, dtype=np.int64))
                grads.append(_cut(g, start, size, shape, dtype))
                start += size
        return grads

    def _checked(self, gx, x, j: int):
        """The gradient backward returned for argument j, checked against it."""
        if not isinstance(x, Tensor):
            if gx is not None:
                raise RuntimeError(
                    f"{self._name}.backward returned a gradient for argument {j}, which is a "
                    f"{type(x).__name__}, not a Tensor: return None for it"
                )
            return None
        if not x.requires_grad:
            return None
        if gx is None:  # no gradient flows to x: as zeros, as PyTorch takes it
            return x._lift(np.zeros(x.shape, x.dtype))
        if isinstance(gx, np.ndarray):
            gx = Tensor._lift(gx)
        if not isinstance(gx, Tensor):
            raise TypeError(
                f"{self._name}.backward returned a {type(gx).__name__} as the gradient of input {j}; "
                "expected a Tensor or None"
            )
        if gx.shape != x.shape and not _sums_to(gx.shape, x.shape):
            raise RuntimeError(
                f"{self._name}.backward returned a gradient of shape {gx.shape} for input {j}, "
                f"which has shape {x.shape}"
            )
        return gx


class _Saved:
    """A tensor saved for backward, with its version then; an output is held weakly (it holds
    the node that holds this), with its array and version counter for when it is gone."""

    __slots__ = ("tensor", "what", "version", "output")

    def __init__(self, tensor: Tensor, what: str):
        self.tensor, self.what, self.version, self.output = tensor, what, tensor._version, None

    def bind(self, output: Tensor) -> _Saved:
        """This saved tensor is the Function's output: refer to the output apply returned."""
        saved = _Saved.__new__(_Saved)
        counter = output._shared_counter()
        saved.tensor, saved.what, saved.version = None, "its output", counter.value
        saved.output = (weakref.ref(output), output._data, counter)
        return saved

    def unpack(self, name: str) -> Tensor:
        if self.output is None:
            tensor, now, shape = self.tensor, self.tensor._version, self.tensor.shape
        else:
            ref, data, counter = self.output
            tensor, now, shape = ref(), counter.value, data.shape
        if now != self.version:
            raise changed_in_place(name, self.what, shape, self.version, now)
        return tensor if tensor is not None else Tensor._lift(self.output[1])


def _sums_to(shape: tuple, target: tuple) -> bool:
    """Whether a gradient of shape sums down to target (target broadcasts to shape)."""
    try:
        return np.broadcast_shapes(shape, target) == tuple(shape)
    except ValueError:
        return False


def _cut(packed: Tensor, start: int, size: int, shape: tuple, dtype: np.dtype) -> Tensor:
    """One output's part of the packed output (or of its gradient), in its shape and dtype."""
    part = packed[start : start + size]
    part = part if part.shape == shape else part.reshape(shape)
    return part if part.dtype == dtype else part.astype(dtype)


def _packed(arrays: list) -> np.ndarray:
    """Several outputs as one flat array (one op output), in their common dtype."""
    if not arrays:
        return np.zeros(0, get_default_dtype())
    dtype = np.result_type(*arrays)
    return np.concatenate([a.astype(dtype, copy=False).ravel() for a in arrays])


def _sequence(result) -> tuple:
    if isinstance(result, (tuple, list)):
        return tuple(result)
    if isinstance(result, np.ndarray):
        return (result,)
    raise TypeError(f"forward returned a {type(result).__name__}; expected a Tensor or a tuple of them")


def _overrides(function: type, name: str) -> bool:
    return getattr(function, name) is not getattr(Function, name)


# -- the op behind every Function: arguments (*the arguments given to apply, ctx) ----------------


def _run_forward(*arrays_and_ctx):
    # The arrays are the tensors' values; the user's forward is given the tensors
    # themselves, as PyTorch's is, and ctx holds them.
    ctx = arrays_and_ctx[-1]
    if isinstance(ctx, type):  # a trace's replay: the class, to run on these arrays
        values = [Tensor._lift(a) if isinstance(a, np.ndarray) else a for a in arrays_and_ctx[:-1]]
        ctx = FunctionCtx(ctx, tuple(values))
    return ctx._forward()


def _run_backward(i: int, g: Tensor, out, *inputs_and_ctx) -> Tensor:
    return inputs_and_ctx[-1]._gradient(i, g, inputs_and_ctx[:-1])


def _label(inputs: tuple, name: str) -> str:
    """The class's name, with the arguments that are not tensors: "Scale(2.0)"."""
    from .draw_labels import constant  # picture code, read only when a picture is drawn

    shown = [constant(x) for x in inputs[:-1] if not isinstance(x, Tensor)]
    return f"{name}({', '.join(shown)})" if shown else name


def _op_of(function: type) -> Op:
    """The Op of a Function subclass, made once and kept on the class."""
    op = function.__dict__.get("_op")
    if op is None:
        name = function.__name__
        op = Op(name, _run_forward, every(_run_backward), 0, (), False, None, True,
                label=lambda inputs: _label(inputs, name))  # fmt: skip
        function._op = op
    return op


class Function:
    """A custom op: subclass it with static `forward(ctx, *args)` and `backward(ctx, *grad_outputs)`,
    then call `MyFunction.apply(*args)` (PyTorch's `torch.autograd.Function`).

    `backward` returns one gradient per argument of `apply` (None for those that take
    none), each shaped like its argument.
    """

    _op: Op | None = None

    @staticmethod
    def forward(ctx: FunctionCtx, *args: Any) -> Any:
        raise NotImplementedError("a Function subclass defines a static forward(ctx, *args)")

    @staticmethod
    def setup_context(ctx: FunctionCtx, inputs: tuple, output: Any) -> None:
        """PyTorch 2's style: with this defined, forward takes no ctx and this fills it."""

    @staticmethod
    def backward(ctx: FunctionCtx, *grad_outputs: Tensor) -> Any:
        raise NotImplementedError("a Function subclass defines a static backward(ctx, *grad_outputs)")

    @classmethod
    def apply(cls, *args: Any):
        """Run forward on args, recording one op whose VJP is this class's backward."""
        ctx = FunctionCtx(cls, args)
        return ctx._finish(apply(_op_of(cls), *args, ctx))

    def __call__(self, *args, **kwargs):
        raise TypeError(
            f"call {type(self).__name__}.apply(...) on the class: forward and backward are static methods"
        )
