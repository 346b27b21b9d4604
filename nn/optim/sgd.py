"""SGD: stochastic gradient descent with PyTorch's momentum, nesterov and weight decay."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from autograd import Tensor

from .optimizer import Optimizer, ParamGroup, learning_rate


class SGD(Optimizer):
    """Stochastic gradient descent, with PyTorch's momentum (buf = μ·buf + (1-dampening)·g, buf = g on the
    first step), nesterov (g + μ·buf), and L2 weight decay (g + λ·p); then p ← p - lr·update."""

    def __init__(
        self,
        params: Iterable[Tensor] | Iterable[dict],
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ):
        defaults = dict(
            lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay, nesterov=nesterov
        )
        super().__init__(params, defaults)

    def _check(self, group: dict[str, Any]) -> None:
        super()._check(group)
        if not group["momentum"] >= 0.0:
            raise ValueError(f"SGD: momentum must be >= 0, got {group['momentum']}")
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError("SGD: nesterov needs momentum > 0 and dampening = 0")

    def _update(self, group: ParamGroup) -> None:
        momentum, weight_decay = group["momentum"], group["weight_decay"]
        rates: dict = {}  # the learning rate in each parameter dtype, cast once per step
        for p in group["params"]:
            if p.grad is None:
                continue
            g = p.grad
            if weight_decay:
                g = g + weight_decay * p
            if momentum:
                state = self.state.setdefault(p, {})
                buf = state.get("momentum_buffer")
                if buf is None:
                    buf = state["momentum_buffer"] = g.clone()
                else:
                    buf *= momentum
                    buf += (1.0 - group["dampening"]) * g
                g = g + momentum * buf if group["nesterov"] else buf
            rate = learning_rate(group, p.dtype, rates)
            p -= rate * g
