"""(c) Deep chain: y = y*1.0001 + 0.0001 repeated N times on a 0-d tensor, forward + backward.

2N op nodes in one line: the test of an iterative sort and of per-node cost on
a long graph. It runs under Python's default recursion limit. The floor keeps
the forward values on a tape, as the graph does, then walks it back,
multiplying the gradient by 1.0001 at each mul (the adds pass it through).
"""

from __future__ import annotations

import numpy as np

from .base import Case, Round, Unavailable, require

NAME = "deep_chain"
# lean: the bound for any engine with a Python object per node (benchmarks/lean.py)
ENGINES = ("autograd", "numpy", "lean", "torch")  # optional peers run only when installed
SCALE, SHIFT = 1.0001, 0.0001


def cases(quick: bool) -> list[Case]:
    if quick:
        return [Case("N=1e3", {"n": 1000}, unit="node", rounds=1, targets={"time": 3.3})]
    return [
        Case("N=1e4", {"n": 10_000}, unit="node"),
        Case("N=1e5", {"n": 100_000}, unit="node", rounds=5, targets={"time": 3.3}),
        Case("N=1e6", {"n": 1_000_000}, unit="node", rounds=3),
    ]


def engine_chain(n: int) -> tuple[float, float]:
    """y_N and dy_N/dy_0 with the engine."""
    from autograd import Tensor

    y0 = Tensor(np.array(0.5), requires_grad=True)
    y = y0
    for _ in range(n):
        y = y * SCALE + SHIFT
    y.backward()
    return float(y.data), float(y0.grad.data)


def numpy_chain(n: int) -> tuple[float, float]:
    """y_N and dy_N/dy_0 by hand: a forward loop that keeps its values, then a backward loop."""
    y = np.float64(0.5)
    tape = []
    for _ in range(n):
        y = y * SCALE + SHIFT
        tape.append(y)
    g = np.float64(1.0)
    for _ in reversed(tape):
        g = g * SCALE  # d(y*SCALE)/dy; the add passes g through unchanged
    return float(y), float(g)


def lean_chain(n: int) -> tuple[float, float]:
    """y_N and dy_N/dy_0 with the leanest engine (benchmarks/lean.py)."""
    from ..lean import Value

    y0 = Value(np.float64(0.5))
    y = y0
    for _ in range(n):
        y = y * SCALE + SHIFT
    y.backward()
    return float(y.data), float(y0.grad)


def build(engine: str, params: dict) -> Round:
    n = params["n"]
    if engine == "autograd":
        return Round(lambda: engine_chain(n), 2 * n)
    if engine == "numpy":
        return Round(lambda: numpy_chain(n), 2 * n)
    if engine == "lean":
        return Round(lambda: lean_chain(n), 2 * n)
    if engine == "torch":
        torch = require("torch")

        def torch_chain():
            y0 = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
            y = y0
            for _ in range(n):
                y = y * SCALE + SHIFT
            y.backward()

        return Round(torch_chain, 2 * n)
    raise Unavailable(f"no {engine} version of {NAME}")
