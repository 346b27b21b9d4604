"""softmax, log_softmax and logsumexp along an axis: values against NumPy, gradients against finite differences."""

import numpy as np
import pytest

import autograd
from autograd import Tensor


def _numpy_log_softmax(x: np.ndarray, axis: int) -> np.ndarray:
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_softmax_family_matches_numpy_along_each_axis(axis):
    x = np.random.default_rng(0).normal(size=(3, 4)) * 50  # large values: the shift must keep exp finite
    t = Tensor(x)
    expected = _numpy_log_softmax(x, axis)
    assert np.allclose(t.log_softmax(axis).data, expected)
    assert np.allclose(t.softmax(axis).data, np.exp(expected))
    assert np.allclose(autograd.logsumexp(t, axis).data, (x - expected).max(axis=axis))


@pytest.mark.parametrize("fn", [autograd.softmax, autograd.log_softmax, autograd.logsumexp])
def test_softmax_family_gradients_match_finite_differences(fn):
    x = Tensor(np.random.default_rng(1).normal(size=(2, 3)), requires_grad=True)
    weights = Tensor(np.random.default_rng(2).normal(size=(2, 3)))
    assert autograd.gradcheck(lambda t: fn(t, 0) * weights, [x])
