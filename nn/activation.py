"""Elementwise activations, and softmax, as modules: each one line over an autograd op."""

from __future__ import annotations

from autograd import Tensor

from .module import Module


class ReLU(Module):
    """max(x, 0)"""

    def forward(self, x: Tensor) -> Tensor:
        return x.relu()


class Tanh(Module):
    """tanh x"""

    def forward(self, x: Tensor) -> Tensor:
        return x.tanh()


class Sigmoid(Module):
    """σ(x) = 1 / (1 + e⁻ˣ)"""

    def forward(self, x: Tensor) -> Tensor:
        return x.sigmoid()


class Identity(Module):
    """x, unchanged (a placeholder where a layer is optional)."""

    def __init__(self, *args, **kwargs):
        super().__init__()  # ignores its arguments, as PyTorch's does

    def forward(self, x: Tensor) -> Tensor:
        return x


class Softmax(Module):
    """e^xᵢ / Σⱼ e^xⱼ along `dim`."""

    def __init__(self, dim: int = -1):
        super().__init__()
        self.dim = dim

    def forward(self, x: Tensor) -> Tensor:
        return x.softmax(self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Softmax):
    """xᵢ - log Σⱼ e^xⱼ along `dim`."""

    def forward(self, x: Tensor) -> Tensor:
        return x.log_softmax(self.dim)
