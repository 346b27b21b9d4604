"""PyTorch's `torch.backends` switches that scripts read or set: no MPS and no cuDNN here.

`torch.backends.mps.is_available()` is False; `torch.backends.cudnn.deterministic = True`
and `.benchmark = False` may be set, and change nothing (NumPy on the CPU is
deterministic already).
"""

from __future__ import annotations


class mps:  # noqa: N801  (PyTorch's module name)
    """Apple's Metal backend: not here."""

    @staticmethod
    def is_available() -> bool:
        return False

    @staticmethod
    def is_built() -> bool:
        return False


class cudnn:  # noqa: N801  (PyTorch's module name)
    """NVIDIA's cuDNN: not here; its switches are kept so that scripts may set them."""

    enabled = True
    deterministic = False
    benchmark = False

    @staticmethod
    def is_available() -> bool:
        return False
