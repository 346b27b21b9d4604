"""The Tensor: a NumPy array that remembers how it was made, and the one place ops are applied.

`apply(op, *args)` is the recording boundary: it runs an op's forward on the arrays,
and, when grad mode is on and an operand requires grad, records a `Node` (the
tensor's `grad_fn`) that remembers the op, its inputs, and the versions of the values
its backward will read. Every op goes through it, in-place ones included.

Memory follows PyTorch. Views (`reshape`, `transpose`, basic indexing, `expand`,
`detach`) share their input's array and its version counter; an in-place op writes
into the array and bumps the counter; backward compares the versions it saved.
"""

from __future__ import annotations

import builtins
import warnings
import weakref
from collections import namedtuple
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from . import anomaly, devices, dtypes, engine, numpy_errors
from .node import Node, Version
from .ops import classification as C
from .ops import elementwise as E
from .ops import linalg as L
from .ops import reduce as R
from .ops import shape as S
from .ops.op import ShapeError
from .random import draw
from .random import multinomial as _multinomial
from .recording import refuse
from .state import modes


def _failed(name: str, error: Exception, args) -> Exception:
    """NumPy's error with the op's name and the shapes it was given."""
    if isinstance(error, ShapeError):  # the op's own words name the shapes already
        return ValueError(f"{name}: {error}")
    shapes = ", ".join(str(a.shape) for a in _flat(args) if isinstance(a, Tensor))
    message = f"{name}: {error} (input shapes: {shapes})"
    try:
        return type(error)(message)
    except TypeError:  # NumPy's casting errors take more arguments: keep their base class
        return next(kind for kind in (TypeError, IndexError, ValueError) if isinstance(error, kind))(message)


def _flat(args):
    for a in args:
        yield from (a if isinstance(a, (list, tuple)) else (a,))


def apply(op, *args, into: Tensor | None = None) -> Tensor:
    """Run `op` on args (Tensors, arrays, numbers, parameters) and record it when needed.

    With `into`, the result is written into that tensor's own array (an in-place op):
    it keeps its identity, its views see the change, and its version goes up.
    """
    arrays = []
    record = False
    dtype = None  # the one dtype of the operands' arrays, or False if they differ
    for a in args:
        if isinstance(a, Tensor):
            record = record or a.requires_grad
            a = a._data
            if dtype is None:
                dtype = a.dtype
            elif a.dtype != dtype:
                dtype = False
        elif isinstance(a, np.generic):  # a NumPy scalar is weak, as a Python number is
            a = a.item()
        elif isinstance(a, np.ndarray):
            dtype = False
        arrays.append(a)
    record = record and modes.grad_enabled and op.differentiable
    # Tensors of one float dtype, with Python numbers: NumPy's result dtype is PyTorch's already.
    prepared = arrays
    if op.dtype is not None and (dtype is None or dtype is False or dtype.kind != "f"):
        prepared = dtypes.ready(op.dtype, arrays)
    token = numpy_errors.state.set(numpy_errors.QUIET)  # NumPy's warnings off: see numpy_errors
    recorder = modes.recorder
    if recorder is not None:  # a trace records this op, not the ops its forward may apply (a Function's)
        recorder.depth += 1
    try:
        data = op.forward(*prepared)
        if into is not None:
            _write(into, data)
    except (ValueError, IndexError, TypeError) as error:
        if into is not None and isinstance(error, TypeError):  # PyTorch's error for an in-place cast
            raise RuntimeError(
                f"{op.name} in place: {error}; a {into.dtype} tensor keeps its dtype"
            ) from None
        raise _failed(op.name, error, args) from None
    finally:
        numpy_errors.state.reset(token)
        if recorder is not None:
            recorder.depth -= 1
    if into is not None:
        out = into
        out._bump()
    else:
        out = Tensor.__new__(Tensor)
        # NumPy hands back scalars for 0-d results
        out._data = data if type(data) is np.ndarray else np.asarray(data)
        if op.view and isinstance(args[0], Tensor) and np.may_share_memory(data, args[0]._data):
            out._counter = args[0]._shared_counter()
            out._view_of = (args[0], op, args[1:])
    if record:
        out.requires_grad = True
        out._node = _record(op, args, out)
    if recorder is not None:  # autograd.trace is recording this call
        recorder.applied(op, args, arrays, prepared, data, out, into)
    if modes.anomaly:
        anomaly.check_forward(op, out, args)
    return out


def _record(op, args: tuple, out: Tensor) -> Node:
    """The Node of an op applied to args: where each argument's gradient goes (the Node that
    made it, the tensor itself for a leaf, or nowhere), and the versions its backward will check."""
    parents = tuple([_edge(a) if isinstance(a, Tensor) and a.requires_grad else None for a in args])
    versions = tuple([a._version if isinstance(a, Tensor) else None for a in args]) if op.reads else None
    return Node(op, args, parents, versions, out)


def _edge(t: Tensor):
    node = t._node
    return t if node is None else node


def _write(into: Tensor, data) -> None:
    """An in-place op's result into its tensor's array, which keeps its shape and dtype."""
    target = into._data
    if not target.flags.writeable:
        raise ValueError("the tensor is a read-only view (expand/broadcast_to); clone() it first")
    if type(data) is np.ndarray and data.shape == target.shape and data.dtype == target.dtype:
        target[...] = data  # the common case: nothing to check
        return
    if np.shape(data) != target.shape and np.broadcast_shapes(np.shape(data), target.shape) != target.shape:
        raise ValueError(
            f"the result has shape {np.shape(data)}, which cannot be written into shape {target.shape}"
        )
    if not np.can_cast(np.result_type(data), target.dtype, "same_kind"):
        raise TypeError(
            f"the result has dtype {np.result_type(data)}, which cannot be written into a {target.dtype} tensor"
        )
    np.copyto(target, data, casting="same_kind")


_UFUNC_OPS = {
    np.add: E.add, np.subtract: E.sub, np.multiply: E.mul, np.true_divide: E.div, np.power: E.pow,
    np.matmul: L.matmul, np.maximum: E.maximum, np.minimum: E.minimum, np.negative: E.neg,
    np.exp: E.exp, np.log: E.log, np.sqrt: E.sqrt, np.sin: E.sin, np.cos: E.cos, np.tanh: E.tanh,
    np.absolute: E.abs, np.less: E.lt, np.less_equal: E.le, np.greater: E.gt,
    np.greater_equal: E.ge, np.equal: E.eq, np.not_equal: E.ne,
}  # fmt: skip

# -- the Tensor ----------------------------------------------------------------------------

max_result = namedtuple("max", ["values", "indices"])
min_result = namedtuple("min", ["values", "indices"])
topk_result = namedtuple("topk", ["values", "indices"])


class Tensor:
    """An n-d array (0-d for scalars) that records the ops applied to it.

    `Tensor(data, requires_grad=False, dtype=None, name=None, device=None)`: `data` is a
    number, a nested list, a NumPy array (its dtype is kept) or another Tensor (copied);
    the device, if given, must be the CPU.
    """

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        """NumPy's functions on Tensors: ops where this engine has one, else plain arrays.

        `array * tensor` and `np.exp(tensor)` are the engine's ops (a Tensor, with a
        gradient); `np.isnan(tensor)` and other functions without an op here run on the
        arrays and return an array.
        """
        op = _UFUNC_OPS.get(ufunc)
        if method == "__call__" and op is not None and not kwargs:
            return apply(op, *[_operand(x) for x in inputs])
        if any(isinstance(x, Tensor) for x in kwargs.get("out", ())):
            return NotImplemented
        arrays = [x._data if isinstance(x, Tensor) else x for x in inputs]
        return getattr(ufunc, method)(*arrays, **kwargs)

    # __eq__ returns a Tensor, so the identity hash must be restored by hand.
    __hash__ = object.__hash__

    # Class-level defaults: an op's output sets only the attributes that differ.
    requires_grad: bool = False
    name: str | None = None
    _grad: Tensor | None = None
    _node: Node | None = None
    _counter: Version | None = None  # made when first needed: most tensors never change
    _hooks: list | None = None
    _retains_grad: bool = False
    _view_of: tuple | None = None  # (base, view op, its parameters) for a view made by an op

    def __init__(
        self, data: Any, requires_grad: bool = False, dtype=None, name: str | None = None, device=None
    ):
        if device is not None:
            devices.check(device, "Tensor")
        if isinstance(data, Tensor):
            data = data._data
        if isinstance(data, (np.ndarray, np.generic)):
            array = np.array(data, dtype=None if dtype is None else dtypes.as_dtype(dtype))
            if modes.recorder is not None and type(data) is np.ndarray:  # a copy a trace must make too
                modes.recorder.converted(data, array)
        else:  # Python data: straight into the dtype asked for (-0.3 as float64 is not float32's -0.3)
            array = dtypes.array_of(data, None if dtype is None else dtypes.as_dtype(dtype))
        if array.dtype.kind not in "fiub":
            raise TypeError(f"Tensor: unsupported dtype {array.dtype}")
        self._data = array
        if requires_grad:
            self.requires_grad_(True)
        if name is not None:
            self.name = str(name)

    @staticmethod
    def _lift(x) -> Tensor:
        """x as a Tensor: itself if it is one, else a constant holding it (not copied)."""
        if isinstance(x, Tensor):
            return x
        out = Tensor.__new__(Tensor)
        out._data = np.asarray(x)
        return out

    # -- memory: data, versions, views --------------------------------------------

    @property
    def data(self) -> Tensor:
        """A Tensor sharing this one's memory that does not require grad; writes to it are not tracked."""
        if modes.recorder is not None:  # the array's owner: a replay checks it still holds it
            modes.recorder.var(self._data, self)
        out = Tensor.__new__(Tensor)
        out._data = self._data
        return out

    @data.setter
    def data(self, value) -> None:
        self._data = value._data if isinstance(value, Tensor) else np.asarray(value)

    @property
    def _version(self) -> int:
        """How many in-place changes this tensor's memory has seen (PyTorch's `_version`)."""
        return 0 if self._counter is None else self._counter.value

    def _shared_counter(self) -> Version:
        if self._counter is None:
            self._counter = Version()
        return self._counter

    def _bump(self) -> None:
        self._shared_counter().value += 1

    def numpy(self) -> np.ndarray:
        """The array itself (shared memory)."""
        if modes.recorder is not None:
            raise refuse("numpy()")
        return self._data

    def __array__(self, dtype=None, copy=None):
        array = self._data if dtype is None else self._data.astype(dtype, copy=False)
        return array.copy() if copy else array

    def detach(self) -> Tensor:
        """The same memory (and version counter), cut off from the graph."""
        out = Tensor.__new__(Tensor)
        out._data = self._data
        out._counter = self._shared_counter()
        return out

    def clone(self) -> Tensor:
        """A copy with memory of its own; gradients flow back through it."""
        return apply(E.astype, self, self.dtype)

    def contiguous(self) -> Tensor:
        """self if its array is laid out in C order already, else a copy that is (gradients flow)."""
        return self if self._data.flags.c_contiguous else self.clone()

    # -- properties ------------------------------------------------------------------

    @property
    def shape(self) -> tuple[int, ...]:
        return self._data.shape

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def dim(self) -> int:
        return self._data.ndim

    def size(self, dim: int | None = None):
        """The shape, or with `dim` the length of that axis (PyTorch's size)."""
        if dim is None:
            return self._data.shape
        return self._data.shape[dim]

    def numel(self) -> int:
        """How many elements."""
        return int(self._data.size)

    nelement = numel

    @property
    def dtype(self) -> np.dtype:
        return self._data.dtype

    @property
    def device(self) -> devices.device:
        """Always the CPU: `device(type='cpu')`, which equals "cpu"."""
        return devices.CPU

    @property
    def is_cuda(self) -> bool:
        return False

    @property
    def T(self) -> Tensor:
        return apply(S.transpose, self, None)

    @property
    def is_leaf(self) -> bool:
        return self._node is None

    @property
    def grad_fn(self) -> Node | None:
        """The recorded op that made this tensor (has `.name`), or None for a leaf or constant."""
        return self._node

    @property
    def grad(self) -> Tensor | None:
        """The gradient backward accumulated here: leaves, and non-leaves that `retain_grad()`."""
        if self._grad is None and self._node is not None and not self._retains_grad:
            warnings.warn(
                "reading .grad of a tensor that is not a leaf: backward does not keep it, so it is None; "
                "call .retain_grad() on it before backward to keep it, or use its leaf instead",
                UserWarning,
                stacklevel=2,
            )
        if modes.recorder is not None:
            modes.recorder.grad_read(self)
        return self._grad

    @grad.setter
    def grad(self, value) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"grad: expected a Tensor or None, got {type(value).__name__}")
            if value.shape != self.shape:
                raise ValueError(
                    f"grad: a gradient of shape {value.shape} for a tensor of shape {self.shape}"
                )
        if modes.recorder is not None:
            modes.recorder.grad_set(self, value)
        self._grad = value

    # What the drawing code reads: the op, its arguments, its scope and its call site.
    @property
    def _op(self):
        return None if self._node is None else self._node.op

    @property
    def _inputs(self) -> tuple | None:
        """The op's arguments, each tensor as it was when the op ran (an in-place op since may
        have given the tensor a new history; its old value then stands in for it)."""
        if self._node is None or self._node.inputs is None:
            return None if self._node is not None else ()
        node = self._node
        return tuple(
            p.output() if type(p) is Node and p.output is not None and p.output() is not None else x
            for x, p in zip(node.inputs, node.parents)
        )

    @property
    def _scope(self) -> tuple[str, ...]:
        return () if self._node is None else self._node.scope

    @property
    def _trace(self) -> str | None:
        return None if self._node is None else self._node.trace

    @property
    def parents(self) -> tuple[Tensor, ...]:
        """The Tensor arguments of the op that made this tensor, in order."""
        return tuple(x for x in self._inputs or () if isinstance(x, Tensor))

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Mark a leaf as a variable to differentiate with respect to (in place)."""
        if requires_grad and self._data.dtype.kind != "f":
            raise TypeError(f"only floating-point tensors can require grad; this one is {self._data.dtype}")
        if not requires_grad and self._node is not None:
            raise RuntimeError("requires_grad_(False) on a non-leaf: use .detach() instead")
        self.requires_grad = bool(requires_grad)
        return self

    # -- conversions -------------------------------------------------------------------

    def item(self) -> float | int | bool:
        if modes.recorder is not None:
            raise refuse("item()")
        if self._data.size != 1:
            raise ValueError(f"item(): tensor of shape {self.shape} has {self.numel()} elements, not 1")
        return self._data.item()

    def tolist(self):
        if modes.recorder is not None:
            raise refuse("tolist()")
        return self._data.tolist()

    def astype(self, dtype) -> Tensor:
        """A copy converted to dtype; only a float result carries a gradient (as PyTorch's)."""
        dtype = dtypes.as_dtype(dtype)
        return apply(E.astype, self if dtype.kind == "f" else self.detach(), dtype)

    def to(
        self,
        *args,
        dtype=None,
        device=None,
        non_blocking: bool = False,
        copy: bool = False,
        memory_format=None,
    ) -> Tensor:
        """`to(dtype)`, `to("cpu")`, `to(device, dtype)`, `to(other_tensor)`: PyTorch's conversions.

        Returns self when nothing changes (unless `copy=True`). The CPU is the only device.
        """
        for a in args:
            if a is None:  # PyTorch's to(None): nothing to change
                continue
            if isinstance(a, Tensor):
                dtype = a.dtype
            elif isinstance(a, (str, devices.device)) or (isinstance(a, int) and not isinstance(a, bool)):
                device = a
            else:
                dtype = a
        devices.check(device, "to")
        if dtype is not None and dtypes.as_dtype(dtype) != self.dtype:
            return self.astype(dtype)
        return self.clone() if copy else self

    def cpu(self) -> Tensor:
        """self: tensors live on the CPU already."""
        return self

    def cuda(self, device=None, non_blocking: bool = False) -> Tensor:
        """An error: there is no CUDA device here."""
        devices.check(f"cuda:{device}" if isinstance(device, int) else device or "cuda", "cuda")
        return self

    def float(self) -> Tensor:
        return self.to(np.float32)

    def double(self) -> Tensor:
        return self.to(np.float64)

    def half(self) -> Tensor:
        return self.to(np.float16)

    def long(self) -> Tensor:
        return self.to(np.int64)

    def int(self) -> Tensor:
        return self.to(np.int32)

    def bool(self) -> Tensor:
        return self.to(np.bool_)

    # -- new tensors with this one's dtype (PyTorch's new_* methods) ----------------------

    def new_tensor(self, data, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
        """A new tensor holding data, in self's dtype unless given"""
        return Tensor(data, requires_grad, self.dtype if dtype is None else dtype, device=device)

    def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
        """A new tensor of shape size filled with fill_value, in self's dtype unless given"""
        devices.check(device, "new_full")
        dtype = self.dtype if dtype is None else dtypes.as_dtype(dtype)
        return Tensor._lift(np.full(_shape_arg((size,)), fill_value, dtype)).requires_grad_(requires_grad)

    def new_zeros(self, *size, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
        return self.new_full(_shape_arg(size), 0, dtype=dtype, device=device, requires_grad=requires_grad)

    def new_ones(self, *size, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
        return self.new_full(_shape_arg(size), 1, dtype=dtype, device=device, requires_grad=requires_grad)

    new_empty = new_zeros  # PyTorch leaves the memory unset; zeros are one valid content

    def __float__(self) -> float:
        if modes.recorder is not None:
            raise refuse("float()")
        return float(self.item())

    def __int__(self) -> int:
        if modes.recorder is not None:
            raise refuse("int()")
        return int(self.item())

    def __index__(self) -> int:
        if modes.recorder is not None:
            raise refuse("an index (__index__)")
        if self._data.dtype.kind not in "iu" or self._data.size != 1:
            raise TypeError(
                f"only integer tensors of one element can be an index, not {self.dtype} {self.shape}"
            )
        return int(self._data.item())

    def __bool__(self) -> bool:
        if modes.recorder is not None:
            raise refuse("bool()")
        return bool(self._data)

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self) -> Iterator[Tensor]:
        return (self[i] for i in range(len(self)))

    def __repr__(self) -> str:
        body = np.array2string(self._data, separator=", ", prefix="Tensor(", precision=4)
        extras = []
        if self._data.dtype != dtypes.get_default_dtype() and self._data.dtype not in (np.int64, np.bool_):
            extras.append(f"dtype={self._data.dtype}")
        if self._node is not None:
            extras.append(f"grad_fn={self._node.op.name}")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        if self.name is not None:
            extras.append(f"name={self.name!r}")
        return f"Tensor({body}{''.join(', ' + e for e in extras)})"

    def __format__(self, spec: str) -> str:
        if modes.recorder is not None:
            raise refuse("format()")
        if self._data.ndim == 0:
            return format(self._data.item(), spec)
        return format(str(self), spec)

    # -- autograd ----------------------------------------------------------------------

    def backward(self, gradient=None, retain_graph: bool = False, create_graph: bool = False) -> None:
        """Accumulate d(self)/d(leaf) into every leaf's `.grad`.

        `gradient` weights the output (required unless self is a scalar); with
        `create_graph` the gradients are themselves differentiable.
        """
        engine.backward(self, gradient, retain_graph=retain_graph, create_graph=create_graph)

    def register_hook(self, hook: Callable[[Tensor], Tensor | None]) -> _HookHandle:
        """Call `hook(grad)` when this tensor's gradient is computed; a returned Tensor replaces it."""
        if not self.requires_grad:
            raise RuntimeError("register_hook: this tensor does not require grad")
        if self._node is None:
            if self._hooks is None:
                self._hooks = []
            hooks = self._hooks
        else:
            if self._node.hooks is None:
                self._node.hooks = []
            hooks = self._node.hooks
        hooks.append(hook)
        return _HookHandle(hooks, hook)

    def retain_grad(self) -> None:
        """Keep `.grad` on this non-leaf after backward (leaves always keep theirs)."""
        if not self.requires_grad:
            raise RuntimeError("retain_grad: this tensor does not require grad")
        if self._node is not None:
            self._retains_grad = True
            self._node.retained = weakref.ref(self)

    # -- in place: the tensor itself changes ---------------------------------------------

    def _update(self, op, *args) -> Tensor:
        """self ← op(*args), where args name self: written into self's own array.

        Recorded (grad mode on, and self or an operand requires grad), the tensor becomes
        the output of the op, whose input is its old self, as in PyTorch.
        """
        recorded = False
        if modes.grad_enabled:
            for a in args:
                if isinstance(a, Tensor) and a.requires_grad:
                    recorded = True
                    break
        if not recorded:
            return apply(op, *args, into=self)
        if self.requires_grad and self._node is None:
            raise RuntimeError(
                f"{op.name} in place on a leaf tensor that requires grad (shape {self.shape}): "
                "backward would lose the value it needs. Update parameters under `with autograd.no_grad():` "
                "(as optimizers do), or through `.data`"
            )
        reads_self = any(0 in reads for reads in op.reads.values())
        if self._view_of is not None:
            return self._update_through_view(op, args, reads_self)
        old = self._old_self(copy=reads_self)
        return apply(op, *[old if a is self else a for a in args], into=self)

    def _update_through_view(self, op, args, reads_self: bool) -> Tensor:
        """A recorded in-place op on a view: the tensor it views takes the change, as in PyTorch.

        The view's new value is computed out of place, written into the base (itself an
        in-place op, so the base's history records it), and the view is made again from
        the new base.
        """
        base, view_op, params = self._view_of
        old = self._old_self(copy=reads_self)
        value = apply(op, *[old if a is self else a for a in args])
        if view_op is S.getitem:
            base._update(S.setitem, base, params[0], value)
        else:  # reshape or transpose: the view is the whole base, rearranged
            whole = (
                value.reshape(base.shape)
                if view_op is S.reshape
                else value.T
                if params[0] is None
                else value.permute(S._inverse(params[0]))
            )
            base._update(S.setitem, base, Ellipsis, whole)
        remade = apply(view_op, base, *params)
        self._node, self.requires_grad = remade._node, remade.requires_grad
        return self

    def _old_self(self, copy: bool) -> Tensor:
        """self as it is now, as its own object: the input of an in-place op on self.

        A copy when the op's backward reads that value, or when self has a history (which
        pictures draw with the value it had); otherwise a view, whose value nothing reads.
        """
        copy = copy or self._node is not None
        old = Tensor.__new__(Tensor)
        old._data = self._data.copy() if copy else self._data
        if copy and modes.recorder is not None:
            modes.recorder.copied(self._data, old._data, self)
        old._node = self._node
        old.requires_grad = self.requires_grad
        old.name = self.name
        if not copy:
            old._counter = self._shared_counter()
        if self._node is not None:  # pictures draw the old history's output as this old value
            self._node.output = weakref.ref(old)
        return old

    def add_(self, other, *, alpha=1) -> Tensor:
        """self += alpha · other, in place"""
        return self._update(E.add, self, other if alpha == 1 else other * alpha)

    def sub_(self, other, *, alpha=1) -> Tensor:
        """self -= alpha · other, in place"""
        return self._update(E.sub, self, other if alpha == 1 else other * alpha)

    def mul_(self, other) -> Tensor:
        """self *= other, in place"""
        return self._update(E.mul, self, other)

    def div_(self, other) -> Tensor:
        """self /= other, in place"""
        return self._update(E.div, self, other)

    def clamp_(self, min=None, max=None) -> Tensor:
        """self = clip(self, min, max), in place"""
        _check_bounds(min, max)
        return self._update(E.clip, self, min, max)

    clip_ = clamp_

    def fill_(self, value) -> Tensor:
        """Every element set to value, in place"""
        return self._update(S.setitem, self, Ellipsis, value)

    def zero_(self) -> Tensor:
        """Every element set to 0, in place"""
        return self._update(S.setitem, self, Ellipsis, 0)

    def uniform_(self, from_: float = 0.0, to: float = 1.0, *, generator=None) -> Tensor:
        """Every element drawn uniformly from [from_, to), in place"""
        draws = draw("uniform", from_, to, self.shape, generator=generator, where="uniform_")
        return self._update(S.setitem, self, Ellipsis, draws)  # the write rounds to self's dtype

    def normal_(self, mean: float = 0.0, std: float = 1.0, *, generator=None) -> Tensor:
        """Every element drawn from the normal distribution N(mean, std²), in place"""
        draws = draw("normal", mean, std, self.shape, generator=generator, where="normal_")
        return self._update(S.setitem, self, Ellipsis, draws)  # the write rounds to self's dtype

    def multinomial(self, num_samples: int, replacement: bool = False, *, generator=None) -> Tensor:
        """Category indices drawn from each row of self's non-negative weights (int64, no gradient)"""
        return Tensor._lift(draw(_multinomial, self._data, num_samples, replacement, generator=generator))

    def copy_(self, src) -> Tensor:
        """self's elements replaced by src's (broadcast to self's shape), in place"""
        return self._update(S.setitem, self, Ellipsis, src)

    def __setitem__(self, index, value) -> None:
        """self[index] = value, in place, with every index form that getitem takes"""
        if isinstance(value, (list, tuple)):
            value = dtypes.array_of(value)
        self._update(S.setitem, self, S.normalize_index(index), value)

    def __iadd__(self, other) -> Tensor:
        return self._update(E.add, self, other)

    def __isub__(self, other) -> Tensor:
        return self._update(E.sub, self, other)

    def __imul__(self, other) -> Tensor:
        return self._update(E.mul, self, other)

    def __itruediv__(self, other) -> Tensor:
        return self._update(E.div, self, other)

    # -- arithmetic: a + b, a - b, ... -------------------------------------------------

    def __add__(self, other) -> Tensor:
        return apply(E.add, self, _operand(other))

    def __radd__(self, other) -> Tensor:
        return apply(E.add, _operand(other), self)

    def __sub__(self, other) -> Tensor:
        return apply(E.sub, self, _operand(other))

    def __rsub__(self, other) -> Tensor:
        return apply(E.sub, _operand(other), self)

    def __mul__(self, other) -> Tensor:
        return apply(E.mul, self, _operand(other))

    def __rmul__(self, other) -> Tensor:
        return apply(E.mul, _operand(other), self)

    def __truediv__(self, other) -> Tensor:
        return apply(E.div, self, _operand(other))

    def __rtruediv__(self, other) -> Tensor:
        return apply(E.div, _operand(other), self)

    def __pow__(self, other) -> Tensor:
        return apply(E.pow, self, _operand(other))

    def __rpow__(self, other) -> Tensor:
        return apply(E.pow, _operand(other), self)

    def __matmul__(self, other) -> Tensor:
        return apply(L.matmul, self, _operand(other))

    def __rmatmul__(self, other) -> Tensor:
        return apply(L.matmul, _operand(other), self)

    def __neg__(self) -> Tensor:
        return apply(E.neg, self)

    def __pos__(self) -> Tensor:
        return self

    def __abs__(self) -> Tensor:
        return apply(E.abs, self)

    def __invert__(self) -> Tensor:
        if self.dtype != np.bool_:
            raise TypeError(f"~ is logical not, for bool tensors; this one is {self.dtype}")
        return apply(E.logical_not, self)

    def __and__(self, other) -> Tensor:
        return apply(E.logical_and, self, _operand(other))

    __rand__ = __and__

    def __or__(self, other) -> Tensor:
        return apply(E.logical_or, self, _operand(other))

    __ror__ = __or__

    def logical_not(self) -> Tensor:
        return apply(E.logical_not, self)

    def logical_and(self, other) -> Tensor:
        return apply(E.logical_and, self, _operand(other))

    def logical_or(self, other) -> Tensor:
        return apply(E.logical_or, self, _operand(other))

    def round(self, decimals: int = 0) -> Tensor:
        """Each element rounded (halves to even), as a constant: no gradient flows through rounding"""
        return apply(E.round_, self, decimals)

    def isfinite(self) -> Tensor:
        """Whether each element is finite (not ±inf or NaN; a bool tensor, no gradient)"""
        return apply(E.isfinite, self)

    def isnan(self) -> Tensor:
        """Whether each element is NaN (a bool tensor, no gradient)"""
        return apply(E.isnan, self)

    def __lt__(self, other) -> Tensor:
        return apply(E.lt, self, _operand(other))

    def __le__(self, other) -> Tensor:
        return apply(E.le, self, _operand(other))

    def __gt__(self, other) -> Tensor:
        return apply(E.gt, self, _operand(other))

    def __ge__(self, other) -> Tensor:
        return apply(E.ge, self, _operand(other))

    def __eq__(self, other) -> Tensor:  # type: ignore[override]
        if not isinstance(other, _COMPARABLE):  # let the other side decide (pytest.approx, None, ...)
            return NotImplemented
        return apply(E.eq, self, _operand(other))

    def __ne__(self, other) -> Tensor:  # type: ignore[override]
        if not isinstance(other, _COMPARABLE):
            return NotImplemented
        return apply(E.ne, self, _operand(other))

    def __getitem__(self, index) -> Tensor:
        return apply(S.getitem, self, S.normalize_index(index))

    def add(self, other) -> Tensor:
        return self + other

    def sub(self, other) -> Tensor:
        return self - other

    def mul(self, other) -> Tensor:
        return self * other

    def div(self, other) -> Tensor:
        return self / other

    def pow(self, exponent) -> Tensor:
        return self**exponent

    def matmul(self, other) -> Tensor:
        return self @ other

    def neg(self) -> Tensor:
        return -self

    def lt(self, other) -> Tensor:
        return self < other

    def le(self, other) -> Tensor:
        return self <= other

    def gt(self, other) -> Tensor:
        return self > other

    def ge(self, other) -> Tensor:
        return self >= other

    def eq(self, other) -> Tensor:
        return self == other

    def ne(self, other) -> Tensor:
        return self != other

    # -- elementwise -------------------------------------------------------------------

    def exp(self) -> Tensor:
        return apply(E.exp, self)

    def log(self) -> Tensor:
        return apply(E.log, self)

    def log2(self) -> Tensor:
        """log₂ x = ln x / ln 2"""
        return apply(E.log, self) / np.log(2.0)

    def log10(self) -> Tensor:
        """log₁₀ x = ln x / ln 10"""
        return apply(E.log, self) / np.log(10.0)

    def sqrt(self) -> Tensor:
        return apply(E.sqrt, self)

    def sin(self) -> Tensor:
        return apply(E.sin, self)

    def cos(self) -> Tensor:
        return apply(E.cos, self)

    def tanh(self) -> Tensor:
        return apply(E.tanh, self)

    def sigmoid(self) -> Tensor:
        return apply(E.sigmoid, self)

    def relu(self) -> Tensor:
        return apply(E.relu, self)

    def abs(self) -> Tensor:
        return apply(E.abs, self)

    def sign(self) -> Tensor:
        return apply(E.sign, self)

    def clip(self, min=None, max=None) -> Tensor:
        """min(max(x, lo), hi); no gradient outside [lo, hi]"""
        _check_bounds(min, max)
        return apply(E.clip, self, min, max)

    clamp = clip

    def maximum(self, other) -> Tensor:
        return apply(E.maximum, self, _operand(other))

    def minimum(self, other) -> Tensor:
        return apply(E.minimum, self, _operand(other))

    def where(self, condition, other) -> Tensor:
        """self where condition holds, else other (PyTorch's Tensor.where)"""
        return apply(E.where, mask_of(condition), self, _operand(other))

    def masked_fill(self, mask, value) -> Tensor:
        """value where mask holds, else self: where(mask, value, self), in self's dtype"""
        return apply(E.where, _mask_over(mask, self), _fill_value(value, self), self)

    def masked_fill_(self, mask, value) -> Tensor:
        """self = where(mask, value, self), in place"""
        return self._update(E.where, _mask_over(mask, self), _fill_value(value, self), self)

    # -- reductions: axis/keepdims, or PyTorch's dim/keepdim ------------------------------

    def sum(self, axis=None, keepdims=False, *, dim=None, keepdim=None, dtype=None, out=None) -> Tensor:
        """Σ over axis"""
        x = _numpy_style(self, dtype, out)
        axis, keepdims = _axis(axis, dim), keepdims if keepdim is None else keepdim
        return apply(R.sum, x, axis, bool(keepdims))

    def mean(self, axis=None, keepdims=False, *, dim=None, keepdim=None, dtype=None, out=None) -> Tensor:
        """Σx / n over axis"""
        x = _numpy_style(self, dtype, out)
        axis, keepdims = _axis(axis, dim), keepdims if keepdim is None else keepdim
        return x.sum(axis, keepdims) / _count(x.shape, axis)

    def var(
        self, axis=None, keepdims=False, *, correction=1, dim=None, keepdim=None, unbiased=None
    ) -> Tensor:
        """Σ(x - mean)² / (n - correction): unbiased by default, as PyTorch"""
        axis, keepdims = _axis(axis, dim), keepdims if keepdim is None else keepdim
        if unbiased is not None:
            correction = int(unbiased)
        centred = self - self.mean(axis, keepdims=True)
        return (centred * centred).sum(axis, keepdims) / builtins.max(
            _count(self.shape, axis) - correction, 0
        )

    def std(
        self, axis=None, keepdims=False, *, correction=1, dim=None, keepdim=None, unbiased=None
    ) -> Tensor:
        """√var, with PyTorch's gradient of 0 at a constant row"""
        axis, keepdims = _axis(axis, dim), keepdims if keepdim is None else keepdim
        if unbiased is not None:
            correction = int(unbiased)
        return apply(R.std, self, axis, bool(keepdims), correction)

    def logsumexp(self, axis=None, keepdims=False, *, dim=None, keepdim=None) -> Tensor:
        """log Σ eˣ, stable: m + log Σ e^(x - m) with m the max (a constant: its gradient cancels)"""
        axis, keepdims = _axes_of(self, axis, dim, "logsumexp"), keepdims if keepdim is None else keepdim
        if self._data.size == 0:
            m = np.zeros(R.kept_shape(self.shape, axis), self.dtype)
        else:  # the max as a constant (detached), through ops so that a trace records it
            top = self.detach().amax(axis, keepdims=True)
            m = top.where(top.isfinite(), 0)
        total = (self - m).exp().sum(axis, True).log() + m
        return total if keepdims else total.reshape(_reduced_shape(self.shape, axis))

    def softmax(self, axis=-1, *, dim=None) -> Tensor:
        """e^(x - m) / Σ e^(x - m) along axis, m the max (a constant)"""
        axis = _axes_of(self, axis, dim, "softmax")
        # the max as a constant (detached), through an op so that a trace records it
        top = self.detach().amax(axis, keepdims=True) if self._data.size else np.zeros((), self.dtype)
        e = (self - top).exp()
        return e / e.sum(axis, keepdims=True)

    def log_softmax(self, axis=-1, *, dim=None) -> Tensor:
        """x - logsumexp(x) along axis"""
        return apply(C.log_softmax, self, _axis(axis, dim))

    def max(self, *args, **kwargs):
        """`max()` or `max(axis=...)`: the values (ties share the gradient); `max(dim)`: (values, indices)."""
        return self._extreme(R.max, R.argmax, max_result, args, kwargs)

    def min(self, *args, **kwargs):
        """`min()` or `min(axis=...)`: the values (ties share the gradient); `min(dim)`: (values, indices)."""
        return self._extreme(R.min, R.argmin, min_result, args, kwargs)

    def amax(self, axis=None, keepdims=False, *, dim=None, keepdim=None) -> Tensor:
        axis, keepdims = _axis(axis, dim), keepdims if keepdim is None else keepdim
        return apply(R.max, self, axis, bool(keepdims))

    def amin(self, axis=None, keepdims=False, *, dim=None, keepdim=None) -> Tensor:
        axis, keepdims = _axis(axis, dim), keepdims if keepdim is None else keepdim
        return apply(R.min, self, axis, bool(keepdims))

    def _extreme(self, op, arg_op, result, args, kwargs):
        if args and isinstance(args[0], Tensor):  # torch.max(a, b): elementwise
            return self.maximum(args[0]) if op is R.max else self.minimum(args[0])
        if kwargs.pop("out", None) is not None:
            raise TypeError(f"{op.name}: out= is not supported; tensors are immutable outside in-place ops")
        keepdims = kwargs.pop("keepdim", kwargs.pop("keepdims", args[1] if len(args) > 1 else False))
        if "axis" in kwargs:  # NumPy's keyword: the values only
            return apply(op, self, _axis(kwargs.pop("axis"), None), bool(keepdims))
        dim = kwargs.pop("dim", args[0] if args else None)
        if kwargs:
            raise TypeError(f"{op.name}() got unexpected keyword arguments {sorted(kwargs)}")
        if dim is None or isinstance(dim, (tuple, list)):  # several axes: the values (PyTorch's amax)
            return apply(op, self, _axis(dim, None), bool(keepdims))
        dim = int(dim)
        indices = apply(arg_op, self, dim, True)
        where = list(np.indices(indices.shape, sparse=True))
        where[dim % builtins.max(self.ndim, 1)] = indices._data
        values = self[tuple(where)] if self.ndim else self
        if not keepdims:
            values, indices = values.squeeze(dim), indices.squeeze(dim)
        return result(values, indices)

    def topk(self, k: int, dim: int = -1, largest: bool = True, sorted: bool = True):
        """(values, indices) of the k largest (or smallest) along dim; the gradient goes to those
        elements. NaN counts as the largest value, as in PyTorch; ties keep their order."""
        if self.ndim == 0:  # a scalar is its own top 1
            _normal_axis(dim, 1, "topk", self.shape)
            values, indices = self.reshape(1).topk(k, 0, largest, sorted)
            return topk_result(values.reshape(()), indices.reshape(())) if k else topk_result(values, indices)
        axis = _normal_axis(dim, self.ndim, "topk", self.shape)
        size = self.shape[axis]
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 0 <= k <= size:
            raise ValueError(f"topk: k must be an int from 0 to {size} (the size of dim {dim}), got {k!r}")
        keys = self._data.astype(np.float64) if self.dtype.kind in "bu" else self._data
        if largest:  # sort descending: negate, with NaN first
            keys = np.where(np.isnan(keys), -np.inf, -keys) if keys.dtype.kind == "f" else -keys
        indices = np.take(np.argsort(keys, axis=axis, kind="stable"), np.arange(k), axis=axis)
        where = list(np.indices(indices.shape, sparse=True))
        where[axis] = indices
        return topk_result(self[tuple(where)], Tensor._lift(indices.astype(np.int64)))

    def argmax(self, axis=None, keepdims=False, *, dim=None, keepdim=None) -> Tensor:
        axis, keepdims = _axis(axis, dim), keepdims if keepdim is None else keepdim
        return apply(R.argmax, self, axis, bool(keepdims))

    def argmin(self, axis=None, keepdims=False, *, dim=None, keepdim=None) -> Tensor:
        axis, keepdims = _axis(axis, dim), keepdims if keepdim is None else keepdim
        return apply(R.argmin, self, axis, bool(keepdims))

    # -- shape -------------------------------------------------------------------------

    def reshape(self, *shape) -> Tensor:
        return apply(S.reshape, self, _shape_arg(shape))

    def view(self, *shape) -> Tensor:
        """reshape, as a view of the same memory"""
        return self.reshape(*shape)

    def ravel(self) -> Tensor:
        """flattened to one axis"""
        return self.reshape(-1)

    def view_as(self, other: Tensor) -> Tensor:
        return self.reshape(other.shape)

    def reshape_as(self, other: Tensor) -> Tensor:
        return self.reshape(other.shape)

    def transpose(self, *axes) -> Tensor:
        """Two axes: swap them (PyTorch's); none: reverse all; more: a full permutation (NumPy's)"""
        axes = () if axes == (None,) else _shape_arg(axes)
        if len(axes) == 2:  # PyTorch's transpose(dim0, dim1); on a matrix NumPy's (1, 0) means the same
            return self.swapaxes(*axes)
        return apply(S.transpose, self, axes or None)

    def t(self) -> Tensor:
        """PyTorch's `t()`: a matrix transposed; a vector or a scalar as it is (a view either way)."""
        if self.ndim > 2:
            raise RuntimeError(
                f"t: expects a tensor with at most 2 dimensions, got shape {self.shape}; "
                "use transpose(dim0, dim1) or permute(...)"
            )
        return self.T if self.ndim == 2 else self.view(self.shape)

    def permute(self, *axes) -> Tensor:
        return apply(S.transpose, self, _shape_arg(axes))

    def swapaxes(self, axis1: int, axis2: int) -> Tensor:
        axes = list(range(self.ndim))
        a, b = (_normal_axis(axis, self.ndim, "swapaxes", self.shape) for axis in (axis1, axis2))
        axes[a], axes[b] = axes[b], axes[a]
        return apply(S.transpose, self, tuple(axes))

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        """axes start_dim..end_dim merged into one"""
        if self.ndim == 0:
            return self.reshape(1)
        start, end = (_normal_axis(axis, self.ndim, "flatten", self.shape) for axis in (start_dim, end_dim))
        merged = int(np.prod(self.shape[start : end + 1]))
        return self.reshape(self.shape[:start] + (merged,) + self.shape[end + 1 :])

    def squeeze(self, axis=None, *, dim=None) -> Tensor:
        """without its size-1 axes (or only those named)"""
        axis = _axis(axis, dim)
        if axis is None:
            return self.reshape(tuple(n for n in self.shape if n != 1))
        axes = {
            _normal_axis(a, self.ndim, "squeeze", self.shape)
            for a in (axis if isinstance(axis, tuple) else (axis,))
        }
        return self.reshape(tuple(n for i, n in enumerate(self.shape) if not (i in axes and n == 1)))

    def unsqueeze(self, axis: int | None = None, *, dim: int | None = None) -> Tensor:
        """with a new size-1 axis at position axis"""
        axis = axis if dim is None else dim
        if axis is None:
            raise TypeError("unsqueeze: missing the axis (dim) to insert")
        axis = _normal_axis(axis, self.ndim + 1, "unsqueeze", self.shape)
        return self.reshape(self.shape[:axis] + (1,) + self.shape[axis:])

    def expand(self, *shape) -> Tensor:
        """broadcast to shape; -1 keeps an axis as it is (PyTorch's expand)"""
        shape = _shape_arg(shape)
        lead = len(shape) - self.ndim
        if lead < 0:
            raise ValueError(f"expand: cannot expand shape {self.shape} to fewer dimensions {shape}")
        return self.broadcast_to(tuple(self.shape[i - lead] if n == -1 else n for i, n in enumerate(shape)))

    def expand_as(self, other: Tensor) -> Tensor:
        return self.broadcast_to(other.shape)

    def broadcast_to(self, shape) -> Tensor:
        return apply(R.broadcast_to, self, tuple(shape))

    def sum_to(self, shape) -> Tensor:
        """summed down to shape, undoing a broadcast (the gradient of broadcast_to)"""
        shape = tuple(shape)
        return self if shape == self.shape else apply(R.sum_to, self, shape)

    def scatter_add(self, index, shape, distinct: bool = False) -> Tensor:
        """zeros(shape) with self added at index (the gradient of getitem)"""
        return apply(S.scatter_add, self, index, tuple(shape), distinct)

    def setitem(self, index, value) -> Tensor:
        """A copy of self with value written at index (out of place: `x[index] = value` is in place)"""
        return apply(S.setitem, self, S.normalize_index(index), _operand(value))


_COMPARABLE = (Tensor, np.ndarray, np.generic, int, float, bool, list, tuple)


def mask_of(condition) -> np.ndarray:
    """A condition (a Tensor, an array or a list) as a bool array: where's first argument."""
    condition = condition._data if isinstance(condition, Tensor) else np.asarray(condition)
    return condition.astype(bool, copy=False)


def _operand(x):
    """A second operand as the ops take it: lists become arrays by the constructor's rule."""
    if type(x) is list or type(x) is tuple:
        return dtypes.array_of(x)
    return x


def _mask_over(mask, x: Tensor) -> np.ndarray:
    """masked_fill's mask as a bool array, which must broadcast to x's shape (not widen it)."""
    mask = mask_of(mask)
    try:
        fits = np.broadcast_shapes(mask.shape, x.shape) == x.shape
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(
            f"masked_fill: a mask of shape {mask.shape} does not broadcast to the shape {x.shape}"
        )
    return mask


def _fill_value(value, like: Tensor):
    """masked_fill's value: a number, or a 0-d tensor, that takes like's dtype (as PyTorch's)."""
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise ValueError(
                f"masked_fill: the value must be a number or a 0-d tensor, got shape {value.shape}"
            )
        return value if value.dtype == like.dtype else value.astype(like.dtype)
    return np.asarray(value, like.dtype)


def _numpy_style(x: Tensor, dtype, out) -> Tensor:
    """x for a reduction called with NumPy's dtype= and out= (np.mean(t) passes both)."""
    if out is not None:
        raise TypeError("out= is not supported: a reduction returns a new Tensor")
    return x if dtype is None else x.astype(dtype)


def _check_bounds(lo, hi) -> None:
    if lo is None and hi is None:
        raise ValueError("clamp: at least one of min and max must be given")


def _axis(axis, dim):
    """The axis argument as the ops take it: None, an int or a tuple (PyTorch's dim accepted)."""
    axis = axis if dim is None else dim
    if isinstance(axis, list):
        return tuple(axis)
    if isinstance(axis, Tensor) or isinstance(axis, np.integer):
        return int(axis)
    return axis


def _axes_of(x: Tensor, axis, dim, name: str):
    """The axis argument of a composite, checked against x's dimensions in the op's own name."""
    axis = _axis(axis, dim)
    if axis is None:
        return None
    if isinstance(axis, tuple):
        return tuple(_normal_axis(a, x.ndim, name, x.shape) for a in axis)
    return _normal_axis(axis, x.ndim, name, x.shape)


def _count(shape: tuple[int, ...], axis) -> int:
    """How many elements a reduction over axis combines into each output."""
    return int(np.prod([shape[i] for i in R.reduced_axes(axis, len(shape))], dtype=np.int64))


def _reduced_shape(shape, axis):
    reduced = R.reduced_axes(axis, len(shape))
    return tuple(n for i, n in enumerate(shape) if i not in reduced)


def _normal_axis(axis: int, ndim: int, name: str, shape: tuple) -> int:
    """axis as a non-negative int, or an error naming the op and the shape."""
    if not -ndim <= axis < builtins.max(ndim, 1):
        raise np.exceptions.AxisError(
            f"{name}: axis {axis} is out of bounds for array of dimension {ndim} (input shapes: {shape})"
        )
    return axis % builtins.max(ndim, 1)


def _shape_arg(args: tuple) -> tuple:
    """`reshape(2, 3)` and `reshape((2, 3))` both mean the shape (2, 3)."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        return tuple(args[0])
    return tuple(int(a) for a in args)


class _HookHandle:
    """Returned by `register_hook`; `.remove()` takes the hook away."""

    def __init__(self, hooks: list, hook: Callable):
        self._hooks, self._hook = hooks, hook

    def remove(self) -> None:
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)
