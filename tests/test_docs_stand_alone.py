"""What users read stands on its own: no text they get points at a file they do not have.

The project grew from notes kept beside the repository (the backprop derivation, a style
guide, an API sketch); users get only the repository, so its README, docs, notebooks,
benchmarks, packages and tests must not send them to those notes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ["README.md", "pyproject.toml", "docs", "notebooks", "benchmarks", "autograd", "nn", "tests"]
TEXT_SUFFIXES = {".md", ".py", ".ipynb", ".toml", ".svg", ".txt", ".cfg"}
ABSENT = ["SEED.md", "STYLE.md", "API.md", "../shared", "/shared/", "/work/"]


def shipped_text_files() -> list[Path]:
    files = []
    for name in SHIPPED:
        path = ROOT / name
        candidates = [path] if path.is_file() else sorted(path.rglob("*"))
        for file in candidates:
            if file.suffix in TEXT_SUFFIXES and file.is_file() and "__pycache__" not in file.parts:
                files.append(file)
    return [file for file in files if file != Path(__file__).resolve()]


def test_the_files_searched_include_every_kind_users_read():
    names = {file.relative_to(ROOT).as_posix() for file in shipped_text_files()}
    for expected in (
        "README.md",
        "benchmarks/README.md",
        "benchmarks/PROFILE.md",
        "notebooks/02_backprop_derivation.ipynb",
        "docs/graph.svg",
        "autograd/engine.py",
        "nn/demo.py",
        "tests/test_seed_backprop.py",
    ):
        assert expected in names


@pytest.mark.parametrize("absent", ABSENT)
def test_no_shipped_text_refers_to_a_file_users_do_not_have(absent):
    found = [
        f"{file.relative_to(ROOT)}:{number}: {line.strip()[:120]}"
        for file in shipped_text_files()
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1)
        if absent in line
    ]
    assert not found, f"{absent!r} is not in the repository, yet:\n" + "\n".join(found)
