"""What each speed path buys: a workload timed with the path on and off, alternately, in one process.

    python -m benchmarks.speed_paths

Each path is switched off by swapping in the plain code it replaces (the same bits either way,
as tests/test_speed_paths.py checks); rounds alternate on/off so that load on the machine falls
on both. Prints the median per-step time of each and the gain.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

import autograd  # noqa: E402
from autograd import numpy_errors, trace_source  # noqa: E402

from .workloads import mlp, moons, scalar_graph  # noqa: E402


def moons_step():
    x, y = moons.data(256)
    step = mlp.trainer("autograd", mlp.init_params(moons.SIZES, np.float64), lr=0.1)
    x, y = mlp.wrap("autograd", x, y)
    return lambda: step(x, y)


_SCALARS = {"on": True}


def traced_scalar_pairs():
    """The scalar graph's traced gradient over 400 pairs, its program written with and without scalar inputs."""
    a, b = scalar_graph.inputs(400)
    pairs = [(np.array(x), np.array(y)) for x, y in zip(a, b)]
    traced = {}
    for on in (True, False):
        trace_source.SCALAR_INPUTS = on  # read when the source is written, at the first replay
        traced[on] = autograd.trace(scalar_graph.engine_gradient)
        for pair in pairs[:3]:
            traced[on](*pair)
    trace_source.SCALAR_INPUTS = True
    return lambda: [traced[_SCALARS["on"]](*pair) for pair in pairs]


def scalars_off():
    _SCALARS["on"] = False


def scalars_on():
    _SCALARS["on"] = True


def errstate_off():
    numpy_errors.state = numpy_errors.plain_state


def errstate_on():
    numpy_errors.state = ORIGINAL["state"]


def linear_off():
    autograd.linear = lambda x, w, b=None: x @ w.T + b if b is not None else x @ w.T


def linear_on():
    autograd.linear = ORIGINAL["linear"]


def log_softmax_off():
    autograd.log_softmax = lambda x, axis=-1: x - x.logsumexp(axis, keepdims=True)


def log_softmax_on():
    autograd.log_softmax = ORIGINAL["log_softmax"]


def nll_loss_off():
    autograd.nll_loss = lambda x, t, reduction="mean": -x[np.arange(len(t)), np.asarray(t)].mean()


def nll_loss_on():
    autograd.nll_loss = ORIGINAL["nll_loss"]


ORIGINAL = {
    "linear": autograd.linear,
    "log_softmax": autograd.log_softmax,
    "nll_loss": autograd.nll_loss,
    "state": numpy_errors.state,
}

PATHS = [
    ("NumPy's warnings off through the context variable (numpy_errors)", moons_step, 200, errstate_off, errstate_on),
    ("Linear as one op, autograd.linear (instead of x @ W.T + b)", moons_step, 200, linear_off, linear_on),
    ("log_softmax as one op (instead of x - logsumexp(x))", moons_step, 200, log_softmax_off, log_softmax_on),
    ("nll_loss as one op (instead of gather, negate, mean)", moons_step, 200, nll_loss_off, nll_loss_on),
    ("trace: 0-d arguments read as NumPy scalars (scalar graph, 400 pairs)", traced_scalar_pairs, 5, scalars_off, scalars_on),
]  # fmt: skip


def timed(step, n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        step()
    return (time.perf_counter() - start) / n


def main() -> None:
    for name, make, n, off, on in PATHS:
        step = make()
        for _ in range(3):
            step()
        with_path, without = [], []
        for _ in range(7):
            with_path.append(timed(step, n))
            off()
            without.append(timed(step, n))
            on()
        fast, slow = statistics.median(with_path), statistics.median(without)
        print(
            f"{name}\n    on {fast * 1e6:9.1f} µs/step   off {slow * 1e6:9.1f} µs/step   gain {1 - fast / slow:6.1%}"
        )


if __name__ == "__main__":
    main()
