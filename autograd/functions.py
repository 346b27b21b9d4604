"""The ops as functions: `autograd.exp(t)`, `autograd.maximum(a, b)`, `autograd.cat(ts)`.

Each one calls the Tensor method of the same name, or the op itself where its
operands may be plain numbers or arrays.
"""

from __future__ import annotations

import functools

import numpy as np
from numpy.lib.array_utils import normalize_axis_index

from ._tensor import Tensor, _operand, apply, mask_of
from .factories import as_tensor
from .ops import classification as C
from .ops import elementwise as E
from .ops import linalg as L
from .ops import shape as S


def _method(name: str):
    """autograd.name(x, ...) as x.name(...), x made a Tensor first."""
    method = getattr(Tensor, name)

    @functools.wraps(method)
    def function(x, *args, **kwargs):
        return method(as_tensor(x), *args, **kwargs)

    return function


exp, log, log2, log10, sqrt, sin, cos, tanh, sigmoid, relu, abs, sign, neg = (
    _method(n)
    for n in (
        "exp",
        "log",
        "log2",
        "log10",
        "sqrt",
        "sin",
        "cos",
        "tanh",
        "sigmoid",
        "relu",
        "abs",
        "sign",
        "neg",
    )
)
clip = clamp = _method("clip")
sum, mean, var, std, logsumexp, max, min, amax, amin, argmax, argmin = (
    _method(n)
    for n in ("sum", "mean", "var", "std", "logsumexp", "max", "min", "amax", "amin", "argmax", "argmin")
)
softmax, log_softmax = _method("softmax"), _method("log_softmax")
reshape, transpose, permute, swapaxes, flatten, squeeze, unsqueeze, expand, broadcast_to, sum_to = (
    _method(n)
    for n in (
        "reshape", "transpose", "permute", "swapaxes", "flatten", "squeeze", "unsqueeze", "expand",
        "broadcast_to", "sum_to",
    )
)  # fmt: skip


def add(a, b) -> Tensor:
    """a + b"""
    return apply(E.add, _operand(a), _operand(b))


def sub(a, b) -> Tensor:
    """a - b"""
    return apply(E.sub, _operand(a), _operand(b))


def mul(a, b) -> Tensor:
    """a * b"""
    return apply(E.mul, _operand(a), _operand(b))


def div(a, b) -> Tensor:
    """a / b"""
    return apply(E.div, _operand(a), _operand(b))


def pow(a, b) -> Tensor:
    """a ** b"""
    return apply(E.pow, _operand(a), _operand(b))


def maximum(a, b) -> Tensor:
    """max(a, b) elementwise; at ties each gets half the gradient"""
    return apply(E.maximum, _operand(a), _operand(b))


def minimum(a, b) -> Tensor:
    """min(a, b) elementwise; at ties each gets half the gradient"""
    return apply(E.minimum, _operand(a), _operand(b))


def matmul(a, b) -> Tensor:
    """a @ b, as NumPy's matmul (1-d, 2-d and batched)"""
    return apply(L.matmul, _operand(a), _operand(b))


def linear(x, weight, bias=None) -> Tensor:
    """x Wᵀ + b, with W of shape (out, in): PyTorch's F.linear"""
    if bias is None:
        return apply(L.linear, x, weight)
    return apply(L.linear, x, weight, bias)


def where(condition, a, b) -> Tensor:
    """Elementwise choice: a where condition holds, else b. The condition carries no gradient."""
    return apply(E.where, mask_of(condition), _operand(a), _operand(b))


def nll_loss(log_probs, target, reduction: str = "mean") -> Tensor:
    """-log_probs[i, tᵢ] per row (N, C), then reduced: "mean", "sum" or "none"."""
    target = target.numpy() if isinstance(target, Tensor) else np.asarray(target)
    return apply(C.nll_loss, as_tensor(log_probs), target, reduction)


def getitem(x, index) -> Tensor:
    """x[index]; repeated indices make the gradient accumulate."""
    return as_tensor(x)[index]


def concatenate(tensors, axis: int = 0, *, dim: int | None = None) -> Tensor:
    """Join tensors along an existing axis."""
    tensors = [as_tensor(t) for t in tensors]
    if not tensors:
        raise ValueError("concatenate: expected at least one tensor")
    axis = axis if dim is None else dim
    if tensors[0].ndim:
        try:
            axis = normalize_axis_index(axis, tensors[0].ndim)
        except np.exceptions.AxisError as error:
            shapes = ", ".join(str(t.shape) for t in tensors)
            raise np.exceptions.AxisError(f"concatenate: {error} (input shapes: {shapes})") from None
    return apply(S.concatenate, axis, *tensors)


cat = concatenate


def stack(tensors, axis: int = 0, *, dim: int | None = None) -> Tensor:
    """Join tensors of one shape along a new axis."""
    tensors = [as_tensor(t) for t in tensors]
    if not tensors:
        raise ValueError("stack: expected at least one tensor")
    shapes = {t.shape for t in tensors}
    if len(shapes) > 1:
        raise ValueError(f"stack: all tensors must have one shape, got {sorted(shapes)}")
    axis = axis if dim is None else dim
    return concatenate([t.unsqueeze(axis) for t in tensors], axis)


def numel(x) -> int:
    return as_tensor(x).numel()


def is_tensor(x) -> bool:
    return isinstance(x, Tensor)
