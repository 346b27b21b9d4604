"""Run the suite: every case of every workload on every engine, each in its own subprocess.

python -m benchmarks [--quick] [--only NAME ...] [--out PATH] [--rounds N]
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

from . import report
from .workloads import WORKLOADS
from .workloads.base import ENGINE, FLOOR, PEERS, TRACED

ROOT = Path(__file__).resolve().parent.parent
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
# Recorded, never changed: they steer OpenBLAS's kernels the same way for every engine.
RECORDED_VARS = (*THREAD_VARS, "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "PYTHONHASHSEED")


def child_env() -> dict[str, str]:
    """Our environment with one BLAS thread, and this checkout first on the import path."""
    env = dict(os.environ)
    env.update({var: "1" for var in THREAD_VARS})
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def run_child(workload: str, index: int, engine: str, quick: bool, memory: bool, rounds: int | None) -> dict:
    """One measurement in a fresh interpreter; a crash becomes an "error" result with its stderr."""
    command = [sys.executable, "-m", "benchmarks.child", workload, str(index), engine]
    command += ["--quick"] * quick + ["--memory"] * memory + (["--rounds", str(rounds)] if rounds else [])
    done = subprocess.run(command, cwd=ROOT, env=child_env(), capture_output=True, text=True)
    if done.returncode != 0:
        return {"status": "error", "error": done.stderr.strip().splitlines()[-20:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def installed(engine: str) -> bool:
    """Our engine and the floor always run; a peer only when it can be imported."""
    return engine not in PEERS or importlib.util.find_spec(engine) is not None


def run_suite(only: list[str], quick: bool, rounds: int | None, progress=print) -> list[dict]:
    """Every measurement as a list of result dicts (see report.py for the fields).

    A full run times each case twice, the engines in order and then in reverse
    (A B … B A), and pools each engine's rounds: a stretch of load from other work
    on the machine then falls on both sides of a ratio instead of on one.
    """
    passes = 1 if quick else 2
    results = []
    for name in only or list(WORKLOADS):
        module = WORKLOADS[name]
        engines = [e for e in module.ENGINES if installed(e)]
        for index, case in enumerate(module.cases(quick)):
            timed = {engine: [] for engine in engines}
            for turn in range(passes):
                for engine in engines if turn % 2 == 0 else engines[::-1]:
                    progress(f"  {name} [{case.label}] {engine} ...", end="", flush=True)
                    timed[engine].append(run_child(name, index, engine, quick, memory=False, rounds=rounds))
                    progress(f" {timed[engine][-1]['status']}")
            for engine in engines:
                results.append(_pooled(name, index, case, engine, timed[engine], quick))
    return results


def _pooled(name: str, index: int, case, engine: str, runs: list[dict], quick: bool) -> dict:
    """One result from an engine's timed runs of a case (their rounds pooled), plus its memory."""
    result = {"workload": name, "case": case.label, "engine": engine, "unit": case.unit}
    failed = [run for run in runs if run["status"] != "ok"]
    if failed:
        result.update(failed[0])
    else:
        result.update(runs[0])
        result["seconds_per_unit"] = [s for run in runs for s in run["seconds_per_unit"]]
        result.update(report.summarize(result["seconds_per_unit"]))
        held = run_child(name, index, engine, quick, memory=True, rounds=None)
        result["extra_peak_bytes"] = held.get("extra_peak_bytes")
    result["targets"] = {ENGINE: case.targets, TRACED: case.traced_targets}.get(engine, {})
    return result


def targets(results: list[dict]) -> list[dict]:
    """Each target's ratio (engine / floor, same case) and whether it is met."""
    floor = {(r["workload"], r["case"]): r for r in results if r["engine"] == FLOOR and r["status"] == "ok"}
    rows = []
    for r in results:
        if r["engine"] not in (ENGINE, TRACED) or not r.get("targets"):
            continue
        base = floor.get((r["workload"], r["case"]))
        for metric, limit in r["targets"].items():
            ratio = None
            if r["status"] == "ok" and base is not None:
                ratio = report.ratio(r, base, metric)
            rows.append(
                {
                    "workload": r["workload"],
                    "case": r["case"],
                    "engine": r["engine"],
                    "metric": metric,
                    "unit": r["unit"],
                    "ratio": ratio,
                    "target": limit,
                    "verdict": "n/a" if ratio is None else ("PASS" if ratio <= limit else "MISS"),
                }
            )
    return rows


def metadata(quick: bool, rounds: int | None) -> dict:
    import numpy as np

    try:
        commit = subprocess.run(
            ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        branch = subprocess.run(
            ["git", "rev-parse", "--abbrev-ref", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        commit = branch = None
    env = child_env()
    return {
        "timestamp": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "git": {"commit": commit, "branch": branch},
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "blas": _blas_name(np),
        "platform": platform.platform(),
        "cpu": _cpu_name(),
        "cpu_count": os.cpu_count(),
        "env": {var: env.get(var) for var in RECORDED_VARS},
        "quick": quick,
        "rounds_override": rounds,
        "peers_installed": {peer: installed(peer) for peer in PEERS},
        "notes": "seconds are per unit; spread is the interquartile range of the rounds; gc stays on; "
        "extra_peak_bytes is tracemalloc's peak over one round after warm-up, in a fresh process",
    }


def _blas_name(np) -> str | None:
    try:
        info = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return f"{info.get('name')} {info.get('version')}"
    except Exception:  # the layout of show_config is not a stable API; the name is a nicety
        return None


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def _load_average() -> list[float] | None:
    """The 1, 5 and 15 minute load averages: other work on the machine makes timings noisy."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def default_out() -> Path:
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return ROOT / "benchmarks" / "results" / f"{stamp}.json"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description="Run the benchmark suite.")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one round: a smoke run")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=sorted(WORKLOADS),
        metavar="NAME",
        default=[],
        help=f"run only these workloads ({', '.join(WORKLOADS)})",
    )
    parser.add_argument("--out", type=Path, default=None, help="where to write the JSON results")
    parser.add_argument("--rounds", type=int, default=None, help="override every case's number of rounds")
    args = parser.parse_args(argv)

    meta = metadata(args.quick, args.rounds)
    meta["load_average_before"] = _load_average()
    print(
        f"readgrad benchmarks ({'quick' if args.quick else 'full'}): one BLAS thread per engine, "
        f"each in its own process"
    )
    results = run_suite(args.only, args.quick, args.rounds)
    meta["load_average_after"] = _load_average()
    document = {"meta": meta, "results": results, "targets": targets(results)}
    out = args.out or default_out()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(document, indent=1) + "\n")
    print()
    print(report.render(document))
    load = meta["load_average_before"], meta["load_average_after"]
    print(f"\nload average (1/5/15 min) before {load[0]}, after {load[1]} on {os.cpu_count()} CPUs")
    print(f"saved {out}")
