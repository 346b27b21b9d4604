"""The Tensor: a NumPy array that remembers how it was made.

A Tensor made by an op records the op (`_op`) and its arguments (`_inputs`);
following `_inputs` back from any tensor walks the graph that `backward` runs
in reverse. Operators and methods here are one line each: they call the ops in
`autograd/ops/`, where each op's forward and gradient live side by side.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

_default_dtype = np.dtype(np.float32)


def set_default_dtype(dtype) -> None:
    """Set the float dtype that Python floats, factories and layers create."""
    global _default_dtype
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"set_default_dtype: expected a floating dtype, got {dtype}")
    _default_dtype = dtype


def get_default_dtype() -> np.dtype:
    return _default_dtype


def default_float_array(data) -> np.ndarray:
    """Python data as an array: floats become the default float dtype, ints int64."""
    array = np.array(data)
    if array.dtype.kind == "f" and array.dtype != _default_dtype:
        array = array.astype(_default_dtype)
    elif array.dtype.kind == "i" and array.dtype != np.int64:
        array = array.astype(np.int64)
    elif array.dtype.kind not in "fib":
        raise TypeError(
            f"Tensor: data must be numbers, nested lists of one shape, or an array; "
            f"got {type(data).__name__} that NumPy reads as dtype {array.dtype}"
        )
    return array


def _differentiable_dtype(dtype: np.dtype) -> bool:
    return dtype.kind == "f"


class Tensor:
    """An n-d array (0-d for scalars) that records the ops applied to it.

    `Tensor(data, requires_grad=False, dtype=None, name=None)`: `data` is a number,
    a nested list, a NumPy array (its dtype is kept) or another Tensor (copied).
    """

    # NumPy defers to us: `array * tensor` calls Tensor.__rmul__ instead of
    # looping over the tensor as an object.
    __array_ufunc__ = None
    # __eq__ returns a Tensor, so the identity hash must be restored by hand.
    __hash__ = object.__hash__

    # Class-level defaults: an op's output sets only the attributes that differ,
    # which keeps making a Tensor cheap on the hot path.
    grad: Tensor | None = None
    requires_grad: bool = False
    name: str | None = None
    _op = None
    _inputs: tuple | None = ()
    _scope: tuple[str, ...] = ()
    _hooks: list | None = None
    _retains_grad: bool = False
    _trace = None

    def __init__(self, data: Any, requires_grad: bool = False, dtype=None, name: str | None = None):
        if isinstance(data, Tensor):
            data = data.data
        if isinstance(data, (np.ndarray, np.generic)):
            array = np.array(data, dtype=dtype)
        else:
            array = default_float_array(data)
            if dtype is not None:
                array = array.astype(dtype)
        if array.dtype.kind not in "fiub":
            raise TypeError(f"Tensor: unsupported dtype {array.dtype}")
        self.data = array
        if requires_grad:
            self.requires_grad_(True)
        if name is not None:
            self.name = str(name)

    # -- properties -------------------------------------------------------

    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def size(self) -> int:
        return int(self.data.size)

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def T(self) -> Tensor:
        return transpose(self, None)  # every parameter given: the op skips binding defaults

    @property
    def is_leaf(self) -> bool:
        return self._op is None

    @property
    def grad_fn(self):
        """The op that made this tensor (has `.name`), or None for a leaf or constant."""
        return self._op

    @property
    def parents(self) -> tuple[Tensor, ...]:
        """The Tensor arguments of the op that made this tensor, in order."""
        return tuple(x for x in self._inputs or () if isinstance(x, Tensor))

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Mark a leaf as a variable to differentiate with respect to (in place)."""
        if requires_grad and not _differentiable_dtype(self.data.dtype):
            raise TypeError(f"only floating-point tensors can require grad; this one is {self.data.dtype}")
        if not requires_grad and self._op is not None:
            raise RuntimeError("requires_grad_(False) on a non-leaf: use .detach() instead")
        self.requires_grad = bool(requires_grad)
        return self

    # -- conversions ------------------------------------------------------

    def item(self) -> float | int | bool:
        if self.data.size != 1:
            raise ValueError(f"item(): tensor of shape {self.shape} has {self.size} elements, not 1")
        return self.data.item()

    def numpy(self) -> np.ndarray:
        return np.asarray(self.data)

    def tolist(self):
        return np.asarray(self.data).tolist()

    def __array__(self, dtype=None, copy=None):
        array = np.asarray(self.data, dtype=dtype)
        return array.copy() if copy else array

    def detach(self) -> Tensor:
        """The same data, cut off from the graph."""
        out = Tensor.__new__(Tensor)
        out.data = self.data
        return out

    def astype(self, dtype) -> Tensor:
        return astype(self, np.dtype(dtype))

    def to(self, dtype) -> Tensor:
        return astype(self, np.dtype(dtype))

    def float(self) -> Tensor:
        return astype(self, np.dtype(np.float32))

    def double(self) -> Tensor:
        return astype(self, np.dtype(np.float64))

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __bool__(self) -> bool:
        return bool(self.data)

    def __len__(self) -> int:
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.data.shape[0]

    def __iter__(self) -> Iterator[Tensor]:
        return (self[i] for i in range(len(self)))

    def __repr__(self) -> str:
        body = np.array2string(np.asarray(self.data), separator=", ", prefix="Tensor(", precision=4)
        extras = []
        if self.data.dtype != _default_dtype and self.data.dtype not in (np.int64, np.bool_):
            extras.append(f"dtype={self.data.dtype}")
        if self._op is not None:
            extras.append(f"op={self._op.name}")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        if self.name is not None:
            extras.append(f"name={self.name!r}")
        return f"Tensor({body}{''.join(', ' + e for e in extras)})"

    def __format__(self, spec: str) -> str:
        if self.data.ndim == 0:
            return format(self.data.item(), spec)
        return format(str(self), spec)

    # -- autograd ---------------------------------------------------------

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
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(hook)
        return _HookHandle(self._hooks, hook)

    def retain_grad(self) -> None:
        """Keep `.grad` on this non-leaf after backward (leaves always keep theirs)."""
        if not self.requires_grad:
            raise RuntimeError("retain_grad: this tensor does not require grad")
        if self._op is not None:
            self._retains_grad = True

    # -- arithmetic: a + b, a - b, ... --------------------------------------

    def __add__(self, other) -> Tensor:
        return add(self, other)

    def __radd__(self, other) -> Tensor:
        return add(other, self)

    def __sub__(self, other) -> Tensor:
        return sub(self, other)

    def __rsub__(self, other) -> Tensor:
        return sub(other, self)

    def __mul__(self, other) -> Tensor:
        return mul(self, other)

    def __rmul__(self, other) -> Tensor:
        return mul(other, self)

    def __truediv__(self, other) -> Tensor:
        return div(self, other)

    def __rtruediv__(self, other) -> Tensor:
        return div(other, self)

    def __pow__(self, other) -> Tensor:
        return pow(self, other)

    def __rpow__(self, other) -> Tensor:
        return pow(other, self)

    def __matmul__(self, other) -> Tensor:
        return matmul(self, other)

    def __rmatmul__(self, other) -> Tensor:
        return matmul(other, self)

    def __neg__(self) -> Tensor:
        return neg(self)

    def __pos__(self) -> Tensor:
        return self

    def __abs__(self) -> Tensor:
        return abs(self)

    def __lt__(self, other) -> Tensor:
        return lt(self, other)

    def __le__(self, other) -> Tensor:
        return le(self, other)

    def __gt__(self, other) -> Tensor:
        return gt(self, other)

    def __ge__(self, other) -> Tensor:
        return ge(self, other)

    def __eq__(self, other) -> Tensor:  # type: ignore[override]
        return eq(self, other)

    def __ne__(self, other) -> Tensor:  # type: ignore[override]
        return ne(self, other)

    def __getitem__(self, index) -> Tensor:
        return getitem(self, index)

    # -- elementwise --------------------------------------------------------

    def exp(self) -> Tensor:
        return exp(self)

    def log(self) -> Tensor:
        return log(self)

    def sqrt(self) -> Tensor:
        return sqrt(self)

    def sin(self) -> Tensor:
        return sin(self)

    def cos(self) -> Tensor:
        return cos(self)

    def tanh(self) -> Tensor:
        return tanh(self)

    def sigmoid(self) -> Tensor:
        return sigmoid(self)

    def relu(self) -> Tensor:
        return relu(self)

    def abs(self) -> Tensor:
        return abs(self)

    def clip(self, lo=None, hi=None) -> Tensor:
        return clip(self, lo, hi)

    clamp = clip

    def maximum(self, other) -> Tensor:
        return maximum(self, other)

    def minimum(self, other) -> Tensor:
        return minimum(self, other)

    # -- reductions: axis/keepdims, or PyTorch's dim/keepdim ----------------

    def sum(self, axis=None, keepdims=False, *, dim=None, keepdim=None) -> Tensor:
        return sum(self, axis if dim is None else dim, keepdims if keepdim is None else keepdim)

    def mean(self, axis=None, keepdims=False, *, dim=None, keepdim=None) -> Tensor:
        return mean(self, axis if dim is None else dim, keepdims if keepdim is None else keepdim)

    def max(self, axis=None, keepdims=False, *, dim=None, keepdim=None) -> Tensor:
        return max(self, axis if dim is None else dim, keepdims if keepdim is None else keepdim)

    def min(self, axis=None, keepdims=False, *, dim=None, keepdim=None) -> Tensor:
        return min(self, axis if dim is None else dim, keepdims if keepdim is None else keepdim)

    def var(self, axis=None, keepdims=False, *, correction=1, dim=None, keepdim=None) -> Tensor:
        axis, keepdims = (axis if dim is None else dim), (keepdims if keepdim is None else keepdim)
        return var(self, axis, keepdims, correction=correction)

    def std(self, axis=None, keepdims=False, *, correction=1, dim=None, keepdim=None) -> Tensor:
        axis, keepdims = (axis if dim is None else dim), (keepdims if keepdim is None else keepdim)
        return std(self, axis, keepdims, correction=correction)

    def logsumexp(self, axis=None, keepdims=False, *, dim=None, keepdim=None) -> Tensor:
        axis, keepdims = (axis if dim is None else dim), (keepdims if keepdim is None else keepdim)
        return logsumexp(self, axis, keepdims)

    def argmax(self, axis=None, keepdims=False, *, dim=None, keepdim=None) -> Tensor:
        return argmax(self, axis if dim is None else dim, keepdims if keepdim is None else keepdim)

    def argmin(self, axis=None, keepdims=False, *, dim=None, keepdim=None) -> Tensor:
        return argmin(self, axis if dim is None else dim, keepdims if keepdim is None else keepdim)

    def softmax(self, axis=-1, *, dim=None) -> Tensor:
        return softmax(self, axis if dim is None else dim)

    def log_softmax(self, axis=-1, *, dim=None) -> Tensor:
        return log_softmax(self, axis if dim is None else dim)

    # -- shape --------------------------------------------------------------

    def reshape(self, *shape) -> Tensor:
        return reshape(self, _shape_arg(shape))

    view = reshape

    def transpose(self, *axes) -> Tensor:
        return transpose(self, _shape_arg(axes) or None)

    def permute(self, *axes) -> Tensor:
        return transpose(self, _shape_arg(axes))

    def swapaxes(self, axis1: int, axis2: int) -> Tensor:
        return swapaxes(self, axis1, axis2)

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        return flatten(self, start_dim, end_dim)

    def squeeze(self, axis=None, *, dim=None) -> Tensor:
        return squeeze(self, axis if dim is None else dim)

    def unsqueeze(self, axis: int | None = None, *, dim: int | None = None) -> Tensor:
        return unsqueeze(self, axis if dim is None else dim)

    def expand(self, *shape) -> Tensor:
        return expand(self, _shape_arg(shape))

    def broadcast_to(self, shape) -> Tensor:
        return broadcast_to(self, tuple(shape))


def _shape_arg(args: tuple) -> tuple:
    """`reshape(2, 3)` and `reshape((2, 3))` both mean the shape (2, 3)."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        return tuple(args[0])
    return args


class _HookHandle:
    """Returned by `register_hook`; `.remove()` takes the hook away."""

    def __init__(self, hooks: list, hook: Callable):
        self._hooks, self._hook = hooks, hook

    def remove(self) -> None:
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)


# The ops are imported last: they build on the Tensor class defined above.
from . import engine  # noqa: E402
from .ops.composite import log_softmax, logsumexp, mean, softmax, std, var  # noqa: E402
from .ops.elementwise import (  # noqa: E402
    abs,
    add,
    astype,
    clip,
    cos,
    div,
    eq,
    exp,
    ge,
    gt,
    le,
    log,
    lt,
    maximum,
    minimum,
    mul,
    ne,
    neg,
    pow,
    relu,
    sigmoid,
    sin,
    sqrt,
    sub,
    tanh,
)
from .ops.linalg import matmul  # noqa: E402
from .ops.reduce import argmax, argmin, broadcast_to, max, min, sum  # noqa: E402
from .ops.shape import (  # noqa: E402
    expand,
    flatten,
    getitem,
    reshape,
    squeeze,
    swapaxes,
    transpose,
    unsqueeze,
)
