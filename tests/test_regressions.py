"""Minimal repros of bugs the random-program fuzzer (tests/test_fuzz.py) found, kept as tests."""

from __future__ import annotations

import numpy as np

import autograd
from autograd import Tensor


def test_stacking_a_python_float_with_a_float32_tensor_stays_float32():
    # A Python number never changes a tensor's dtype; stack used to turn 1.5 into a float64 array.
    x = Tensor(0.5, requires_grad=True)
    y = autograd.stack([x, 1.5])
    assert y.dtype == np.float32
    y.sum().backward()
    assert x.grad.dtype == np.float32 and x.grad.item() == 1.0


def _gradient_seen_by_a_hook(make):
    """The dtype of the gradient that arrives at h = x * 1 when backward runs from make(h)."""
    x = Tensor([0.5, -1.5], requires_grad=True)
    h = x * 1.0
    seen = []
    h.register_hook(lambda g: seen.append(g.dtype))
    make(h).sum().backward()
    return seen[0]


def test_gradients_keep_their_tensors_dtype_through_maximum_max_and_rpow():
    # The VJPs of maximum/minimum and max/min build float64 masks, and 2.0 ** x takes
    # log(2.0) as a float64 scalar: each promoted a float32 gradient to float64.
    assert _gradient_seen_by_a_hook(lambda h: autograd.maximum(h, 0.0)) == np.float32
    assert _gradient_seen_by_a_hook(lambda h: autograd.minimum(h, Tensor([0.0, 0.0]))) == np.float32
    assert _gradient_seen_by_a_hook(lambda h: h.max()) == np.float32
    assert _gradient_seen_by_a_hook(lambda h: h.min(axis=0)) == np.float32
    assert _gradient_seen_by_a_hook(lambda h: 2.0**h) == np.float32
