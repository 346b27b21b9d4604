"""PyTorch's `torch.accelerator` questions: there is no accelerator, only the CPU (NumPy)."""

from __future__ import annotations


def is_available() -> bool:
    """False: this engine computes on the CPU."""
    return False


def device_count() -> int:
    """0 accelerators."""
    return 0


def current_accelerator() -> None:
    """None, as PyTorch answers when no accelerator is available."""
    return None
