"""Anomaly mode: find the op, and the line of your code, where a NaN or inf first appears.

Under `detect_anomaly()`, every op's forward output is checked as it is made, and
every gradient backward computes is checked as it flows; the first non-finite
value raises an AnomalyError naming the op, its input shapes, and the file and
line that called it. Off, it costs one flag test per op.
"""

from __future__ import annotations

import contextlib
import linecache
import os
import sys

import numpy as np

from . import graph
from .tensor import Tensor

_LIBRARY_DIRS = (os.path.dirname(os.path.abspath(__file__)),)


class AnomalyError(RuntimeError):
    """A NaN or inf appeared in a forward output or a backward gradient."""


def _user_site() -> str:
    """The innermost frame outside autograd/ and nn/: where the user's code made the op."""
    frame = sys._getframe(1)
    while frame is not None:
        path = os.path.abspath(frame.f_code.co_filename)
        if not path.startswith(_library_dirs()):
            line = linecache.getline(path, frame.f_lineno).strip()
            return f"{path}:{frame.f_lineno}" + (f": {line}" if line else "")
        frame = frame.f_back
    return "<unknown>"


def _library_dirs() -> tuple[str, ...]:
    nn = sys.modules.get("nn")
    nn_dir = (
        os.path.dirname(os.path.abspath(nn.__file__))
        if nn is not None and getattr(nn, "__file__", None)
        else None
    )
    return _LIBRARY_DIRS + ((nn_dir + os.sep,) if nn_dir else ())


def _shapes(args) -> str:
    return ", ".join(str(a.shape) for a in args if isinstance(a, Tensor))


def _bad(array) -> str | None:
    """'nan' or 'inf' if the array holds one, else None."""
    array = np.asarray(array)
    if array.dtype.kind not in "fc" or np.isfinite(array).all():
        return None
    return "nan" if np.isnan(array).any() else "inf"


def _check_forward(op, out: Tensor, args) -> None:
    """Stamp where the op was made, and fail if its output is not finite."""
    out._trace = _user_site()
    bad = _bad(out.data)
    if bad:
        raise AnomalyError(
            f"{op.name} produced {bad} in its forward output (input shapes: {_shapes(args)}); "
            f"the op was called at {out._trace}"
        )


def check_backward(t: Tensor, i: int, gradient: Tensor) -> None:
    """Fail if the gradient that t's op sends to its input i is not finite."""
    bad = _bad(gradient.data)
    if bad:
        raise AnomalyError(
            f"backward of {t._op.name} produced {bad} in the gradient of its input {i} "
            f"(input shapes: {_shapes(t._inputs)}); the op was called at {t._trace or '<made outside detect_anomaly>'}"
        )


class backward_checks:
    """For the engine: the gradient check to run in backward (None when anomaly mode is off).

    The VJPs' own ops are not checked as forward ops meanwhile: a bad gradient is
    reported once, as the gradient of the op that made it. A class, not a generator
    context: backward enters it on every call, and this costs a third as much.
    """

    def __enter__(self):
        if not graph._anomaly:
            self.previous = None
            return None
        self.previous = graph._set_anomaly(False, None)
        return check_backward

    def __exit__(self, *exc):
        if self.previous is not None:
            graph._set_anomaly(*self.previous)


class detect_anomaly(contextlib.ContextDecorator):
    """Within it, the first NaN or inf in any forward output or backward gradient raises AnomalyError."""

    def __enter__(self):
        self._previous = graph._set_anomaly(True, _check_forward)
        return self

    def __exit__(self, *exc):
        graph._set_anomaly(*self._previous)
        return False


def is_anomaly_enabled() -> bool:
    return graph._anomaly
