"""NumPy's floating-point warnings, silenced inside ops, as PyTorch gives none.

`log(0)` is -inf and `0/0` is NaN, in PyTorch and here, without a RuntimeWarning that
would point into this package instead of at the user's line. Where a NaN or inf came
from is `detect_anomaly()`'s job.

SPEED PATH. `np.errstate(all="ignore")` costs about 0.9 µs to enter and leave, more
than many small ops. It sets a context variable, NumPy's `_extobj_contextvar`; the
recording boundary (`autograd._tensor.apply`) sets that variable to the same value
directly (`state.set(QUIET)`, then `state.reset(token)`: 0.14 µs). Where NumPy's private
name is missing, `state` is a stand-in that enters and leaves `np.errstate` instead.
tests/test_speed_paths.py checks that both give the same bits and no warning.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


class _Errstate:
    """The plain path, with the context variable's set/reset: np.errstate entered and left."""

    def set(self, _value):
        quiet = np.errstate(all="ignore")
        quiet.__enter__()
        return quiet

    def reset(self, quiet) -> None:
        quiet.__exit__(None, None, None)


plain_state = _Errstate()

try:
    from numpy._core._ufunc_config import _extobj_contextvar as state

    with np.errstate(all="ignore"):
        QUIET = state.get()
except ImportError:  # another NumPy: the plain path
    state, QUIET = plain_state, None


def silenced(fn: Callable, arrays, errors=None) -> object:
    """fn(*arrays) with NumPy's floating-point warnings off (through `errors`, or `state`)."""
    errors = state if errors is None else errors
    token = errors.set(QUIET)
    try:
        return fn(*arrays)
    finally:
        errors.reset(token)
