"""log_softmax: the one normalisation with a VJP of its own."""

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
