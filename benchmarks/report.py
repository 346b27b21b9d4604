"""Turning results into numbers and tables: medians, spreads, ratios, and before/after comparisons."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

from .workloads.base import ENGINE, FLOOR


def summarize(seconds: list[float]) -> dict:
    """Median, quartiles and range of per-unit times."""
    if len(seconds) >= 2:
        q1, _, q3 = statistics.quantiles(seconds, n=4, method="inclusive")
    else:
        q1 = q3 = seconds[0]
    return {
        "median": statistics.median(seconds),
        "q1": q1,
        "q3": q3,
        "min": min(seconds),
        "max": max(seconds),
    }


def ratio(result: dict, base: dict, metric: str) -> float | None:
    """result / base for "time" (medians) or "memory" (extra peak bytes)."""
    key = "median" if metric == "time" else "extra_peak_bytes"
    top, bottom = result.get(key), base.get(key)
    if top is None or not bottom:
        return None
    return top / bottom


def seconds(value: float | None) -> str:
    if value is None:
        return "-"
    for scale, unit in ((1, "s"), (1e-3, "ms"), (1e-6, "µs")):
        if value >= scale:
            return f"{value / scale:.3g} {unit}"
    return f"{value * 1e9:.3g} ns"


def size(value: int | None) -> str:
    if value is None:
        return "-"
    for scale, unit in ((2**30, "GiB"), (2**20, "MiB"), (2**10, "KiB")):
        if value >= scale:
            return f"{value / scale:.3g} {unit}"
    return f"{value} B"


def times(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}×"


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip() for row in [header, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def render(document: dict) -> str:
    """The results table (one row per workload, case and engine) and the targets table."""
    results = document["results"]
    floor = {(r["workload"], r["case"]): r for r in results if r["engine"] == FLOOR and r["status"] == "ok"}
    rows, notes = [], []
    for r in results:
        if r["status"] != "ok":
            why = r.get("reason") or (r.get("error") or ["?"])[-1]
            rows.append([r["workload"], r["case"], r["engine"], r["status"], "", "", "", "", ""])
            notes.append(f"{r['workload']} [{r['case']}] {r['engine']} {r['status']}: {why}")
            continue
        base = floor.get((r["workload"], r["case"]))
        spread = (r["q3"] - r["q1"]) / r["median"] * 100
        rows.append(
            [
                r["workload"],
                r["case"],
                r["engine"],
                seconds(r["median"]) + f" /{r['unit']}",
                f"±{spread / 2:.1f}%",
                f"{seconds(r['min'])}–{seconds(r['max'])}",
                times(ratio(r, base, "time")) if base else "-",
                size(r.get("extra_peak_bytes")),
                times(ratio(r, base, "memory")) if base else "-",
            ]
        )
    header = ["workload", "case", "engine", "median", "IQR/2", "min–max", f"× {FLOOR}", "extra peak", "mem ×"]
    text = _table(header, rows)
    if notes:
        text += "\n" + "\n".join(notes)
    if document.get("targets"):
        target_rows = [
            [
                t["workload"],
                t["case"],
                t.get("engine", ENGINE),
                f"{t['metric']} /{t['unit']}" if t["metric"] == "time" else "extra peak",
                times(t["ratio"]),
                f"≤ {t['target']}×",
                t["verdict"],
            ]
            for t in document["targets"]
        ]
        text += f"\n\nTargets: engine / hand {FLOOR}, same run\n"
        text += _table(["workload", "case", "engine", "metric", "ratio", "target", ""], target_rows)
        if document["meta"].get("quick"):
            text += "\n(quick run: sizes are tiny, so these verdicts say nothing about the real targets)"
    return text


def compare(before_path: Path, after_path: Path) -> str:
    """Before/after medians and their ratio for every measurement present in both files."""
    before, after = (json.loads(Path(p).read_text()) for p in (before_path, after_path))

    def keyed(document):
        return {
            (r["workload"], r["case"], r["engine"]): r for r in document["results"] if r["status"] == "ok"
        }

    old, new = keyed(before), keyed(after)
    rows = []
    for key in [k for k in new if k in old]:
        a, b = old[key], new[key]
        rows.append(
            [
                *key,
                seconds(a["median"]),
                seconds(b["median"]),
                times(b["median"] / a["median"]),
                size(a.get("extra_peak_bytes")),
                size(b.get("extra_peak_bytes")),
                times(ratio(b, a, "memory")),
            ]
        )
    header = [
        "workload",
        "case",
        "engine",
        "before",
        "after",
        "after/before",
        "peak before",
        "peak after",
        "after/before",
    ]
    text = f"before: {before_path} ({before['meta']['git']['commit'] or '?'})\n"
    text += f"after:  {after_path} ({after['meta']['git']['commit'] or '?'})\n\n"
    text += _table(header, rows)
    old_targets = {(t["workload"], t["case"], t["metric"]): t for t in before.get("targets", [])}
    target_rows = []
    for t in after.get("targets", []):
        was = old_targets.get((t["workload"], t["case"], t["metric"]), {})
        target_rows.append(
            [
                t["workload"],
                t["case"],
                t["metric"],
                times(was.get("ratio")),
                times(t["ratio"]),
                f"≤ {t['target']}×",
                t["verdict"],
            ]
        )
    if target_rows:
        text += "\n\nTargets (engine / floor)\n"
        text += _table(["workload", "case", "metric", "before", "after", "target", "now"], target_rows)
    return text
