"""Elementwise ops. Each forward works on arrays; each VJP, beside it, on Tensors.

VJP arguments are (g, out, *args): the gradient flowing into the output, the
output itself, and the op's arguments as given (Tensors or plain numbers).
Broadcasting is not undone here: the engine sums each gradient back to its
input's shape in one place.
"""

from __future__ import annotations

import numpy as np

from ..graph import _constant, data_of, primitive
from ..tensor import Tensor


@primitive(lambda g, out, a, b: g, lambda g, out, a, b: g, arity=2)
def add(a, b):
    """a + b"""
    return a + b


@primitive(lambda g, out, a, b: g, lambda g, out, a, b: -g, arity=2)
def sub(a, b):
    """a - b"""
    return a - b


@primitive(lambda g, out, a, b: g * b, lambda g, out, a, b: g * a, arity=2)
def mul(a, b):
    """a * b"""
    return a * b


@primitive(lambda g, out, a, b: g / b, lambda g, out, a, b: -(g * out) / b, arity=2)
def div(a, b):
    """a / b;  d/da = 1/b,  d/db = -a/b² = -out/b"""
    return a / b


def _pow_grad_base(g, out, a, b):
    """b·a^(b-1); where b = 0 it is 0, even at a = 0 (a⁰ is constant, but a^(b-1) is inf there)"""
    if isinstance(b, (int, float)):  # the common x**2: one Python test, no array checks
        return g * 0.0 if b == 0 else g * b * a ** (b - 1)
    zero = np.equal(data_of(b), 0)
    if np.any(zero):
        a = where(zero, 1.0, a)  # those terms are 0·finite = 0, also when differentiated again
    return g * b * a ** (b - 1)


def _pow_grad_exponent(g, out, a, b):
    """a^b·log a; where a = 0 it is 0 (0^b is flat in b for b > 0), not 0·(-inf), as PyTorch"""
    zero = np.equal(data_of(a), 0)
    if isinstance(a, Tensor):
        return g * out * log(where(zero, 1.0, a) if np.any(zero) else a)
    return g * out * np.log(np.where(zero, 1.0, a) if np.any(zero) else a)


@primitive(_pow_grad_base, _pow_grad_exponent, arity=2)
def pow(a, b):
    """a ** b;  d/da = b·a^(b-1),  d/db = a^b·log a"""
    return a**b


@primitive(lambda g, out, x: -g)
def neg(x):
    """-x"""
    return -x


@primitive(lambda g, out, x: g * out)
def exp(x):
    """eˣ;  d/dx = eˣ"""
    return np.exp(x)


@primitive(lambda g, out, x: g / x)
def log(x):
    """ln x;  d/dx = 1/x"""
    return np.log(x)


@primitive(lambda g, out, x: g / (out * 2.0))
def sqrt(x):
    """√x;  d/dx = 1/(2√x)"""
    return np.sqrt(x)


@primitive(lambda g, out, x: g * cos(x))
def sin(x):
    """sin x;  d/dx = cos x"""
    return np.sin(x)


@primitive(lambda g, out, x: -(g * sin(x)))
def cos(x):
    """cos x;  d/dx = -sin x"""
    return np.cos(x)


@primitive(lambda g, out, x: g * (1.0 - out * out))
def tanh(x):
    """tanh x;  d/dx = 1 - tanh² x"""
    return np.tanh(x)


@primitive(lambda g, out, x: g * (out * (1.0 - out)))
def sigmoid(x):
    """σ(x) = 1/(1 + e⁻ˣ), computed as exp(-log(1 + e⁻ˣ)) so that no exp overflows;  d/dx = σ(1-σ)"""
    return np.exp(-np.logaddexp(0, -x))


@primitive(lambda g, out, x: g * (x.data > 0))
def relu(x):
    """max(x, 0);  d/dx = 1(x > 0)"""
    return np.maximum(x, 0)


@primitive(lambda g, out, x: g * np.sign(x.data))
def abs(x):
    """|x|;  d/dx = sign x (0 at 0)"""
    return np.abs(x)


def _inside(x, lo, hi):
    """1 where lo <= x <= hi: clip passes gradient only there."""
    x = x.data
    mask = np.ones(x.shape, dtype=bool)
    if lo is not None:
        mask &= x >= lo
    if hi is not None:
        mask &= x <= hi
    return mask


@primitive(lambda g, out, x, lo, hi: g * _inside(x, lo, hi))
def clip(x, lo=None, hi=None):
    """min(max(x, lo), hi);  d/dx = 1(lo <= x <= hi)"""
    if lo is None and hi is None:
        return x
    return np.clip(x, lo, hi)


def _share(a, b):
    """Where a > b, 1; where a == b, ½: ties split the gradient, as PyTorch does."""
    a, b = data_of(a), data_of(b)
    return (a > b) + 0.5 * (a == b)


@primitive(
    lambda g, out, a, b: g * _share(a, b),
    lambda g, out, a, b: g * _share(b, a),
    arity=2,
)
def maximum(a, b):
    """max(a, b) elementwise"""
    return np.maximum(a, b)


@primitive(
    lambda g, out, a, b: g * _share(b, a),
    lambda g, out, a, b: g * _share(a, b),
    arity=2,
)
def minimum(a, b):
    """min(a, b) elementwise"""
    return np.minimum(a, b)


@primitive(
    None,
    lambda g, out, cond, a, b: _where(cond, g, 0.0),
    lambda g, out, cond, a, b: _where(cond, 0.0, g),
    arity=0,
    name="where",
)
def _where(cond, a, b):
    """cond ? a : b"""
    return np.where(cond, a, b)


def where(cond, a, b) -> Tensor:
    """Elementwise choice: a where cond holds, else b. cond carries no gradient."""
    return _where(np.asarray(data_of(cond), dtype=bool), a, b)


@primitive(lambda g, out, x, dtype: astype(g, x.data.dtype))
def astype(x, dtype):
    """x converted to dtype; the gradient converts back."""
    return x.astype(dtype)


# Comparisons and sign: piecewise constant, so they return Tensors with no gradient.


def lt(a, b) -> Tensor:
    """a < b"""
    return _constant(np.less(data_of(a), data_of(b)))


def le(a, b) -> Tensor:
    """a <= b"""
    return _constant(np.less_equal(data_of(a), data_of(b)))


def gt(a, b) -> Tensor:
    """a > b"""
    return _constant(np.greater(data_of(a), data_of(b)))


def ge(a, b) -> Tensor:
    """a >= b"""
    return _constant(np.greater_equal(data_of(a), data_of(b)))


def eq(a, b) -> Tensor:
    """a == b"""
    return _constant(np.equal(data_of(a), data_of(b)))


def ne(a, b) -> Tensor:
    """a != b"""
    return _constant(np.not_equal(data_of(a), data_of(b)))


def sign(x) -> Tensor:
    """-1, 0 or 1 by the sign of x"""
    return _constant(np.sign(data_of(x)))
