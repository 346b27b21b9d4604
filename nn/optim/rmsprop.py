"""RMSprop, with PyTorch's update formulas (momentum and the centered variant included)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from autograd import Tensor, zeros_like

from .optimizer import Optimizer, ParamGroup, learning_rate, lerp_, new_step_count


class RMSprop(Optimizer):
    """RMSprop, as PyTorch: g ← g + λ·p; v ← αv + (1-α)g²; centered: ḡ ← lerp(ḡ, g, 1-α), v̂ = v - ḡ²;
    d = √v̂ + eps; with momentum μ: b ← μb + g/d, p ← p - lr·b; else p ← p - lr·g/d."""

    def __init__(
        self,
        params: Iterable[Tensor] | Iterable[dict],
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
    ):
        defaults = dict(
            lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum, centered=centered
        )
        super().__init__(params, defaults)

    def _check(self, group: dict[str, Any]) -> None:
        super()._check(group)
        self._check_at_least_zero(group, "eps", "momentum", "alpha")

    def _fresh(self, p: Tensor, group: ParamGroup) -> dict:
        """A parameter's state before its first step: its running averages at 0."""
        state = {"step": new_step_count(), "square_avg": zeros_like(p)}
        if group["momentum"] > 0:
            state["momentum_buffer"] = zeros_like(p)
        if group["centered"]:
            state["grad_avg"] = zeros_like(p)
        return state

    def _update(self, group: ParamGroup) -> None:
        alpha, eps = group["alpha"], group["eps"]
        weight_decay, momentum = group["weight_decay"], group["momentum"]
        rates: dict = {}  # the learning rate in each parameter dtype, cast once per step
        for p, g, state in self._with_gradients(group):
            state["step"] += 1
            if weight_decay:
                g = g + weight_decay * p
            square_avg = state["square_avg"]
            square_avg *= alpha
            square_avg += (1.0 - alpha) * g * g
            if group["centered"]:
                grad_avg = state["grad_avg"]
                lerp_(grad_avg, g, 1.0 - alpha)
                avg = (square_avg - grad_avg * grad_avg).sqrt()
            else:
                avg = square_avg.sqrt()
            avg = avg + eps
            lr = learning_rate(group, p.dtype, rates)
            if momentum > 0:
                buf = state["momentum_buffer"]
                buf *= momentum
                buf += g / avg
                p -= lr * buf
            else:
                p -= lr * (g / avg)
