"""Run one case of one workload on one engine and print its figures as one line of JSON.

The suite starts this in a fresh subprocess for every (workload, case, engine)
and again, separately, for memory, so that nothing carries over between them:

    python -m benchmarks.child WORKLOAD CASE_INDEX ENGINE [--quick] [--memory]
"""

from __future__ import annotations

import os

# One BLAS thread, set before NumPy is imported (the suite also sets it in our env).
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402

from .workloads import WORKLOADS  # noqa: E402
from .workloads.base import Case, Round, Unavailable  # noqa: E402


def time_rounds(work: Round, rounds: int, warmup: int) -> list[float]:
    """Seconds per unit for each round, after `warmup` unmeasured rounds.

    The garbage collector stays on and collects when it would in a user's loop:
    an engine whose graphs make cycles pays for collecting them. It is emptied
    once, before the warm-up, and not before each round: a full collection walks
    every object in the process and leaves the caches cold, which made the first
    training step of a round 3-4x slower than the next (benchmarks/PROFILE.md).
    """
    gc.collect()
    for _ in range(warmup):
        work.run()
    seconds = []
    for _ in range(rounds):
        start = time.perf_counter()
        work.run()
        seconds.append((time.perf_counter() - start) / work.units)
    return seconds


def extra_peak_bytes(work: Round, warmup: int) -> int:
    """Peak memory one round allocates above what existed before it (data, weights, caches).

    tracemalloc sees NumPy's array buffers as well as Python objects. Tracing
    starts after setup and warm-up, so the baseline (inputs, weights, anything
    kept between rounds) is not counted, while memory a round keeps alive
    until its end is.
    """
    for _ in range(warmup):
        work.run()
    gc.collect()
    tracemalloc.start()
    try:
        work.run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def measure(workload: str, index: int, engine: str, quick: bool, memory: bool, rounds: int | None) -> dict:
    module = WORKLOADS[workload]
    case: Case = module.cases(quick)[index]
    result = {"workload": workload, "case": case.label, "engine": engine, "unit": case.unit}
    try:
        work = module.build(engine, case.params)
    except Unavailable as why:
        return {**result, "status": "skipped", "reason": str(why)}
    result["units_per_round"] = work.units
    warmup = min(case.warmup, 1) if quick else case.warmup
    if memory:
        return {**result, "status": "ok", "extra_peak_bytes": extra_peak_bytes(work, warmup)}
    rounds = rounds or (1 if quick else case.rounds)
    return {**result, "status": "ok", "warmup": warmup, "seconds_per_unit": time_rounds(work, rounds, warmup)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.child", description=__doc__.splitlines()[0])
    parser.add_argument("workload", choices=sorted(WORKLOADS))
    parser.add_argument("case", type=int, help="index into the workload's cases")
    parser.add_argument("engine")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--memory", action="store_true", help="measure extra peak memory instead of time")
    parser.add_argument("--rounds", type=int, default=None)
    args = parser.parse_args(argv)
    result = measure(args.workload, args.case, args.engine, args.quick, args.memory, args.rounds)
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
