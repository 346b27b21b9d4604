"""The two ops of cross-entropy: log_softmax, and nll_loss (the negative log-likelihood)."""

from __future__ import annotations

import numpy as np

from .op import primitive


@primitive(
    lambda g, out, x, axis: g - out.exp() * g.sum(axis, keepdims=True),
    reads=(("out",),),
    dtype="float",
)
def log_softmax(x, axis=-1):
    """(x - m) - log Σ e^(x - m), m the max along axis;  d/dx · g = g - softmax · Σg

    PyTorch's LogSoftmax, a primitive rather than x - logsumexp(x) for a measured reason:
    composed of primitives it was eight ops forward and eight back, 12% of a training
    step of a small MLP (benchmarks/PROFILE.md). Subtracting the max first and never
    adding it back keeps a value near the max at full precision beside a huge logit.
    """
    if x.size == 0:  # nothing to normalise (and log Σ over an empty axis would be log 0)
        return np.empty_like(x)
    shifted = x - x.max(axis=axis, keepdims=True)  # NaN in a row with +inf, or only -inf: as PyTorch
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def _nll_vjp(g, out, x, target, reduction):
    """-g (over N for the mean) at each row's target class, 0 elsewhere"""
    n = target.shape[0]
    per_row = -g / n if reduction == "mean" else -g  # 0-d, or (N,) for reduction="none"
    return per_row.scatter_add((np.arange(n), target), x.shape, distinct=True)  # one target per row


@primitive(_nll_vjp, None, None)
def nll_loss(x, target, reduction="mean"):
    """-x[i, tᵢ] for each row i, then their mean (or sum, or each);  d/dx is -1 (or -1/N) at (i, tᵢ)

    PyTorch's NLLLoss, one op: the last op of cross-entropy, and the one a picture should
    show, instead of the gather, negation and mean it is made of (four ops each way).
    """
    picked = x[np.arange(x.shape[0]), target]
    if reduction == "mean":
        return -picked.mean()
    if reduction == "sum":
        return -picked.sum()
    return -picked
