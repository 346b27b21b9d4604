"""PyTorch's `torch.Generator` and the seeding functions: repeatable random draws.

A Generator holds its own NumPy generator (PCG64), so draws made with
`generator=g` never move the default one, and the same seed gives the same
draws on every run. The numbers are NumPy's, not PyTorch's: a seed repeats this
engine's draws, not torch's.
"""

from __future__ import annotations

import operator

import numpy as np

from . import devices
from . import random as _random
from ._tensor import Tensor

_LOWEST, _HIGHEST = -(2**63), 2**64 - 1  # PyTorch's range of seeds; negative ones wrap around
_STATE_BYTES = (8, 16, 16, 1, 4)  # seed, PCG64 state and increment, has_uint32, uinteger


def _seed_value(seed, where: str) -> int:
    try:
        seed = operator.index(seed)
    except TypeError:
        raise TypeError(f"{where}: the seed must be an int, got {type(seed).__name__}") from None
    if not _LOWEST <= seed <= _HIGHEST:
        raise ValueError(f"{where}: the seed {seed} is outside [-2**63, 2**64 - 1]")
    return seed % 2**64


class Generator:
    """A source of random draws to pass as `generator=` (PyTorch's `torch.Generator`).

    `Generator().manual_seed(42)` makes its draws repeatable; it starts from a seed
    taken from the operating system otherwise.
    """

    def __init__(self, device="cpu"):
        self.device = devices.check(device, "Generator")
        self._seed = _random.fresh_seed()
        self._numpy = np.random.default_rng(self._seed)

    def manual_seed(self, seed: int) -> Generator:
        """Start again from seed (any int in [-2**63, 2**64 - 1]); returns the generator itself."""
        self._seed = _seed_value(seed, "manual_seed")
        _random.reseed(self._numpy, self._seed)
        return self

    def seed(self) -> int:
        """Reseed from the operating system's entropy, and return the seed used."""
        self.manual_seed(_random.fresh_seed())
        return self._seed

    def initial_seed(self) -> int:
        """The seed the current sequence of draws started from."""
        return self._seed

    def get_state(self) -> Tensor:
        """The generator's whole state as a uint8 tensor, for `set_state` to restore."""
        state = self._numpy.bit_generator.state
        numbers = (
            self._seed,
            state["state"]["state"],
            state["state"]["inc"],
            state["has_uint32"],
            state["uinteger"],
        )
        raw = b"".join(int(n).to_bytes(size, "little") for n, size in zip(numbers, _STATE_BYTES))
        return Tensor(np.frombuffer(raw, dtype=np.uint8).copy())

    def set_state(self, new_state) -> Generator:
        """Restore a state that `get_state` returned; returns the generator itself."""
        raw = np.asarray(new_state)
        if raw.dtype != np.uint8 or raw.shape != (sum(_STATE_BYTES),):
            raise ValueError(
                f"set_state: expected the uint8 tensor of shape ({sum(_STATE_BYTES)},) that get_state "
                f"returns, got {raw.dtype} of shape {raw.shape}"
            )
        numbers, start = [], 0
        for size in _STATE_BYTES:
            numbers.append(int.from_bytes(raw[start : start + size].tobytes(), "little"))
            start += size
        seed, pcg_state, inc, has_uint32, uinteger = numbers
        self._numpy.bit_generator.state = {
            "bit_generator": "PCG64",
            "state": {"state": pcg_state, "inc": inc},
            "has_uint32": has_uint32,
            "uinteger": uinteger,
        }
        self._seed = seed
        return self

    def __repr__(self) -> str:
        return f"<autograd.Generator (initial seed {self._seed})>"

    @classmethod
    def _around(cls, rng: np.random.Generator, seed: int) -> Generator:
        """A Generator over an existing NumPy generator (the default one)."""
        generator = cls.__new__(cls)
        generator.device, generator._numpy, generator._seed = devices.CPU, rng, seed
        return generator


_default = Generator._around(_random.default_generator(), _random.default_initial_seed())


def manual_seed(seed: int) -> Generator:
    """Reseed every draw of autograd and nn that has no `generator=` (factories, init, dropout,
    shuffling); returns the default Generator, as PyTorch does."""
    return _default.manual_seed(seed)


def seed() -> int:
    """Reseed the default generator from the operating system's entropy; returns the seed."""
    return _default.seed()


def initial_seed() -> int:
    """The seed the default generator's current draws started from."""
    return _default.initial_seed()


def get_rng_state() -> Tensor:
    """The default generator's state, as a uint8 tensor."""
    return _default.get_state()


def set_rng_state(new_state) -> None:
    """Restore the default generator's state from `get_rng_state`."""
    _default.set_state(new_state)
