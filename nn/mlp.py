"""MLP: Linear layers with an activation between them, and none after the last (it gives logits)."""

from __future__ import annotations

from collections.abc import Sequence

from autograd import Tensor

from .activation import Identity, ReLU, Sigmoid, Tanh
from .container import Sequential
from .linear import Linear
from .module import Module

ACTIVATIONS: dict[str, type[Module]] = {"relu": ReLU, "tanh": Tanh, "sigmoid": Sigmoid, "identity": Identity}


class MLP(Module):
    """`MLP([2, 16, 16, 2], activation="relu")`: Linear(2, 16), ReLU, Linear(16, 16), ReLU, Linear(16, 2).

    The layers live in a Sequential named `layers`, so parameters are named
    `layers.0.weight`, `layers.0.bias`, `layers.2.weight`, ... as PyTorch would name them.
    `activation` is "relu", "tanh", "sigmoid", "identity", or a Module class.
    """

    def __init__(self, sizes: Sequence[int], activation: str | type[Module] = "relu", dtype=None):
        super().__init__()
        sizes = [int(n) for n in sizes]
        if len(sizes) < 2:
            raise ValueError(f"MLP: sizes needs at least an input and an output size, got {sizes}")
        if isinstance(activation, str):
            if activation not in ACTIVATIONS:
                raise ValueError(
                    f"MLP: activation must be one of {sorted(ACTIVATIONS)} or a Module class, got {activation!r}"
                )
            activation = ACTIVATIONS[activation]
        layers: list[Module] = []
        for i, (fan_in, fan_out) in enumerate(zip(sizes, sizes[1:])):
            if i:
                layers.append(activation())
            layers.append(Linear(fan_in, fan_out, dtype=dtype))
        self.sizes = sizes
        self.layers = Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        return self.layers(x)
