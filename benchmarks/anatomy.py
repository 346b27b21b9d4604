"""What one op costs, piece by piece: `python -m benchmarks.anatomy`.

Times (best of several timeit repeats, nanoseconds per call) of each layer that
an engine op goes through on a 0-d float64 input, beside the NumPy work it
wraps, and of the pieces of backward on the deep chain. Run it before and
after an engine change to see which layer moved.
"""

from __future__ import annotations

import gc
import os
import time
import timeit

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

from autograd import Tensor, apply, engine, no_grad  # noqa: E402
from autograd._tensor import _record  # noqa: E402
from autograd.ops.elementwise import add, mul  # noqa: E402


def per_call(stmt: str, namespace: dict, number: int = 100_000) -> float:
    """Best-of-7 nanoseconds per execution of stmt."""
    return min(timeit.repeat(stmt, globals=namespace, number=number, repeat=7)) / number * 1e9


def forward_pieces() -> list[tuple[str, float]]:
    x, y = np.array(0.5), np.array(1.5)  # 0-d arrays, as leaves hold
    s = np.float64(0.5)  # a NumPy scalar
    a, b = Tensor(x, requires_grad=True), Tensor(y, requires_grad=True)
    n = a * 1.0  # a recorded node
    c = Tensor(x)  # a constant
    ns = dict(
        locals(), np=np, apply=apply, add=add, mul=mul, Tensor=Tensor, _record=_record, empty=lambda: None
    )
    with no_grad():
        n_nograd = per_call("n * 1.0001", ns)
    return [
        ("an empty Python function call", per_call("empty()", ns)),
        ("NumPy: 0-d array + 0-d array", per_call("x + y", ns)),
        ("NumPy: np.add(0-d, 0-d)", per_call("np.add(x, y)", ns)),
        ("NumPy: scalar * float (np.float64)", per_call("s * 1.0001", ns)),
        ("Tensor.__new__ alone", per_call("Tensor.__new__(Tensor)", ns)),
        ("Tensor._lift (new Tensor holding an array)", per_call("Tensor._lift(x)", ns)),
        (
            "_record(mul, (n, 1.0001), out): a recorded op's Node",
            per_call("_record(mul, (n, 1.0001), n)", ns),
        ),
        ("Tensor(0-d array) constructor", per_call("Tensor(x)", ns)),
        ("engine a + b, leaves (0-d arrays)", per_call("a + b", ns)),
        ("engine apply(add, a, b), no operator method", per_call("apply(add, a, b)", ns)),
        ("engine n * 1.0001, a node", per_call("n * 1.0001", ns)),
        ("engine n * 1.0001 under no_grad (what VJPs run)", n_nograd),
        ("engine c + c, constants (nothing recorded)", per_call("c + c", ns)),
    ]


def backward_pieces(n: int = 100_000) -> list[tuple[str, float]]:
    """Per-node times on the deep chain, with the collector off as backward has it."""

    def chain():
        y = Tensor(np.array(0.5), requires_grad=True)
        for _ in range(n):
            y = y * 1.0001 + 0.0001
        return y

    rows = []
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter()
        y = chain()
        rows.append(("deep chain forward, collector off", time.perf_counter() - start))
        start = time.perf_counter()
        engine.toposort([y])
        rows.append(("deep chain toposort", time.perf_counter() - start))
        start = time.perf_counter()
        y.backward()
        rows.append(("deep chain backward (toposort included)", time.perf_counter() - start))
    finally:
        if was:
            gc.enable()
    del y
    gc.collect()
    start = time.perf_counter()
    y = chain()
    rows.append(("deep chain forward, collector on", time.perf_counter() - start))
    del y  # freed only after the clock stopped
    return [(name, seconds / (2 * n) * 1e9) for name, seconds in rows]


def main() -> None:
    print("One op on 0-d float64 data, ns per call (best of 7):")
    for name, ns in forward_pieces():
        print(f"  {name:<52} {ns:8.0f}")
    print("Deep chain y = y*1.0001 + 0.0001, N=1e5, ns per node:")
    for name, ns in backward_pieces():
        print(f"  {name:<52} {ns:8.0f}")


if __name__ == "__main__":
    main()
