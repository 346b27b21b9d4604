"""End to end, the engine's gradients equal the backprop formulas that notebook 02 derives.

An MLP with sigmoid, tanh or relu hidden layers and a softmax output, trained with
cross-entropy. The formulas are written out in plain NumPy with the derivation's
notation (column vectors, W(k) of shape units(k) × units(k-1)), one example at a
time, and averaged over the batch as the mean loss does.
"""

from __future__ import annotations

import numpy as np
import pytest

import autograd
import nn
from autograd import Tensor
from nn import functional as F

ACTIVATIONS = {
    "sigmoid": (
        lambda a: 1 / (1 + np.exp(-a)),
        lambda a: (1 / (1 + np.exp(-a))) * (1 - 1 / (1 + np.exp(-a))),
    ),
    "tanh": (np.tanh, lambda a: 1 - np.tanh(a) ** 2),
    "relu": (lambda a: np.maximum(a, 0), lambda a: (a > 0).astype(float)),
}


def seed_gradients(Ws, bs, x, y, activation):
    """∂ℓ/∂W(k), ∂ℓ/∂b(k) for one example by the derivation's backward recursion."""
    g, g_prime = ACTIVATIONS[activation]
    hs, as_ = [x.reshape(-1, 1)], []  # h(0) = x, a column
    for k, (W, b) in enumerate(zip(Ws, bs), start=1):
        a = W @ hs[-1] + b.reshape(-1, 1)  # a(k) = W(k) h(k-1) + b(k)
        as_.append(a)
        if k < len(Ws):
            hs.append(g(a))  # h(k) = g_k(a(k))
    logits = as_[-1]
    f = np.exp(logits - logits.max()) / np.exp(logits - logits.max()).sum()  # softmax output
    e_y = np.zeros_like(f)
    e_y[y] = 1.0
    dW, db = [None] * len(Ws), [None] * len(Ws)
    delta = f - e_y  # ∂ℓ/∂a(L+1) = f(x) - e(y)
    for k in range(len(Ws), 0, -1):
        dW[k - 1] = delta @ hs[k - 1].T  # ∂ℓ/∂W(k) = ∂ℓ/∂a(k) h(k-1)ᵀ
        db[k - 1] = delta.ravel()  # ∂ℓ/∂b(k) = ∂ℓ/∂a(k)
        if k > 1:
            dh = Ws[k - 1].T @ delta  # ∂ℓ/∂h(k-1) = W(k)ᵀ ∂ℓ/∂a(k)
            delta = dh * g_prime(as_[k - 2])  # ∂ℓ/∂a(k-1) = ∂ℓ/∂h(k-1) ⊙ g'(a(k-1))
    return dW, db, f.ravel()


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("sizes", [[4, 3], [4, 6, 3], [5, 7, 6, 4]], ids=["L=0", "L=1", "L=2"])
def test_engine_gradients_equal_the_seed_formulas(activation, sizes):
    autograd.manual_seed(len(sizes))
    model = nn.MLP(sizes, activation=activation, dtype=np.float64)
    rng = np.random.default_rng(0)
    X = rng.standard_normal((8, sizes[0]))
    y = rng.integers(0, sizes[-1], 8)
    loss = F.cross_entropy(model(Tensor(X)), y)
    loss.backward()

    linears = [m for m in model.layers if isinstance(m, nn.Linear)]
    Ws, bs = [m.weight.numpy() for m in linears], [m.bias.numpy() for m in linears]
    per_example = [seed_gradients(Ws, bs, X[i], y[i], activation) for i in range(len(X))]
    for k, layer in enumerate(linears):
        # the mean loss averages the per-example gradients over the batch
        expected_W = np.mean([dW[k] for dW, _, _ in per_example], axis=0)
        expected_b = np.mean([db[k] for _, db, _ in per_example], axis=0)
        np.testing.assert_allclose(layer.weight.grad.numpy(), expected_W, rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(layer.bias.grad.numpy(), expected_b, rtol=1e-10, atol=1e-10)
    expected_loss = np.mean([-np.log(f[y[i]]) for i, (_, _, f) in enumerate(per_example)])
    assert loss.item() == pytest.approx(expected_loss, rel=1e-12)


def test_each_intermediate_quantity_of_the_seed_recursion():
    """∂ℓ/∂f, ∂ℓ/∂a(L+1), ∂ℓ/∂h(k) and ∂ℓ/∂a(k) for one example, read off the engine with retain_grad."""
    autograd.manual_seed(1)
    model = nn.MLP([3, 5, 4], activation="sigmoid", dtype=np.float64)
    W1, b1, W2, b2 = (p.numpy() for p in model.parameters())
    x, y = np.array([0.5, -1.0, 2.0]), 2

    a1 = model.layers[0](Tensor(x))
    h1 = model.layers[1](a1)
    a2 = model.layers[2](h1)
    f = a2.softmax()
    loss = -f[y].log()  # ℓ = -log f(x)_y
    for t in (a1, h1, a2, f):
        t.retain_grad()
    loss.backward()

    sigma = lambda a: 1 / (1 + np.exp(-a))  # noqa: E731
    a1_np = W1 @ x + b1
    a2_np = W2 @ sigma(a1_np) + b2
    f_np = np.exp(a2_np) / np.exp(a2_np).sum()
    e_y = np.eye(4)[y]
    np.testing.assert_allclose(f.grad.numpy(), -e_y / f_np[y], rtol=1e-10)  # ∂ℓ/∂f_j = -1(y=j)/f_y
    np.testing.assert_allclose(a2.grad.numpy(), f_np - e_y, rtol=1e-10, atol=1e-12)  # f - e(y)
    dh1 = W2.T @ (f_np - e_y)
    np.testing.assert_allclose(h1.grad.numpy(), dh1, rtol=1e-10)  # W(2)ᵀ ∂ℓ/∂a(2)
    da1 = dh1 * sigma(a1_np) * (1 - sigma(a1_np))
    np.testing.assert_allclose(a1.grad.numpy(), da1, rtol=1e-10)  # ∂ℓ/∂h(1) ⊙ σ'(a(1))
    np.testing.assert_allclose(model.layers[0].weight.grad.numpy(), np.outer(da1, x), rtol=1e-10)
    np.testing.assert_allclose(model.layers[0].bias.grad.numpy(), da1, rtol=1e-10)


def test_summed_loss_sums_the_per_example_gradients():
    autograd.manual_seed(2)
    model = nn.MLP([2, 4, 3], activation="tanh", dtype=np.float64)
    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((5, 2)), rng.integers(0, 3, 5)
    F.cross_entropy(model(X), y, reduction="sum").backward()
    Ws = [model.layers[0].weight.numpy(), model.layers[2].weight.numpy()]
    bs = [model.layers[0].bias.numpy(), model.layers[2].bias.numpy()]
    total = sum(seed_gradients(Ws, bs, X[i], y[i], "tanh")[0][0] for i in range(5))
    np.testing.assert_allclose(model.layers[0].weight.grad.numpy(), total, rtol=1e-10)
