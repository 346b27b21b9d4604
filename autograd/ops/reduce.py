"""Reductions over axes, and `sum_to`, the one place where broadcasting is undone.

An `axis` reaching a forward here is None, an int or a tuple of ints (Tensor's
methods normalise lists and PyTorch's `dim`).
"""

from __future__ import annotations

import builtins

import numpy as np
from numpy.lib.array_utils import normalize_axis_tuple

from .op import primitive


def reduced_axes(axis, ndim: int) -> tuple[int, ...]:
    """An axis argument (None, int or tuple) as a tuple of non-negative ints."""
    return tuple(range(ndim)) if axis is None else normalize_axis_tuple(axis, ndim)


def kept_shape(shape: tuple[int, ...], axis) -> tuple[int, ...]:
    """The shape a reduction over `axis` gives with keepdims=True."""
    reduced = reduced_axes(axis, len(shape))
    return tuple(1 if i in reduced else n for i, n in enumerate(shape))


def _spread(g, x, axis, keepdims: bool):
    """A reduction's output gradient, broadcast back over the axes it reduced."""
    if not keepdims and axis is not None:  # a full reduction's 0-d gradient broadcasts as it is
        g = g.reshape(kept_shape(x.shape, axis))
    return g.broadcast_to(x.shape)


@primitive(lambda g, out, x, axis, keepdims: _spread(g, x, axis, keepdims))
def sum(x, axis=None, keepdims=False):
    """Σ x over axis;  the gradient is copied to every summed element"""
    return x.sum(axis=axis, keepdims=keepdims)


def _ties(x, out, axis, keepdims: bool):
    """1/k at each of the k elements equal to the max (or min): ties share the gradient.

    With NaNs, PyTorch's rules: over all elements (`max()`) the NaNs share the gradient;
    along an axis (`amax`) a row whose max is NaN matches nothing, so gets 0/0 = NaN.
    """
    best = out if keepdims else out.reshape(kept_shape(x.shape, axis))
    hits = x == best
    if axis is None:
        hits = hits | (x.isnan() & best.isnan())
    hits = hits.astype(np.float64)  # 1/k in float64, then rounded once by the product with g
    return hits / hits.sum(axis=axis, keepdims=True)


def _extreme_vjp(g, out, x, axis, keepdims):
    return _spread(g, x, axis, keepdims) * _ties(x, out, axis, keepdims)


@primitive(_extreme_vjp, reads=(("x", "out"),))
def max(x, axis=None, keepdims=False):
    """max of x over axis;  the gradient goes to the maximal elements, split among ties"""
    return x.max(axis=axis, keepdims=keepdims)


@primitive(_extreme_vjp, reads=(("x", "out"),))
def min(x, axis=None, keepdims=False):
    """min of x over axis;  the gradient goes to the minimal elements, split among ties"""
    return x.min(axis=axis, keepdims=keepdims)


def _std_vjp(g, out, x, axis, keepdims, correction):
    """g·(x - mean) / (std·(n - correction)), and 0 where the std is 0 (constant rows), as PyTorch."""
    kept = kept_shape(x.shape, axis)
    std = out if keepdims else out.reshape(kept)
    n = x.numel() // builtins.max(std.numel(), 1)
    centred = x - x.mean(axis, keepdims=True)
    nonzero = std != 0
    # Divide by 1 where the std is 0, so that no 0/0 enters the graph of higher derivatives.
    slope = _spread(g, x, axis, keepdims) * centred / (std.where(nonzero, 1.0) * (n - correction))
    return slope.where(nonzero.broadcast_to(x.shape), 0.0)


@primitive(_std_vjp, reads=(("x", "out"),))
def std(x, axis=None, keepdims=False, correction=1):
    """√(Σ(x - mean)² / (n - correction));  d/dx = (x - mean) / (std·(n - correction)), 0 where std = 0

    A primitive, not √var: at a constant row √'s slope is infinite and var's is 0, and
    their product would be NaN where PyTorch (and the limit along any line) says 0.
    """
    return np.std(x, axis=axis, keepdims=keepdims, ddof=correction)


@primitive(differentiable=False, register=False)
def argmax(x, axis=None, keepdims=False):
    """Index of the largest element along axis (the first of ties); no gradient."""
    return np.argmax(x, axis=axis, keepdims=keepdims)


@primitive(differentiable=False, register=False)
def argmin(x, axis=None, keepdims=False):
    """Index of the smallest element along axis (the first of ties); no gradient."""
    return np.argmin(x, axis=axis, keepdims=keepdims)


@primitive(lambda g, out, x, shape: g.sum_to(x.shape), view=True)
def broadcast_to(x, shape):
    """x repeated to `shape` by NumPy's broadcasting (a read-only view);  the gradient is summed back"""
    return np.broadcast_to(x, shape)


@primitive(lambda g, out, x, shape: g.broadcast_to(x.shape))
def sum_to(x, shape):
    """x summed down to `shape`, undoing a broadcast;  the gradient is broadcast again"""
    lead = x.ndim - len(shape)
    if lead:  # the axes broadcasting added in front
        x = x.sum(axis=tuple(range(lead)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and x.shape[i] != 1)
    if stretched:  # the axes broadcasting stretched from 1
        x = x.sum(axis=stretched, keepdims=True)
    return x
