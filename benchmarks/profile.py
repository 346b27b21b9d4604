"""Where the engine's time goes on a workload: cProfile over one round, after a warm-up.

    python -m benchmarks.profile scalar_graph [--case 0] [--top 25] [--sort tottime]

cProfile charges its own overhead to every Python call, so it inflates
call-heavy code; read it for the shares, and the suite for the absolute times.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import cProfile  # noqa: E402
import pstats  # noqa: E402

from .workloads import WORKLOADS  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile", description=__doc__.splitlines()[0])
    parser.add_argument("workload", choices=sorted(WORKLOADS))
    parser.add_argument("--case", type=int, default=0, help="index into the workload's cases")
    parser.add_argument("--engine", default="autograd")
    parser.add_argument("--quick", action="store_true", help="the --quick sizes")
    parser.add_argument("--top", type=int, default=25, help="how many functions to list")
    parser.add_argument("--sort", default="tottime", help="a pstats sort key: tottime, cumtime, ncalls")
    args = parser.parse_args(argv)

    case = WORKLOADS[args.workload].cases(args.quick)[args.case]
    work = WORKLOADS[args.workload].build(args.engine, case.params)
    work.run()  # warm-up
    profiler = cProfile.Profile()
    profiler.runcall(work.run)
    print(f"{args.workload} [{case.label}] {args.engine}: one round, {work.units} {case.unit}s")
    pstats.Stats(profiler).strip_dirs().sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
