"""The parity suite compares readgrad with PyTorch, so it runs only where torch is importable.

Without torch (`pip install -e ".[parity]"` installs it) no file here is collected, and the
rest of the test suite does not depend on it. (A conftest-level `pytest.importorskip` would
do the same for `pytest` from the root, but errors out for `pytest tests/parity`.)
"""

try:
    import torch  # noqa: F401
except ImportError:
    collect_ignore_glob = ["*.py"]
