"""Paths taken for speed give exactly what the general paths give (see benchmarks/PROFILE.md)."""

from __future__ import annotations

import numpy as np
import pytest

import autograd
from autograd import Tensor, gradcheck, gradgradcheck
from nn import functional as F


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.bool_])
@pytest.mark.parametrize("shape", [(), (4,), (2, 3), (0, 5)])
def test_broadcasting_a_0d_tensor_matches_numpy_and_is_read_only(dtype, shape):
    for source in (np.array(3, dtype=dtype), np.array(3, dtype=dtype)[()]):  # 0-d array, NumPy scalar
        out = autograd.broadcast_to(Tensor(source), shape)
        expected = np.broadcast_to(source, shape)
        assert out.shape == expected.shape and out.dtype == expected.dtype
        np.testing.assert_array_equal(out.data, expected)
        assert not out.data.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            out.data[...] = 0


def test_broadcasting_a_0d_op_result_a_numpy_scalar_is_differentiable():
    x = Tensor(np.array(1.5), requires_grad=True)
    y = x * 2.0  # a 0-d op result holds a NumPy scalar, not a 0-d array
    assert isinstance(y.data, np.generic)
    out = autograd.broadcast_to(y, (2, 3))
    np.testing.assert_array_equal(out.data, np.full((2, 3), 3.0))
    assert not out.data.flags.writeable
    out.sum().backward()
    assert x.grad.item() == 12.0


def test_gradient_of_a_full_sum_lands_in_a_writable_grad():
    # sum's gradient is a read-only stride-0 view; .grad must still be the leaf's own array.
    x = Tensor(np.ones((3, 2), dtype=np.float32), requires_grad=True)
    x.sum().backward()
    x.grad.data *= 2.0  # would raise on the view, or write one element six times
    np.testing.assert_array_equal(x.grad.data, np.full((3, 2), 2.0, dtype=np.float32))


def test_a_scalar_root_seeds_backward_with_its_own_dtype():
    for dtype in (np.float32, np.float64):
        x = Tensor(np.array(1.5, dtype=dtype), requires_grad=True)
        x.backward()
        assert x.grad.shape == () and x.grad.dtype == dtype and x.grad.item() == 1.0
        y = Tensor(np.ones(1, dtype=dtype), requires_grad=True)
        (y * 2.0).backward()  # a one-element root that is not 0-d
        assert y.grad.shape == (1,) and y.grad.dtype == dtype and y.grad.item() == 2.0


@pytest.mark.parametrize("n", [1, 3, 64])
def test_cross_entropy_mean_is_minus_the_mean_picked_log_probability(n):
    rng = np.random.default_rng(n)
    logits = rng.standard_normal((n, 5))
    target = rng.integers(0, 5, n)
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    expected = -log_probs[np.arange(n), target].mean()
    x = Tensor(logits, requires_grad=True)
    loss = F.cross_entropy(x, target)
    assert loss.shape == () and abs(loss.item() - expected) < 1e-12
    assert gradcheck(lambda x: F.cross_entropy(x, target), [x])
    assert gradgradcheck(lambda x: F.cross_entropy(x, target), [x])


def test_cross_entropy_names_a_negative_target_even_beside_a_valid_maximum():
    # The range check is one reduction over the targets viewed as unsigned integers.
    for dtype in (np.int8, np.int32, np.int64):
        with pytest.raises(ValueError, match=r"class indices in \[0, 4\).*got \[-2\]"):
            F.cross_entropy(Tensor(np.zeros((3, 4))), np.array([3, -2, 0], dtype=dtype))


def test_linear_adds_a_bias_of_another_dtype_without_changing_the_result_type():
    x = Tensor(np.ones((2, 3), dtype=np.float32))
    w = Tensor(np.ones((4, 3), dtype=np.float32))
    assert autograd.linear(x, w, Tensor(np.ones(4, dtype=np.float32))).dtype == np.float32
    promoted = autograd.linear(x, w, Tensor(np.ones(4, dtype=np.float64)))
    assert promoted.dtype == np.float64
    np.testing.assert_array_equal(promoted.data, np.full((2, 4), 4.0))
