"""Tensors made from data or from nothing: copies, constants and ranges (random draws: sampling.py).

Every factory takes PyTorch's keywords `dtype=`, `device=` (the CPU) and
`requires_grad=`; shapes are given as `zeros(2, 3)` or `zeros((2, 3))`.
"""

from __future__ import annotations

import numpy as np

from . import devices
from ._tensor import Tensor, _shape_arg
from .dtypes import as_dtype, get_default_dtype


def made(array: np.ndarray, where: str, device=None, requires_grad: bool = False) -> Tensor:
    """A new leaf holding array (not copied), once the device is checked to be the CPU."""
    devices.check(device, where)
    out = Tensor._lift(array)
    if requires_grad:
        out.requires_grad_(True)
    return out


def float_dtype(dtype) -> np.dtype:
    """dtype, or the default float dtype when none is given."""
    return get_default_dtype() if dtype is None else as_dtype(dtype)


def _dtype_like(t, dtype) -> np.dtype:
    return np.asarray(t).dtype if dtype is None else as_dtype(dtype)


def tensor(data, dtype=None, device=None, requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """PyTorch's factory: a new Tensor holding a copy of data (numbers, lists, arrays or a Tensor)."""
    return Tensor(data, requires_grad=requires_grad, dtype=dtype, device=device)


def as_tensor(data, dtype=None, device=None) -> Tensor:
    """data itself if it is a Tensor of that dtype; else a Tensor holding it (an array is not copied
    when its dtype is kept)."""
    devices.check(device, "as_tensor")
    if isinstance(data, Tensor):
        return data if dtype is None or as_dtype(dtype) == data.dtype else data.to(dtype)
    if isinstance(data, (np.ndarray, np.generic)):
        array = np.asarray(data, dtype=None if dtype is None else as_dtype(dtype))
        if array.dtype.kind not in "fiub":
            raise TypeError(f"as_tensor: unsupported dtype {array.dtype}")
        return Tensor._lift(array)
    return Tensor(data, dtype=dtype)


def from_numpy(array: np.ndarray) -> Tensor:
    """A Tensor sharing array's memory and dtype: a change to one shows in the other."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected a NumPy array, got {type(array).__name__}")
    if array.dtype.kind not in "fiub":
        raise TypeError(f"from_numpy: unsupported dtype {array.dtype}")
    return Tensor._lift(array)


def zeros(*size, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros: zeros(2, 3) or zeros((2, 3))."""
    return made(np.zeros(_shape_arg(size), float_dtype(dtype)), "zeros", device, requires_grad)


def ones(*size, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones."""
    return made(np.ones(_shape_arg(size), float_dtype(dtype)), "ones", device, requires_grad)


def empty(*size, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """PyTorch leaves an empty tensor's memory unset; here it holds zeros, one valid content."""
    return made(np.zeros(_shape_arg(size), float_dtype(dtype)), "empty", device, requires_grad)


def full(size, fill_value, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """A tensor of one value everywhere; its dtype is inferred from the value, as PyTorch's."""
    if dtype is None:
        dtype = Tensor(fill_value).dtype
    return made(np.full(_shape_arg((size,)), fill_value, as_dtype(dtype)), "full", device, requires_grad)


def eye(n: int, m: int | None = None, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """The n × m identity matrix (n × n without m): ones on the diagonal, zeros elsewhere."""
    for name, value in (("n", n), ("m", m)):
        if value is not None and (not isinstance(value, (int, np.integer)) or value < 0):
            raise ValueError(f"eye: {name} must be a non-negative int, got {value!r}")
    return made(np.eye(n, m, dtype=float_dtype(dtype)), "eye", device, requires_grad)


def zeros_like(input, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Zeros with input's shape (and dtype, unless given)."""
    return made(np.zeros(np.shape(input), _dtype_like(input, dtype)), "zeros_like", device, requires_grad)


def ones_like(input, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Ones with input's shape (and dtype, unless given)."""
    return made(np.ones(np.shape(input), _dtype_like(input, dtype)), "ones_like", device, requires_grad)


def full_like(input, fill_value, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """fill_value everywhere, with input's shape (and dtype, unless given)."""
    array = np.full(np.shape(input), fill_value, _dtype_like(input, dtype))
    return made(array, "full_like", device, requires_grad)


def empty_like(input, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """As empty: zeros with input's shape (and dtype, unless given)."""
    return made(np.zeros(np.shape(input), _dtype_like(input, dtype)), "empty_like", device, requires_grad)


def arange(
    start=0, end=None, step=1, *, dtype=None, device=None, requires_grad: bool = False, stop=None
) -> Tensor:
    """start, start+step, ... up to (not including) end; int64 for ints, else the default float."""
    end = stop if end is None else end  # NumPy's name for it, kept for code written against it
    if end is None:
        start, end = 0, start
    if step == 0:
        raise ValueError("arange: step must be nonzero")
    if dtype is None:
        integral = all(isinstance(v, (int, np.integer)) for v in (start, end, step))
        dtype = np.int64 if integral else get_default_dtype()
    return made(np.arange(start, end, step, dtype=as_dtype(dtype)), "arange", device, requires_grad)


def _steps(steps, where: str) -> int:
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"{where}: steps must be a non-negative int, got {steps!r}")
    return int(steps)


def linspace(start, end, steps: int, *, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """steps evenly spaced values from start to end, both included."""
    values = np.linspace(float(start), float(end), _steps(steps, "linspace"))
    return made(_converted(values, float_dtype(dtype)), "linspace", device, requires_grad)


def logspace(
    start, end, steps: int, base: float = 10.0, *, dtype=None, device=None, requires_grad: bool = False
) -> Tensor:
    """base ** linspace(start, end, steps): steps values evenly spaced on a log scale."""
    values = float(base) ** np.linspace(float(start), float(end), _steps(steps, "logspace"))
    return made(_converted(values, float_dtype(dtype)), "logspace", device, requires_grad)


def _converted(values: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """float64 values in dtype; an integer dtype truncates toward zero, as PyTorch's."""
    return (np.trunc(values) if dtype.kind in "iub" else values).astype(dtype)
