"""(a) Scalar graph: micrograd's README expression on many (a, b) pairs, forward + backward.

Each pair builds a fresh graph of 25 op nodes on 0-d inputs and runs backward
from g. The floor evaluates the same 25 ops one pair at a time with NumPy
scalars, then writes the chain rule out by hand, one line per op, in reverse.
"""

from __future__ import annotations

import numpy as np

from .base import Case, Round, Unavailable, require

NAME = "scalar_graph"
# lean: the bound for any engine with a Python object per node (benchmarks/lean.py)
ENGINES = (
    "autograd",
    "traced",
    "numpy",
    "lean",
    "torch",
    "micrograd",
)  # optional peers run only when installed
NODES_PER_GRAPH = 25  # op nodes in the expression (leaves a and b not counted)


def cases(quick: bool) -> list[Case]:
    pairs = 8 if quick else 400  # 400 × 25 = 10,000 nodes per round
    return [
        Case(
            f"{pairs * NODES_PER_GRAPH} nodes",
            {"pairs": pairs},
            unit="node",
            targets={"time": 3.5},
            traced_targets={"time": 1.5},
        )
    ]


def inputs(pairs: int) -> tuple[np.ndarray, np.ndarray]:
    """Seeded (a, b) pairs; the first is micrograd's own (-4, 2)."""
    rng = np.random.default_rng(0)
    a, b = rng.uniform(-5.0, 5.0, pairs), rng.uniform(-5.0, 5.0, pairs)
    a[0], b[0] = -4.0, 2.0
    return a, b


def expression(a, b):
    """micrograd's README expression, verbatim: works for any type with the operators and relu."""
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    return g


def engine_pair(a: np.ndarray, b: np.ndarray):
    """g, dg/da, dg/db with the engine, from 0-d float64 arrays."""
    from autograd import Tensor

    ta, tb = Tensor(a, requires_grad=True), Tensor(b, requires_grad=True)
    g = expression(ta, tb)
    g.backward()
    return g.data, ta.grad.data, tb.grad.data


def engine_gradient(a, b):
    """The function a trace records: g and its gradient at (a, b), two 0-d float64 arrays."""
    from autograd import Tensor

    ta, tb = Tensor(a, requires_grad=True), Tensor(b, requires_grad=True)
    g = expression(ta, tb)
    g.backward()
    return g, ta.grad, tb.grad


def numpy_pair(a: np.float64, b: np.float64):
    """g, dg/da, dg/db with NumPy scalars: the 25 ops, then one backward line per op."""
    # forward, naming every intermediate that backward needs
    c1 = a + b
    ab = a * b
    b3 = b**3
    d1 = ab + b3
    c1p = c1 + 1.0
    c2 = c1 + c1p
    c2p = 1.0 + c2
    na = -a
    s1 = c2p + na
    c3 = c2 + s1
    d1x2 = d1 * 2.0
    ba = b + a
    rba = np.maximum(ba, 0.0)
    s2 = d1x2 + rba
    d2 = d1 + s2
    d2x3 = 3.0 * d2
    bma = b - a
    rbma = np.maximum(bma, 0.0)
    s3 = d2x3 + rbma
    d3 = d2 + s3
    e = c3 - d3
    f = e**2
    g1 = f / 2.0
    tf = 10.0 / f
    g = g1 + tf
    # backward: gX is dg/dX, accumulated over every use of X
    gg1 = gtf = 1.0  # g = g1 + tf
    gf = gtf * (-10.0 / (f * f))  # tf = 10 / f
    gf = gf + gg1 / 2.0  # g1 = f / 2
    ge = gf * 2.0 * e  # f = e²
    gc3, gd3 = ge, -ge  # e = c3 - d3
    gd2, gs3 = gd3, gd3  # d3 = d2 + s3
    gd2x3, grbma = gs3, gs3  # s3 = d2x3 + rbma
    gbma = grbma * (bma > 0)  # rbma = relu(bma)
    gb, ga = gbma, -gbma  # bma = b - a
    gd2 = gd2 + 3.0 * gd2x3  # d2x3 = 3 d2
    gd1, gs2 = gd2, gd2  # d2 = d1 + s2
    gd1x2, grba = gs2, gs2  # s2 = d1x2 + rba
    gba = grba * (ba > 0)  # rba = relu(ba)
    gb, ga = gb + gba, ga + gba  # ba = b + a
    gd1 = gd1 + gd1x2 * 2.0  # d1x2 = 2 d1
    gab, gb3 = gd1, gd1  # d1 = ab + b3
    gb = gb + gb3 * 3.0 * b * b  # b3 = b³
    ga, gb = ga + gab * b, gb + gab * a  # ab = a b
    gc2, gs1 = gc3, gc3  # c3 = c2 + s1
    gc2p, gna = gs1, gs1  # s1 = c2p + na
    ga = ga - gna  # na = -a
    gc2 = gc2 + gc2p  # c2p = 1 + c2
    gc1, gc1p = gc2, gc2  # c2 = c1 + c1p
    gc1 = gc1 + gc1p  # c1p = c1 + 1
    ga, gb = ga + gc1, gb + gc1  # c1 = a + b
    return g, ga, gb


def lean_pair(a: np.float64, b: np.float64):
    """g, dg/da, dg/db with the leanest engine (benchmarks/lean.py)."""
    from ..lean import Value

    va, vb = Value(a), Value(b)
    g = expression(va, vb)
    g.backward()
    return g.data, va.grad, vb.grad


def build(engine: str, params: dict) -> Round:
    a, b = inputs(params["pairs"])
    nodes = params["pairs"] * NODES_PER_GRAPH
    if engine == "autograd":
        pairs = [(np.array(x), np.array(y)) for x, y in zip(a, b)]  # 0-d float64 arrays
        return Round(lambda: [engine_pair(x, y) for x, y in pairs], nodes)
    if engine == "traced":  # the expression's gradient, recorded once, replayed for each pair
        import autograd

        traced = autograd.trace(engine_gradient)
        pairs = [(np.array(x), np.array(y)) for x, y in zip(a, b)]
        return Round(lambda: [traced(x, y) for x, y in pairs], nodes)
    if engine == "numpy":
        pairs = list(zip(a, b))  # NumPy float64 scalars
        return Round(lambda: [numpy_pair(x, y) for x, y in pairs], nodes)
    if engine == "lean":
        pairs = list(zip(a, b))  # NumPy float64 scalars, as the floor
        return Round(lambda: [lean_pair(x, y) for x, y in pairs], nodes)
    if engine == "micrograd":
        Value = require("micrograd.engine").Value

        def micrograd_pair(x, y):
            va, vb = Value(float(x)), Value(float(y))
            expression(va, vb).backward()

        return Round(lambda: [micrograd_pair(x, y) for x, y in zip(a, b)], nodes)
    if engine == "torch":
        torch = require("torch")
        pairs = [
            (torch.tensor(x, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)) for x, y in zip(a, b)
        ]

        def torch_pair(x, y):
            ta, tb = x.clone().requires_grad_(), y.clone().requires_grad_()
            expression(ta, tb).backward()

        return Round(lambda: [torch_pair(x, y) for x, y in pairs], nodes)
    raise Unavailable(f"no {engine} version of {NAME}")
