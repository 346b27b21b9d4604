"""docs/graph.svg is the picture README's first example draws, made by docs/make_graph.py from that very code."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from svg_pictures import read_svg

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLE = re.search(r"```python\n(.*?)```\s*\n!\[[^\]]*\]\(docs/graph\.svg\)", README, re.DOTALL)


def test_the_readme_shows_its_picture_right_under_the_code_that_draws_it():
    assert EXAMPLE, "README.md needs a ```python block just above its docs/graph.svg image"
    code = EXAMPLE.group(1)
    assert "draw_graph" in code and code.rstrip().splitlines()[-1].startswith("draw_graph(")


def test_regenerating_the_picture_from_the_readme_gives_the_committed_svg(tmp_path):
    out = tmp_path / "graph.svg"
    result = subprocess.run(
        [sys.executable, str(ROOT / "docs" / "make_graph.py"), str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    # The example prints what its comment says it prints.
    promised = re.search(r"print\(a\.grad, b\.grad\)\s*# (.*)", EXAMPLE.group(1)).group(1)
    assert result.stdout.splitlines() == [promised, f"wrote {out}"]

    drawn, _ = read_svg(out.read_bytes())
    committed, _ = read_svg((ROOT / "docs" / "graph.svg").read_bytes())
    assert {name: shape.lines for name, shape in drawn.items()} == {
        name: shape.lines for name, shape in committed.items()
    }
    assert "grad 0.1413" in drawn["t0"].lines  # a's gradient, as the README prints it


def test_regenerating_the_step_through_pictures_from_the_readme_gives_the_committed_ones(tmp_path):
    pytest.importorskip("PIL", reason="the GIF needs Pillow (pip install -e '.[gif]')")
    from PIL import Image

    assert re.search(r"\]\(docs/steps\.gif\)", README), "README.md should link docs/steps.gif"
    result = subprocess.run(
        [sys.executable, str(ROOT / "docs" / "make_steps.py"), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    drawn, _ = read_svg((tmp_path / "steps.svg").read_bytes())
    committed, _ = read_svg((ROOT / "docs" / "steps.svg").read_bytes())
    assert {name: shape.lines for name, shape in drawn.items()} == {
        name: shape.lines for name, shape in committed.items()
    }
    assert "grad 3.0000 + 10.0000 = 13.0000" in drawn["t0"].lines  # x's gradient, in two parts
    with Image.open(tmp_path / "steps.gif") as made, Image.open(ROOT / "docs" / "steps.gif") as kept:
        assert made.n_frames == kept.n_frames == 4 and made.size == kept.size
