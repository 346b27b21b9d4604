"""NumPy's floating-point warnings, silenced inside ops, as PyTorch gives none.

`log(0)` is -inf and `0/0` is NaN, in PyTorch and here, without a RuntimeWarning that
would point into this package instead of at the user's line. Where a NaN or inf came
from is `detect_anomaly()`'s job.

SPEED PATH. `np.errstate(all="ignore")` costs about 0.9 µs to enter and leave, more
than many small ops. It sets a context variable, which is set here directly with the
same value (0.14 µs). Where NumPy's private name for it is missing, `np.errstate`
is used instead. tests/test_speed_paths.py checks that both give the same bits.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def silenced_plainly(fn: Callable, arrays) -> object:
    """fn(*arrays) with NumPy's floating-point warnings off: the plain path."""
    with np.errstate(all="ignore"):
        return fn(*arrays)


try:
    from numpy._core._ufunc_config import _extobj_contextvar as _error_state

    with np.errstate(all="ignore"):
        _QUIET = _error_state.get()

    def silenced(fn: Callable, arrays) -> object:
        """fn(*arrays) with NumPy's floating-point warnings off."""
        token = _error_state.set(_QUIET)
        try:
            return fn(*arrays)
        finally:
            _error_state.reset(token)

except ImportError:  # another NumPy: the plain path
    silenced = silenced_plainly
