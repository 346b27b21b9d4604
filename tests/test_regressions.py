"""Minimal repros of bugs the random-program fuzzer (tests/test_fuzz.py) found, kept as tests."""

from __future__ import annotations

import numpy as np
import pytest

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


# -- found by probing edge cases the fuzzer keeps away from (zeros, empty tensors) --------


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # log(-2) in the last check
def test_x_to_the_zero_has_gradient_zero_even_at_zero():
    # b·a^(b-1) is 0·inf = nan at a = 0, b = 0, but x⁰ = 1 is constant: a polynomial
    # Σ c_k x^k evaluated at x = 0 used to get a NaN gradient from its k = 0 term.
    x = Tensor(np.array([0.0, 0.5, -2.0]), requires_grad=True, dtype=np.float64)
    poly = sum(c * x**k for k, c in enumerate([3.0, 2.0, 1.0]))  # 3 + 2x + x²
    (g,) = autograd.grad(poly.sum(), x, create_graph=True)
    np.testing.assert_allclose(g.numpy(), 2 + 2 * x.numpy())
    (gg,) = autograd.grad(g.sum(), x)
    np.testing.assert_allclose(gg.numpy(), [2.0, 2.0, 2.0])
    b = Tensor(np.array([0.0, 2.0, 0.0]), requires_grad=True, dtype=np.float64)
    ga, gb = autograd.grad((x**b).sum(), [x, b])
    np.testing.assert_allclose(ga.numpy(), [0.0, 1.0, 0.0])
    assert gb.numpy()[0] == 0.0 and gb.numpy()[1] == pytest.approx(
        0.25 * np.log(0.5)
    )  # (-2)^b has no real log


def test_zero_to_a_positive_power_has_exponent_gradient_zero():
    # d/db 0^b = 0 for b > 0; out·log(a) gave 0·(-inf) = nan.
    base = Tensor(np.array([0.0, 2.0]), dtype=np.float64)
    b = Tensor(np.array([1.5, 1.5]), requires_grad=True, dtype=np.float64)
    (gb,) = autograd.grad((base**b).sum(), b)
    np.testing.assert_allclose(gb.numpy(), [0.0, 2.0**1.5 * np.log(2.0)])


def test_an_empty_list_is_an_empty_index():
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x[[]]  # NumPy reads [] as a float array; as an index it means no elements
    assert y.shape == (0,)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0, 0.0])


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_mean_and_var_with_nothing_to_average_are_nan_not_zero_division():
    # As NumPy and PyTorch: the mean of no elements, or a variance with n <= correction, is nan.
    assert np.isnan(Tensor(np.zeros((0, 3))).mean(axis=0).numpy()).all()
    assert np.isnan(Tensor([[1.0, 2.0, 3.0]]).var(axis=0).numpy()).all()
    assert np.isnan(Tensor([5.0]).std().item())


def test_linear_without_a_bias_has_a_backward():
    # autograd.linear(x, W) (bias left out) recorded two inputs, and its VJPs required a third.
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    w = Tensor(np.arange(12.0).reshape(4, 3), requires_grad=True)
    autograd.linear(x, w).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.tile(w.numpy().sum(axis=0), (2, 1)))
    np.testing.assert_allclose(w.grad.numpy(), np.full((4, 3), 2.0))


def test_nn_load_with_a_damaged_directory_offset_is_the_clear_error():
    """An end-of-directory record whose offset to the central directory is wrong made zipfile
    seek before the file's start and raise a bare ValueError ("negative seek value") instead of
    nn.load's message (found by the single-damaged-byte test)."""
    import io
    import struct
    import zipfile

    import nn

    buffer = io.BytesIO()
    nn.save({"w": Tensor([1.0, 2.0]), "b": Tensor([3.0])}, buffer)
    data = bytearray(buffer.getvalue())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        directory = archive.start_dir
    record = data.rfind(b"PK\x05\x06")  # the end-of-central-directory record
    struct.pack_into("<I", data, record + 16, directory + 6)  # its offset to the directory, 6 too far
    with pytest.raises(
        ValueError, match="nn.load: the file is not a saved state dict: it is truncated or corrupted"
    ):
        nn.load(io.BytesIO(bytes(data)))
