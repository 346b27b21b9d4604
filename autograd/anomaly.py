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

from .state import modes

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
    return ", ".join(str(a.shape) for a in args if hasattr(a, "grad_fn"))  # the Tensors among them


def _bad(array) -> str | None:
    """'nan' or 'inf' if the array holds one, else None."""
    array = np.asarray(array)
    if array.dtype.kind not in "fc" or np.isfinite(array).all():
        return None
    return "nan" if np.isnan(array).any() else "inf"


def check_forward(op, out, args) -> None:
    """Stamp where a recorded op was made, and fail if its output is not finite."""
    site = _user_site()
    if out.grad_fn is not None:
        out.grad_fn.trace = site
    bad = _bad(out.numpy())
    if bad:
        raise AnomalyError(
            f"{op.name} produced {bad} in its forward output (input shapes: {_shapes(args)}); "
            f"the op was called at {site}"
        )


def check_backward(node, i: int, gradient) -> None:
    """Fail if the gradient that a node's op sends to its input i is not finite."""
    bad = _bad(gradient.numpy())
    if bad:
        raise AnomalyError(
            f"backward of {node.op.name} produced {bad} in the gradient of its input {i} "
            f"(input shapes: {_shapes(node.inputs)}); the op was called at {node.trace or '<made outside detect_anomaly>'}"
        )


class backward_checks:
    """For the engine: the gradient check to run in backward (None when anomaly mode is off).

    The VJPs' own ops are not checked as forward ops meanwhile: a bad gradient is
    reported once, as the gradient of the op that made it. A class, not a generator
    context: backward enters it on every call, and this costs a third as much.
    """

    def __enter__(self):
        self.was_on = modes.anomaly
        if not self.was_on:
            return None
        modes.anomaly = False
        return check_backward

    def __exit__(self, *exc):
        if self.was_on:
            modes.anomaly = True


class detect_anomaly(contextlib.ContextDecorator):
    """Within it, the first NaN or inf in any forward output or backward gradient raises AnomalyError."""

    def __enter__(self):
        self._previous = modes.anomaly
        modes.anomaly = True
        return self

    def __exit__(self, *exc):
        modes.anomaly = self._previous
        return False


def is_anomaly_enabled() -> bool:
    return modes.anomaly
