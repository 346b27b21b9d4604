"""Ops that move elements without changing them: reshape, transpose, indexing, joining."""

from __future__ import annotations

import builtins

import numpy as np
from numpy.lib.array_utils import normalize_axis_index

from ..graph import as_tensor, composite, every, primitive
from ..tensor import Tensor
from .reduce import broadcast_to


@primitive(lambda g, out, x, shape: reshape(g, x.data.shape))
def reshape(x, shape):
    """x with a new shape, same elements in the same order"""
    return x.reshape(shape)


def _inverse(axes):
    return None if axes is None else tuple(int(i) for i in np.argsort(axes))


@primitive(lambda g, out, x, axes: transpose(g, _inverse(axes)))
def transpose(x, axes=None):
    """x with its axes permuted (reversed when axes is None)"""
    return x.transpose(axes)


# -- indexing ------------------------------------------------------------------


_BASIC_INDEX = (int, np.integer, slice, type(None), type(Ellipsis))


def _is_basic(index) -> bool:
    """Basic indices (ints, slices, None, ...) pick each element at most once."""
    for part in index if isinstance(index, tuple) else (index,):
        if not isinstance(part, _BASIC_INDEX):
            return False
    return True


def _normalize_index(index):
    """Tensors and lists become arrays; a bool mask becomes the int arrays of its nonzeros."""
    parts = index if isinstance(index, tuple) else (index,)
    normal = []
    for part in parts:
        if isinstance(part, Tensor):
            part = part.data
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


@primitive(lambda g, out, x, index: scatter_add(g, index, x.data.shape), name="getitem")
def _getitem(x, index):
    """x[index], with NumPy's basic and advanced indexing"""
    return x[index]


def getitem(x: Tensor, index) -> Tensor:
    """x[index]; repeated indices make the gradient accumulate."""
    return _getitem(x, _normalize_index(index))


@primitive(lambda g, out, x, index, shape: _getitem(g, index))
def scatter_add(x, index, shape):
    """zeros(shape) with x added at index (repeats accumulate): the VJP of x[index]"""
    dtype = x.dtype if isinstance(x, (np.ndarray, np.generic)) else np.result_type(x)
    out = np.zeros(shape, dtype=dtype)
    if _is_basic(index):
        out[index] = x
    else:
        np.add.at(out, index, x)
    return out


# -- joining -------------------------------------------------------------------


def _piece(i, g, out, axis, *xs):
    """The slice of g that came from argument i (argument 0 is the axis)."""
    start = builtins.sum(x.shape[axis] for x in xs[: i - 1])
    where = [slice(None)] * g.ndim
    where[axis] = slice(start, start + xs[i - 1].shape[axis])
    return g[tuple(where)]


@primitive(every(_piece), arity=0, name="concatenate")
def _concatenate(axis, *xs):
    """the xs joined along axis;  each gets back its own slice of the gradient"""
    return np.concatenate(xs, axis=axis)


@composite
def concatenate(tensors, axis: int = 0, *, dim: int | None = None) -> Tensor:
    """Join tensors along an existing axis."""
    tensors = [as_tensor(t) for t in tensors]
    if not tensors:
        raise ValueError("concatenate: expected at least one tensor")
    axis = axis if dim is None else dim
    axis = normalize_axis_index(axis, tensors[0].ndim) if tensors[0].ndim else axis
    return _concatenate(axis, *tensors)


cat = concatenate


@composite
def stack(tensors, axis: int = 0, *, dim: int | None = None) -> Tensor:
    """Join tensors of one shape along a new axis."""
    tensors = [as_tensor(t) for t in tensors]
    if not tensors:
        raise ValueError("stack: expected at least one tensor")
    shapes = {t.shape for t in tensors}
    if len(shapes) > 1:
        raise ValueError(f"stack: all tensors must have one shape, got {sorted(shapes)}")
    axis = axis if dim is None else dim
    return concatenate([unsqueeze(t, axis) for t in tensors], axis)


# -- shape helpers built on reshape and transpose --------------------------------


@composite
def swapaxes(x: Tensor, axis1: int, axis2: int) -> Tensor:
    """x with two axes exchanged"""
    axes = list(range(x.ndim))
    a, b = normalize_axis_index(axis1, x.ndim), normalize_axis_index(axis2, x.ndim)
    axes[a], axes[b] = axes[b], axes[a]
    return transpose(x, tuple(axes))


@composite
def permute(x: Tensor, *axes) -> Tensor:
    """x with its axes in the given order"""
    return transpose(x, axes[0] if len(axes) == 1 and isinstance(axes[0], (tuple, list)) else axes)


@composite
def squeeze(x: Tensor, axis=None) -> Tensor:
    """x without its size-1 axes (or only those named)"""
    if axis is None:
        return reshape(x, tuple(n for n in x.shape if n != 1))
    axes = {normalize_axis_index(a, x.ndim) for a in (axis if isinstance(axis, (tuple, list)) else (axis,))}
    return reshape(x, tuple(n for i, n in enumerate(x.shape) if not (i in axes and n == 1)))


@composite
def unsqueeze(x: Tensor, axis: int) -> Tensor:
    """x with a new size-1 axis at position axis"""
    if axis is None:
        raise TypeError("unsqueeze: missing the axis (dim) to insert")
    axis = normalize_axis_index(axis, x.ndim + 1)
    return reshape(x, x.shape[:axis] + (1,) + x.shape[axis:])


@composite
def flatten(x: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """x with axes start_dim..end_dim merged into one"""
    if x.ndim == 0:
        return reshape(x, (1,))
    start, end = normalize_axis_index(start_dim, x.ndim), normalize_axis_index(end_dim, x.ndim)
    merged = int(np.prod(x.shape[start : end + 1]))
    return reshape(x, x.shape[:start] + (merged,) + x.shape[end + 1 :])


@composite
def expand(x: Tensor, shape) -> Tensor:
    """x broadcast to shape; -1 keeps an axis as it is (PyTorch's expand)"""
    shape = tuple(shape)
    lead = len(shape) - x.ndim
    if lead < 0:
        raise ValueError(f"expand: cannot expand shape {x.shape} to fewer dimensions {shape}")
    shape = tuple(x.shape[i - lead] if n == -1 else n for i, n in enumerate(shape))
    return broadcast_to(x, shape)
