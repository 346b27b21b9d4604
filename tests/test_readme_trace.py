"""README's Trace section prints the step its code records, exactly as shown there."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README.split("## Trace: a training step as straight-line NumPy", 1)[1].split("\n## ", 1)[0]


def test_the_trace_section_shows_what_its_code_prints(tmp_path):
    code = re.search(r"```python\n(.*?)```", SECTION, re.DOTALL).group(1)
    shown = re.search(r"```\n(def step.*?)```", SECTION, re.DOTALL).group(1)
    script = tmp_path / "trace_example.py"
    script.write_text(code)
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": ""},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.rstrip() == shown.rstrip()


def test_the_printed_step_has_the_three_parts_of_a_training_step():
    for part in ("# forward", "# backward", "# update", "grad_layers_0_weight", "lr"):
        assert part in SECTION
