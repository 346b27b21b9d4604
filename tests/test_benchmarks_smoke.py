"""The benchmark suite runs end to end in --quick mode and writes the JSON it promises (no timing asserted)."""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

from benchmarks.workloads import WORKLOADS

ROOT = Path(__file__).resolve().parent.parent


def test_quick_run_writes_every_workload_to_json(tmp_path):
    out = tmp_path / "quick.json"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(out.read_text())
    assert {"timestamp", "env", "numpy", "quick"} <= set(document["meta"])
    assert "OPENBLAS_CORETYPE" in document["meta"]["env"]
    nn_ready = importlib.util.find_spec("nn.functional") is not None
    seen = set()
    for result in document["results"]:
        seen.add(result["workload"])
        if (
            result["engine"] == "autograd"
            and result["workload"] in ("moons", "digits", "wide_mlp")
            and not nn_ready
        ):
            assert result["status"] == "skipped"
            continue
        assert result["status"] == "ok", result
        assert result["median"] > 0 and result["q1"] <= result["median"] <= result["q3"]
        assert result["extra_peak_bytes"] > 0
    assert seen == set(WORKLOADS)
    engines = {(r["workload"], r["engine"]) for r in document["results"]}
    assert all((name, "numpy") in engines and (name, "autograd") in engines for name in WORKLOADS)
    verdicts = {(t["workload"], t["metric"]): t["verdict"] for t in document["targets"]}
    assert verdicts[("deep_chain", "time")] in ("PASS", "MISS")
    assert "Targets" in done.stdout


def test_compare_prints_before_after_ratios(tmp_path):
    result = {"workload": "w", "case": "c", "engine": "autograd", "unit": "node", "status": "ok"}
    before = {
        "meta": {"git": {"commit": "a"}},
        "results": [{**result, "median": 2e-6, "extra_peak_bytes": 100}],
    }
    after = {
        "meta": {"git": {"commit": "b"}},
        "results": [{**result, "median": 1e-6, "extra_peak_bytes": 300}],
    }
    (tmp_path / "a.json").write_text(json.dumps(before))
    (tmp_path / "b.json").write_text(json.dumps(after))
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "compare", str(tmp_path / "a.json"), str(tmp_path / "b.json")],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    row = next(line for line in done.stdout.splitlines() if line.startswith("w "))
    assert "0.50×" in row and "3.00×" in row
