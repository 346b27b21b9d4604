"""The version of the installed readgrad distribution, as `autograd.__version__` and `nn.__version__`."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

# What __version__ says when the packages are imported from a source tree that pip never
# installed: a valid PEP 440 version that cannot be mistaken for a release.
UNKNOWN = "0+unknown"


def installed_version(distribution: str = "readgrad") -> str:
    """The version pip installed `distribution` at (pyproject.toml's), or UNKNOWN if it is not installed."""
    try:
        return version(distribution)
    except PackageNotFoundError:
        return UNKNOWN


__version__ = installed_version()
