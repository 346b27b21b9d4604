"""Adagrad, with PyTorch's update formulas (learning-rate decay included)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from autograd import Tensor

from .optimizer import Optimizer, ParamGroup, new_step_count


class Adagrad(Optimizer):
    """Adagrad, as PyTorch: g ← g + λ·p; s ← s + g² (s starts at initial_accumulator_value);
    p ← p - lr/(1 + (t-1)·lr_decay) · g / (√s + eps)."""

    def __init__(
        self,
        params: Iterable[Tensor] | Iterable[dict],
        lr: float = 1e-2,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
    ):
        defaults = dict(
            lr=lr,
            lr_decay=lr_decay,
            weight_decay=weight_decay,
            initial_accumulator_value=initial_accumulator_value,
            eps=eps,
        )
        super().__init__(params, defaults)

    def _check(self, group: dict[str, Any]) -> None:
        super()._check(group)
        self._check_at_least_zero(group, "lr_decay", "initial_accumulator_value", "eps")

    def _fresh(self, p: Tensor, group: ParamGroup) -> dict:
        start = group["initial_accumulator_value"]
        return {"step": new_step_count(), "sum": Tensor(np.full(p.shape, start, dtype=p.dtype))}

    def _update(self, group: ParamGroup) -> None:
        lr, lr_decay, eps, weight_decay = (
            group.lr_tensor,
            group["lr_decay"],
            group["eps"],
            group["weight_decay"],
        )
        for p, g, state in self._with_gradients(group):
            step, total = state["step"], state["sum"]
            step += 1
            if weight_decay:
                g = g + weight_decay * p
            step_size = lr / (1.0 + (step - 1.0) * lr_decay)
            total += g * g
            p -= step_size * (g / (total.sqrt() + eps))
