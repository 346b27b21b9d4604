"""Random tensors: normal and uniform draws, integers, permutations and categorical draws.

Each takes PyTorch's `generator=`: an `autograd.Generator` (or a NumPy Generator)
whose own draws they are, or, without one, the default generator that
`manual_seed` reseeds. The numbers are NumPy's; a seed repeats them run after run.
"""

from __future__ import annotations

import numpy as np

from ._tensor import Tensor, _shape_arg
from .dtypes import as_dtype, int64
from .factories import float_dtype, made
from .random import draw
from .random import multinomial as _multinomial


def _as(draws: np.ndarray, dtype) -> np.ndarray:
    """Draws in dtype; the cast is an op, so that a trace records it (as it records the draw)."""
    return draws if draws.dtype == dtype else Tensor._lift(draws).astype(dtype)._data


def randn(*size, generator=None, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Draws from the standard normal distribution N(0, 1)."""
    draws = draw("standard_normal", _shape_arg(size), generator=generator, where="randn")
    return made(_as(draws, _floating(dtype, "randn")), "randn", device, requires_grad)


def rand(*size, generator=None, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Draws uniform in [0, 1)."""
    draws = draw("random", _shape_arg(size), generator=generator, where="rand")
    return made(_as(draws, _floating(dtype, "rand")), "rand", device, requires_grad)


def randint(*args, size=None, low=None, high=None, generator=None, dtype=None, device=None,
            requires_grad: bool = False) -> Tensor:  # fmt: skip
    """Integers drawn uniformly from [low, high): `randint(high, size)` or `randint(low, high, size)`.

    int64 unless another dtype is given, as PyTorch's.
    """
    low, high, size = _randint_arguments(args, low, high, size)
    draws = draw("integers", low, high, size, generator=generator, where="randint")
    return made(_as(draws, int64 if dtype is None else as_dtype(dtype)), "randint", device, requires_grad)


def _randint_arguments(args: tuple, low, high, size) -> tuple[int, int, tuple]:
    """PyTorch's forms: (high, size), (low, high, size), and the same with keywords."""
    if len(args) == 3:
        low, high, size = args
    elif len(args) == 2 and size is None:  # randint(high, size)
        high, size = args
    elif len(args) == 2:  # randint(low, high, size=...)
        low, high = args
    elif len(args) == 1 and high is None:  # randint(high, size=...)
        high = args[0]
    elif len(args) == 1:  # randint(low, high=..., size=...)
        low = args[0]
    if len(args) > 3 or high is None or size is None:
        raise TypeError("randint: expected randint(high, size) or randint(low, high, size), size a tuple")
    low = 0 if low is None else low
    if low >= high:
        raise ValueError(f"randint: low ({low}) must be less than high ({high})")
    return int(low), int(high), _shape_arg((size,))


def randperm(n: int, *, generator=None, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """A random permutation of 0, 1, ..., n - 1 (int64 unless another dtype is given)."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError(f"randperm: n must be a non-negative int, got {n!r}")
    order = draw("permutation", int(n), generator=generator, where="randperm")
    return made(_as(order, int64 if dtype is None else as_dtype(dtype)), "randperm", device, requires_grad)


def multinomial(input, num_samples: int, replacement: bool = False, *, generator=None) -> Tensor:
    """Category indices drawn from each row of non-negative weights (probabilities, or unnormalised).

    input has shape (categories,) or (rows, categories); the result (num_samples,) or
    (rows, num_samples), int64. Without replacement no category repeats within a row.
    """
    weights = input._data if isinstance(input, Tensor) else np.asarray(input)
    return Tensor._lift(draw(_multinomial, weights, num_samples, replacement, generator=generator))


def normal(mean=0.0, std=1.0, size=None, *, generator=None, dtype=None, device=None,
           requires_grad: bool = False) -> Tensor:  # fmt: skip
    """Draws from N(mean, std²): mean and std numbers with a size, or tensors (broadcast together).

    Like PyTorch's, the draws carry no gradient to mean or std.
    """
    tensors = [x for x in (mean, std) if isinstance(x, Tensor)]
    mean_array, std_array = (np.asarray(x._data if isinstance(x, Tensor) else x) for x in (mean, std))
    if (std_array < 0).any():
        raise ValueError("normal: std must be non-negative")
    if tensors:
        if size is not None:
            raise TypeError("normal: size is for a number mean and std; with tensors the shape is theirs")
        dtype = _floating(np.result_type(*[t.dtype for t in tensors]) if dtype is None else dtype, "normal")
        shape = np.broadcast_shapes(mean_array.shape, std_array.shape)
    else:
        if size is None:
            raise TypeError("normal: with a number mean and std, give the size of the result")
        dtype, shape = _floating(dtype, "normal"), _shape_arg((size,))
    draws = draw("normal", mean_array, std_array, shape, generator=generator, where="normal")
    return made(_as(draws, dtype), "normal", device, requires_grad)


def rand_like(input, *, generator=None, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Uniform draws in [0, 1) with input's shape (and dtype, unless given)."""
    return rand(np.shape(input), generator=generator, dtype=_like(input, dtype), device=device,
                requires_grad=requires_grad)  # fmt: skip


def randn_like(input, *, generator=None, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Standard normal draws with input's shape (and dtype, unless given)."""
    return randn(np.shape(input), generator=generator, dtype=_like(input, dtype), device=device,
                 requires_grad=requires_grad)  # fmt: skip


def randint_like(input, low=0, high=None, *, generator=None, dtype=None, device=None,
                 requires_grad: bool = False) -> Tensor:  # fmt: skip
    """Integers drawn from [low, high) with input's shape and dtype: `randint_like(x, high)` too."""
    if high is None:
        low, high = 0, low
    return randint(low, high, np.shape(input), generator=generator, dtype=_like(input, dtype),
                   device=device, requires_grad=requires_grad)  # fmt: skip


def _floating(dtype, where: str) -> np.dtype:
    """The dtype of continuous draws: a float dtype (the default one unless given)."""
    dtype = float_dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"{where}: draws are real numbers, so dtype must be floating point, got {dtype}")
    return dtype


def _like(input, dtype) -> np.dtype:
    return np.asarray(input).dtype if dtype is None else as_dtype(dtype)
