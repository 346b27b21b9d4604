"""What a new user gets from the distribution: its metadata, its licence, its typing marker."""

from __future__ import annotations

import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pytest depends on tomli before Python 3.11
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_the_mit_licence_is_in_the_repository_and_declared_once():
    assert PROJECT["project"]["license"] == "MIT"
    assert PROJECT["project"]["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License")
    assert "Copyright (c) 2026 the readgrad authors" in text
    assert "WITHOUT WARRANTY OF ANY KIND" in text
    # license-files needs setuptools 77 or later.
    assert PROJECT["build-system"]["requires"] == ["setuptools>=77"]
    # A PEP 639 expression: setuptools refuses a licence classifier beside one.
    assert not [c for c in PROJECT["project"].get("classifiers", []) if c.startswith("License ::")]
