"""Recording the graph: grad mode, naming scopes, and the `primitive` decorator.

A primitive is declared once: its forward on NumPy arrays, and beside it one
vector-Jacobian product (VJP) per argument, written with Tensor ops. Because
VJPs are Tensor ops, running them with recording on differentiates them too:
higher-order gradients need no extra code.

Whether an op records its node is decided here and nowhere else.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable

import numpy as np

from .tensor import Tensor, default_float_array

# Module state read on every op; plain globals are the cheapest thing to read.
_grad_enabled = True
_scope: tuple[str, ...] = ()
_anomaly = False
_anomaly_hook: Callable | None = None  # set by detect_anomaly: checks each op's output


class Op:
    """A primitive: `forward` on arrays, and `vjps[i](g, out, *args)` for argument i.

    `arity` is how many leading arguments are operands (1 or 2; 0 for variadic ops,
    whose Tensors may stand anywhere); the arguments after them are parameters.
    """

    __slots__ = ("name", "forward", "vjps", "arity")

    def __init__(self, name: str, forward: Callable, vjps, arity: int):
        self.name = name
        self.forward = forward
        self.vjps = vjps
        self.arity = arity

    def __repr__(self) -> str:
        return f"<op {self.name}>"


# PyTorch's names for NumPy's arguments, accepted wherever an op takes the NumPy one.
_PYTORCH_NAMES = {"dim": "axis", "keepdim": "keepdims"}

REGISTRY: dict[str, Op] = {}
"""Every primitive by name; tests iterate it so that no op escapes its gradient check."""


class every:
    """VJPs for a variadic op: `every(fn)[i]` is `fn(i, g, out, *args)`."""

    __slots__ = ("fn",)

    def __init__(self, fn: Callable):
        self.fn = fn

    def __getitem__(self, i: int) -> Callable:
        return functools.partial(self.fn, i)


_new = Tensor.__new__


def _node(data, op: Op, inputs: tuple) -> Tensor:
    """A recorded output: a Tensor that remembers the op and the inputs that made it."""
    out = _new(Tensor)
    out.data = data
    out.requires_grad = True
    out._op = op
    out._inputs = inputs
    if _scope:
        out._scope = _scope
    return out


def _constant(data) -> Tensor:
    """An unrecorded Tensor holding data as it is."""
    out = _new(Tensor)
    out.data = data
    return out


def _failed(name: str, error: Exception, *args) -> Exception:
    """Re-raise NumPy's error with the op's name and the shapes it was given."""
    tensors = [
        t for a in args for t in (a if isinstance(a, (list, tuple)) else (a,)) if isinstance(t, Tensor)
    ]
    shapes = ", ".join(str(t.shape) for t in tensors)
    text = str(error).removeprefix(f"{name}: ")  # NumPy names some ufuncs itself ("matmul: ...")
    return type(error)(f"{name}: {text} (input shapes: {shapes})")


def primitive(*vjps, name: str | None = None, arity: int = 1, register: bool = True):
    """Declare a differentiable op: `forward` on arrays, `vjps[i]` for its i-th argument.

    `arity` says how many leading arguments may be Tensors (1 or 2); the rest are
    plain parameters (an axis, a shape). Variadic ops pass `arity=0` and receive
    Tensors anywhere in their arguments. `register=False` keeps the op out of
    REGISTRY (for experiments and tests).
    """

    def decorate(forward: Callable) -> Callable:
        variadic = len(vjps) == 1 and isinstance(vjps[0], every)
        op = Op(name or forward.__name__, forward, vjps[0] if variadic else vjps, arity)
        if register:
            REGISTRY[op.name] = op

        if arity == 1:
            complete = _parameter_filler(op.name, forward)
            n_params = complete.n_params

            def apply(x, *params, **named):
                if not isinstance(x, Tensor):
                    x = Tensor(x)
                if named or len(params) != n_params:
                    params = complete(params, named)
                try:
                    data = forward(x.data, *params)
                except (ValueError, IndexError, TypeError) as error:
                    raise _failed(op.name, error, x) from None
                if x.requires_grad and _grad_enabled:
                    out = _node(data, op, (x, *params))
                else:  # _constant(data) written out: the call would add ~50 ns to every unrecorded op
                    out = _new(Tensor)
                    out.data = data
                if _anomaly:
                    _anomaly_hook(op, out, (x, *params))
                return out

        elif arity == 2:

            def apply(a, b):
                # A Python number stays as it is, weakly typed under NumPy's rules,
                # so that it never changes a Tensor's dtype; a list becomes an array.
                if isinstance(a, Tensor):
                    ad, record = a.data, a.requires_grad
                else:
                    if type(a) is list or type(a) is tuple:
                        a = default_float_array(a)
                    ad, record = a, False
                if isinstance(b, Tensor):
                    bd = b.data
                    record = record or b.requires_grad
                else:
                    if type(b) is list or type(b) is tuple:
                        b = default_float_array(b)
                    bd = b
                try:
                    data = forward(ad, bd)
                except (ValueError, IndexError, TypeError) as error:
                    raise _failed(op.name, error, a, b) from None
                if record and _grad_enabled:
                    out = _node(data, op, (a, b))
                else:  # _constant(data) written out: the call would add ~50 ns to every unrecorded op
                    out = _new(Tensor)
                    out.data = data
                if _anomaly:
                    _anomaly_hook(op, out, (a, b))
                return out

        else:

            def apply(*args):
                datas = []
                record = False
                for a in args:  # one plain loop: `any(...)` over a generator cost more than the op's own work
                    if isinstance(a, Tensor):
                        record = record or a.requires_grad
                        a = a.data
                    datas.append(a)
                try:
                    data = forward(*datas)
                except (ValueError, IndexError, TypeError) as error:
                    raise _failed(op.name, error, *args) from None
                if record and _grad_enabled:
                    out = _node(data, op, args)
                else:  # _constant(data) written out: the call would add ~50 ns to every unrecorded op
                    out = _new(Tensor)
                    out.data = data
                if _anomaly:
                    _anomaly_hook(op, out, args)
                return out

        functools.update_wrapper(apply, forward)
        apply.op = op
        return apply

    return decorate


def _parameter_filler(name: str, forward: Callable) -> Callable:
    """For an op called with keywords or defaults: all its parameters, in order.

    The op records every parameter, defaults included, because its VJPs take them all.
    """
    spec = list(inspect.signature(forward).parameters.values())[1:]
    names = [p.name for p in spec]
    defaults = [p.default for p in spec]

    def complete(params: tuple, named: dict) -> tuple:
        if len(params) > len(names):
            raise TypeError(f"{name}() takes {len(names)} parameters after the tensor, got {len(params)}")
        filled = list(params) + defaults[len(params) :]
        for key, value in named.items():
            key = _PYTORCH_NAMES.get(key, key)
            if key not in names:
                raise TypeError(f"{name}() got an unexpected keyword argument {key!r}")
            filled[names.index(key)] = value
        missing = [n for n, v in zip(names, filled) if v is inspect.Parameter.empty]
        if missing:
            raise TypeError(f"{name}() missing parameter {missing[0]!r}")
        return tuple(filled)

    complete.n_params = len(names)
    return complete


def composite(fn: Callable) -> Callable:
    """Mark fn as an op built from primitives: it takes PyTorch's `dim`/`keepdim` too,
    and a NumPy error inside it names fn and the shapes it was given."""
    name = fn.__name__

    @functools.wraps(fn)
    def wrapper(*args, **named):
        if named:
            named = {_PYTORCH_NAMES.get(k, k): v for k, v in named.items()}
        try:
            return fn(*args, **named)
        except (ValueError, IndexError) as error:
            if "(input shapes:" in str(error):  # an inner op has named itself already
                raise
            raise _failed(name, error, *args) from None

    return wrapper


def as_tensor(x) -> Tensor:
    """x itself if it is a Tensor, else a constant Tensor holding it (by the constructor's dtype rule)."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, (np.ndarray, np.generic)):
        return _constant(np.asarray(x))
    return _constant(default_float_array(x))


def data_of(x):
    """The array behind a Tensor, or x itself."""
    return x.data if isinstance(x, Tensor) else x


# ---------------------------------------------------------------------------
# Grad mode


class set_grad_enabled:
    """Turn graph recording on or off; a context manager and a decorator."""

    def __init__(self, mode: bool):
        self.mode = bool(mode)
        self.previous: list[bool] = []

    def __enter__(self):
        global _grad_enabled
        self.previous.append(_grad_enabled)
        _grad_enabled = self.mode

    def __exit__(self, *exc):
        global _grad_enabled
        _grad_enabled = self.previous.pop()

    def __call__(self, fn: Callable) -> Callable:
        """As a decorator: each call of fn runs in this mode (a fresh context, so calls may nest)."""
        mode = self.mode

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with set_grad_enabled(mode):
                return fn(*args, **kwargs)

        return wrapper


class no_grad(set_grad_enabled):
    """Ops inside record no graph: `with no_grad():` or `@no_grad()`."""

    def __init__(self):
        super().__init__(False)


class enable_grad(set_grad_enabled):
    """Ops inside record the graph again, even within `no_grad`."""

    def __init__(self):
        super().__init__(True)


def is_grad_enabled() -> bool:
    return _grad_enabled


class scope:
    """Label the tensors made inside: `with scope("encoder"):`. Scopes nest into a path.

    The engine only records the path on each recorded tensor (`tensor._scope`);
    what a scope means (a module, a block) is up to whoever opens it.
    """

    def __init__(self, name: str):
        self.name = str(name)
        self.previous: list[tuple[str, ...]] = []

    def __enter__(self):
        global _scope
        self.previous.append(_scope)
        _scope = (*_scope, self.name)
        return self

    def __exit__(self, *exc):
        global _scope
        _scope = self.previous.pop()


def current_scope() -> tuple[str, ...]:
    return _scope


def _set_anomaly(enabled: bool, hook: Callable | None) -> tuple[bool, Callable | None]:
    """Switch the check of every op's output on or off; returns the previous setting."""
    global _anomaly, _anomaly_hook
    previous = (_anomaly, _anomaly_hook)
    _anomaly, _anomaly_hook = enabled, hook
    return previous
