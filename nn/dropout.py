"""Dropout: zero random elements while training, scaling the rest so the expectation is unchanged."""

from __future__ import annotations

from autograd import Tensor

from . import functional as F
from .module import Module


class Dropout(Module):
    """Inverted dropout: in training each element is zeroed with probability p and the rest
    multiplied by 1/(1-p); in eval mode the input passes through unchanged."""

    def __init__(self, p: float = 0.5, inplace: bool = False):
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"Dropout: p must be a probability in [0, 1], got {p}")
        self.p = float(p)
        self.inplace = bool(inplace)  # accepted for ported code; the result is always a new tensor

    def forward(self, x: Tensor) -> Tensor:
        return F.dropout(x, self.p, self.training)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"
