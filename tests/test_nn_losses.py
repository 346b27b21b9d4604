"""Every loss against its formula written out in NumPy, its gradient, its stability, and its errors."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from autograd import Tensor, gradcheck
from nn import functional as F


def leaf(array) -> Tensor:
    return Tensor(np.asarray(array, dtype=np.float64), requires_grad=True)


def np_log_softmax(x: np.ndarray) -> np.ndarray:
    shifted = x - x.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def reduce(losses: np.ndarray, reduction: str):
    return {"mean": losses.mean(), "sum": losses.sum(), "none": losses}[reduction]


REDUCTIONS = ["mean", "sum", "none"]


# -- cross_entropy and nll_loss -----------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(1, 6), c=st.integers(1, 5), seed=st.integers(0, 1000), reduction=st.sampled_from(REDUCTIONS)
)
def test_cross_entropy_with_class_indices_matches_numpy(n, c, seed, reduction):
    rng = np.random.default_rng(seed)
    logits, y = rng.standard_normal((n, c)) * 3, rng.integers(0, c, n)
    x = leaf(logits)
    loss = F.cross_entropy(x, y, reduction=reduction)
    expected = -np_log_softmax(logits)[np.arange(n), y]
    np.testing.assert_allclose(loss.numpy(), reduce(expected, reduction), rtol=1e-12, atol=1e-15)
    # ∂ℓᵢ/∂xᵢ = softmax(xᵢ) - e(yᵢ), divided by N for the mean
    loss.backward(np.ones(loss.shape))
    probs = np.exp(np_log_softmax(logits))
    expected_grad = (probs - np.eye(c)[y]) / (n if reduction == "mean" else 1)
    np.testing.assert_allclose(x.grad.numpy(), expected_grad, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_with_class_probabilities_matches_numpy(reduction):
    rng = np.random.default_rng(1)
    logits = rng.standard_normal((4, 3))
    target = rng.dirichlet(np.ones(3), size=4)
    x = leaf(logits)
    loss = F.cross_entropy(x, target, reduction=reduction)
    expected = -(target * np_log_softmax(logits)).sum(1)
    np.testing.assert_allclose(loss.numpy(), reduce(expected, reduction), rtol=1e-12)
    loss.backward(np.ones(loss.shape))
    probs = np.exp(np_log_softmax(logits))
    np.testing.assert_allclose(
        x.grad.numpy(), (probs - target) / (4 if reduction == "mean" else 1), rtol=1e-10
    )


def test_cross_entropy_with_one_hot_probabilities_equals_class_indices():
    logits = np.random.default_rng(2).standard_normal((5, 4))
    y = np.array([0, 3, 1, 1, 2])
    hard = F.cross_entropy(Tensor(logits), y).item()
    soft = F.cross_entropy(Tensor(logits), np.eye(4)[y]).item()
    assert soft == pytest.approx(hard, rel=1e-12)


def test_cross_entropy_of_one_unbatched_example():
    logits = np.array([1.0, -2.0, 0.5])
    loss = F.cross_entropy(Tensor(logits), np.int64(2))
    assert loss.shape == () and loss.item() == pytest.approx(-np_log_softmax(logits)[2])


def test_cross_entropy_gradcheck_both_target_kinds():
    rng = np.random.default_rng(3)
    x = leaf(rng.standard_normal((3, 4)))
    assert gradcheck(lambda x: F.cross_entropy(x, np.array([1, 0, 3])), [x])
    target = leaf(rng.dirichlet(np.ones(4), size=3))
    assert gradcheck(lambda x, t: F.cross_entropy(x, t), [x, target])


def test_cross_entropy_is_finite_for_logits_of_ten_thousand():
    logits = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, 1e4], [1e4, 1e4, -1e4]])
    y = np.array([1, 2, 0])
    for dtype in (np.float64, np.float32):
        x = Tensor(logits.astype(dtype), requires_grad=True)
        losses = F.cross_entropy(x, y, reduction="none")
        np.testing.assert_allclose(losses.numpy(), [2e4, 0.0, np.log(2)], rtol=1e-6)
        losses.sum().backward()
        assert np.all(np.isfinite(x.grad.numpy()))
        expected = np.array([[1, -1, 0], [0, 0, 0], [-0.5, 0.5, 0]])
        np.testing.assert_allclose(x.grad.numpy(), expected, atol=1e-6)


def test_losses_keep_float32_when_targets_are_float64_arrays():
    x = Tensor(np.zeros((2, 3), dtype=np.float32), requires_grad=True)
    assert F.cross_entropy(x, np.full((2, 3), 1 / 3)).dtype == np.float32
    assert F.mse_loss(x, np.ones((2, 3))).dtype == np.float32
    assert F.binary_cross_entropy_with_logits(x, np.ones((2, 3))).dtype == np.float32
    assert F.cross_entropy(x, np.array([0, 2])).dtype == np.float32


def test_nll_loss_of_the_seeds_worked_example_is_minus_log_point_two():
    output = np.array([[0.6, 0.2, 0.1, 0.1]])  # f(x), label 1 (one-hot (0, 1, 0, 0))
    loss = F.nll_loss(Tensor(np.log(output)), np.array([1]))
    assert loss.item() == pytest.approx(-np.log(0.2), rel=1e-12)
    assert loss.item() == pytest.approx(1.6094, abs=1e-4)
    # the same network output as logits: softmax(log f) = f, so cross-entropy agrees
    assert F.cross_entropy(Tensor(np.log(output)), np.array([1])).item() == pytest.approx(-np.log(0.2))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_nll_loss_picks_minus_the_target_entry(reduction):
    log_probs = np_log_softmax(np.random.default_rng(4).standard_normal((5, 3)))
    y = np.array([2, 0, 1, 1, 0])
    x = leaf(log_probs)
    loss = F.nll_loss(x, y, reduction=reduction)
    np.testing.assert_allclose(loss.numpy(), reduce(-log_probs[np.arange(5), y], reduction), rtol=1e-12)
    loss.backward(np.ones(loss.shape))
    np.testing.assert_allclose(x.grad.numpy(), -np.eye(3)[y] / (5 if reduction == "mean" else 1))


@pytest.mark.parametrize("fn", [F.cross_entropy, F.nll_loss, F.multi_margin_loss], ids=lambda f: f.__name__)
def test_class_index_losses_reject_bad_targets_naming_the_shapes(fn):
    x = Tensor(np.zeros((3, 4)))
    name = fn.__name__
    with pytest.raises(ValueError, match=rf"{name}: target values must be class indices in \[0, 4\).*\[4\]"):
        fn(x, np.array([0, 4, 1]))
    with pytest.raises(ValueError, match=r"target values .*\[-1\]"):
        fn(x, np.array([0, -1, 1]))
    with pytest.raises(
        ValueError, match=rf"{name}: target has shape \(2,\), but input of shape \(3, 4\) needs \(3,\)"
    ):
        fn(x, np.array([0, 1]))
    with pytest.raises(TypeError, match=rf"{name}: target must hold integer class indices, got dtype bool"):
        fn(x, np.array([True, False, True]))
    with pytest.raises(ValueError, match=rf"{name}: input must have shape \(N, C\).*got \(2, 3, 4\)"):
        fn(Tensor(np.zeros((2, 3, 4))), np.zeros(2, dtype=int))


def test_cross_entropy_float_targets_of_the_wrong_shape_hint_at_probabilities():
    with pytest.raises(
        TypeError,
        match=r"dtype float64 and shape \(3,\); class probabilities must have the input's shape \(3, 4\)",
    ):
        F.cross_entropy(Tensor(np.zeros((3, 4))), np.array([0.0, 1.0, 2.0]))
    with pytest.raises(ValueError, match=r"target probabilities must lie in \[0.0, 1.0\]"):
        F.cross_entropy(Tensor(np.zeros((1, 2))), np.array([[1.5, -0.5]]))


def test_losses_reject_an_unknown_reduction():
    with pytest.raises(ValueError, match="reduction must be one of .*got 'avg'"):
        F.cross_entropy(Tensor(np.zeros((1, 2))), np.array([0]), reduction="avg")
    with pytest.raises(ValueError, match="CrossEntropyLoss: reduction"):
        nn.CrossEntropyLoss(reduction="max")


# -- mse_loss -----------------------------------------------------------------------------


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_mse_loss_matches_numpy(reduction):
    rng = np.random.default_rng(5)
    a, b = rng.standard_normal((3, 2)), rng.standard_normal((3, 2))
    x = leaf(a)
    loss = F.mse_loss(x, b, reduction=reduction)
    np.testing.assert_allclose(loss.numpy(), reduce((a - b) ** 2, reduction), rtol=1e-12)
    loss.backward(np.ones(loss.shape))
    np.testing.assert_allclose(x.grad.numpy(), 2 * (a - b) / (6 if reduction == "mean" else 1), rtol=1e-12)


def test_mse_loss_checks_the_targets_shape_and_dtype():
    with pytest.raises(ValueError, match=r"mse_loss: target has shape \(3, 1\) but input has shape \(3,\)"):
        F.mse_loss(Tensor(np.zeros(3)), np.zeros((3, 1)))
    with pytest.raises(TypeError, match="mse_loss: target must hold numbers, got dtype <U1"):
        F.mse_loss(Tensor(np.zeros(1)), np.array(["a"]))


def test_mse_loss_differentiates_the_target_too():
    x, y = leaf([1.0, 2.0]), leaf([0.5, 3.0])
    assert gradcheck(lambda x, y: F.mse_loss(x, y), [x, y])


# -- binary_cross_entropy_with_logits ------------------------------------------------------


def np_bce_with_logits(x, t, w=1.0):
    sigma = 1 / (1 + np.exp(-x))
    return -(w * t * np.log(sigma) + (1 - t) * np.log(1 - sigma))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_with_logits_matches_numpy(reduction):
    rng = np.random.default_rng(6)
    logits, t = rng.standard_normal((4, 3)) * 2, rng.uniform(0, 1, (4, 3))
    x = leaf(logits)
    loss = F.binary_cross_entropy_with_logits(x, t, reduction=reduction)
    np.testing.assert_allclose(loss.numpy(), reduce(np_bce_with_logits(logits, t), reduction), rtol=1e-12)
    loss.backward(np.ones(loss.shape))
    sigma = 1 / (1 + np.exp(-logits))
    np.testing.assert_allclose(x.grad.numpy(), (sigma - t) / (12 if reduction == "mean" else 1), rtol=1e-10)


def test_bce_with_logits_gradient_is_right_at_exactly_zero():
    x = leaf([0.0, 0.0, 0.0])
    F.binary_cross_entropy_with_logits(x, np.array([0.0, 1.0, 0.25]), reduction="sum").backward()
    np.testing.assert_allclose(x.grad.numpy(), [0.5, -0.5, 0.25])  # σ(0) - t


def test_bce_with_logits_is_stable_for_huge_logits():
    logits = np.array([1000.0, -1000.0, 1000.0, -1000.0, 40.0])
    t = np.array([0.0, 1.0, 1.0, 0.0, 0.0])
    for dtype in (np.float64, np.float32):
        x = Tensor(logits.astype(dtype), requires_grad=True)
        losses = F.binary_cross_entropy_with_logits(x, t, reduction="none")
        np.testing.assert_allclose(losses.numpy(), [1000.0, 1000.0, 0.0, 0.0, 40.0], rtol=1e-6)
        losses.sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), [1.0, -1.0, 0.0, 0.0, 1.0], atol=1e-6)


def test_bce_with_logits_pos_weight_scales_the_positive_term():
    rng = np.random.default_rng(7)
    logits, t = rng.standard_normal((5, 2)), rng.uniform(0, 1, (5, 2))
    w = np.array([3.0, 0.5])
    x = leaf(logits)
    loss = nn.BCEWithLogitsLoss(pos_weight=w)(x, t)
    np.testing.assert_allclose(loss.item(), np_bce_with_logits(logits, t, w).mean(), rtol=1e-12)
    assert gradcheck(lambda x: F.binary_cross_entropy_with_logits(x, t, pos_weight=w), [x])


def test_bce_with_logits_checks_the_target():
    x = Tensor(np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"target has shape \(2,\) but input has shape \(2, 2\)"):
        F.binary_cross_entropy_with_logits(x, np.zeros(2))
    with pytest.raises(ValueError, match=r"target must lie in \[0.0, 1.0\], got values from 0.0 to 2.0"):
        F.binary_cross_entropy_with_logits(x, np.array([[0.0, 1.0], [2.0, 0.0]]))
    with pytest.raises(TypeError, match="with_logits: pos_weight must hold numbers, got dtype <U1"):
        F.binary_cross_entropy_with_logits(x, np.zeros((2, 2)), pos_weight=np.array(["a", "b"]))
    with pytest.raises(TypeError, match="target must hold numbers, got dtype complex128"):
        F.binary_cross_entropy_with_logits(x, np.zeros((2, 2), dtype=complex))
    # bools and 0/1 integers are fine targets
    assert F.binary_cross_entropy_with_logits(x, np.eye(2, dtype=bool)).item() == pytest.approx(np.log(2))


# -- multi_margin_loss ----------------------------------------------------------------------


def np_multi_margin(x, y, p=1, margin=1.0, weight=None):
    """PyTorch's definition, one loop per example and class."""
    n, c = x.shape
    out = np.zeros(n)
    for i in range(n):
        for j in range(c):
            if j != y[i]:
                z = max(0.0, margin - x[i, y[i]] + x[i, j])
                out[i] += (z**p) * (1.0 if weight is None else weight[y[i]])
        out[i] /= c
    return out


@pytest.mark.parametrize("p, margin, weighted", list(itertools.product([1, 2], [1.0, 0.3], [False, True])))
def test_multi_margin_loss_matches_pytorchs_definition(p, margin, weighted):
    rng = np.random.default_rng(8)
    logits, y = rng.standard_normal((6, 4)), rng.integers(0, 4, 6)
    weight = rng.uniform(0.5, 2.0, 4) if weighted else None
    for reduction in REDUCTIONS:
        loss = F.multi_margin_loss(Tensor(logits), y, p=p, margin=margin, weight=weight, reduction=reduction)
        expected = reduce(np_multi_margin(logits, y, p, margin, weight), reduction)
        np.testing.assert_allclose(loss.numpy(), expected, rtol=1e-12)


def test_multi_margin_loss_gradient():
    rng = np.random.default_rng(9)
    logits = rng.standard_normal((4, 3))
    y = np.array([0, 2, 1, 1])
    x = leaf(logits)
    assert gradcheck(lambda x: F.multi_margin_loss(x, y, p=2), [x])
    F.multi_margin_loss(x, y, reduction="sum").backward()
    # p = 1: each active competitor j gets +1/C, the true class -1/C per active competitor
    active = (1.0 - logits[np.arange(4), y][:, None] + logits > 0) & (np.arange(3) != y[:, None])
    expected = active / 3.0
    expected[np.arange(4), y] = -active.sum(1) / 3.0
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-12)


def test_multi_margin_loss_rejects_bad_p_and_weight():
    x = Tensor(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="p must be 1 or 2, got 3"):
        F.multi_margin_loss(x, np.array([0, 1]), p=3)
    with pytest.raises(ValueError, match=r"weight must have shape \(3,\), got \(2,\)"):
        F.multi_margin_loss(x, np.array([0, 1]), weight=np.ones(2))
    with pytest.raises(ValueError, match="MultiMarginLoss: p must be 1 or 2, got 0"):
        nn.MultiMarginLoss(p=0)


# -- triplet_margin_loss ------------------------------------------------------------------------


def np_triplet(a, p, n, margin=1.0, norm=2.0, eps=1e-6, swap=False):
    def dist(u, v):
        return (np.abs(u - v + eps) ** norm).sum(-1) ** (1 / norm)

    far = dist(a, n)
    if swap:
        far = np.minimum(far, dist(p, n))
    return np.maximum(dist(a, p) - far + margin, 0.0)


@pytest.mark.parametrize("norm, swap", [(2.0, False), (1.0, False), (3.0, False), (2.0, True)])
def test_triplet_margin_loss_matches_pytorchs_definition(norm, swap):
    rng = np.random.default_rng(10)
    a, p, n = (rng.standard_normal((8, 3)) for _ in range(3))
    for reduction in REDUCTIONS:
        loss = F.triplet_margin_loss(
            Tensor(a), Tensor(p), Tensor(n), margin=0.5, p=norm, swap=swap, reduction=reduction
        )
        np.testing.assert_allclose(
            loss.numpy(), reduce(np_triplet(a, p, n, 0.5, norm, 1e-6, swap), reduction), rtol=1e-12
        )


def test_triplet_margin_loss_gradient_and_module():
    rng = np.random.default_rng(11)
    a, p, n = (leaf(rng.standard_normal((4, 3))) for _ in range(3))
    assert gradcheck(lambda a, p, n: F.triplet_margin_loss(a, p, n, margin=2.0), [a, p, n])
    module = nn.TripletMarginLoss(margin=2.0, swap=True)
    expected = np_triplet(a.numpy(), p.numpy(), n.numpy(), 2.0, swap=True).mean()
    assert module(a, p, n).item() == pytest.approx(expected, rel=1e-12)


def test_triplet_margin_loss_needs_one_shape_and_a_positive_norm():
    x = Tensor(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="p must be positive, got 0"):
        F.triplet_margin_loss(x, x, x, p=0)
    assert (
        repr(nn.TripletMarginLoss(reduction="sum")) == "TripletMarginLoss(margin=1.0, p=2.0, reduction='sum')"
    )
    with pytest.raises(ValueError, match=r"anchor \(2, 3\), positive \(2, 3\), negative \(2, 4\)"):
        F.triplet_margin_loss(Tensor(np.zeros((2, 3))), Tensor(np.zeros((2, 3))), Tensor(np.zeros((2, 4))))


# -- soft_auc_loss ---------------------------------------------------------------------------------


def one_minus_auc_by_counting(scores, labels):
    """1 - AUC from its definition: the share of (positive, negative) pairs ranked wrongly, ties half."""
    wrong = 0.0
    pairs = 0
    for s_pos in scores[labels == 1]:
        for s_neg in scores[labels == 0]:
            pairs += 1
            wrong += 1.0 if s_neg > s_pos else 0.5 if s_neg == s_pos else 0.0
    return wrong / pairs


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(2, 25))
def test_soft_auc_loss_tends_to_one_minus_auc_as_temperature_goes_to_zero(seed, n):
    rng = np.random.default_rng(seed)
    scores = np.round(rng.standard_normal(n), 1)  # rounded, so that ties happen
    labels = rng.integers(0, 2, n)
    labels[:2] = [0, 1]
    exact = one_minus_auc_by_counting(scores, labels)
    gaps = [
        F.soft_auc_loss(Tensor(scores), labels, temperature=tau).item() - exact for tau in (1e-1, 1e-2, 1e-4)
    ]
    assert abs(gaps[-1]) < 1e-12  # scores differ by ≥ 0.1, so σ(±0.1/1e-4) is 0 or 1 to double precision
    assert abs(gaps[0]) >= abs(gaps[1]) >= abs(gaps[2])


def test_soft_auc_loss_is_the_mean_pairwise_sigmoid_and_differentiable():
    scores = leaf([0.3, -1.2, 2.0, 0.1, 0.5])
    labels = np.array([1, 0, 1, 0, 0])
    pos, neg = scores.numpy()[labels == 1], scores.numpy()[labels == 0]
    expected = (1 / (1 + np.exp(-(neg[None, :] - pos[:, None]) / 0.5))).mean()
    assert F.soft_auc_loss(scores, labels, temperature=0.5).item() == pytest.approx(expected, rel=1e-12)
    assert gradcheck(lambda s: F.soft_auc_loss(s, labels, temperature=0.5), [scores])
    assert nn.SoftAUCLoss(0.5)(scores, labels.astype(bool)).item() == pytest.approx(expected, rel=1e-12)


def test_soft_auc_loss_rejects_bad_labels():
    scores = Tensor(np.zeros(3))
    with pytest.raises(
        ValueError, match="at least one positive and one negative.*got 0 positive and 3 negative"
    ):
        F.soft_auc_loss(scores, np.zeros(3))
    with pytest.raises(ValueError, match=r"labels must be 0 or 1, got values \[2\]"):
        F.soft_auc_loss(scores, np.array([0, 1, 2]))
    with pytest.raises(ValueError, match=r"labels have shape \(2,\) but scores have shape \(3,\)"):
        F.soft_auc_loss(scores, np.array([0, 1]))
    with pytest.raises(ValueError, match="temperature must be positive, got 0"):
        F.soft_auc_loss(scores, np.array([0, 1, 1]), temperature=0)
    with pytest.raises(TypeError, match="labels must be 0/1 numbers or bools, got dtype <U1"):
        F.soft_auc_loss(scores, np.array(["0", "1", "1"]))
    with pytest.raises(ValueError, match="SoftAUCLoss: temperature must be positive, got -1"):
        nn.SoftAUCLoss(temperature=-1)
    assert repr(nn.SoftAUCLoss(0.1)) == "SoftAUCLoss(temperature=0.1)"


# -- the loss modules call the functions --------------------------------------------------------------


def test_loss_modules_equal_their_functions():
    rng = np.random.default_rng(12)
    logits, y = Tensor(rng.standard_normal((4, 3))), np.array([0, 2, 1, 2])
    target = rng.uniform(0, 1, (4, 3))
    assert nn.CrossEntropyLoss()(logits, y).item() == F.cross_entropy(logits, y).item()
    assert nn.CrossEntropyLoss(reduction="sum")(logits, y).item() == F.cross_entropy(logits, y, "sum").item()
    assert nn.NLLLoss()(logits, y).item() == F.nll_loss(logits, y).item()
    assert nn.MSELoss()(logits, target).item() == F.mse_loss(logits, target).item()
    assert (
        nn.BCEWithLogitsLoss()(logits, target).item()
        == F.binary_cross_entropy_with_logits(logits, target).item()
    )
    assert nn.MultiMarginLoss(p=2)(logits, y).item() == F.multi_margin_loss(logits, y, p=2).item()
    assert repr(nn.CrossEntropyLoss()) == "CrossEntropyLoss()"
    assert repr(nn.MSELoss(reduction="sum")) == "MSELoss(reduction='sum')"
    assert repr(nn.MultiMarginLoss()) == "MultiMarginLoss(p=1, margin=1.0)"


def test_multi_margin_loss_of_one_unbatched_example():
    x = np.array([0.3, -1.0, 0.8])
    loss = F.multi_margin_loss(Tensor(x), np.int64(1), weight=np.array([1.0, 2.0, 3.0]))
    assert loss.shape == ()
    assert loss.item() == pytest.approx(np_multi_margin(x[None], np.array([1]), weight=[1.0, 2.0, 3.0])[0])
