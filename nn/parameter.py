"""Parameter: a Tensor that a Module registers as one of its weights."""

from __future__ import annotations

from typing import Any

from autograd import Tensor


class Parameter(Tensor):
    """A leaf Tensor that requires grad; assigning one to a Module attribute registers it.

    `Parameter(data, requires_grad=True, name=None)`: `data` is anything `Tensor` takes.
    The array is copied (as `Tensor` always does), so the parameter owns its data
    and optimizers may change it in place.
    """

    def __init__(self, data: Any, requires_grad: bool = True, name: str | None = None):
        super().__init__(data, name=name)
        if requires_grad:
            if self.dtype.kind != "f":
                raise TypeError(f"Parameter: only floating-point data can require grad, got {self.dtype}")
            self.requires_grad = True

    def __repr__(self) -> str:
        return "Parameter" + super().__repr__().removeprefix("Tensor")
