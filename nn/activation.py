"""Elementwise activations, and softmax, as modules: each one line over an autograd op.

`inplace=True` (ReLU, LeakyReLU) is accepted so that ported code runs; the result
is always a new tensor, with the same values and gradients.
"""

from __future__ import annotations

from autograd import Tensor

from . import functional as F
from .module import Module


class ReLU(Module):
    """max(x, 0)"""

    def __init__(self, inplace: bool = False):
        super().__init__()
        self.inplace = bool(inplace)

    def forward(self, x: Tensor) -> Tensor:
        return x.relu()

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class LeakyReLU(Module):
    """x if x > 0 else negative_slope·x"""

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False):
        super().__init__()
        self.negative_slope, self.inplace = negative_slope, bool(inplace)

    def forward(self, x: Tensor) -> Tensor:
        return F.leaky_relu(x, self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}" + (", inplace=True" if self.inplace else "")


class GELU(Module):
    """x·Φ(x) (Φ the standard normal CDF), or with approximate="tanh" ½x(1 + tanh(√(2/π)(x + 0.044715x³)))."""

    def __init__(self, approximate: str = "none"):
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def forward(self, x: Tensor) -> Tensor:
        return F.gelu(x, self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


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
