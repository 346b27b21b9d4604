"""Ops that move elements without changing them: reshape, transpose, indexing, joining."""

from __future__ import annotations

import builtins

import numpy as np

from ..dtypes import promote
from .op import every, primitive


@primitive(lambda g, out, x, shape: g.reshape(x.shape), view=True)
def reshape(x, shape):
    """x with a new shape, same elements in the same order (a view where NumPy can make one)"""
    return x.reshape(shape)


def _inverse(axes):
    return None if axes is None else tuple(int(i) for i in np.argsort(axes))


@primitive(lambda g, out, x, axes: g.T if axes is None else g.permute(_inverse(axes)), view=True)
def transpose(x, axes=None):
    """x with its axes permuted (reversed when axes is None)"""
    return x.transpose(axes)


# -- indexing ------------------------------------------------------------------


_BASIC_INDEX = (int, np.integer, slice, type(None), type(Ellipsis))


def is_basic(index) -> bool:
    """Basic indices (ints, slices, None, ...) pick each element at most once, as a view."""
    return all(isinstance(part, _BASIC_INDEX) for part in (index if isinstance(index, tuple) else (index,)))


def normalize_index(index):
    """Tensors and lists become arrays; a bool mask becomes the int arrays of its nonzeros."""
    parts = index if isinstance(index, tuple) else (index,)
    normal = []
    for part in parts:
        if hasattr(part, "numpy") and not isinstance(part, np.ndarray):  # a Tensor
            part = np.asarray(part)
        elif isinstance(part, list):
            # [] reads as a float array; NumPy takes it as an empty integer index.
            part = np.asarray(part) if part else np.zeros(0, dtype=np.intp)
        if isinstance(part, np.ndarray) and part.dtype == bool:
            normal.extend(part.nonzero())
        elif isinstance(part, np.ndarray) and part.dtype.kind not in "iu":
            raise IndexError(f"getitem: index arrays must be integers or bools, got {part.dtype}")
        else:
            normal.append(part)
    return tuple(normal) if isinstance(index, tuple) or len(normal) != 1 else normal[0]


@primitive(lambda g, out, x, index: g.scatter_add(index, x.shape), view=True, label="getitem{index:index}")
def getitem(x, index):
    """x[index], with NumPy's basic indexing (a view) and advanced indexing (a copy)"""
    return x[index]


@primitive(lambda g, out, x, index, shape, distinct=False: g[index])
def scatter_add(x, index, shape, distinct=False):
    """zeros(shape) with x (broadcast) added at index (repeats accumulate): the VJP of x[index]

    `distinct`: the caller knows that no element is indexed twice (one class per row, say),
    so a plain assignment gives the same sums as the slower accumulating one.
    """
    out = np.zeros(shape, dtype=x.dtype)
    if distinct or is_basic(index):
        out[index] = x
    else:
        np.add.at(out, index, x)
    return out


@primitive(
    lambda g, out, x, index, value: g.setitem(index, 0.0),
    None,
    lambda g, out, x, index, value: g[index],
    arity=0,
    label="setitem{index:index}",
)
def setitem(x, index, value):
    """x with value written at index;  the gradient goes to value there, to x elsewhere"""
    out = x.copy()
    out[index] = value
    return out


# -- joining -------------------------------------------------------------------


def _piece(i, g, out, axis, *xs):
    """The slice of g that came from argument i (argument 0 is the axis)."""
    start = builtins.sum(x.shape[axis] for x in xs[: i - 1])
    where = [slice(None)] * g.ndim
    where[axis] = slice(start, start + xs[i - 1].shape[axis])
    return g[tuple(where)]


@primitive(every(_piece), arity=0, label="concatenate(axis={axis})")
def concatenate(axis, *xs):
    """the xs joined along axis;  each gets back its own slice of the gradient"""
    return np.concatenate(xs, axis=axis, dtype=promote(xs))
