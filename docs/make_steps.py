"""Draw docs/steps.svg and docs/steps.gif by running README.md's backward_steps example as it stands.

    python docs/make_steps.py          # rewrites docs/steps.svg and docs/steps.gif
    python docs/make_steps.py FOLDER   # writes them into FOLDER

The example is the ```python block just above the README's `docs/steps.svg` image. It runs
as a notebook cell runs: its last line is one frame of the step-through (what Jupyter would
show), saved as SVG; the `steps` it made are saved whole as the animated GIF (needs Pillow).
"""

from __future__ import annotations

import sys
from pathlib import Path

from make_graph import ROOT, readme_example, run_example


def make_steps(folder: Path = ROOT / "docs") -> tuple[Path, Path]:
    """Run the README's step-through example; write its frame to folder/steps.svg, all its steps to steps.gif."""
    namespace: dict = {}
    frame = run_example(readme_example(image="docs/steps.svg"), namespace)
    svg, gif = folder / "steps.svg", folder / "steps.gif"
    svg.write_bytes(frame.pipe(format="svg"))
    namespace["steps"].save(str(gif))
    return svg, gif


if __name__ == "__main__":
    for path in make_steps(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs"):
        print(f"wrote {path}")
