"""Adam and AdamW, with PyTorch's update formulas and bias corrections."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from autograd import Tensor, zeros_like

from .optimizer import Optimizer, ParamGroup, new_step_count


class Adam(Optimizer):
    """Adam, as PyTorch: g ← g + λ·p (L2 decay); m ← β₁m + (1-β₁)g; v ← β₂v + (1-β₂)g²;
    p ← p - lr/(1-β₁ᵗ) · m / (√v/√(1-β₂ᵗ) + eps)."""

    def __init__(
        self,
        params: Iterable[Tensor] | Iterable[dict],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ):
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay))

    def _check(self, group: dict[str, Any]) -> None:
        super()._check(group)
        name = type(self).__name__
        if not group["eps"] >= 0.0:
            raise ValueError(f"{name}: eps must be >= 0, got {group['eps']}")
        for i, beta in enumerate(group["betas"]):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"{name}: betas[{i}] must be in [0, 1), got {beta}")

    def _decay(self, p: Tensor, g: Tensor, group: ParamGroup) -> Tensor:
        """Adam's decay is L2: added to the gradient before the moments see it."""
        weight_decay = group["weight_decay"]
        return g + weight_decay * p if weight_decay else g

    def _fresh(self, p: Tensor, group: ParamGroup) -> dict:
        return {"step": new_step_count(), "exp_avg": zeros_like(p), "exp_avg_sq": zeros_like(p)}

    def _update(self, group: ParamGroup) -> None:
        lr, eps = group.lr_tensor, group["eps"]
        beta1, beta2 = group["betas"]
        for p, g, state in self._with_gradients(group):
            g = self._decay(p, g, group)
            step, m, v = state["step"], state["exp_avg"], state["exp_avg_sq"]
            step += 1
            m += (1.0 - beta1) * (g - m)  # PyTorch's lerp: the same m, one rounding fewer
            v *= beta2
            v += (1.0 - beta2) * (g * g)
            step_size = lr / (1.0 - beta1**step)
            correction = (1.0 - beta2**step).sqrt()  # 0-d float64: rounded to v's dtype as a float would be
            denom = v.sqrt() / correction
            denom += eps
            p -= step_size * (m / denom)


class AdamW(Adam):
    """Adam with decoupled weight decay: p ← p·(1 - lr·λ) before the Adam step, and no L2 in the gradient."""

    def __init__(
        self,
        params: Iterable[Tensor] | Iterable[dict],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.01,
    ):
        super().__init__(params, lr, betas, eps, weight_decay)

    def _decay(self, p: Tensor, g: Tensor, group: ParamGroup) -> Tensor:
        weight_decay = group["weight_decay"]
        if weight_decay:
            p *= 1.0 - group.lr_tensor * weight_decay
        return g
