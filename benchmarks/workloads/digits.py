"""(2) digits: scikit-learn's 8×8 digits (1797 images), MLP 64-128-64-10, batch 64, float32, one epoch.

Each epoch shuffles with its own seeded permutation (the same on every engine)
and slices the batches with NumPy, so the data path is the same for all and
the engine's share is the training step itself.
"""

from __future__ import annotations

import numpy as np

from . import mlp
from .base import Case, Round

NAME = "digits"
ENGINES = ("autograd", "traced", "numpy", "torch")  # optional peers run only when installed
SIZES = [64, 128, 64, 10]
BATCH = 64


def cases(quick: bool) -> list[Case]:
    return [
        Case(
            "1797 imgs b64 f32",
            {"samples": 256 if quick else None},
            unit="epoch",
            targets={"time": 1.8},
            traced_targets={"time": 1.15},
        )
    ]


def data(samples: int | None) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)
    return x[:samples], digits.target.astype(np.int64)[:samples]


def build(engine: str, params: dict) -> Round:
    x, y = data(params["samples"])
    step = mlp.trainer(engine, mlp.init_params(SIZES, np.float32), lr=0.1)
    rng = np.random.default_rng(0)

    def run():
        order = rng.permutation(len(x))
        for start in range(0, len(x), BATCH):
            batch = order[start : start + BATCH]
            step(*mlp.wrap(engine, x[batch], y[batch]))

    return Round(run, 1)
