"""The NumPy generators underneath every random draw of autograd and nn.

A draw asks for its generator when it happens: the `generator=` it was given (an
`autograd.Generator`, or a NumPy Generator), else the default one, which
`manual_seed` reseeds in place, so `default_generator()` is one object for good.
This module knows only NumPy: the Tensor methods that draw (`multinomial`,
`uniform_`, `normal_`) build on it, and `Generator` (generator.py) wraps it.
"""

from __future__ import annotations

import os

import numpy as np

from .state import modes

_SEED_BITS = 64


def fresh_seed() -> int:
    """A seed from the operating system's entropy: what an unseeded generator starts from."""
    return int.from_bytes(os.urandom(_SEED_BITS // 8), "little")


_initial_seed = fresh_seed()
_default = np.random.default_rng(_initial_seed)


def default_generator() -> np.random.Generator:
    """The NumPy generator that draws without a `generator=` use (reseeded by manual_seed)."""
    return _default


def default_initial_seed() -> int:
    """The seed the default generator started from at import (manual_seed's are kept by Generator)."""
    return _initial_seed


def reseed(rng: np.random.Generator, seed: int) -> None:
    """Start rng again from seed, in place (the object stays the same)."""
    rng.bit_generator.state = np.random.PCG64(seed).state


def numpy_generator(generator=None, where: str = "draw") -> np.random.Generator:
    """The NumPy generator behind a `generator=` argument: the default one for None."""
    if generator is None:
        return _default
    if isinstance(generator, np.random.Generator):
        return generator
    numpy = getattr(generator, "_numpy", None)  # an autograd.Generator keeps its NumPy generator here
    if isinstance(numpy, np.random.Generator):
        return numpy
    raise TypeError(f"{where}: generator must be an autograd.Generator, got {type(generator).__name__}")


def multinomial(
    weights: np.ndarray, num_samples: int, replacement: bool, rng: np.random.Generator
) -> np.ndarray:
    """Indices drawn from each row of non-negative weights (normalised per row), as int64.

    Without replacement, each draw removes its category from the rest of that row's draws.
    """
    if weights.ndim not in (1, 2):
        raise ValueError(f"multinomial: expected weights of 1 or 2 dimensions, got shape {weights.shape}")
    if weights.dtype.kind != "f":
        raise TypeError(f"multinomial: weights must be floating point, got {weights.dtype}")
    if isinstance(num_samples, bool) or not isinstance(num_samples, (int, np.integer)) or num_samples <= 0:
        raise ValueError(f"multinomial: num_samples must be a positive int, got {num_samples!r}")
    if weights.shape[-1] == 0:
        raise ValueError("multinomial: the weights have no categories (last dimension is 0)")
    rows = np.asarray(weights, dtype=np.float64).reshape(-1, weights.shape[-1])
    if not np.isfinite(rows).all() or (rows < 0).any():
        raise ValueError("multinomial: weights must be finite and non-negative")
    totals = rows.sum(axis=1)
    if (totals <= 0).any():
        raise ValueError(f"multinomial: row {int(np.argmax(totals <= 0))} of the weights sums to 0")
    if not replacement:
        nonzero = int(np.count_nonzero(rows, axis=1).min())
        if num_samples > nonzero:
            raise ValueError(
                f"multinomial: cannot draw {num_samples} samples without replacement from a row "
                f"with {nonzero} categories of non-zero weight; pass replacement=True or draw fewer"
            )
    drawn = np.stack(
        [
            rng.choice(len(row), size=int(num_samples), replace=replacement, p=row / total)
            for row, total in zip(rows, totals)
        ]
    )
    return drawn.astype(np.int64).reshape(weights.shape[:-1] + (int(num_samples),))


def draw(method: str, *args, generator=None, where: str = "draw") -> np.ndarray:
    """generator.method(*args) on the NumPy generator behind `generator` (the default one for None).

    Every random draw of both packages goes through here, so that a trace records it as
    a draw: a replay draws fresh numbers, from the same generator, in the same order.
    `method` is a NumPy Generator method ("random", "integers", ...) or a function of
    (*args, rng), such as `multinomial` above.
    """
    rng = numpy_generator(generator, where)
    out = method(*args, rng) if callable(method) else getattr(rng, method)(*args)
    if modes.recorder is not None:
        modes.recorder.drew(out, None if generator is None else rng, method, args)
    return out
