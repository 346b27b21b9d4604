"""(b) Single op: one `a + b` on inputs that require grad (forward only) vs `np.add`.

This is the fixed cost the engine adds to every op: wrapping, deciding whether
to record, and making the output Tensor. One round is many calls in a loop.
"""

from __future__ import annotations

import numpy as np

from .base import Case, Round, Unavailable, require

NAME = "single_op"
ENGINES = ("autograd", "numpy", "torch")  # optional peers run only when installed


def cases(quick: bool) -> list[Case]:
    calls = 200 if quick else 20_000
    return [
        Case("0-d", {"shape": (), "calls": calls}, unit="call", targets={"time": 4.5}),
        Case("16x16", {"shape": (16, 16), "calls": calls}, unit="call"),
    ]


def build(engine: str, params: dict) -> Round:
    rng = np.random.default_rng(0)
    shape, calls = tuple(params["shape"]), params["calls"]
    x, y = np.asarray(rng.standard_normal(shape)), np.asarray(rng.standard_normal(shape))
    if engine == "autograd":
        from autograd import Tensor

        a, b = Tensor(x, requires_grad=True), Tensor(y, requires_grad=True)

        def run():
            for _ in range(calls):
                a + b

    elif engine == "numpy":
        add = np.add

        def run():
            for _ in range(calls):
                add(x, y)

    elif engine == "torch":
        torch = require("torch")
        a = torch.tensor(x).requires_grad_()
        b = torch.tensor(y).requires_grad_()

        def run():
            for _ in range(calls):
                a + b

    else:
        raise Unavailable(f"no {engine} version of {NAME}")
    return Round(run, calls)
