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
