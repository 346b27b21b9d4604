"""(1) moons: 256 points of scikit-learn's make_moons, MLP 2-16-16-2, full batch, float64, SGD."""

from __future__ import annotations

import numpy as np

from . import mlp
from .base import Case, Round

NAME = "moons"
ENGINES = ("autograd", "traced", "numpy", "torch")  # optional peers run only when installed
SIZES = [2, 16, 16, 2]


def cases(quick: bool) -> list[Case]:
    steps = 5 if quick else 100
    return [
        Case(
            "256x2 f64",
            {"n": 256, "steps": steps},
            unit="step",
            targets={"time": 1.8},
            traced_targets={"time": 1.15},
        )
    ]


def data(n: int) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import make_moons

    x, y = make_moons(n_samples=n, noise=0.1, random_state=0)
    return x.astype(np.float64), y.astype(np.int64)


def build(engine: str, params: dict) -> Round:
    x, y = data(params["n"])
    step = mlp.trainer(engine, mlp.init_params(SIZES, np.float64), lr=0.1)
    x, y = mlp.wrap(engine, x, y)
    steps = params["steps"]

    def run():
        for _ in range(steps):
            step(x, y)

    return Round(run, steps)
