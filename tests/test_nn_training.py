"""End to end: small MLPs trained with Adam on scikit-learn's moons and digits, seeded and repeatable."""

from __future__ import annotations

import numpy as np
from sklearn.datasets import load_digits, make_moons
from sklearn.model_selection import train_test_split

import autograd
import nn
from autograd import Tensor
from nn import functional as F


def train_moons(steps: int = 150):
    """Full-batch Adam on 200 noisy moons; returns (training accuracy, final weights)."""
    X, y = make_moons(n_samples=200, noise=0.1, random_state=0)
    autograd.manual_seed(0)
    model = nn.MLP([2, 16, 16, 2], activation="relu", dtype=np.float64)
    opt = nn.optim.Adam(model.parameters(), lr=0.05)
    x = Tensor(X)
    for _ in range(steps):
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    accuracy = (model(x).numpy().argmax(1) == y).mean()
    return accuracy, model.state_dict()


def test_mlp_learns_the_moons():
    accuracy, _ = train_moons()
    assert accuracy >= 0.97


def test_training_is_repeatable_under_manual_seed():
    _, first = train_moons(steps=20)
    _, second = train_moons(steps=20)
    for name in first:
        np.testing.assert_array_equal(first[name].numpy(), second[name].numpy())


def test_mlp_learns_the_digits():
    digits = load_digits()
    X = (digits.data / 16.0).astype(np.float32)
    X_train, X_test, y_train, y_test = train_test_split(
        X, digits.target, test_size=0.25, random_state=0, stratify=digits.target
    )
    autograd.manual_seed(0)
    model = nn.MLP([64, 64, 10], activation="relu")  # float32
    opt = nn.optim.Adam(model.parameters(), lr=1e-2)
    loader = nn.data.DataLoader(nn.data.TensorDataset(X_train, y_train), batch_size=64, shuffle=True)
    for _ in range(6):
        for xb, yb in loader:
            loss = F.cross_entropy(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
    model.eval()
    with autograd.no_grad():
        accuracy = (model(X_test).numpy().argmax(1) == y_test).mean()
    assert accuracy >= 0.95
    assert model.layers[0].weight.dtype == np.float32
