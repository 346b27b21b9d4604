"""The test command itself: a plain `pytest` works with or without nbmake, which runs the notebooks."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted(path.name for path in (ROOT / "notebooks").glob("*.ipynb"))


def run_pytest(*arguments: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_ADDOPTS", "PYTEST_PLUGINS")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_without_nbmake_pytest_runs_and_says_the_notebooks_were_skipped_and_why():
    result = run_pytest("-p", "no:nbmake", "-rs", "notebooks", "tests/test_packaging.py")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    message = 'notebooks not run: nbmake is not installed (pip install -e ".[dev]" to run them)'
    assert message in output.splitlines()  # a line of the header
    assert f"SKIPPED [{len(NOTEBOOKS)}] " in output and message in output  # each notebook, with the reason
    assert f"{len(NOTEBOOKS)} {message}" in output  # and once more at the end
    assert f"{len(NOTEBOOKS)} skipped" in output.splitlines()[-1]


@pytest.mark.skipif(importlib.util.find_spec("nbmake") is None, reason="nbmake is not installed")
def test_with_nbmake_a_plain_pytest_collects_every_notebook_for_nbmake_to_run():
    result = run_pytest("--collect-only", "notebooks")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "notebooks: run by nbmake" in output
    assert len(NOTEBOOKS) == 6
    for name in NOTEBOOKS:
        assert f"<NotebookItem {name}>" in output
