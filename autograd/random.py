"""One random generator for both packages, so that `manual_seed` makes every draw repeatable."""

from __future__ import annotations

import numpy as np

from .state import modes

_generator = np.random.default_rng()


def manual_seed(seed: int) -> np.random.Generator:
    """Reseed every random draw of autograd and nn (factories, init, dropout, shuffling)."""
    global _generator
    _generator = np.random.default_rng(seed)
    return _generator


def default_generator() -> np.random.Generator:
    """The generator all random draws use; ask for it at each draw, since manual_seed replaces it."""
    return _generator


def draw(method: str, *args, generator: np.random.Generator | None = None) -> np.ndarray:
    """generator.method(*args) (the default generator if none is given), e.g. draw("random", (2, 3)).

    Every random draw of both packages goes through here, so that a trace records it as
    a draw: a replay draws fresh numbers, from the same generator, in the same order.
    """
    source = default_generator() if generator is None else generator
    out = getattr(source, method)(*args)
    if modes.recorder is not None:
        modes.recorder.drew(out, generator, method, args)
    return out
