"""Each speed path gives the same bits as the plain path it replaces, and every op's
forward gives the same bits as its plain NumPy expression.

The speed paths (each marked SPEED PATH where it lives, and measured in benchmarks/PROFILE.md):
- autograd/numpy_errors.py: NumPy's warnings silenced through its context variable, not np.errstate;
- autograd/ops/linalg.py `linear`, autograd/ops/classification.py `log_softmax` and `nll_loss`:
  one op each, instead of the ops they are made of (each one is also PyTorch's).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import autograd
from autograd import Tensor, apply, numpy_errors
from autograd.ops import elementwise as E

rng = np.random.default_rng(0)
X = rng.normal(size=(7, 5))
Y = rng.normal(size=(7, 5))
W = rng.normal(size=(3, 5))
B = rng.normal(size=3)
SPECIAL = np.array([0.0, -0.0, 1.0, -1.0, np.inf, -np.inf, np.nan, 1e308, -1e-308])


def _same_bits(a, b):
    a, b = np.asarray(a), np.asarray(b)
    assert a.dtype == b.dtype and a.shape == b.shape
    assert a.tobytes() == b.tobytes(), (a, b)


@pytest.mark.parametrize(
    "op, args",
    [
        (E.div, (SPECIAL, SPECIAL[::-1])),
        (E.log, (SPECIAL,)),
        (E.sqrt, (SPECIAL,)),
        (E.exp, (SPECIAL,)),
        (E.pow, (SPECIAL, SPECIAL[::-1])),
        (E.mul, (SPECIAL, SPECIAL[::-1])),
    ],
)
def test_silencing_through_the_context_variable_gives_the_plain_paths_bits_and_no_warning(op, args):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fast = numpy_errors.silenced(op.forward, args)
        plain = numpy_errors.silenced(op.forward, args, errors=numpy_errors.plain_state)
    _same_bits(fast, plain)


def test_numpys_own_warnings_are_back_after_an_op():
    Tensor([0.0]).log()
    with pytest.warns(RuntimeWarning):
        np.log(np.zeros(1))


def test_linear_gives_the_bits_of_x_at_w_transposed_plus_b():
    _same_bits(autograd.linear(Tensor(X), Tensor(W), Tensor(B)), X @ W.T + B)
    _same_bits(autograd.linear(Tensor(X), Tensor(W)), X @ W.T)


def test_log_softmax_gives_the_bits_of_its_numpy_expression():
    shifted = X - X.max(axis=-1, keepdims=True)
    _same_bits(Tensor(X).log_softmax(-1), shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True)))


# Every primitive's forward, against the NumPy expression a reader would write for it.
PLAIN = {
    "add": (lambda: (X, Y), lambda a, b: a + b),
    "sub": (lambda: (X, Y), lambda a, b: a - b),
    "mul": (lambda: (X, Y), lambda a, b: a * b),
    "div": (lambda: (X, Y), lambda a, b: a / b),
    "pow": (lambda: (np.abs(X), Y), lambda a, b: a**b),
    "neg": (lambda: (X,), lambda a: -a),
    "exp": (lambda: (X,), np.exp),
    "log": (lambda: (np.abs(X),), np.log),
    "sqrt": (lambda: (np.abs(X),), np.sqrt),
    "sin": (lambda: (X,), np.sin),
    "cos": (lambda: (X,), np.cos),
    "tanh": (lambda: (X,), np.tanh),
    "sigmoid": (lambda: (X,), lambda a: np.exp(-np.logaddexp(0, -a))),
    "relu": (lambda: (X,), lambda a: np.maximum(a, 0)),
    "abs": (lambda: (X,), np.abs),
    "clip": (lambda: (X, -0.5, 0.5), np.clip),
    "maximum": (lambda: (X, Y), np.maximum),
    "minimum": (lambda: (X, Y), np.minimum),
    "where": (lambda: (X > 0, X, Y), np.where),
    "astype": (lambda: (X, np.dtype(np.float32)), lambda a, d: a.astype(d)),
    "matmul": (lambda: (X, W.T), np.matmul),
    "linear": (lambda: (X, W, B), lambda x, w, b: x @ w.T + b),
    "sum": (lambda: (X, 1, False), lambda a, axis, k: np.sum(a, axis=axis, keepdims=k)),
    "std": (lambda: (X, 1, False, 1), lambda a, axis, k, c: np.std(a, axis=axis, keepdims=k, ddof=c)),
    "max": (lambda: (X, 1, False), lambda a, axis, k: np.max(a, axis=axis, keepdims=k)),
    "min": (lambda: (X, 1, False), lambda a, axis, k: np.min(a, axis=axis, keepdims=k)),
    "broadcast_to": (lambda: (B, (4, 3)), np.broadcast_to),
    "sum_to": (lambda: (X, (1, 5)), lambda a, s: np.sum(a, axis=0, keepdims=True)),
    "reshape": (lambda: (X, (5, 7)), np.reshape),
    "transpose": (lambda: (X, None), np.transpose),
    "getitem": (lambda: (X, (slice(1, 3), 2)), lambda a, i: a[i]),
    "scatter_add": (lambda: (B, (np.array([0, 2, 0]),), (4,)), lambda v, i, s: np.bincount(i[0], v, s[0])),
    "setitem": (
        lambda: (X, (0, 1), 9.0),
        lambda a, i, v: np.where(np.arange(a.size).reshape(a.shape) == 1, v, a),
    ),
    "concatenate": (lambda: (0, X, Y), lambda axis, *xs: np.concatenate(xs, axis=axis)),
    "nll_loss": (
        lambda: (X, np.array([0, 4, 2, 2, 1, 3, 0]), "mean"),
        lambda x, t, r: -np.mean(x[np.arange(7), t]),
    ),
    "log_softmax": (
        lambda: (X, -1),
        lambda a, axis: (
            (a - a.max(axis, keepdims=True))
            - np.log(np.exp(a - a.max(axis, keepdims=True)).sum(axis, keepdims=True))
        ),
    ),
}


def test_every_primitive_has_a_plain_numpy_expression():
    assert set(PLAIN) == set(autograd.REGISTRY)


@pytest.mark.parametrize("name", sorted(PLAIN))
def test_each_forward_equals_its_plain_numpy_expression_bit_for_bit(name):
    make, plain = PLAIN[name]
    args = make()
    tensors = [Tensor(a) if isinstance(a, np.ndarray) and a.dtype.kind == "f" else a for a in args]
    _same_bits(apply(autograd.REGISTRY[name], *tensors), plain(*args))
