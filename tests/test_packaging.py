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


def test_a_notebooks_extra_installs_jupyterlab_and_the_readme_says_how_to_open_them():
    extra = PROJECT["project"]["optional-dependencies"]["notebooks"]
    assert "jupyterlab>=4" in extra
    assert "readgrad[demo]" in extra  # the notebooks use scikit-learn, matplotlib and tqdm
    readme = (ROOT / "README.md").read_text()
    assert 'pip install -e ".[notebooks]"' in readme
    assert "jupyter lab notebooks/" in readme


def test_the_classifiers_say_who_and_what_the_project_is_for():
    classifiers = PROJECT["project"]["classifiers"]
    for expected in (
        "Programming Language :: Python :: 3",
        "Programming Language :: Python :: 3.10",
        "Operating System :: OS Independent",
        "Intended Audience :: Education",
        "Intended Audience :: Science/Research",
        "Topic :: Scientific/Engineering :: Artificial Intelligence",
    ):
        assert expected in classifiers
    # Every minor version the classifiers name is one requires-python allows.
    assert PROJECT["project"]["requires-python"] == ">=3.10"
    minors = [
        int(c.rsplit(".", 1)[1]) for c in classifiers if c.startswith("Programming Language :: Python :: 3.")
    ]
    assert min(minors) == 10 and minors == list(range(10, max(minors) + 1))


def test_the_project_has_a_homepage_url():
    assert PROJECT["project"]["urls"]["Homepage"] == "https://pypi.org/project/readgrad/"


def test_both_packages_ship_a_py_typed_marker():
    package_data = PROJECT["tool"]["setuptools"]["package-data"]
    for package in ("autograd", "nn"):
        assert (ROOT / package / "py.typed").is_file()
        assert package_data[package] == ["py.typed"]


def test_both_packages_report_the_pyproject_version():
    import autograd
    import nn

    assert autograd.__version__ == nn.__version__ == PROJECT["project"]["version"]
    assert "__version__" in autograd.__all__ and "__version__" in nn.__all__


def test_the_version_says_unknown_when_readgrad_is_not_installed():
    from autograd import _version

    assert _version.installed_version("readgrad") == PROJECT["project"]["version"]
    assert _version.installed_version("readgrad-is-not-installed") == _version.UNKNOWN == "0+unknown"
