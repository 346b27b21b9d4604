"""nn.init: PyTorch's formulas for bounds and spreads, in place, from autograd's seeded generator."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd
import nn
from nn import init


def weight(*shape) -> nn.Parameter:
    return nn.Parameter(np.zeros(shape))


def test_calculate_gain_matches_pytorchs_table():
    assert init.calculate_gain("linear") == 1.0
    assert init.calculate_gain("sigmoid") == 1.0
    assert init.calculate_gain("tanh") == pytest.approx(5 / 3)
    assert init.calculate_gain("relu") == pytest.approx(math.sqrt(2))
    assert init.calculate_gain("leaky_relu") == pytest.approx(math.sqrt(2 / (1 + 0.01**2)))
    assert init.calculate_gain("leaky_relu", 0) == pytest.approx(math.sqrt(2))
    assert init.calculate_gain("selu") == 0.75
    with pytest.raises(ValueError, match="unknown nonlinearity 'swish'"):
        init.calculate_gain("swish")


def test_xavier_uniform_bound_is_gain_root_six_over_fans():
    autograd.manual_seed(0)
    w = weight(300, 200)
    data = w.numpy()
    assert init.xavier_uniform_(w, gain=2.0) is w and w.numpy() is data  # in place
    bound = 2.0 * math.sqrt(6 / (300 + 200))
    assert np.abs(w.numpy()).max() <= bound and np.abs(w.numpy()).max() > 0.99 * bound
    assert w.numpy().var() == pytest.approx(bound**2 / 3, rel=0.02)


def test_xavier_normal_std_is_gain_root_two_over_fans():
    autograd.manual_seed(0)
    w = init.xavier_normal_(weight(300, 200))
    assert w.numpy().std() == pytest.approx(math.sqrt(2 / 500), rel=0.02)


def test_kaiming_uniform_defaults_to_a_zero_which_is_root_six_over_fan_in():
    autograd.manual_seed(0)
    w = init.kaiming_uniform_(weight(200, 300))
    bound = math.sqrt(6 / 300)  # gain √2 (leaky relu, a = 0) times √(3 / fan_in)
    assert np.abs(w.numpy()).max() <= bound and np.abs(w.numpy()).max() > 0.99 * bound
    fan_out = init.kaiming_uniform_(weight(200, 300), mode="fan_out", nonlinearity="relu")
    assert np.abs(fan_out.numpy()).max() <= math.sqrt(6 / 200)
    assert np.abs(fan_out.numpy()).max() > math.sqrt(6 / 300)


def test_kaiming_normal_std_is_gain_over_root_fan():
    autograd.manual_seed(0)
    w = init.kaiming_normal_(weight(200, 300), nonlinearity="relu")
    assert w.numpy().std() == pytest.approx(math.sqrt(2 / 300), rel=0.02)
    with pytest.raises(ValueError, match="mode must be 'fan_in' or 'fan_out', got 'fan'"):
        init.kaiming_normal_(weight(2, 2), mode="fan")


def test_fans_count_the_receptive_field_and_need_two_axes():
    autograd.manual_seed(0)
    w = init.xavier_uniform_(weight(4, 3, 5))  # fan_in 3·5, fan_out 4·5
    assert np.abs(w.numpy()).max() <= math.sqrt(6 / 35)
    with pytest.raises(ValueError, match=r"at least 2 dimensions, got shape \(5,\)"):
        init.xavier_uniform_(weight(5))


def test_constant_fills_keep_the_dtype():
    w = nn.Parameter(np.ones((2, 3), dtype=np.float32))
    assert init.zeros_(w) is w and np.all(w.numpy() == 0) and w.dtype == np.float32
    assert np.all(init.ones_(w).numpy() == 1)
    assert np.all(init.constant_(w, 0.5).numpy() == 0.5)


def test_uniform_and_normal_draw_from_the_seeded_generator():
    autograd.manual_seed(11)
    u = init.uniform_(weight(1000), -2.0, 3.0)
    n = init.normal_(weight(1000), 1.0, 0.5)
    generator = np.random.default_rng(11)
    np.testing.assert_array_equal(u.numpy(), generator.uniform(-2.0, 3.0, 1000))
    np.testing.assert_array_equal(n.numpy(), generator.normal(1.0, 0.5, 1000))


def test_zero_element_tensors_are_left_alone():
    w = init.kaiming_uniform_(weight(3, 0))
    assert w.shape == (3, 0)
