"""What recording costs: one traced call that records, against one eager step, in one process.

    python -m benchmarks.trace_record

For the moons step and a digits batch step: the median eager step, the median first call of a
fresh `autograd.trace` (the one that records), and the first replay, which also writes the
program's source and compiles it. Eager and recording alternate, so load falls on both.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

import autograd  # noqa: E402

from .workloads import digits, mlp, moons  # noqa: E402


def cases():
    x, y = moons.data(256)
    yield "moons step (2-16-16-2, 256 points, float64)", moons.SIZES, np.float64, x, y
    x, y = digits.data(None)
    yield "digits step (64-128-64-10, batch 64, float32)", digits.SIZES, np.float32, x[:64], y[:64]


def seconds(step, x, y) -> float:
    start = time.perf_counter()
    step(x, y)
    return time.perf_counter() - start


def main() -> None:
    for name, sizes, dtype, x, y in cases():
        params = mlp.init_params(sizes, dtype)
        tx, ty = mlp.wrap("autograd", x, y)
        eager = mlp.trainer("autograd", params, lr=0.1)
        for _ in range(20):
            eager(tx, ty)
        eager_times, record_times, first_replay_times = [], [], []
        for _ in range(30):
            eager_times.append(seconds(eager, tx, ty))
            step = autograd.trace(eager)  # a fresh trace of the same model: its first call records
            record_times.append(seconds(step, tx, ty))
            first_replay_times.append(seconds(step, tx, ty))
        e, r, f = (statistics.median(t) for t in (eager_times, record_times, first_replay_times))
        print(
            f"{name}\n    eager {e * 1e6:8.1f} µs   recording {r * 1e6:8.1f} µs ({r / e:.2f}× eager)"
            f"   first replay (writes and compiles the source) {f * 1e3:6.2f} ms"
        )


if __name__ == "__main__":
    main()
