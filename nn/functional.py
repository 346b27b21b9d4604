"""Layers and losses as functions, built from autograd ops only: no gradient is written here.

The engine differentiates every formula below; each function's job is the
forward math, and checking its arguments so that a mistake is reported in
terms of the call the user wrote (argument names and shapes).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np

import autograd
from autograd import (
    Tensor,
    clip,
    flatten,
    log,
    maximum,
    minimum,
    relu,
    scope,
    sigmoid,
    tanh,
)

from .embedding import embedding, one_hot
from .normalization import batch_norm, layer_norm
from .special import normal_cdf

__all__ = [
    "linear", "relu", "tanh", "sigmoid", "softmax", "log_softmax", "softplus", "dropout",
    "leaky_relu", "gelu", "flatten", "embedding", "one_hot", "layer_norm", "batch_norm",
    "cross_entropy", "nll_loss", "mse_loss", "binary_cross_entropy_with_logits",
    "multi_margin_loss", "pairwise_distance", "triplet_margin_loss", "soft_auc_loss",
]  # fmt: skip

_REDUCTIONS = ("mean", "sum", "none")


# -- layers -------------------------------------------------------------------


def linear(x: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """x @ Wᵀ + b, with W shaped (out_features, in_features): one op, autograd.linear."""
    return autograd.linear(x, weight, bias)


def softmax(x: Tensor, axis: int = -1, *, dim: int | None = None) -> Tensor:
    """e^xᵢ / Σⱼ e^xⱼ along axis (PyTorch's `dim` is accepted too)."""
    return autograd.softmax(_tensor(x), axis if dim is None else dim)


def log_softmax(x: Tensor, axis: int = -1, *, dim: int | None = None) -> Tensor:
    """xᵢ - log Σⱼ e^xⱼ along axis, stable for large |x|."""
    return autograd.log_softmax(_tensor(x), axis if dim is None else dim)


def softplus(x: Tensor) -> Tensor:
    """log(1 + eˣ), computed as max(x, 0) + log(1 + e^-|x|) so that no exp overflows."""
    # maximum (not relu) because it splits the tie at 0, giving the true slope σ(0) = ½ there.
    return maximum(x, 0.0) + log(1.0 + (-abs(x)).exp())


def dropout(x: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Inverted dropout: each element is zeroed with probability p, the rest scaled by 1/(1-p).

    `inplace` is accepted so ported code runs; the result is always a new tensor.
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout: p must be a probability in [0, 1], got {p}")
    if not training or p == 0.0:
        return x
    if p == 1.0:
        return x * 0.0
    x = _tensor(x)
    keep = autograd.rand(*x.shape, dtype=np.float64) >= p
    return x * (keep.astype(x.dtype) * (1.0 / (1.0 - p)))


def leaky_relu(x: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """x where x > 0, else negative_slope·x (the slope at 0 is negative_slope, as PyTorch's).

    `inplace` is accepted so ported code runs; the result is always a new tensor.
    """
    x = _tensor(x)
    return autograd.where(x > 0, x, x * negative_slope)


_GELU_TANH_SCALE = math.sqrt(2.0 / math.pi)


def gelu(x: Tensor, approximate: str = "none") -> Tensor:
    """x·Φ(x), Φ the standard normal CDF; approximate="tanh": ½x(1 + tanh(√(2/π)(x + 0.044715x³))).

    Φ is built from autograd ops (nn/special.py), within about 1e-13 of the exact value.
    """
    if approximate not in ("none", "tanh"):
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    x = _tensor(x)
    if approximate == "tanh":
        inner = _GELU_TANH_SCALE * (x + 0.044715 * (x * x * x))
        return 0.5 * x * (1.0 + tanh(inner))
    return x * normal_cdf(x)


# -- losses ---------------------------------------------------------------------


def _loss(fn: Callable) -> Callable:
    """Run fn inside `scope(fn's name, kind="loss")`: a picture draws the loss as one unit."""
    unit = scope(fn.__name__, kind="loss")

    @functools.wraps(fn)
    def loss(*args, **kwargs):
        with unit:
            return fn(*args, **kwargs)

    return loss


@_loss
def cross_entropy(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """ℓᵢ = -log softmax(xᵢ)[yᵢ] for class indices y, or -Σ_c t_ic log softmax(xᵢ)_c for class probabilities t.

    `input`: logits (N, C) (or (C,) for one example); `target`: integers (N,) or
    probabilities (N, C). Stable for any logits: log_softmax subtracts the row max.
    """
    x = _logits("cross_entropy", input)
    _check_reduction("cross_entropy", reduction)
    t = np.asarray(target)  # its dtype and shape decide which loss this is
    if t.dtype.kind == "f" and t.shape == x.shape:
        return _soft_cross_entropy(x, target, reduction)
    return _pick_and_reduce(
        autograd.log_softmax(x, -1), _class_indices("cross_entropy", x, target), reduction
    )


@_loss
def nll_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """ℓᵢ = -input[i, yᵢ]: the negative log-likelihood, given log-probabilities (N, C) and classes (N,)."""
    x = _logits("nll_loss", input)
    _check_reduction("nll_loss", reduction)
    return _pick_and_reduce(x, _class_indices("nll_loss", x, target), reduction)


@_loss
def mse_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """(xᵢ - yᵢ)², elementwise, then reduced."""
    x = _tensor(input)
    _check_reduction("mse_loss", reduction)
    t = _same_shape_target("mse_loss", x, target)
    diff = x - t
    return _reduce(diff * diff, reduction)


@_loss
def binary_cross_entropy_with_logits(
    input: Tensor, target: Any, reduction: str = "mean", pos_weight: Any = None
) -> Tensor:
    """-[w·y·log σ(x) + (1-y)·log(1-σ(x))] = (1-y)·x + (1 + (w-1)·y)·softplus(-x), stable for any x.

    `target` holds probabilities in [0, 1] shaped like `input`; `pos_weight` (w,
    default 1) weights the positive term, broadcast over the last axis.
    """
    x = _tensor(input)
    _check_reduction("binary_cross_entropy_with_logits", reduction)
    t = _same_shape_target("binary_cross_entropy_with_logits", x, target)
    _check_range("binary_cross_entropy_with_logits", "target", t, 0.0, 1.0)
    if pos_weight is None:
        losses = (1.0 - t) * x + softplus(-x)  # PyTorch's form: inf at x = inf, t = 0, as there
    else:
        w = _constant_like(pos_weight, x, "binary_cross_entropy_with_logits: pos_weight")
        losses = (1.0 - t) * x + ((w - 1.0) * t + 1.0) * softplus(-x)
    return _reduce(losses, reduction)


@_loss
def multi_margin_loss(
    input: Tensor,
    target: Any,
    p: int = 1,
    margin: float = 1.0,
    weight: Any = None,
    reduction: str = "mean",
) -> Tensor:
    """Multi-class hinge: ℓᵢ = Σ_{c≠yᵢ} w_yᵢ · max(0, margin - x_iyᵢ + x_ic)^p / C, as PyTorch computes it."""
    x = _logits("multi_margin_loss", input)
    _check_reduction("multi_margin_loss", reduction)
    if p not in (1, 2):
        raise ValueError(f"multi_margin_loss: p must be 1 or 2, got {p}")
    y = _class_indices("multi_margin_loss", x, target)
    n_classes = x.shape[-1]
    index = (np.arange(x.shape[0]), y) if x.ndim == 2 else y  # each row's true class
    right = x[index].unsqueeze(-1)
    hinge = relu(x - right + margin)
    if p == 2:
        hinge = hinge * hinge
    # Zero at the true class (which is not a competitor), 1/C elsewhere; weight w_y per row.
    scale = np.full(x.shape, 1.0 / n_classes, dtype=x.dtype)
    scale[index] = 0.0
    if weight is not None:
        w = np.asarray(weight.numpy() if isinstance(weight, Tensor) else weight, dtype=x.dtype)
        if w.shape != (n_classes,):
            raise ValueError(f"multi_margin_loss: weight must have shape ({n_classes},), got {w.shape}")
        scale *= w[y][..., None]
    return _reduce((hinge * scale).sum(-1), reduction)


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6) -> Tensor:
    """‖x1 - x2 + eps‖_p over the last axis (eps keeps the gradient finite when x1 = x2)."""
    diff = x1 - x2 + eps
    if p == 2:
        return (diff * diff).sum(-1).sqrt()
    if p == 1:
        return abs(diff).sum(-1)
    return (abs(diff) ** p).sum(-1) ** (1.0 / p)


@_loss
def triplet_margin_loss(
    anchor: Tensor,
    positive: Tensor,
    negative: Tensor,
    margin: float = 1.0,
    p: float = 2.0,
    eps: float = 1e-6,
    swap: bool = False,
    reduction: str = "mean",
) -> Tensor:
    """ℓᵢ = max(0, d(aᵢ, pᵢ) - d(aᵢ, nᵢ) + margin), d = pairwise_distance; with swap, d(a, n) becomes min(d(a, n), d(p, n))."""
    a, pos, neg = _tensor(anchor), _tensor(positive), _tensor(negative)
    _check_reduction("triplet_margin_loss", reduction)
    if not (a.shape == pos.shape == neg.shape) or a.ndim not in (1, 2):
        raise ValueError(
            "triplet_margin_loss: anchor, positive and negative must share one shape (N, D) or (D,); "
            f"got anchor {a.shape}, positive {pos.shape}, negative {neg.shape}"
        )
    if p <= 0:
        raise ValueError(f"triplet_margin_loss: p must be positive, got {p}")
    near = pairwise_distance(a, pos, p, eps)
    far = pairwise_distance(a, neg, p, eps)
    if swap:
        far = minimum(far, pairwise_distance(pos, neg, p, eps))
    return _reduce(clip(near - far + margin, 0.0, None), reduction)


@_loss
def soft_auc_loss(scores: Tensor, labels: Any, temperature: float = 1.0) -> Tensor:
    """mean over positive-negative pairs (i, j) of σ((s_j - s_i) / τ): a smooth 1 - ROC AUC.

    As τ → 0, σ((s_j - s_i)/τ) → 1(s_j > s_i) + ½·1(s_j = s_i), so the loss tends to
    exactly 1 - AUC (ties counted half). `labels` are 0/1 (or bools) shaped like
    `scores`; all P·Q pairs are formed at once, as a (P, Q) matrix.
    """
    s = _tensor(scores)
    if temperature <= 0:
        raise ValueError(f"soft_auc_loss: temperature must be positive, got {temperature}")
    y = labels.numpy() if isinstance(labels, Tensor) else np.asarray(labels)
    if y.shape != s.shape:
        raise ValueError(f"soft_auc_loss: labels have shape {y.shape} but scores have shape {s.shape}")
    if y.dtype.kind not in "biuf":
        raise TypeError(f"soft_auc_loss: labels must be 0/1 numbers or bools, got dtype {y.dtype}")
    positive, negative = y == 1, y == 0
    if not np.all(positive | negative):
        raise ValueError(
            f"soft_auc_loss: labels must be 0 or 1, got values {np.unique(y[~(positive | negative)])[:5]}"
        )
    if not positive.any() or not negative.any():
        raise ValueError(
            f"soft_auc_loss: AUC needs at least one positive and one negative label; got "
            f"{int(positive.sum())} positive and {int(negative.sum())} negative"
        )
    flat = s.reshape(-1)
    pos_scores = flat[np.flatnonzero(positive)].reshape(-1, 1)
    neg_scores = flat[np.flatnonzero(negative)].reshape(1, -1)
    return sigmoid((neg_scores - pos_scores) * (1.0 / temperature)).mean()


# -- shared pieces --------------------------------------------------------------


def _tensor(x: Any) -> Tensor:
    """x as a Tensor (arrays and lists become constants)."""
    return x if isinstance(x, Tensor) else Tensor(x)


def _logits(fn: str, input: Any) -> Tensor:
    """The scores of a classification loss: (N, C), or (C,) for one example."""
    x = _tensor(input)
    if x.ndim not in (1, 2):
        raise ValueError(f"{fn}: input must have shape (N, C) (or (C,) for one example), got {x.shape}")
    return x


def _check_reduction(fn: str, reduction: str) -> None:
    """reduction must be "mean", "sum" or "none"."""
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{fn}: reduction must be one of {_REDUCTIONS}, got {reduction!r}")


def _reduce(losses: Tensor, reduction: str) -> Tensor:
    """The mean or the sum of per-element losses, or the losses themselves."""
    if reduction == "mean":
        return losses.mean()
    if reduction == "sum":
        return losses.sum()
    return losses


def _class_indices(fn: str, x: Tensor, target: Any) -> np.ndarray:
    """The target as an int array of shape (N,) with values in [0, C), or an error saying what is wrong."""
    t = np.asarray(target)  # a Tensor's own array: checked here, then indexed with
    expected = x.shape[:-1]
    if t.dtype.kind not in "iu":
        hint = f"; class probabilities must have the input's shape {x.shape}" if t.dtype.kind == "f" else ""
        raise TypeError(
            f"{fn}: target must hold integer class indices, got dtype {t.dtype} and shape {t.shape}{hint}"
        )
    if t.shape != expected:
        raise ValueError(f"{fn}: target has shape {t.shape}, but input of shape {x.shape} needs {expected}")
    n_classes = x.shape[-1]
    # One pass checks both ends: viewed as unsigned, a negative index is huge.
    if t.size and t.view(f"u{t.dtype.itemsize}").max() >= n_classes:
        bad = t[(t < 0) | (t >= n_classes)]
        raise ValueError(
            f"{fn}: target values must be class indices in [0, {n_classes}) for input of shape {x.shape}; "
            f"got {bad[:5].tolist()}"
        )
    return t


def _pick_and_reduce(log_probs: Tensor, y: np.ndarray, reduction: str) -> Tensor:
    """-log_probs[i, yᵢ] for each row, reduced; the gather is one advanced-index op."""
    if log_probs.ndim == 1:
        return -log_probs[y]
    return autograd.nll_loss(
        log_probs, y, reduction
    )  # one op; the mean of nothing is 0/0 = nan, as PyTorch's


def _soft_cross_entropy(x: Tensor, target: Any, reduction: str) -> Tensor:
    """-Σ_c t_ic log softmax(xᵢ)_c: cross-entropy against class probabilities."""
    t = _constant_like(target, x, "cross_entropy: target")
    _check_range("cross_entropy", "target probabilities", t, 0.0, 1.0)
    losses = -(t * autograd.log_softmax(x, -1)).sum(-1)
    return _reduce(losses, reduction)


def _constant_like(value: Any, x: Tensor, what: str) -> Any:
    """A Tensor as it is; anything else as an array of x's dtype (a float64 array must not promote x)."""
    if isinstance(value, Tensor):
        return value
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{what} must hold numbers, got dtype {array.dtype}")
    return array.astype(x.dtype, copy=False)


def _same_shape_target(fn: str, x: Tensor, target: Any) -> Any:
    """An elementwise loss's target: numbers, shaped exactly like the input."""
    t = _constant_like(target, x, f"{fn}: target")
    if t.shape != x.shape:
        raise ValueError(f"{fn}: target has shape {t.shape} but input has shape {x.shape}; they must match")
    return t


def _check_range(fn: str, what: str, values: Any, lo: float, hi: float) -> None:
    """Every value must lie in [lo, hi]."""
    data = np.asarray(values)
    if np.size(data) and (np.min(data) < lo or np.max(data) > hi):
        raise ValueError(
            f"{fn}: {what} must lie in [{lo}, {hi}], got values from {np.min(data)} to {np.max(data)}"
        )
