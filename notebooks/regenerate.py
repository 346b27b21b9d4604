"""Run the notebooks top to bottom and save them with their outputs.

    python notebooks/regenerate.py                 # every notebook
    python notebooks/regenerate.py 03_moons        # just the ones named

Each notebook runs in a fresh kernel with its own folder as the working directory,
as nbmake runs it in the test suite. Timing metadata is dropped, and a progress
bar's many updates are saved as the one line a terminal would end up showing, and
memory addresses are dropped, so that a rerun changes only what the code printed or drew.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent


def _as_terminal_shows(text: str) -> str:
    """Each carriage return rewrites its line (tqdm draws its bar that way): keep what the last one wrote."""
    lines = []
    for line in text.split("\n"):
        drawn = [part for part in line.split("\r") if part]
        lines.append(drawn[-1] if drawn else "")
    return "\n".join(lines)


def _tidy_streams(outputs: list) -> list:
    """Join back-to-back pieces of the same stream (stdout, stderr), as a notebook front end shows them."""
    tidy: list = []
    for output in outputs:
        if (
            output.output_type == "stream"
            and tidy
            and tidy[-1].output_type == "stream"
            and tidy[-1].name == output.name
        ):
            tidy[-1].text += output.text
        else:
            tidy.append(output)
    for output in tidy:
        if output.output_type == "stream":
            output.text = _as_terminal_shows(output.text)
    return tidy


_ADDRESS = re.compile(r"^<.* at 0x[0-9a-f]+>$")


def _drop_addresses(outputs: list) -> None:
    """A picture's plain-text stand-in is often `<... at 0x7f...>`, which changes every run; drop it."""
    for output in outputs:
        data = output.get("data", {})
        if len(data) > 1 and _ADDRESS.match(str(data.get("text/plain", ""))):
            del data["text/plain"]


def regenerate(path: Path, timeout: int = 120) -> float:
    """Execute one notebook in place; return the seconds it took."""
    notebook = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(
        notebook, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    seconds = time.perf_counter() - start
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = _tidy_streams(cell.outputs)
            _drop_addresses(cell.outputs)
    nbformat.write(notebook, path)
    return seconds


def main(names: list[str]) -> None:
    paths = [HERE / f"{name.removesuffix('.ipynb')}.ipynb" for name in names] or sorted(
        HERE.glob("[0-9][0-9]_*.ipynb")
    )
    for path in paths:
        print(f"{path.name}: {regenerate(path):.1f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
