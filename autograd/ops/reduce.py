"""Reductions over axes, and `sum_to`, the one place where broadcasting is undone."""

from __future__ import annotations

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


@primitive(lambda g, out, x, axis, keepdims: _spread(g, x, axis, keepdims))
def sum(x, axis=None, keepdims=False):
    """Σ x over axis;  the gradient is copied to every summed element"""
    return np.sum(x, axis=_axis_arg(axis), keepdims=keepdims)


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
    return np.max(x, axis=_axis_arg(axis), keepdims=keepdims)


@primitive(
    lambda g, out, x, axis, keepdims: _spread(g, x, axis, keepdims) * _argmax_share(x, out, axis, keepdims)
)
def min(x, axis=None, keepdims=False):
    """min of x over axis;  the gradient goes to the minimal elements, split among ties"""
    return np.min(x, axis=_axis_arg(axis), keepdims=keepdims)


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
    return np.broadcast_to(x, shape)


@primitive(lambda g, out, x, shape: broadcast_to(g, x.data.shape))
def sum_to(x, shape):
    """x summed down to `shape`, undoing a broadcast;  the gradient is broadcast again"""
    shape = tuple(shape)
    lead = np.ndim(x) - len(shape)
    stretched = tuple(i + lead for i, n in enumerate(shape) if n == 1 and x.shape[i + lead] != 1)
    if lead or stretched:
        x = np.sum(x, axis=tuple(range(lead)) + stretched, keepdims=True)
    return np.reshape(x, shape)
