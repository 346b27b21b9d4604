"""Factories with PyTorch's signatures: dtype=, device=, requires_grad=, generator=, and their errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd
from autograd import Tensor


def test_tensor_and_from_numpy():
    a = np.arange(3.0)
    t = autograd.tensor(a, dtype=autograd.float32, device="cpu", requires_grad=True)
    assert t.dtype == np.float32 and t.requires_grad and not np.shares_memory(t.numpy(), a)
    shared = autograd.from_numpy(a)
    assert shared.dtype == np.float64 and np.shares_memory(shared.numpy(), a)
    a[0] = 9.0
    assert shared[0].item() == 9.0
    with pytest.raises(TypeError, match="from_numpy: expected a NumPy array, got list"):
        autograd.from_numpy([1.0])
    with pytest.raises(TypeError, match="from_numpy: unsupported dtype"):
        autograd.from_numpy(np.array(["a"]))


def test_as_tensor_keeps_a_tensor_of_its_dtype_and_converts_otherwise():
    t = Tensor([1.0, 2.0])
    assert autograd.as_tensor(t) is t and autograd.as_tensor(t, dtype=np.float32) is t
    assert autograd.as_tensor(t, dtype=np.float64).dtype == np.float64
    a = np.arange(3)
    assert np.shares_memory(autograd.as_tensor(a).numpy(), a)
    assert autograd.as_tensor([1, 2], dtype=autograd.float64).dtype == np.float64


@pytest.mark.parametrize("factory", [autograd.zeros, autograd.ones, autograd.empty])
def test_constant_factories_take_shapes_either_way_and_the_keywords(factory):
    assert factory(2, 3).shape == (2, 3) and factory((2, 3)).shape == (2, 3) and factory([4]).shape == (4,)
    assert factory(2).dtype == autograd.get_default_dtype()
    t = factory(2, dtype=autograd.float64, device="cpu", requires_grad=True)
    assert t.dtype == np.float64 and t.requires_grad and t.is_leaf
    assert factory(()).shape == ()


def test_empty_holds_zeros():
    assert autograd.empty(3).tolist() == [0.0, 0.0, 0.0]
    assert autograd.empty_like(Tensor([1, 2])).tolist() == [0, 0]


def test_full_infers_its_dtype_from_the_value():
    assert autograd.full((2,), 7).dtype == np.int64
    assert autograd.full((2,), 7.0).dtype == np.float32
    assert autograd.full((2,), True).dtype == np.bool_
    assert autograd.full((), 0.0, dtype=autograd.float64, requires_grad=True).shape == ()
    assert autograd.full(3, 1.5).shape == (3,)


def test_like_factories_take_the_shape_and_dtype_unless_told():
    x = Tensor(np.ones((2, 3), np.float64))
    for made in (
        autograd.zeros_like(x),
        autograd.ones_like(x),
        autograd.full_like(x, 4.0),
        autograd.empty_like(x),
    ):
        assert made.shape == (2, 3) and made.dtype == np.float64 and not made.requires_grad
    assert autograd.full_like(x, 4.0).tolist() == [[4.0] * 3] * 2
    assert autograd.ones_like(x, dtype=autograd.int64).dtype == np.int64
    assert autograd.zeros_like(x, requires_grad=True).requires_grad


def test_eye():
    np.testing.assert_array_equal(autograd.eye(3).numpy(), np.eye(3))
    np.testing.assert_array_equal(autograd.eye(2, 4).numpy(), np.eye(2, 4))
    assert autograd.eye(2).dtype == np.float32 and autograd.eye(2, dtype=autograd.int64).dtype == np.int64
    with pytest.raises(ValueError, match="eye: n must be a non-negative int"):
        autograd.eye(-1)
    with pytest.raises(ValueError, match="eye: m must be"):
        autograd.eye(2, 1.5)


def test_arange_takes_pytorch_s_end_and_numpy_s_stop():
    assert autograd.arange(5).tolist() == [0, 1, 2, 3, 4] and autograd.arange(5).dtype == np.int64
    assert autograd.arange(1, end=4).tolist() == [1, 2, 3]
    assert autograd.arange(1, stop=4).tolist() == [1, 2, 3]
    assert autograd.arange(0, 1, 0.25).dtype == np.float32
    with pytest.raises(ValueError, match="arange: step must be nonzero"):
        autograd.arange(0, 3, 0)


def test_linspace_and_logspace():
    x = autograd.linspace(-math.pi, math.pi, 2000)
    assert x.shape == (2000,) and x.dtype == np.float32
    assert x[0].item() == pytest.approx(-math.pi) and x[-1].item() == pytest.approx(math.pi)
    assert autograd.linspace(0, 1, 1).tolist() == [0.0] and autograd.linspace(0, 1, 0).shape == (0,)
    assert autograd.linspace(-3, 3, 7, dtype=autograd.int64).tolist() == [-3, -2, -1, 0, 1, 2, 3]
    assert autograd.logspace(0, 3, 4, base=2).tolist() == [1.0, 2.0, 4.0, 8.0]
    with pytest.raises(ValueError, match="linspace: steps must be a non-negative int"):
        autograd.linspace(0, 1, -1)
    with pytest.raises(ValueError, match="logspace: steps"):
        autograd.logspace(0, 1, 2.5)


def test_randn_and_rand_take_a_tuple_shape_and_keywords():
    a = autograd.randn((), dtype=autograd.float64, device="cpu", requires_grad=True)
    assert a.shape == () and a.dtype == np.float64 and a.requires_grad
    assert autograd.randn((27, 27)).shape == (27, 27) and autograd.rand(2, 3).shape == (2, 3)
    with pytest.raises(TypeError, match="rand: draws are real numbers, so dtype must be floating point"):
        autograd.rand(2, dtype=autograd.int64)
    with pytest.raises(TypeError, match="randn_like: draws are real numbers|randn: draws"):
        autograd.randn_like(Tensor([1, 2]))


def test_randint_forms_and_range():
    autograd.manual_seed(0)
    for drawn in (
        autograd.randint(3, (1000,)),
        autograd.randint(0, 3, (1000,)),
        autograd.randint(0, 3, size=(1000,)),
        autograd.randint(low=0, high=3, size=(1000,)),
        autograd.randint(3, size=(1000,)),
        autograd.randint(0, high=3, size=(1000,)),
    ):
        assert drawn.shape == (1000,) and drawn.dtype == np.int64
        assert set(drawn.tolist()) == {0, 1, 2}
    assert set(autograd.randint(-2, 0, (200,)).tolist()) == {-2, -1}
    assert autograd.randint(0, 5, (2, 3), dtype=autograd.float32).dtype == np.float32
    assert autograd.randint(0, 5, 4).shape == (4,)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: autograd.randint(5, 5, (2,)), r"randint: low \(5\) must be less than high \(5\)"),
        (lambda: autograd.randint(5), "randint: expected randint"),
        (lambda: autograd.randint(0, 1, (2,), 3), "randint: expected randint"),
    ],
)
def test_randint_mistakes(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()


def test_randperm_is_a_permutation():
    p = autograd.randperm(10)
    assert p.dtype == np.int64 and sorted(p.tolist()) == list(range(10))
    assert autograd.randperm(0).shape == (0,)
    with pytest.raises(ValueError, match="randperm: n must be a non-negative int"):
        autograd.randperm(-1)


def test_multinomial_shapes_and_without_replacement_no_repeats():
    g = autograd.Generator().manual_seed(0)
    one = autograd.multinomial(Tensor([0.1, 0.2, 0.3, 0.4]), 4, generator=g)
    assert one.shape == (4,) and one.dtype == np.int64 and sorted(one.tolist()) == [0, 1, 2, 3]
    rows = Tensor([[1.0, 0.0, 1.0], [0.0, 5.0, 0.0]]).multinomial(3, replacement=True, generator=g)
    assert rows.shape == (2, 3)
    assert set(rows[0].tolist()) <= {0, 2} and rows[1].tolist() == [1, 1, 1]
    item = autograd.multinomial(Tensor([[0.5, 0.5]]), num_samples=1, replacement=True, generator=g).item()
    assert item in (0, 1)


def test_multinomial_frequencies_follow_unnormalised_weights():
    g = autograd.Generator().manual_seed(1)
    drawn = autograd.multinomial(Tensor([1.0, 3.0, 6.0]), 20000, replacement=True, generator=g).numpy()
    np.testing.assert_allclose(np.bincount(drawn, minlength=3) / drawn.size, [0.1, 0.3, 0.6], atol=0.015)


@pytest.mark.parametrize(
    "weights, n, replacement, message",
    [
        ([0.5, -0.1], 1, True, "finite and non-negative"),
        ([0.5, np.nan], 1, True, "finite and non-negative"),
        ([[1.0, 1.0], [0.0, 0.0]], 1, True, "row 1 of the weights sums to 0"),
        ([0.0, 1.0, 0.0], 2, False, "cannot draw 2 samples without replacement from a row with 1 categories"),
        ([1.0, 1.0], 3, False, "cannot draw 3 samples without replacement"),
        ([1.0, 1.0], 0, True, "num_samples must be a positive int"),
        ([[[1.0]]], 1, True, "1 or 2 dimensions"),
        (np.array([1, 2]), 1, True, "weights must be floating point"),
        (np.zeros((2, 0)), 1, True, "no categories"),
    ],
)
def test_multinomial_mistakes_are_clear_errors(weights, n, replacement, message):
    weights = Tensor(np.asarray(weights))
    with pytest.raises((ValueError, TypeError), match=message):
        autograd.multinomial(weights, n, replacement)
    with pytest.raises((ValueError, TypeError), match=message):
        weights.multinomial(n, replacement)


def test_normal_from_numbers_and_from_tensors():
    autograd.manual_seed(0)
    d = autograd.normal(2.0, 3.0, (20000,))
    assert d.dtype == np.float32 and abs(d.numpy().mean() - 2.0) < 0.1 and abs(d.numpy().std() - 3.0) < 0.1
    mean = Tensor(np.array([0.0, 100.0]))
    t = autograd.normal(mean, 0.01)
    assert t.dtype == np.float64 and t.shape == (2,) and abs(t[1].item() - 100.0) < 1
    with pytest.raises(TypeError, match="give the size"):
        autograd.normal(0.0, 1.0)
    with pytest.raises(TypeError, match="with tensors the shape is theirs"):
        autograd.normal(mean, 1.0, (3,))
    with pytest.raises(ValueError, match="std must be non-negative"):
        autograd.normal(0.0, -1.0, (2,))


def test_random_like_factories():
    x = Tensor(np.zeros((2, 2), np.float64))
    assert autograd.rand_like(x).dtype == np.float64 and autograd.randn_like(x).shape == (2, 2)
    r = autograd.randint_like(Tensor([1, 2, 3]), 2, 4)
    assert r.dtype == np.int64 and set(r.tolist()) <= {2, 3}
    assert set(autograd.randint_like(Tensor([1, 2]), 1).tolist()) == {0}


def test_histc_counts_in_equal_bins():
    x = Tensor([1.0, 2.0, 1.0, 4.0, 2.5, 9.0])
    assert autograd.histc(x, bins=4, min=0, max=3).tolist() == [0.0, 2.0, 1.0, 1.0]
    assert autograd.histc(x, bins=4).tolist() == [4.0, 1.0, 0.0, 1.0]
    assert autograd.histc(Tensor([2.0, 2.0, 2.0]), bins=4).tolist() == [0.0, 0.0, 3.0, 0.0]
    assert autograd.histc(x.double(), bins=3).dtype == np.float64
    with pytest.raises(ValueError, match=r"histc: max \(1.0\) must be larger than min \(3.0\)"):
        autograd.histc(x, bins=3, min=3, max=1)
    with pytest.raises(TypeError, match="histc: expected a floating-point tensor, got int64"):
        autograd.histc(Tensor([1, 2]))
    with pytest.raises(ValueError, match="not finite"):
        autograd.histc(Tensor([1.0, np.nan]))
    with pytest.raises(ValueError, match="bins must be a positive int"):
        autograd.histc(x, bins=0)


def test_histogram_returns_counts_and_edges():
    x = Tensor([1.0, 2.0, 1.0, 4.0, 2.5, 9.0])
    hist, edges = autograd.histogram(x, bins=4)
    assert hist.tolist() == [4.0, 1.0, 0.0, 1.0] and edges.tolist() == [1.0, 3.0, 5.0, 7.0, 9.0]
    result = autograd.histogram(x)
    assert result.hist.shape == (100,) and result.bin_edges.shape == (101,)
    assert autograd.histogram(x, Tensor([0.0, 1.0, 5.0, 10.0])).hist.tolist() == [0.0, 5.0, 1.0]
    assert autograd.histogram(x, bins=4, range=(0, 3)).hist.tolist() == [0.0, 2.0, 1.0, 1.0]
    density = autograd.histogram(x, bins=4, density=True).hist
    assert (density.numpy() * 2.0).sum() == pytest.approx(1.0)
    weighted = autograd.histogram(x, bins=4, weight=autograd.full((6,), 2.0)).hist
    assert weighted.tolist() == [8.0, 2.0, 0.0, 2.0]
    with pytest.raises(ValueError, match="weight has shape"):
        autograd.histogram(x, 4, weight=autograd.ones(2))
    with pytest.raises(ValueError, match="increasing"):
        autograd.histogram(x, Tensor([3.0, 1.0]))
    with pytest.raises(ValueError, match="bins must be a positive int or a tensor of edges"):
        autograd.histogram(x, bins=-2)
