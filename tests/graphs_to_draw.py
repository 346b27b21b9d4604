"""Graphs several tests build: micrograd's README expression and a small scoped MLP."""

from __future__ import annotations

import numpy as np

from autograd import Tensor, scope

F64 = np.float64


def micrograd_readme():
    """micrograd's README expression, every tensor named so that its node can be found."""
    a = Tensor(-4.0, requires_grad=True, name="a", dtype=F64)
    b = Tensor(2.0, requires_grad=True, name="b", dtype=F64)
    c = a + b
    d = a * b + b**3
    c = c + c + 1
    c = c + 1 + c + (-a)
    d = d + d * 2 + (b + a).relu()
    d = d + 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g = g + 10.0 / f
    for t, name in ((c, "c"), (d, "d"), (e, "e"), (f, "f"), (g, "g")):
        t.name = name
    return a, b, c, d, e, f, g


def scoped_mlp(batch=4):
    """A 2-3-1 MLP whose forward opens the scopes nn opens, with float64 parameters."""
    rng = np.random.default_rng(0)
    x = Tensor(rng.normal(size=(batch, 2)), name="x")
    w0 = Tensor(rng.normal(size=(3, 2)), requires_grad=True, name="layers.0.weight")
    b0 = Tensor(rng.normal(size=3), requires_grad=True, name="layers.0.bias")
    w2 = Tensor(rng.normal(size=(1, 3)), requires_grad=True, name="layers.2.weight")
    b2 = Tensor(rng.normal(size=1), requires_grad=True, name="layers.2.bias")
    with scope("MLP"), scope("layers (Sequential)"):
        with scope("0 (Linear)"):
            h = x @ w0.T + b0
        with scope("1 (ReLU)"):
            h = h.relu()
        with scope("2 (Linear)"):
            out = h @ w2.T + b2
    loss = (out * out).mean()
    loss.name = "loss"
    return loss, x.numpy(), (w0, b0, w2, b2)
