"""Composite ops (built from primitives): values against NumPy, first and second derivatives,
and numerical stability at extreme inputs."""

from __future__ import annotations

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import autograd
from autograd import Tensor, gradcheck, gradgradcheck


def np_logsumexp(x, axis=None, keepdims=False):
    m = np.max(x, axis=axis, keepdims=True)
    out = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axis) if axis is not None else out.reshape(())


def np_softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


COMPOSITES = {
    "mean": (lambda t, ax, kd: t.mean(ax, kd), lambda x, ax, kd: np.mean(x, axis=ax, keepdims=kd)),
    "var": (lambda t, ax, kd: t.var(ax, kd), lambda x, ax, kd: np.var(x, axis=ax, keepdims=kd, ddof=1)),
    "var0": (
        lambda t, ax, kd: t.var(ax, kd, correction=0),
        lambda x, ax, kd: np.var(x, axis=ax, keepdims=kd),
    ),
    "std": (lambda t, ax, kd: t.std(ax, kd), lambda x, ax, kd: np.std(x, axis=ax, keepdims=kd, ddof=1)),
    "logsumexp": (lambda t, ax, kd: t.logsumexp(ax, kd), np_logsumexp),
    "softmax": (lambda t, ax, kd: t.softmax(ax), lambda x, ax, kd: np_softmax(x, ax)),
    "log_softmax": (lambda t, ax, kd: t.log_softmax(ax), lambda x, ax, kd: np.log(np_softmax(x, ax))),
}


@st.composite
def shape_and_axis(draw):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=2, max_side=3))
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    return shape, axis, draw(st.booleans())


SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("name", sorted(COMPOSITES))
@SETTINGS
@given(spec=shape_and_axis(), seed=st.integers(0, 2**16))
def test_composite_matches_numpy_and_finite_differences(name, spec, seed):
    shape, axis, keepdims = spec
    ours, reference = COMPOSITES[name]
    x = np.random.default_rng(seed).normal(size=shape)
    out = ours(Tensor(x), axis, keepdims)
    np.testing.assert_allclose(np.asarray(out.numpy()), reference(x, axis, keepdims), rtol=1e-10, atol=1e-12)
    f = lambda t: ours(t, axis, keepdims)
    assert gradcheck(f, [Tensor(x, requires_grad=True)], atol=1e-6, rtol=1e-5)
    assert gradgradcheck(f, [Tensor(x, requires_grad=True)], eps=1e-5, atol=1e-5, rtol=1e-4)


@pytest.mark.parametrize("name", ["mean", "var", "std", "logsumexp"])
def test_full_reductions(name):
    ours, reference = COMPOSITES[name]
    x = np.random.default_rng(0).normal(size=(3, 4))
    np.testing.assert_allclose(
        np.asarray(ours(Tensor(x), None, False).numpy()), reference(x, None, False), rtol=1e-10
    )
    assert gradcheck(lambda t: ours(t, None, False), [Tensor(x, requires_grad=True)])


@pytest.mark.parametrize("scale", [1e4, -1e4])
def test_softmax_family_is_finite_for_huge_logits(scale):
    x = Tensor(np.array([[1.0, 0.0, -1.0], [0.5, 0.2, 0.1]]) * scale, requires_grad=True, dtype=np.float64)
    for out in (x.log_softmax(), x.softmax(), x.logsumexp(axis=1)):
        assert np.all(np.isfinite(np.asarray(out.numpy())))
    lse = x.logsumexp(axis=1)
    np.testing.assert_allclose(lse.numpy(), np.max(x.numpy(), axis=1), rtol=1e-12)
    x.log_softmax()[:, 0].sum().backward()
    assert np.all(np.isfinite(x.grad.numpy()))
    np.testing.assert_allclose(x.softmax().numpy().sum(axis=-1), 1.0)


def test_float32_log_softmax_is_finite_for_huge_logits():
    x = Tensor([1e4, -1e4, 0.0], requires_grad=True)
    y = x.log_softmax()
    assert y.dtype == np.float32 and np.all(np.isfinite(y.numpy()))
    np.testing.assert_allclose(y.numpy(), [0.0, -2e4, -1e4])


@pytest.mark.parametrize("x", [1e3, -1e3, 40.0, -40.0])
def test_sigmoid_is_stable_at_extremes(x):
    t = Tensor(x, requires_grad=True, dtype=np.float64)
    s = t.sigmoid()
    s.backward()
    expected = 1 / (1 + np.exp(-x)) if x > -700 else 0.0
    assert s.item() == pytest.approx(expected, rel=1e-12, abs=1e-300)
    assert np.isfinite(t.grad.item()) and t.grad.item() >= 0


def test_sigmoid_is_accurate_in_the_tail():
    s = Tensor(-30.0, dtype=np.float64).sigmoid().item()
    assert s == pytest.approx(np.exp(-30.0) / (1 + np.exp(-30.0)), rel=1e-12)


def test_stack_and_concatenate_gradients():
    a = Tensor(np.random.default_rng(1).normal(size=(2, 3)), requires_grad=True)
    b = Tensor(np.random.default_rng(2).normal(size=(2, 3)), requires_grad=True)
    assert gradcheck(lambda p, q: autograd.stack([p, q * q], axis=1), [a, b])
    assert gradgradcheck(lambda p, q: autograd.concatenate([p * p, q], axis=-1), [a, b])


def test_where_maximum_minimum_clip_gradients():
    rng = np.random.default_rng(3)
    a = Tensor(rng.normal(size=(3, 1)), requires_grad=True)
    b = Tensor(rng.normal(size=(4,)), requires_grad=True)
    assert gradcheck(lambda p, q: autograd.where(p.numpy() > 0, p * q, q), [a, b])
    assert gradcheck(lambda p, q: autograd.maximum(p, q) + autograd.minimum(p, q) * 2, [a, b])


def test_maximum_splits_the_gradient_at_ties():
    a, b = Tensor(1.0, requires_grad=True), Tensor(1.0, requires_grad=True)
    autograd.maximum(a, b).backward()
    assert a.grad.item() == b.grad.item() == 0.5


def test_clip_passes_no_gradient_outside_the_range():
    x = Tensor([-2.0, 0.0, 2.0], requires_grad=True)
    x.clip(-1, 1).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0, 1, 0])


def test_max_splits_the_gradient_among_ties():
    x = Tensor([3.0, 1.0, 3.0], requires_grad=True)
    x.max().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.5, 0, 0.5])


@pytest.mark.parametrize("shape, axis", [((3, 0), -1), ((0, 4), 0), ((0, 4), -1), ((2, 0, 3), 1)])
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_over_an_empty_axis_is_empty_as_in_pytorch(name, shape, axis):
    x = Tensor(np.zeros(shape, dtype=np.float32), requires_grad=True)
    with np.errstate(all="raise"):  # and no warning of log 0 on the way
        y = getattr(autograd, name)(x, axis)
        y.sum().backward()
    assert y.shape == shape and y.dtype == np.float32
    assert x.grad.shape == shape


def test_logsumexp_over_an_empty_axis_is_minus_infinity():
    x = Tensor(np.zeros((3, 0)), requires_grad=True)
    with np.errstate(divide="ignore"):  # log 0, as NumPy says
        y = autograd.logsumexp(x, -1)
    np.testing.assert_array_equal(y.numpy(), np.full(3, -np.inf))
