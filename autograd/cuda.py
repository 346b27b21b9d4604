"""PyTorch's `torch.cuda` questions, answered for an engine that computes on the CPU with NumPy.

Scripts ask `torch.cuda.is_available()` to choose a device; here the answer is False,
so they choose the CPU. Seeding CUDA does nothing when there is none, as in PyTorch.
"""

from __future__ import annotations


def is_available() -> bool:
    """False: there is no CUDA device here."""
    return False


def device_count() -> int:
    """0 CUDA devices."""
    return 0


def manual_seed(seed: int) -> None:
    """Nothing to seed: PyTorch ignores this call too when CUDA is not available."""


manual_seed_all = manual_seed


def empty_cache() -> None:
    """No CUDA memory to release."""
