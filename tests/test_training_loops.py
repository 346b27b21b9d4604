"""Hand-written training loops, in every form PyTorch users and micrograd users write them.

Each loop trains a linear regression (or micrograd's 0-d expression) and its loss at every
step is compared with the same gradient descent written out by hand in NumPy: the math,
not another run of the engine. A loop that silently trains nothing, or rebinds a parameter
to a constant, fails here.
"""

from __future__ import annotations

import numpy as np
import pytest

import autograd
import nn
from autograd import Tensor, no_grad

rng = np.random.default_rng(0)
X = rng.normal(size=(32, 3))
Y = X @ np.array([1.5, -2.0, 0.5]) + 0.3 + 0.01 * rng.normal(size=32)
LR, STEPS = 0.1, 25


def losses_by_hand() -> list[float]:
    """Gradient descent on mean((X w + b - Y)²), gradients by hand."""
    w, b = np.zeros(3), 0.0
    losses = []
    for _ in range(STEPS):
        r = X @ w + b - Y
        losses.append(float(np.mean(r**2)))
        w = w - LR * (2 * X.T @ r / len(Y))
        b = b - LR * (2 * r.mean())
    return losses


EXPECTED = losses_by_hand()


def params():
    return Tensor(np.zeros(3), requires_grad=True), Tensor(0.0, requires_grad=True, dtype=np.float64)


def loss_of(w, b):
    r = Tensor(X) @ w + b - Tensor(Y)
    return (r * r).mean()


def run(update) -> tuple[list[float], tuple]:
    w, b = params()
    originals = (w, b)
    losses = []
    for _ in range(STEPS):
        loss = loss_of(w, b)
        losses.append(loss.item())
        w.grad = b.grad = None
        loss.backward()
        update(w, b)
    assert (w, b) == originals or all(p is q for p, q in zip((w, b), originals))
    return losses, originals


def minus_equals_under_no_grad(w, b):
    with no_grad():
        w -= LR * w.grad
        b -= LR * b.grad


def through_data(w, b):
    w.data -= LR * w.grad
    b.data -= LR * b.grad


def in_place_methods(w, b):
    with no_grad():
        w.sub_(w.grad, alpha=LR)
        b.add_(b.grad * -LR)


def assigning_through_setitem(w, b):
    with no_grad():
        w[...] = w - LR * w.grad
        b.copy_(b - LR * b.grad)


@pytest.mark.parametrize(
    "update", [minus_equals_under_no_grad, through_data, in_place_methods, assigning_through_setitem]
)
def test_each_hand_written_update_trains_like_the_math(update):
    losses, (w, b) = run(update)
    np.testing.assert_allclose(losses, EXPECTED, rtol=1e-10)
    assert w.is_leaf and w.requires_grad and b.is_leaf and b.requires_grad


def test_updating_parameters_from_a_loop_over_model_parameters_trains():
    autograd.manual_seed(0)
    model = nn.Linear(3, 1).double()
    with no_grad():
        model.weight.zero_()
        model.bias.zero_()
    x, y = Tensor(X), Tensor(Y.reshape(-1, 1))
    losses = []
    for _ in range(STEPS):
        loss = ((model(x) - y) ** 2).mean()
        losses.append(loss.item())
        model.zero_grad()
        loss.backward()
        for p in model.parameters():  # the loop that used to train nothing
            with no_grad():
                p -= LR * p.grad
    np.testing.assert_allclose(losses, EXPECTED, rtol=1e-10)
    assert [n for n, _ in model.named_parameters()] == ["weight", "bias"]


def test_scaling_a_parameter_in_place_keeps_it_a_trainable_parameter():
    layer = nn.Linear(3, 2)
    weight = layer.weight
    with no_grad():
        layer.weight *= 0.1
    assert layer.weight is weight and isinstance(layer.weight, nn.Parameter) and layer.weight.requires_grad
    assert list(layer.parameters())[0] is weight


def test_micrograds_update_on_0d_tensors_trains_like_the_math():
    # micrograd's loop: p.data += -lr * p.grad, on scalars.
    a, b = (
        Tensor(0.5, requires_grad=True, dtype=np.float64),
        Tensor(-0.3, requires_grad=True, dtype=np.float64),
    )
    av, bv = 0.5, -0.3
    for _ in range(20):
        loss = (a * 2.0 + b - 1.0) ** 2 + a * a
        want = (av * 2.0 + bv - 1.0) ** 2 + av * av
        assert loss.item() == pytest.approx(want, rel=1e-12)
        a.grad = b.grad = None
        loss.backward()
        da, db = 2 * (av * 2.0 + bv - 1.0) * 2.0 + 2 * av, 2 * (av * 2.0 + bv - 1.0)
        assert a.grad.item() == pytest.approx(da, rel=1e-12) and b.grad.item() == pytest.approx(db, rel=1e-12)
        a.data += -0.05 * a.grad
        b.data += -0.05 * b.grad
        av, bv = av - 0.05 * da, bv - 0.05 * db
    assert a.item() == pytest.approx(av, rel=1e-12) and a.is_leaf


def test_an_optimizer_step_is_seen_by_a_graph_recorded_before_it():
    w = nn.Parameter(np.ones(3))
    y = (w * w).sum()  # mul saves w for its backward
    opt = nn.optim.SGD([w], lr=0.1)
    (w * 1.0).sum().backward()
    opt.step()  # changes w in place: y's graph now holds a stale value
    with pytest.raises(RuntimeError, match="backward through mul: its input .* was changed in place"):
        y.backward()
