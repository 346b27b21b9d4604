"""The layers PyTorch programs use, against their formulas in NumPy: Flatten, Unflatten, Embedding,
BatchNorm1d, LayerNorm, LeakyReLU, GELU, and their functional forms, with one_hot; gradients checked
against finite differences in float64 at first and second order."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd
import nn
from autograd import Tensor, gradcheck, gradgradcheck
from nn import functional as F
from nn.special import erfc_of_nonnegative, normal_cdf

RNG = np.random.default_rng(0)


def leaf(array) -> Tensor:
    return Tensor(np.asarray(array, dtype=np.float64), requires_grad=True)


def normal(*shape) -> np.ndarray:
    return RNG.standard_normal(shape)


# -- Flatten and Unflatten ----------------------------------------------------------------------


def test_flatten_merges_every_axis_after_the_first_by_default():
    x = Tensor(np.arange(24.0).reshape(2, 3, 4))
    assert nn.Flatten()(x).shape == (2, 12)
    assert nn.Flatten(0, 1)(x).shape == (6, 4)
    assert nn.Flatten(start_dim=-2)(x).shape == (2, 12)
    np.testing.assert_array_equal(nn.Flatten()(x).numpy(), np.arange(24.0).reshape(2, 12))
    assert F.flatten(x).shape == (24,)  # torch.flatten's default start_dim is 0
    assert repr(nn.Flatten()) == "Flatten(start_dim=1, end_dim=-1)"


def test_flatten_passes_gradients_back_in_the_input_shape():
    assert gradcheck(nn.Flatten(), [leaf(normal(2, 3, 2))])


def test_unflatten_splits_one_axis_and_takes_one_minus_one():
    x = Tensor(np.arange(20.0).reshape(2, 10))
    assert nn.Unflatten(1, (2, 5))(x).shape == (2, 2, 5)
    assert nn.Unflatten(-1, (5, -1))(x).shape == (2, 5, 2)
    assert repr(nn.Unflatten(1, (2, 5))) == "Unflatten(dim=1, unflattened_size=(2, 5))"
    with pytest.raises(ValueError, match=r"axis 1 of size 10 cannot be split into \(3, 3\)"):
        nn.Unflatten(1, (3, 3))(x)
    with pytest.raises(IndexError, match="dim 2 is out of range"):
        nn.Unflatten(2, (2, 5))(x)


# -- Embedding --------------------------------------------------------------------------------


def test_embedding_looks_up_rows_for_indices_of_any_shape():
    emb = nn.Embedding(10, 3)
    index = np.array([[1, 2, 4], [4, 3, 9]])
    out = emb(Tensor(index))
    assert out.shape == (2, 3, 3) and out.dtype == np.float32
    np.testing.assert_array_equal(out.numpy(), emb.weight.numpy()[index])
    assert emb(Tensor(np.int64(7))).shape == (3,)  # a 0-d index gives one row


def test_embedding_initialises_from_a_standard_normal_under_the_seed():
    autograd.manual_seed(3)
    first = nn.Embedding(2000, 8).weight.numpy()
    autograd.manual_seed(3)
    np.testing.assert_array_equal(first, nn.Embedding(2000, 8).weight.numpy())
    assert abs(first.mean()) < 0.02 and abs(first.std() - 1.0) < 0.02


def test_embedding_gradient_accumulates_over_repeated_indices():
    emb = nn.Embedding(5, 2, dtype=np.float64)
    index = Tensor(np.array([1, 3, 1, 1]))
    weights = np.arange(8.0).reshape(4, 2)
    (emb(index) * weights).sum().backward()
    expected = np.zeros((5, 2))
    np.add.at(expected, [1, 3, 1, 1], weights)
    np.testing.assert_array_equal(emb.weight.grad.numpy(), expected)


def test_embedding_padding_row_starts_at_zero_and_gets_no_gradient():
    emb = nn.Embedding(6, 3, padding_idx=2, dtype=np.float64)
    np.testing.assert_array_equal(emb.weight.numpy()[2], 0.0)
    with autograd.no_grad():
        emb.weight[2] = 5.0  # changed by hand: the forward returns it, the gradient still skips it
    out = emb(Tensor(np.array([2, 0, 2])))
    np.testing.assert_array_equal(out.numpy()[0], 5.0)
    out.sum().backward()
    np.testing.assert_array_equal(emb.weight.grad.numpy()[2], 0.0)
    np.testing.assert_array_equal(emb.weight.grad.numpy()[0], 1.0)
    assert nn.Embedding(6, 3, padding_idx=-1).padding_idx == 5
    assert repr(emb) == "Embedding(6, 3, padding_idx=2)"


def test_embedding_gradcheck():
    index = np.array([[0, 3], [3, 1]])
    assert gradcheck(lambda w: F.embedding(index, w), [leaf(normal(4, 3))])
    assert gradgradcheck(lambda w: F.embedding(index, w) ** 2, [leaf(normal(4, 3))])
    # with a padding index the other rows still get their true gradient (the padding row none, by design)
    assert gradcheck(lambda w: F.embedding(index, w, padding_idx=2) ** 2, [leaf(normal(4, 3))])


def test_embedding_from_pretrained_copies_and_freezes():
    table = np.arange(6.0).reshape(3, 2)
    emb = nn.Embedding.from_pretrained(table)
    assert not emb.weight.requires_grad and emb.weight.dtype == np.float64
    table[0, 0] = 100.0
    assert emb.weight.numpy()[0, 0] == 0.0
    assert nn.Embedding.from_pretrained(table, freeze=False).weight.requires_grad


def test_embedding_max_norm_rescales_the_rows_it_looks_up_in_place():
    emb = nn.Embedding.from_pretrained(np.array([[3.0, 4.0], [0.3, 0.4], [6.0, 8.0]]), max_norm=1.0)
    out = emb(Tensor(np.array([0, 1])))
    np.testing.assert_allclose(np.linalg.norm(out.numpy(), axis=1), [1.0, 0.5], rtol=1e-6)
    np.testing.assert_array_equal(emb.weight.numpy()[2], [6.0, 8.0])  # not looked up, not changed


def test_embedding_rejects_bad_indices_and_arguments():
    emb = nn.Embedding(4, 2)
    with pytest.raises(TypeError, match="indices must be integers .* got dtype float32"):
        emb(Tensor([1.0, 2.0]))
    with pytest.raises(IndexError, match=r"indices must be in \[0, 4\), got \[4, -1\]"):
        emb(Tensor(np.array([0, 4, -1])))
    with pytest.raises(ValueError, match=r"padding_idx must be within \[-4, 4\), got 4"):
        nn.Embedding(4, 2, padding_idx=4)
    with pytest.raises(ValueError, match="num_embeddings must be a non-negative integer, got 2.5"):
        nn.Embedding(2.5, 2)
    with pytest.raises(ValueError, match="sparse gradients are not supported"):
        nn.Embedding(4, 2, sparse=True)


# -- one_hot ----------------------------------------------------------------------------------


def test_one_hot_gives_int64_rows_with_a_single_one():
    out = F.one_hot(Tensor(np.array([0, 2, 1])), 4)
    assert out.dtype == np.int64 and out.shape == (3, 4)
    np.testing.assert_array_equal(out.numpy(), np.eye(4, dtype=np.int64)[[0, 2, 1]])
    assert F.one_hot(Tensor(np.array([[1], [3]]))).shape == (2, 1, 4)  # classes = max + 1
    assert not out.requires_grad


def test_one_hot_names_what_is_wrong():
    with pytest.raises(TypeError, match="integer class indices .* got dtype float32"):
        F.one_hot(Tensor([1.0, 2.0]))
    with pytest.raises(ValueError, match="class values must be non-negative, got -1"):
        F.one_hot(Tensor(np.array([0, -1])), 3)
    with pytest.raises(ValueError, match="smaller than num_classes=3, got 3"):
        F.one_hot(Tensor(np.array([0, 3])), 3)
    with pytest.raises(ValueError, match="cannot infer the number of classes from an empty tensor"):
        F.one_hot(Tensor(np.zeros(0, dtype=np.int64)))
    with pytest.raises(ValueError, match="num_classes must be a positive integer or -1, got 0"):
        F.one_hot(Tensor(np.array([0])), 0)


# -- activations ------------------------------------------------------------------------------


def test_leaky_relu_scales_negatives_and_takes_the_small_slope_at_zero():
    x = leaf([-2.0, 0.0, 3.0])
    y = nn.LeakyReLU(0.2)(x)
    np.testing.assert_allclose(y.numpy(), [-0.4, 0.0, 3.0])
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [0.2, 0.2, 1.0])  # PyTorch's slope at 0 is the small one
    assert repr(nn.LeakyReLU()) == "LeakyReLU(negative_slope=0.01)"
    assert repr(nn.LeakyReLU(0.1, inplace=True)) == "LeakyReLU(negative_slope=0.1, inplace=True)"
    assert gradcheck(lambda t: F.leaky_relu(t, 0.3), [leaf([-1.5, -0.2, 0.4, 2.0])])


def test_relu_accepts_inplace_for_ported_code():
    assert repr(nn.ReLU(inplace=True)) == "ReLU(inplace=True)" and repr(nn.ReLU()) == "ReLU()"
    np.testing.assert_array_equal(nn.ReLU(inplace=True)(Tensor([-1.0, 2.0])).numpy(), [0.0, 2.0])


def test_normal_cdf_and_erfc_match_the_standard_library():
    z = np.concatenate([np.linspace(0.0, 26.0, 2001), [1e-9, 1e-3]])
    got = erfc_of_nonnegative(Tensor(z)).numpy()
    np.testing.assert_allclose(got, [math.erfc(v) for v in z], rtol=2e-14, atol=0)
    x = np.linspace(-37.0, 9.0, 2001)
    cdf = normal_cdf(Tensor(x)).numpy()
    np.testing.assert_allclose(cdf, [0.5 * math.erfc(-v / math.sqrt(2)) for v in x], rtol=5e-13, atol=0)


def test_gelu_is_x_times_the_normal_cdf():
    x = np.array([-30.0, -6.0, -1.0, -1e-3, 0.0, 0.5, 2.0, 8.0])
    exact = np.array([v * 0.5 * math.erfc(-v / math.sqrt(2)) for v in x])
    # far in the tail, rounding x/√2 alone moves Φ by ~x²·1e-16, in the reference as much as here
    np.testing.assert_allclose(nn.GELU()(Tensor(x)).numpy(), exact, rtol=5e-13, atol=0)
    tanh_form = 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))
    np.testing.assert_allclose(nn.GELU("tanh")(Tensor(x)).numpy(), tanh_form, rtol=1e-14, atol=1e-300)
    assert (
        repr(nn.GELU()) == "GELU(approximate='none')" and repr(nn.GELU("tanh")) == "GELU(approximate='tanh')"
    )


def test_gelu_keeps_float32_and_handles_infinities():
    y = F.gelu(Tensor(np.array([-np.inf, -1.0, 0.0, np.inf, np.nan], dtype=np.float32)))
    assert y.dtype == np.float32
    np.testing.assert_array_equal(
        np.isnan(y.numpy()), [True, False, False, False, True]
    )  # -inf·0, as PyTorch
    assert y.numpy()[3] == np.inf and y.numpy()[2] == 0.0


def test_gelu_derivative_is_the_cdf_plus_x_times_the_density():
    x = leaf(np.linspace(-7.0, 7.0, 57))
    F.gelu(x).sum().backward()
    v = x.numpy()
    cdf = np.array([0.5 * math.erfc(-t / math.sqrt(2)) for t in v])
    expected = cdf + v * np.exp(-v * v / 2) / math.sqrt(2 * math.pi)
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-11, atol=1e-15)


@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_gelu_gradcheck_first_and_second_order(approximate):
    x = leaf([-4.0, -1.3, -0.2, 0.0, 0.7, 2.5, 5.0])
    assert gradcheck(lambda t: F.gelu(t, approximate), [x])
    assert gradgradcheck(lambda t: F.gelu(t, approximate), [x])


def test_gelu_rejects_an_unknown_approximation():
    with pytest.raises(ValueError, match="approximate must be 'none' or 'tanh', got 'fast'"):
        nn.GELU("fast")
    with pytest.raises(ValueError, match="approximate must be 'none' or 'tanh', got 'erf'"):
        F.gelu(Tensor([1.0]), "erf")


# -- LayerNorm --------------------------------------------------------------------------------


def layer_norm_numpy(x, axes, w, b, eps=1e-5):
    mean = x.mean(axes, keepdims=True)
    var = x.var(axes, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * w + b


def test_layer_norm_normalises_the_last_axes():
    x = normal(4, 3, 5)
    ln = nn.LayerNorm(5).double()
    assert [n for n, _ in ln.named_parameters()] == ["weight", "bias"]
    with autograd.no_grad():
        ln.weight.copy_(normal(5))
        ln.bias.copy_(normal(5))
    expected = layer_norm_numpy(x, -1, ln.weight.numpy(), ln.bias.numpy())
    np.testing.assert_allclose(ln(Tensor(x)).numpy(), expected, rtol=1e-12, atol=1e-12)
    two = nn.LayerNorm((3, 5), elementwise_affine=False)
    assert list(two.parameters()) == []
    np.testing.assert_allclose(
        two(Tensor(x)).numpy(), layer_norm_numpy(x, (1, 2), 1.0, 0.0), rtol=1e-5, atol=1e-5
    )
    assert repr(nn.LayerNorm(5)) == "LayerNorm((5,), eps=1e-05, elementwise_affine=True, bias=True)"
    assert nn.LayerNorm(5, bias=False).bias is None


def test_layer_norm_gradcheck_first_and_second_order():
    x, w, b = leaf(normal(3, 4)), leaf(normal(4)), leaf(normal(4))
    assert gradcheck(lambda x, w, b: F.layer_norm(x, 4, w, b), [x, w, b])
    assert gradgradcheck(lambda x, w, b: F.layer_norm(x, (4,), w, b), [x, w, b])


def test_layer_norm_names_a_shape_that_does_not_fit():
    with pytest.raises(
        ValueError, match=r"normalized_shape=\(4,\) needs an input of shape \(\*, 4\), got \(2, 3\)"
    ):
        nn.LayerNorm(4)(Tensor(np.zeros((2, 3))))


# -- BatchNorm1d ------------------------------------------------------------------------------


def test_batch_norm_registers_pytorchs_parameters_and_buffers():
    bn = nn.BatchNorm1d(3)
    assert [n for n, _ in bn.named_parameters()] == ["weight", "bias"]
    assert [n for n, _ in bn.named_buffers()] == ["running_mean", "running_var", "num_batches_tracked"]
    assert list(bn.state_dict()) == ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
    assert bn.num_batches_tracked.dtype == np.int64 and bn.running_var.numpy().tolist() == [1.0, 1.0, 1.0]
    assert repr(bn) == (
        "BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)"
    )
    bare = nn.BatchNorm1d(3, affine=False, track_running_stats=False)
    assert list(bare.state_dict()) == [] and bare.weight is None and bare.running_mean is None


@pytest.mark.parametrize("shape, axes", [((8, 3), (0,)), ((4, 3, 5), (0, 2))])
def test_batch_norm_trains_on_batch_statistics_and_tracks_running_ones(shape, axes):
    bn = nn.BatchNorm1d(3, momentum=0.2).double()
    x = normal(*shape) * 2 + 1
    y = bn(Tensor(x))
    per_channel = (1, 3) + (1,) * (len(shape) - 2)
    expected = (x - x.mean(axes, keepdims=True)) / np.sqrt(x.var(axes, keepdims=True) + 1e-5)
    np.testing.assert_allclose(y.numpy(), expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(bn.running_mean.numpy(), 0.2 * x.mean(axes), rtol=1e-12)
    np.testing.assert_allclose(bn.running_var.numpy(), 0.8 + 0.2 * x.var(axes, ddof=1), rtol=1e-12)
    assert bn.num_batches_tracked.item() == 1
    bn.eval()
    mean, var = bn.running_mean.numpy().reshape(per_channel), bn.running_var.numpy().reshape(per_channel)
    np.testing.assert_allclose(bn(Tensor(x)).numpy(), (x - mean) / np.sqrt(var + 1e-5), rtol=1e-12)
    assert bn.num_batches_tracked.item() == 1  # eval mode changes no statistics


def test_batch_norm_running_statistics_are_the_same_tensors_updated_in_place():
    bn = nn.BatchNorm1d(2)
    mean, var = bn.running_mean, bn.running_var
    mean_array = mean.numpy()
    bn(Tensor(normal(5, 2).astype(np.float32)))
    assert bn.running_mean is mean and bn.running_var is var and mean.numpy() is mean_array
    assert not mean.requires_grad and mean.grad_fn is None


def test_batch_norm_with_momentum_none_takes_the_plain_average_of_batches():
    bn = nn.BatchNorm1d(2, momentum=None).double()
    batches = [normal(6, 2) + k for k in range(3)]
    for x in batches:
        bn(Tensor(x))
    np.testing.assert_allclose(
        bn.running_mean.numpy(), np.mean([b.mean(0) for b in batches], axis=0), rtol=1e-12
    )


def test_batch_norm_without_running_statistics_uses_the_batch_in_eval_mode_too():
    bn = nn.BatchNorm1d(2, track_running_stats=False).double().eval()
    x = normal(6, 2)
    np.testing.assert_allclose(bn(Tensor(x)).numpy(), (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5), rtol=1e-12)


def test_batch_norm_gradcheck_training_and_eval():
    x, w, b = leaf(normal(5, 3)), leaf(normal(3)), leaf(normal(3))
    train = lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True)
    assert gradcheck(train, [x, w, b])
    assert gradgradcheck(train, [x, w, b])
    x3 = leaf(normal(2, 3, 4))
    mean, var = Tensor(normal(3)), Tensor(np.abs(normal(3)) + 0.5)
    evaluate = lambda x, w, b: F.batch_norm(x, mean, var, w, b, training=False)
    assert gradcheck(evaluate, [x3, w, b])
    assert gradgradcheck(evaluate, [x3, w, b])


def test_batch_norm_names_what_is_wrong():
    bn = nn.BatchNorm1d(3)
    with pytest.raises(ValueError, match=r"expected input of shape \(N, C\) or \(N, C, L\), got \(3,\)"):
        bn(Tensor(np.zeros(3, dtype=np.float32)))
    with pytest.raises(ValueError, match=r"axis 1 must have 3 channels, got input of shape \(2, 4\)"):
        bn(Tensor(np.zeros((2, 4), dtype=np.float32)))
    with pytest.raises(ValueError, match="more than 1 value per channel when training"):
        bn(Tensor(np.zeros((1, 3), dtype=np.float32)))
    with pytest.raises(ValueError, match=r"running_mean must have shape \(3,\)"):
        F.batch_norm(Tensor(np.zeros((2, 3))), Tensor(np.zeros(2)), Tensor(np.ones(3)))
    with pytest.raises(ValueError, match="num_features must be a positive integer, got 0"):
        nn.BatchNorm1d(0)


def test_a_model_with_batch_norm_and_dropout_switches_with_train_and_eval():
    model = nn.Sequential(
        nn.Linear(4, 8), nn.BatchNorm1d(8), nn.LeakyReLU(), nn.Dropout(0.5), nn.Linear(8, 2)
    )
    x = Tensor(normal(16, 4).astype(np.float32))
    model.eval()
    before = model[1].running_mean.numpy().copy()
    np.testing.assert_array_equal(model(x).numpy(), model(x).numpy())  # deterministic in eval mode
    np.testing.assert_array_equal(model[1].running_mean.numpy(), before)
    model.train()
    F.cross_entropy(model(x), np.zeros(16, dtype=np.int64)).backward()
    assert all(p.grad is not None for p in model.parameters())
    assert not np.array_equal(model[1].running_mean.numpy(), before)
