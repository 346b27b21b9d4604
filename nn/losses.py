"""Losses as modules: each holds its settings and calls the function of the same name in nn.functional."""

from __future__ import annotations

from typing import Any

from autograd import Tensor

from . import functional as F
from .module import Module


class _Loss(Module):
    def __init__(self, reduction: str = "mean"):
        super().__init__()
        F._check_reduction(type(self).__name__, reduction)
        self.reduction = reduction

    def extra_repr(self) -> str:
        return "" if self.reduction == "mean" else f"reduction={self.reduction!r}"


class CrossEntropyLoss(_Loss):
    """-log softmax(x)[y] (or against class probabilities); see `F.cross_entropy`."""

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.cross_entropy(input, target, self.reduction)


class NLLLoss(_Loss):
    """-input[y], given log-probabilities; see `F.nll_loss`."""

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.nll_loss(input, target, self.reduction)


class MSELoss(_Loss):
    """(x - y)²; see `F.mse_loss`."""

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.mse_loss(input, target, self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy on logits, stable for any logit; see `F.binary_cross_entropy_with_logits`."""

    def __init__(self, reduction: str = "mean", pos_weight: Any = None):
        super().__init__(reduction)
        self.pos_weight = pos_weight

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.binary_cross_entropy_with_logits(input, target, self.reduction, self.pos_weight)


class MultiMarginLoss(_Loss):
    """Multi-class hinge loss; see `F.multi_margin_loss`."""

    def __init__(self, p: int = 1, margin: float = 1.0, weight: Any = None, reduction: str = "mean"):
        super().__init__(reduction)
        if p not in (1, 2):
            raise ValueError(f"MultiMarginLoss: p must be 1 or 2, got {p}")
        self.p, self.margin, self.weight = p, margin, weight

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.multi_margin_loss(input, target, self.p, self.margin, self.weight, self.reduction)

    def extra_repr(self) -> str:
        return f"p={self.p}, margin={self.margin}" + (
            ", " + super().extra_repr() if super().extra_repr() else ""
        )


class TripletMarginLoss(_Loss):
    """max(0, d(a, p) - d(a, n) + margin); see `F.triplet_margin_loss`."""

    def __init__(
        self,
        margin: float = 1.0,
        p: float = 2.0,
        eps: float = 1e-6,
        swap: bool = False,
        reduction: str = "mean",
    ):
        super().__init__(reduction)
        self.margin, self.p, self.eps, self.swap = margin, p, eps, swap

    def forward(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor:
        return F.triplet_margin_loss(
            anchor, positive, negative, self.margin, self.p, self.eps, self.swap, self.reduction
        )

    def extra_repr(self) -> str:
        return f"margin={self.margin}, p={self.p}" + (
            ", " + super().extra_repr() if super().extra_repr() else ""
        )


class SoftAUCLoss(Module):
    """A smooth 1 - ROC AUC over positive-negative pairs; see `F.soft_auc_loss`."""

    def __init__(self, temperature: float = 1.0):
        super().__init__()
        if temperature <= 0:
            raise ValueError(f"SoftAUCLoss: temperature must be positive, got {temperature}")
        self.temperature = temperature

    def forward(self, scores: Tensor, labels: Any) -> Tensor:
        return F.soft_auc_loss(scores, labels, self.temperature)

    def extra_repr(self) -> str:
        return f"temperature={self.temperature}"
