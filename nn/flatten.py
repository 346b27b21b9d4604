"""Flatten and Unflatten: reshaping layers, for use inside Sequential."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from autograd import Tensor

from .module import Module


class Flatten(Module):
    """Axes start_dim..end_dim merged into one: (N, C, H, W) → (N, C·H·W) by default (start_dim=1)."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x: Tensor) -> Tensor:
        return x.flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Axis `dim` split into `unflattened_size`: Unflatten(1, (2, 5)) maps (N, 10) → (N, 2, 5); one size may be -1."""

    def __init__(self, dim: int, unflattened_size: Sequence[int]):
        super().__init__()
        sizes = tuple(unflattened_size)
        if not sizes or not all(isinstance(n, (int, np.integer)) for n in sizes):
            raise TypeError(f"Unflatten: unflattened_size must be a tuple of ints, got {unflattened_size!r}")
        self.dim, self.unflattened_size = dim, sizes

    def forward(self, x: Tensor) -> Tensor:
        dim = self.dim + x.ndim if self.dim < 0 else self.dim
        if not 0 <= dim < x.ndim:
            raise IndexError(f"Unflatten: dim {self.dim} is out of range for an input of shape {x.shape}")
        known = int(np.prod([n for n in self.unflattened_size if n != -1]))
        fits = (
            x.shape[dim] == known if -1 not in self.unflattened_size else known and x.shape[dim] % known == 0
        )
        if not fits:
            raise ValueError(
                f"Unflatten: axis {self.dim} of size {x.shape[dim]} cannot be split into {self.unflattened_size}"
            )
        return x.reshape(x.shape[:dim] + self.unflattened_size + x.shape[dim + 1 :])

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
