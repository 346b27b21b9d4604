"""Ops built from primitives: they need no gradient of their own (log_softmax excepted, for speed)."""

from __future__ import annotations

import math

import numpy as np

from ..graph import _constant, composite, primitive
from ..tensor import Tensor
from .elementwise import exp, log
from .reduce import _axes, _kept_shape, _max_over, _sum_over, sum


def _count(x: Tensor, axis) -> int:
    """How many elements a reduction over axis combines into each output."""
    kept = _kept_shape(x.shape, axis)
    return int(np.prod(x.shape)) // max(int(np.prod(kept)), 1)


def _reciprocal(n: int) -> float:
    """1/n, and inf for n <= 0: an average of nothing is then 0·inf = nan, as in NumPy and PyTorch."""
    return 1.0 / n if n > 0 else math.inf


@composite
def mean(x: Tensor, axis=None, keepdims=False) -> Tensor:
    """Σx / n over axis"""
    return sum(x, axis, keepdims) * _reciprocal(_count(x, axis))


@composite
def var(x: Tensor, axis=None, keepdims=False, correction: int = 1) -> Tensor:
    """Σ(x - mean)² / (n - correction): unbiased by default, as PyTorch"""
    centred = x - mean(x, axis, keepdims=True)
    return sum(centred * centred, axis, keepdims) * _reciprocal(_count(x, axis) - correction)


@composite
def std(x: Tensor, axis=None, keepdims=False, correction: int = 1) -> Tensor:
    """√var"""
    return var(x, axis, keepdims, correction).sqrt()


def _shift(x: Tensor, axis) -> Tensor:
    """The max over axis, as a constant: subtracting it keeps exp from overflowing."""
    top = _max_over(x.data, axis)
    return _constant(np.where(np.isfinite(top), top, 0))


@composite
def logsumexp(x: Tensor, axis=None, keepdims=False) -> Tensor:
    """log Σ eˣ, stable: m + log Σ e^(x - m) with m the max (its gradient cancels, so m is a constant)"""
    m = _shift(x, axis)
    total = log(sum(exp(x - m), axis, True)) + m  # keepdims by position: the op then binds no defaults
    if keepdims:
        return total
    reduced = _axes(axis, x.ndim)
    return total.reshape(tuple(n for i, n in enumerate(x.shape) if i not in reduced))


def _log_softmax_vjp(g, out, x, axis):
    """g - softmax · Σg along axis, where softmax = e^out"""
    return g - exp(out) * sum(g, axis, True)


@primitive(_log_softmax_vjp, name="log_softmax")
def _log_softmax(x, axis):
    """(x - m) - log Σ e^(x - m), m the max along axis;  d/dx · g = g - softmax · Σg

    A primitive, unlike its neighbours, for a measured reason: composed of primitives it
    was eight ops forward and eight back, 12% of a training step of a small MLP
    (benchmarks/PROFILE.md). Subtracting the max first and never adding it back keeps a
    value near the max at full precision beside a huge logit (float32 spacing at 1e4 is 1e-3).
    """
    if x.size == 0:  # nothing to normalise (and log Σ over an empty axis would warn of log 0)
        return np.empty_like(x, dtype=np.result_type(x, 1.0))
    top = _max_over(x, axis)
    shifted = x - np.where(np.isfinite(top), top, 0)
    return shifted - np.log(_sum_over(np.exp(shifted), axis))


@composite
def log_softmax(x: Tensor, axis: int = -1) -> Tensor:
    """x - logsumexp(x): log-probabilities along axis, stable for large |x|"""
    return _log_softmax(x, axis)


@composite
def softmax(x: Tensor, axis: int = -1) -> Tensor:
    """e^(x - m) / Σ e^(x - m): probabilities along axis"""
    e = exp(x - _shift(x, axis))
    return e / sum(e, axis, True)
