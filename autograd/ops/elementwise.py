"""Elementwise ops. Each forward works on arrays; each VJP, beside it, on Tensors.

VJP arguments are (g, out, *args): the gradient flowing into the output, the
output itself (when the op declares that it reads it), and the op's arguments as
given (Tensors, arrays or plain numbers). Broadcasting is not undone here: the
engine sums each gradient back to its input's shape in one place.
"""

from __future__ import annotations

import math

import numpy as np

from .op import primitive


def _isnan(x):
    """isnan of a Tensor (an op, so a trace records it), an array or a number."""
    return x.isnan() if hasattr(x, "isnan") else np.isnan(x)


@primitive(
    lambda g, out, a, b: g, lambda g, out, a, b: g, arity=2, dtype="promote", symbol="+", commutative=True
)
def add(a, b):
    """a + b"""
    return a + b


@primitive(lambda g, out, a, b: g, lambda g, out, a, b: -g, arity=2, dtype="promote", symbol="−")
def sub(a, b):
    """a - b"""
    return a - b


@primitive(
    lambda g, out, a, b: g * b,
    lambda g, out, a, b: g * a,
    arity=2,
    reads=(("b",), ("a",)),
    dtype="promote",
    symbol="×",
    commutative=True,
)
def mul(a, b):
    """a * b"""
    return a * b


@primitive(
    lambda g, out, a, b: g / b,
    lambda g, out, a, b: -(g * out) / b,
    arity=2,
    reads=(("b",), ("b", "out")),
    dtype="float",
    symbol="/",
)
def div(a, b):
    """a / b;  d/da = 1/b,  d/db = -a/b² = -out/b"""
    return a / b


def _pow_grad_base(g, out, a, b):
    """b·a^(b-1); where b = 0 it is 0, even at a = 0 (a⁰ is constant, but a^(b-1) is inf there)"""
    if isinstance(b, (int, float)):  # the common x**2
        return g * 0.0 if b == 0 else g * b * a ** (b - 1)
    a = a.where(~(b == 0), 1.0)  # those terms are 0·finite = 0, also when differentiated again
    return g * b * a ** (b - 1)


def _pow_grad_exponent(g, out, a, b):
    """a^b·log a; where a = 0 and b >= 0 it is 0 (0^b is flat in b there), as PyTorch"""
    if isinstance(a, (int, float)):
        if a == 0:  # 0^b is flat where b >= 0, and log 0 = -inf where it is not: log of that mask
            return g * out * (b >= 0).astype(np.float64).log()
        return g * out * (math.log(a) if a > 0 else math.nan)
    a = g._lift(a)  # a constant array base, too
    flat = (a == 0) & (b >= 0)
    return g * out * a.where(~flat, 1.0).log()


@primitive(
    _pow_grad_base,
    _pow_grad_exponent,
    arity=2,
    reads=(("a", "b"), ("a", "out")),
    dtype="promote",
    symbol="**",
)
def pow(a, b):
    """a ** b;  d/da = b·a^(b-1),  d/db = a^b·log a"""
    return a**b


@primitive(lambda g, out, x: -g)
def neg(x):
    """-x"""
    return -x


@primitive(lambda g, out, x: g * out, reads=(("out",),), dtype="float")
def exp(x):
    """eˣ;  d/dx = eˣ"""
    return np.exp(x)


@primitive(lambda g, out, x: g / x, reads=(("x",),), dtype="float")
def log(x):
    """ln x;  d/dx = 1/x"""
    return np.log(x)


@primitive(lambda g, out, x: g / (out * 2.0), reads=(("out",),), dtype="float")
def sqrt(x):
    """√x;  d/dx = 1/(2√x)"""
    return np.sqrt(x)


@primitive(lambda g, out, x: g * x.cos(), reads=(("x",),), dtype="float")
def sin(x):
    """sin x;  d/dx = cos x"""
    return np.sin(x)


@primitive(lambda g, out, x: -(g * x.sin()), reads=(("x",),), dtype="float")
def cos(x):
    """cos x;  d/dx = -sin x"""
    return np.cos(x)


@primitive(lambda g, out, x: g * (1.0 - out * out), reads=(("out",),), dtype="float")
def tanh(x):
    """tanh x;  d/dx = 1 - tanh² x"""
    return np.tanh(x)


@primitive(lambda g, out, x: g * (out * (1.0 - out)), reads=(("out",),), dtype="float")
def sigmoid(x):
    """σ(x) = 1/(1 + e⁻ˣ), computed as exp(-log(1 + e⁻ˣ)) so that no exp overflows;  d/dx = σ(1-σ)"""
    return np.exp(-np.logaddexp(0, -x))


@primitive(lambda g, out, x: g * ~(out <= 0), reads=(("out",),))
def relu(x):
    """max(x, 0);  d/dx = 1(x > 0), and 1 at NaN (the gradient passes, as PyTorch's does)"""
    return np.maximum(x, 0)


@primitive(lambda g, out, x: g * x.sign(), reads=(("x",),))
def abs(x):
    """|x|;  d/dx = sign x (0 at 0, and at NaN, as PyTorch's)"""
    return np.abs(x)


def _inside(x, lo, hi):
    """1 where lo <= x <= hi: clip passes gradient only there (NaN is outside)."""
    if lo is None:
        return True if hi is None else x <= hi
    return x >= lo if hi is None else (x >= lo) & (x <= hi)


@primitive(lambda g, out, x, lo, hi: g * _inside(x, lo, hi), reads=(("x",),), dtype="promote")
def clip(x, lo=None, hi=None):
    """min(max(x, lo), hi);  d/dx = 1(lo <= x <= hi)"""
    return np.clip(x, lo, hi)


def _share(a, b):
    """Where a > b, 1; where a == b, ½ (ties split the gradient); where either is NaN, 1.

    PyTorch's rule: a NaN propagates, and so does the gradient, to both operands.
    """
    return (a > b) + 0.5 * (a == b) + (_isnan(a) | _isnan(b))


@primitive(
    lambda g, out, a, b: g * _share(a, b),
    lambda g, out, a, b: g * _share(b, a),
    arity=2,
    reads=(("a", "b"), ("a", "b")),
    dtype="promote",
    commutative=True,
)
def maximum(a, b):
    """max(a, b) elementwise"""
    return np.maximum(a, b)


@primitive(
    lambda g, out, a, b: g * _share(b, a),
    lambda g, out, a, b: g * _share(a, b),
    arity=2,
    reads=(("a", "b"), ("a", "b")),
    dtype="promote",
    commutative=True,
)
def minimum(a, b):
    """min(a, b) elementwise"""
    return np.minimum(a, b)


@primitive(
    None,
    lambda g, out, cond, a, b: g.where(cond, 0.0),
    lambda g, out, cond, a, b: g.where(~g._lift(cond), 0.0),
    arity=0,
    dtype="promote",
    label="where(cond)",
)
def where(cond, a, b):
    """cond ? a : b;  the gradient goes to a where cond holds, to b elsewhere"""
    return np.where(cond, a, b)


@primitive(lambda g, out, x, dtype: g.astype(x.dtype))
def astype(x, dtype):
    """x converted to dtype, in a new row-major array (so clone() and contiguous() give one);
    the gradient converts back."""
    return x.astype(dtype, order="C")


# Comparisons and sign: piecewise constant, so their results carry no gradient.


@primitive(arity=2, differentiable=False, register=False, symbol="<")
def lt(a, b):
    """a < b"""
    return np.less(a, b)


@primitive(arity=2, differentiable=False, register=False, symbol="≤")
def le(a, b):
    """a <= b"""
    return np.less_equal(a, b)


@primitive(arity=2, differentiable=False, register=False, symbol=">")
def gt(a, b):
    """a > b"""
    return np.greater(a, b)


@primitive(arity=2, differentiable=False, register=False, symbol="≥")
def ge(a, b):
    """a >= b"""
    return np.greater_equal(a, b)


@primitive(arity=2, differentiable=False, register=False, symbol="==", commutative=True)
def eq(a, b):
    """a == b"""
    return np.equal(a, b)


@primitive(arity=2, differentiable=False, register=False, symbol="!=", commutative=True)
def ne(a, b):
    """a != b"""
    return np.not_equal(a, b)


def _sign(x):
    return np.where(np.isnan(x), 0, np.sign(x)).astype(np.result_type(x), copy=False)


@primitive(differentiable=False, register=False)
def logical_not(x):
    """not x, elementwise, for bool x"""
    return np.logical_not(x)


@primitive(arity=2, differentiable=False, register=False)
def logical_and(a, b):
    """a and b, elementwise"""
    return np.logical_and(a, b)


@primitive(arity=2, differentiable=False, register=False)
def logical_or(a, b):
    """a or b, elementwise"""
    return np.logical_or(a, b)


@primitive(name="round", differentiable=False, register=False)
def round_(x, decimals=0):
    """x rounded to `decimals` places, halves to even; no gradient (its slope is 0 almost everywhere)"""
    return np.round(x, decimals)


@primitive(differentiable=False, register=False)
def isfinite(x):
    """whether x is finite (neither ±inf nor NaN), elementwise"""
    return np.isfinite(x)


@primitive(differentiable=False, register=False)
def isnan(x):
    """whether x is NaN, elementwise"""
    return np.isnan(x)


@primitive(differentiable=False, register=False)
def sign(x):
    """-1, 0 or 1 by the sign of x; 0 for NaN, as PyTorch's"""
    return _sign(x)
