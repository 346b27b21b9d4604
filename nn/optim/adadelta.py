"""Adadelta, with PyTorch's update formulas."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from autograd import Tensor, zeros_like

from .optimizer import Optimizer, ParamGroup, learning_rate, new_step_count


class Adadelta(Optimizer):
    """Adadelta, as PyTorch: g ← g + λ·p; v ← ρv + (1-ρ)g²; Δ = √(u + eps)/√(v + eps)·g;
    u ← ρu + (1-ρ)Δ²; p ← p - lr·Δ."""

    def __init__(
        self,
        params: Iterable[Tensor] | Iterable[dict],
        lr: float = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0.0,
    ):
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay))

    def _check(self, group: dict[str, Any]) -> None:
        super()._check(group)
        self._check_at_least_zero(group, "eps")
        if not 0.0 <= group["rho"] <= 1.0:
            raise ValueError(f"Adadelta: rho must be in [0, 1], got {group['rho']}")

    def _fresh(self, p: Tensor, group: ParamGroup) -> dict:
        return {"step": new_step_count(), "square_avg": zeros_like(p), "acc_delta": zeros_like(p)}

    def _update(self, group: ParamGroup) -> None:
        rho, eps, weight_decay = group["rho"], group["eps"], group["weight_decay"]
        rates: dict = {}  # the learning rate in each parameter dtype, cast once per step
        for p, g, state in self._with_gradients(group):
            state["step"] += 1
            if weight_decay:
                g = g + weight_decay * p
            square_avg, acc_delta = state["square_avg"], state["acc_delta"]
            square_avg *= rho
            square_avg += (1.0 - rho) * g * g
            delta = (acc_delta + eps).sqrt() / (square_avg + eps).sqrt() * g
            acc_delta *= rho
            acc_delta += (1.0 - rho) * delta * delta
            rate = learning_rate(group, p.dtype, rates)
            p -= rate * delta
