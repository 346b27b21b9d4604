"""Tensors made from nothing, or from data: constants, ranges and random draws."""

from __future__ import annotations

import numpy as np

from ._tensor import Tensor, _shape_arg
from .dtypes import as_dtype, get_default_dtype
from .random import draw


def _make(array: np.ndarray, requires_grad: bool = False) -> Tensor:
    out = Tensor._lift(array)
    if requires_grad:
        out.requires_grad_(True)
    return out


def _dtype(dtype) -> np.dtype:
    return get_default_dtype() if dtype is None else as_dtype(dtype)


def tensor(data, dtype=None, requires_grad: bool = False) -> Tensor:
    """PyTorch's factory: a new Tensor holding a copy of data (numbers, lists, arrays or a Tensor)."""
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)


def as_tensor(x) -> Tensor:
    """x itself if it is a Tensor; else a constant holding it (an array keeps its dtype, not copied)."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, (np.ndarray, np.generic)):
        return Tensor._lift(np.asarray(x))
    return Tensor(x)


def zeros(*shape, dtype=None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros: zeros(2, 3) or zeros((2, 3))."""
    return _make(np.zeros(_shape_arg(shape), dtype=_dtype(dtype)), requires_grad)


def ones(*shape, dtype=None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones."""
    return _make(np.ones(_shape_arg(shape), dtype=_dtype(dtype)), requires_grad)


def full(shape, fill_value, dtype=None, requires_grad: bool = False) -> Tensor:
    """A tensor of one value everywhere; its dtype is inferred from the value, as PyTorch's."""
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    if dtype is None:
        dtype = Tensor(fill_value).dtype
    return _make(np.full(shape, fill_value, dtype=as_dtype(dtype)), requires_grad)


def zeros_like(t, dtype=None, requires_grad: bool = False) -> Tensor:
    """Zeros with t's shape (and dtype, unless given)."""
    return _make(
        np.zeros(np.shape(t), dtype=np.asarray(t).dtype if dtype is None else as_dtype(dtype)), requires_grad
    )


def ones_like(t, dtype=None, requires_grad: bool = False) -> Tensor:
    """Ones with t's shape (and dtype, unless given)."""
    return _make(
        np.ones(np.shape(t), dtype=np.asarray(t).dtype if dtype is None else as_dtype(dtype)), requires_grad
    )


def arange(start, stop=None, step=1, dtype=None, requires_grad: bool = False) -> Tensor:
    """start, start+step, ... up to (not including) stop; int64 for ints, else the default float."""
    if stop is None:
        start, stop = 0, start
    if dtype is None:
        integral = all(isinstance(v, (int, np.integer)) for v in (start, stop, step))
        dtype = np.int64 if integral else get_default_dtype()
    return _make(np.arange(start, stop, step, dtype=as_dtype(dtype)), requires_grad)


def _drawn(draws: np.ndarray, dtype, requires_grad: bool) -> Tensor:
    """Float64 draws as a tensor of dtype; the cast is an op, so that a trace records it."""
    out = Tensor._lift(draws)
    if out.dtype != _dtype(dtype):
        out = out.astype(_dtype(dtype))
    return _make(out._data, requires_grad) if requires_grad else out


def randn(*shape, dtype=None, requires_grad: bool = False) -> Tensor:
    """Draws from the standard normal distribution (seeded by manual_seed)."""
    return _drawn(draw("standard_normal", _shape_arg(shape)), dtype, requires_grad)


def rand(*shape, dtype=None, requires_grad: bool = False) -> Tensor:
    """Draws uniform in [0, 1) (seeded by manual_seed)."""
    return _drawn(draw("random", _shape_arg(shape)), dtype, requires_grad)
