"""One random generator for both packages, so that `manual_seed` makes every draw repeatable."""

from __future__ import annotations

import numpy as np

_generator = np.random.default_rng()


def manual_seed(seed: int) -> np.random.Generator:
    """Reseed every random draw of autograd and nn (factories, init, dropout, shuffling)."""
    global _generator
    _generator = np.random.default_rng(seed)
    return _generator


def default_generator() -> np.random.Generator:
    """The generator all random draws use; ask for it at each draw, since manual_seed replaces it."""
    return _generator
