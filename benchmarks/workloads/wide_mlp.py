"""(3) wide MLP: synthetic 784-feature float32 data, MLP 784-1024-1024-10, batch 512, per step.

Big matrix products, so the engine's per-op overhead should vanish here: the
target is the time and the extra peak memory of a step within a few percent
of the hand-written step.
"""

from __future__ import annotations

import numpy as np

from . import mlp
from .base import Case, Round

NAME = "wide_mlp"
ENGINES = ("autograd", "traced", "numpy", "torch")  # optional peers run only when installed


def cases(quick: bool) -> list[Case]:
    if quick:
        return [
            Case(
                "784-64-64-10 b32 (quick)",
                {"sizes": [784, 64, 64, 10], "batch": 32, "steps": 1},
                unit="step",
                targets={"time": 1.05, "memory": 1.3},
                traced_targets={"time": 1.02},
            )
        ]
    return [
        Case(
            "784-1024-1024-10 b512",
            {"sizes": [784, 1024, 1024, 10], "batch": 512, "steps": 2},
            unit="step",
            rounds=5,
            targets={"time": 1.05, "memory": 1.3},
            traced_targets={"time": 1.02},
        )
    ]


def build(engine: str, params: dict) -> Round:
    rng = np.random.default_rng(0)
    sizes, batch = params["sizes"], params["batch"]
    x = rng.standard_normal((batch, sizes[0])).astype(np.float32)
    y = rng.integers(0, sizes[-1], batch).astype(np.int64)
    step = mlp.trainer(engine, mlp.init_params(sizes, np.float32), lr=0.01)
    x, y = mlp.wrap(engine, x, y)
    steps = params["steps"]

    def run():
        for _ in range(steps):
            step(x, y)

    return Round(run, steps)
