"""Layers against their formulas written out in NumPy: Linear, activations, Dropout, Sequential, MLP."""

from __future__ import annotations

import math
from collections import OrderedDict

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
import nn
from autograd import Tensor, gradcheck


def leaf(array) -> Tensor:
    return Tensor(np.asarray(array, dtype=np.float64), requires_grad=True)


# -- Linear ----------------------------------------------------------------------


def test_linear_stores_weight_out_by_in_and_bias_out():
    layer = nn.Linear(5, 3)
    assert layer.weight.shape == (3, 5) and layer.bias.shape == (3,)
    assert layer.weight.dtype == autograd.get_default_dtype()
    assert nn.Linear(5, 3, dtype=np.float64).weight.dtype == np.float64


@settings(max_examples=20, deadline=None)
@given(n=st.integers(1, 4), fan_in=st.integers(1, 5), fan_out=st.integers(1, 4), bias=st.booleans())
def test_linear_forward_and_gradients_match_the_formulas(n, fan_in, fan_out, bias):
    rng = np.random.default_rng(n * 100 + fan_in * 10 + fan_out)
    layer = nn.Linear(fan_in, fan_out, bias=bias, dtype=np.float64)
    x = leaf(rng.standard_normal((n, fan_in)))
    upstream = rng.standard_normal((n, fan_out))
    out = layer(x)
    W = layer.weight.numpy()
    b = layer.bias.numpy() if bias else 0.0
    np.testing.assert_allclose(out.numpy(), x.numpy() @ W.T + b, rtol=1e-12)
    out.backward(upstream)
    np.testing.assert_allclose(layer.weight.grad.numpy(), upstream.T @ x.numpy(), rtol=1e-12)  # dL/dW = Gᵀ X
    np.testing.assert_allclose(x.grad.numpy(), upstream @ W, rtol=1e-12)  # dL/dX = G W
    if bias:
        np.testing.assert_allclose(layer.bias.grad.numpy(), upstream.sum(0), rtol=1e-12)  # dL/db = Σ G


def test_linear_takes_any_leading_axes_and_arrays():
    layer = nn.Linear(3, 2, dtype=np.float64)
    x = np.random.default_rng(0).standard_normal((2, 4, 3))
    np.testing.assert_allclose(layer(x).numpy(), x @ layer.weight.numpy().T + layer.bias.numpy())
    assert layer(np.ones(3)).shape == (2,)


def test_linear_gradcheck():
    layer = nn.Linear(3, 2, dtype=np.float64)
    x = leaf(np.random.default_rng(1).standard_normal((4, 3)))
    assert gradcheck(lambda x, w, b: nn.functional.linear(x, w, b), [x, layer.weight, layer.bias])


def test_linear_fed_the_wrong_feature_count_names_both():
    layer = nn.Linear(3, 2)
    with pytest.raises(ValueError, match=r"in_features=3.*3 features, got input of shape \(4, 5\)"):
        layer(Tensor(np.ones((4, 5))))
    with pytest.raises(ValueError, match=r"shape \(\)"):
        layer(Tensor(1.0))


def test_linear_initialises_as_pytorch_from_the_seeded_generator():
    fan_in, fan_out = 400, 300
    autograd.manual_seed(7)
    layer = nn.Linear(fan_in, fan_out, dtype=np.float64)
    # Kaiming-uniform with a = √5: gain √(2/(1+5)), bound gain·√(3/fan_in) = 1/√fan_in; bias the same bound.
    bound = 1.0 / math.sqrt(fan_in)
    for values in (layer.weight.numpy(), layer.bias.numpy()):
        assert np.all(np.abs(values) <= bound)
        assert np.abs(values).max() > 0.97 * bound
    assert layer.weight.numpy().var() == pytest.approx(bound**2 / 3, rel=0.02)  # variance of U(-b, b)
    # Drawn weight first, then bias, from autograd's generator: the same seed gives the same layer.
    generator = np.random.default_rng(7)
    np.testing.assert_allclose(
        layer.weight.numpy(), generator.uniform(-bound, bound, (fan_out, fan_in)), rtol=1e-12
    )
    np.testing.assert_allclose(layer.bias.numpy(), generator.uniform(-bound, bound, fan_out), rtol=1e-12)


def test_linear_repr_and_no_bias():
    layer = nn.Linear(4, 2, bias=False)
    assert layer.bias is None and [n for n, _ in layer.named_parameters()] == ["weight"]
    assert repr(layer) == "Linear(in_features=4, out_features=2, bias=False)"


# -- activations -------------------------------------------------------------------


ACTIVATIONS = [
    (nn.ReLU, lambda a: np.maximum(a, 0), lambda a: (a > 0).astype(float)),
    (nn.Tanh, np.tanh, lambda a: 1 - np.tanh(a) ** 2),
    (nn.Sigmoid, lambda a: 1 / (1 + np.exp(-a)), lambda a: np.exp(-a) / (1 + np.exp(-a)) ** 2),
    (nn.Identity, lambda a: a, lambda a: np.ones_like(a)),
]


@pytest.mark.parametrize("module, value, slope", ACTIVATIONS, ids=lambda v: getattr(v, "__name__", ""))
def test_activation_value_and_derivative(module, value, slope):
    a = np.random.default_rng(3).standard_normal((3, 4))
    a[np.abs(a) < 0.05] = 0.3  # away from relu's kink
    x = leaf(a)
    out = module()(x)
    np.testing.assert_allclose(out.numpy(), value(a), rtol=1e-12)
    out.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), slope(a), rtol=1e-12)
    assert repr(module()) == module.__name__ + "()"


def test_softmax_and_log_softmax_modules():
    a = np.random.default_rng(4).standard_normal((2, 5))
    expected = np.exp(a) / np.exp(a).sum(1, keepdims=True)
    np.testing.assert_allclose(nn.Softmax(dim=1)(Tensor(a)).numpy(), expected, rtol=1e-12)
    np.testing.assert_allclose(nn.LogSoftmax(dim=-1)(Tensor(a)).numpy(), np.log(expected), rtol=1e-12)
    assert repr(nn.Softmax(1)) == "Softmax(dim=1)"


# -- Dropout ---------------------------------------------------------------------------


def test_dropout_zeroes_about_p_and_scales_the_rest_by_one_over_keep():
    autograd.manual_seed(0)
    p = 0.3
    x = leaf(np.ones((200, 100)))
    out = nn.Dropout(p)(x)
    kept = out.numpy() != 0
    assert kept.mean() == pytest.approx(1 - p, abs=0.01)
    np.testing.assert_allclose(out.numpy()[kept], 1 / (1 - p))
    out.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), kept / (1 - p))  # the gradient goes through the same mask


def test_dropout_is_the_identity_in_eval_mode_and_for_p_zero():
    x = Tensor(np.ones((3, 3)))
    assert nn.Dropout(0.5).eval()(x) is x
    assert nn.Dropout(0.0)(x) is x


def test_dropout_with_p_one_drops_everything():
    x = leaf(np.ones(4))
    out = nn.Dropout(1.0)(x)
    np.testing.assert_array_equal(out.numpy(), 0.0)
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), 0.0)


def test_dropout_is_repeatable_under_manual_seed_and_keeps_dtype():
    x = Tensor(np.ones((5, 5), dtype=np.float32))
    autograd.manual_seed(3)
    first = nn.Dropout(0.5)(x)
    autograd.manual_seed(3)
    second = nn.Dropout(0.5)(x)
    np.testing.assert_array_equal(first.numpy(), second.numpy())
    assert first.dtype == np.float32


def test_dropout_rejects_a_p_outside_zero_one():
    with pytest.raises(ValueError, match="p must be a probability in \\[0, 1\\], got 1.5"):
        nn.Dropout(1.5)
    with pytest.raises(ValueError, match="got -0.1"):
        nn.functional.dropout(Tensor([1.0]), p=-0.1)


# -- Sequential and MLP ------------------------------------------------------------------


def test_sequential_applies_its_modules_in_order():
    double, inc = nn.Module(), nn.Module()
    double.forward = lambda x: x * 2
    inc.forward = lambda x: x + 1
    model = nn.Sequential(double, inc)
    assert model(Tensor(3.0)).item() == 7.0
    assert nn.Sequential(inc, double)(Tensor(3.0)).item() == 8.0


def test_sequential_indexing_length_iteration_and_slices():
    layers = [nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)]
    model = nn.Sequential(*layers)
    assert len(model) == 3 and model[0] is layers[0] and model[-1] is layers[2]
    assert list(model) == layers
    head = model[:2]
    assert isinstance(head, nn.Sequential) and list(head) == layers[:2]
    assert [n for n, _ in model.named_children()] == ["0", "1", "2"]


def test_sequential_from_an_ordered_dict_uses_its_names():
    model = nn.Sequential(OrderedDict(fc=nn.Linear(2, 2), act=nn.Tanh()))
    assert [n for n, _ in model.named_parameters()] == ["fc.weight", "fc.bias"]
    assert model(Tensor(np.ones((1, 2))))._scope == ("Sequential", "act (Tanh)")


def test_module_list_append_and_extend():
    blocks = nn.ModuleList([nn.Linear(1, 1)])
    blocks.append(nn.Linear(1, 2)).extend([nn.ReLU()])
    assert [n for n, _ in blocks.named_modules()][1:] == ["0", "1", "2"]


@pytest.mark.parametrize(
    "activation, kind",
    [("relu", nn.ReLU), ("tanh", nn.Tanh), ("sigmoid", nn.Sigmoid), (nn.Identity, nn.Identity)],
)
def test_mlp_is_linear_layers_with_the_activation_between(activation, kind):
    model = nn.MLP([4, 8, 6, 3], activation=activation)
    kinds = [type(m) for m in model.layers]
    assert kinds == [nn.Linear, kind, nn.Linear, kind, nn.Linear]
    assert [(m.in_features, m.out_features) for m in model.layers if isinstance(m, nn.Linear)] == [
        (4, 8),
        (8, 6),
        (6, 3),
    ]


def test_mlp_forward_matches_numpy():
    model = nn.MLP([3, 4, 2], activation="tanh", dtype=np.float64)
    x = np.random.default_rng(5).standard_normal((6, 3))
    W1, b1, W2, b2 = (p.numpy() for p in model.parameters())
    np.testing.assert_allclose(model(x).numpy(), np.tanh(x @ W1.T + b1) @ W2.T + b2, rtol=1e-12)


def test_mlp_rejects_bad_sizes_and_activations():
    with pytest.raises(ValueError, match="at least an input and an output size"):
        nn.MLP([3])
    with pytest.raises(ValueError, match="activation must be one of .*'gelu'"):
        nn.MLP([2, 2], activation="gelu")


def test_functional_dropout_passes_through_when_not_training():
    x = Tensor(np.ones(3))
    assert nn.functional.dropout(x, 0.9, training=False) is x


def test_module_list_slices_are_module_lists():
    blocks = nn.ModuleList([nn.Linear(1, 1), nn.ReLU(), nn.Tanh()])
    tail = blocks[1:]
    assert isinstance(tail, nn.ModuleList) and not isinstance(tail, nn.Sequential)
    assert [type(m) for m in tail] == [nn.ReLU, nn.Tanh]


def test_functional_softmax_takes_axis_or_dim():
    a = np.random.default_rng(6).standard_normal((3, 4))
    by_rows = np.exp(a) / np.exp(a).sum(0, keepdims=True)
    np.testing.assert_allclose(nn.functional.softmax(a, dim=0).numpy(), by_rows, rtol=1e-12)
    np.testing.assert_allclose(nn.functional.log_softmax(Tensor(a), 0).numpy(), np.log(by_rows), rtol=1e-12)
