"""Linear: y = x Wᵀ + b, stored and initialised as PyTorch does, so weights move across by name."""

from __future__ import annotations

import math

import numpy as np

import autograd
from autograd import Tensor, get_default_dtype

from . import init
from .module import Module, check_device
from .parameter import Parameter


class Linear(Module):
    """y = x @ weight.T + bias, with weight (out_features, in_features) and bias (out_features,).

    Initialised as PyTorch's default: weight by Kaiming-uniform with a = √5, which is
    U(-1/√in, 1/√in), and bias by U(-1/√in, 1/√in); drawn from autograd's seeded generator.
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, device=None, dtype=None):
        super().__init__()
        check_device("Linear", device)
        for what, n in (("in_features", in_features), ("out_features", out_features)):
            if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
                raise ValueError(f"Linear: {what} must be a non-negative integer, got {n!r}")
        self.in_features, self.out_features = int(in_features), int(out_features)
        dtype = get_default_dtype() if dtype is None else np.dtype(dtype)
        self.weight = Parameter(np.empty((self.out_features, self.in_features), dtype=dtype))
        if bias:
            self.bias = Parameter(np.empty(self.out_features, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw fresh weights (weight first, then bias, as PyTorch does)."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1.0 / math.sqrt(self.in_features) if self.in_features else 0.0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, x: Tensor) -> Tensor:
        if not isinstance(x, Tensor):
            x = Tensor(x)
        if x.dtype.kind != "f":
            raise TypeError(
                f"Linear: expected a floating-point input (like the weight, {self.weight.dtype}), "
                f"got {x.dtype}; convert it with .float() or .astype(...)"
            )
        if x.ndim == 0 or x.shape[-1] != self.in_features:
            raise ValueError(
                f"Linear(in_features={self.in_features}, out_features={self.out_features}): the input's last "
                f"axis must have {self.in_features} features, got input of shape {x.shape}"
            )
        return autograd.linear(x, self.weight, self.bias)  # x @ weight.T + bias, as one op

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
        )
