"""Reductions over axes, and `sum_to`, the one place where broadcasting is undone."""

from __future__ import annotations

import functools

import numpy as np
from numpy.lib.array_utils import normalize_axis_tuple

from ..graph import _constant, composite, primitive
from ..tensor import Tensor


def _axes(axis, ndim: int) -> tuple[int, ...]:
    """An axis argument (None, int, tuple or list) as a tuple of non-negative ints."""
    if axis is None:
        return tuple(range(ndim))
    return normalize_axis_tuple(axis if not isinstance(axis, list) else tuple(axis), ndim)


def _kept_shape(shape: tuple[int, ...], axis) -> tuple[int, ...]:
    """The shape a reduction over `axis` gives with keepdims=True."""
    reduced = _axes(axis, len(shape))
    return tuple(1 if i in reduced else n for i, n in enumerate(shape))


def _spread(g: Tensor, x: Tensor, axis, keepdims: bool) -> Tensor:
    """A reduction's output gradient, broadcast back over the axes it reduced."""
    if not keepdims and axis is not None:  # a full reduction's scalar broadcasts as it is
        g = g.reshape(_kept_shape(x.data.shape, axis))
    return broadcast_to(g, x.data.shape)


def _axis_arg(axis):
    return tuple(axis) if isinstance(axis, list) else axis


# NumPy reduces a short last axis slowly: np.max over the 2 classes of 256 rows takes
# 8.5 µs, as long as the rest of log_softmax. Over a last axis of a few classes (the usual
# case for logits) a running np.maximum over the columns, and a product with a vector of
# ones for the sum, give the same values 3-5x faster.
_FEW_CLASSES = 16


def _on_short_last_axis(x, axis) -> bool:
    # x is an ndarray or a NumPy scalar: its own attributes are cheaper than np.ndim/np.shape
    return type(axis) is int and x.ndim >= 1 and axis in (-1, x.ndim - 1) and 0 < x.shape[-1] <= _FEW_CLASSES


def _max_over(x, axis):
    """np.max(x, axis, keepdims=True), faster over a short last axis of many rows."""
    if x.size == 0:  # the max of nothing is undefined; a shift of 0 keeps softmax of nothing empty
        return np.zeros(_kept_shape(x.shape, axis), dtype=x.dtype)
    # The running maximum costs a NumPy call per column, NumPy's reduce ~30 ns per row:
    # the columns win only when there are many more rows than columns.
    if not (_on_short_last_axis(x, axis) and 20 * x.shape[-1] ** 2 <= x.size):
        return x.max(axis=_axis_arg(axis), keepdims=True)
    top = x[..., 0]
    for j in range(1, x.shape[-1]):
        top = np.maximum(top, x[..., j])
    return top[..., None]


def _sum_over(x, axis, keepdims=True):
    """np.sum(x, axis, keepdims), faster over a short last axis of floats."""
    if not (_on_short_last_axis(x, axis) and x.dtype.kind == "f"):
        return x.sum(axis=_axis_arg(axis), keepdims=keepdims)
    total = x @ _ones(x.shape[-1], x.dtype)
    return total[..., None] if keepdims else total


@functools.lru_cache(maxsize=64)
def _ones(n: int, dtype: np.dtype) -> np.ndarray:
    """A read-only vector of n ones, kept: making it (np.ones) cost most of a small sum."""
    ones = np.ones(n, dtype=dtype)
    ones.flags.writeable = False
    return ones


@primitive(lambda g, out, x, axis, keepdims: _spread(g, x, axis, keepdims))
def sum(x, axis=None, keepdims=False):
    """Σ x over axis;  the gradient is copied to every summed element"""
    return _sum_over(x, axis, keepdims)


def _argmax_share(x: Tensor, out: Tensor, axis, keepdims: bool) -> np.ndarray:
    """1/k at each of the k elements equal to the max (or min): ties share the gradient."""
    best = out.data if keepdims else np.reshape(out.data, _kept_shape(x.data.shape, axis))
    hits = x.data == best
    return hits / np.sum(hits, axis=_axis_arg(axis), keepdims=True)


@primitive(
    lambda g, out, x, axis, keepdims: _spread(g, x, axis, keepdims) * _argmax_share(x, out, axis, keepdims)
)
def max(x, axis=None, keepdims=False):
    """max of x over axis;  the gradient goes to the maximal elements, split among ties"""
    return x.max(axis=_axis_arg(axis), keepdims=keepdims)


@primitive(
    lambda g, out, x, axis, keepdims: _spread(g, x, axis, keepdims) * _argmax_share(x, out, axis, keepdims)
)
def min(x, axis=None, keepdims=False):
    """min of x over axis;  the gradient goes to the minimal elements, split among ties"""
    return x.min(axis=_axis_arg(axis), keepdims=keepdims)


@composite
def argmax(x: Tensor, axis=None, keepdims=False) -> Tensor:
    """Index of the largest element (NumPy's answer); no gradient."""
    return _constant(np.argmax(x.data, axis=axis, keepdims=keepdims))


@composite
def argmin(x: Tensor, axis=None, keepdims=False) -> Tensor:
    """Index of the smallest element (NumPy's answer); no gradient."""
    return _constant(np.argmin(x.data, axis=axis, keepdims=keepdims))


@primitive(lambda g, out, x, shape: sum_to(g, x.data.shape))
def broadcast_to(x, shape):
    """x repeated to `shape` by NumPy's broadcasting;  the gradient is summed back (sum_to)"""
    if x.ndim == 0 and type(shape) is tuple:
        # A 0-d x (a full reduction's gradient, as a loss sends back) becomes a read-only
        # stride-0 view directly: np.broadcast_to's Python layer costs 2 µs, this 0.5.
        view = np.ndarray(shape, x.dtype, np.asarray(x), 0, (0,) * len(shape))
        view.flags.writeable = False
        return view
    return np.broadcast_to(x, shape)


@primitive(lambda g, out, x, shape: broadcast_to(g, x.data.shape))
def sum_to(x, shape):
    """x summed down to `shape`, undoing a broadcast;  the gradient is broadcast again"""
    shape = tuple(shape)
    lead = x.ndim - len(shape)
    if lead:  # the axes broadcasting added in front
        x = x.sum(axis=0 if lead == 1 else tuple(range(lead)))
    if x.shape != shape:  # the axes broadcasting stretched from 1
        x = x.sum(axis=tuple(i for i, n in enumerate(shape) if n == 1 and x.shape[i] != 1), keepdims=True)
    return x
