"""Every registered primitive: forward against NumPy, gradients against finite differences.

The table below must name every op in autograd.REGISTRY, so a new op cannot skip its
check. Shapes come from hypothesis and broadcast against each other; values are drawn
in each op's safe domain (positive for log, away from kinks for relu and abs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import autograd
from autograd import REGISTRY, Tensor, apply, gradcheck, gradgradcheck
from autograd.ops import shape as shape_ops


def primitive(name):
    """The registered op, called through the recording boundary."""
    return lambda *args: apply(REGISTRY[name], *args)


SMALL = dict(min_side=1, max_side=3)


def values(rng, shape, low=-2.0, high=2.0, away_from=None):
    """Random float64 values in [low, high], kept 0.1 away from a kink if asked."""
    x = rng.uniform(low, high, size=shape)
    if away_from is not None:
        x = np.where(np.abs(x - away_from) < 0.1, away_from + 0.5, x)
    return x


def distinct(rng, shape):
    """Values with no ties, so that max and min have one clear winner."""
    return rng.permutation(np.linspace(-2, 2, int(np.prod(shape)))).reshape(shape)


@dataclass
class Case:
    """How to build arguments for one op, and what NumPy says the op gives.

    `make(rng, spec)` returns the arguments: float arrays among them become Tensors
    that require grad; anything else (axes, shapes, masks, indices) is passed as is.
    """

    specs: st.SearchStrategy
    make: Callable
    reference: Callable
    call: Callable


def unary(low=-2.0, high=2.0, away_from=None):
    return lambda rng, s: [values(rng, s[0], low, high, away_from)]


def binary(low_a=-2.0, high_a=2.0, low_b=-2.0, high_b=2.0):
    return lambda rng, s: [values(rng, s[0], low_a, high_a), values(rng, s[1], low_b, high_b)]


one_shape = st.tuples(hnp.array_shapes(min_dims=0, max_dims=3, **SMALL))
two_shapes = hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, **SMALL).map(
    lambda s: s.input_shapes
)
three_shapes = hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=3, **SMALL).map(
    lambda s: s.input_shapes
)


@st.composite
def reductions(draw):
    """A shape and an axis for it: None, an int (maybe negative) or a tuple; and keepdims."""
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, **SMALL))
    axis = draw(
        st.one_of(
            st.none(),
            st.integers(-len(shape), len(shape) - 1),
            st.lists(st.integers(0, len(shape) - 1), min_size=1, unique=True).map(tuple),
        )
    )
    return (shape, axis, draw(st.booleans()))


@st.composite
def matmul_shapes(draw):
    """Operand shapes NumPy's matmul accepts: 1-d, 2-d and batched, batches broadcasting."""
    n, k, m = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    batch = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=2, **SMALL)).input_shapes
    kind_a, kind_b = (
        draw(st.sampled_from(["vec", "mat", "batch"])),
        draw(st.sampled_from(["vec", "mat", "batch"])),
    )
    a = {"vec": (k,), "mat": (n, k), "batch": batch[0] + (n, k)}[kind_a]
    b = {"vec": (k,), "mat": (k, m), "batch": batch[1] + (k, m)}[kind_b]
    return (a, b)


@st.composite
def linear_specs(draw):
    """x of shape (*batch, in) (batch may be empty), W (out, in), and a bias (out,) or none."""
    batch = draw(hnp.array_shapes(min_dims=0, max_dims=2, **SMALL))
    n_in, n_out = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    return (batch + (n_in,), (n_out, n_in), draw(st.booleans()))


def linear_args(rng, spec):
    x_shape, w_shape, with_bias = spec
    bias = values(rng, (w_shape[0],)) if with_bias else None
    return [values(rng, x_shape), values(rng, w_shape), bias]


def linear_reference(x, w, b):
    return x @ w.T + (0 if b is None else b)


@st.composite
def indexings(draw):
    """A shape and an index into it: basic (negative steps too) or advanced (repeats, masks)."""
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=2, max_side=4))
    kinds = ["basic", "int_array", "bool_mask"] + (["mixed"] if len(shape) > 1 else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "basic":
        index = draw(hnp.basic_indices(shape, allow_newaxis=True, allow_ellipsis=True))
    elif kind == "int_array":
        index = np.array(draw(st.lists(st.integers(-shape[0], shape[0] - 1), min_size=1, max_size=6)))
    elif kind == "bool_mask":
        index = np.array(draw(st.lists(st.booleans(), min_size=shape[0], max_size=shape[0])))
    else:
        rows = np.array(draw(st.lists(st.integers(0, shape[0] - 1), min_size=1, max_size=4)))
        index = (rows, slice(None, None, -1))
    return (shape, index)


@st.composite
def concatenations(draw):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, **SMALL))
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    sizes = draw(st.lists(st.integers(1, 3), min_size=1, max_size=3))
    return (shape, axis, sizes)


def scattered(index, shape, g):
    out = np.zeros(shape)
    np.add.at(out, shape_ops.normalize_index(index), g)
    return out


def _without_repeats(shape, index):
    """The index with repeated rows removed: a repeated write keeps only its last value."""
    if isinstance(index, np.ndarray) and index.dtype.kind in "iu":
        return np.unique(index % shape[0])
    if (
        isinstance(index, tuple)
        and index
        and isinstance(index[0], np.ndarray)
        and index[0].dtype.kind in "iu"
    ):
        return (np.unique(index[0] % shape[0]), *index[1:])
    return index


def _set_args(rng, shape, index):
    index = shape_ops.normalize_index(index)
    return [values(rng, shape), index, values(rng, np.zeros(shape)[index].shape)]


def _nll(x, target, reduction):
    picked = -x[np.arange(len(target)), target]
    return {"mean": picked.mean(), "sum": picked.sum(), "none": picked}[reduction]


def _set(x, index, value):
    out = x.copy()
    out[index] = value
    return out


def sum_to_reference(x, shape):
    """Sum away the leading axes, then the axes where shape has a 1."""
    x = x.sum(axis=tuple(range(x.ndim - len(shape))))
    return x.sum(axis=tuple(i for i, n in enumerate(shape) if n == 1), keepdims=True)


def pieces(rng, spec):
    shape, axis, sizes = spec
    axis %= len(shape)
    return [values(rng, shape[:axis] + (n,) + shape[axis + 1 :]) for n in sizes]


def reduction_case(op, numpy_fn, fill):
    return Case(
        reductions(),
        lambda rng, s: [fill(rng, s[0]), s[1], s[2]],
        lambda x, axis, keepdims: numpy_fn(x, axis=axis, keepdims=keepdims),
        op,
    )


def _safe_clip_values(rng, s):
    x = values(rng, s[0])
    return [np.where(np.abs(np.abs(x) - 0.5) < 0.1, 0.2, x), -0.5, 0.5]


CASES: dict[str, Case] = {
    "add": Case(two_shapes, binary(), np.add, primitive("add")),
    "sub": Case(two_shapes, binary(), np.subtract, primitive("sub")),
    "mul": Case(two_shapes, binary(), np.multiply, primitive("mul")),
    "div": Case(two_shapes, binary(low_b=0.5, high_b=2.0), np.divide, primitive("div")),
    "pow": Case(two_shapes, binary(low_a=0.5, high_a=2.0), np.power, primitive("pow")),
    "maximum": Case(two_shapes, binary(), np.maximum, primitive("maximum")),
    "minimum": Case(two_shapes, binary(), np.minimum, primitive("minimum")),
    "neg": Case(one_shape, unary(), np.negative, primitive("neg")),
    "exp": Case(one_shape, unary(), np.exp, primitive("exp")),
    "log": Case(one_shape, unary(0.2, 3.0), np.log, primitive("log")),
    "sqrt": Case(one_shape, unary(0.2, 3.0), np.sqrt, primitive("sqrt")),
    "sin": Case(one_shape, unary(), np.sin, primitive("sin")),
    "cos": Case(one_shape, unary(), np.cos, primitive("cos")),
    "tanh": Case(one_shape, unary(), np.tanh, primitive("tanh")),
    "sigmoid": Case(one_shape, unary(-5, 5), lambda x: 1 / (1 + np.exp(-x)), primitive("sigmoid")),
    "relu": Case(one_shape, unary(away_from=0.0), lambda x: np.maximum(x, 0), primitive("relu")),
    "abs": Case(one_shape, unary(away_from=0.0), np.abs, primitive("abs")),
    "clip": Case(one_shape, _safe_clip_values, np.clip, primitive("clip")),
    "where": Case(
        three_shapes,
        lambda rng, s: [rng.random(s[0]) > 0.5, values(rng, s[1]), values(rng, s[2])],
        np.where,
        autograd.where,
    ),
    "astype": Case(
        one_shape,
        lambda rng, s: [values(rng, s[0]), np.dtype(np.float64)],
        lambda x, d: x.astype(d),
        primitive("astype"),
    ),
    "matmul": Case(matmul_shapes(), binary(), np.matmul, autograd.matmul),
    "linear": Case(linear_specs(), linear_args, linear_reference, autograd.linear),
    "sum": reduction_case(primitive("sum"), np.sum, values),
    "max": reduction_case(primitive("max"), np.max, distinct),
    "min": reduction_case(primitive("min"), np.min, distinct),
    "broadcast_to": Case(
        two_shapes,
        lambda rng, s: [values(rng, s[0]), np.broadcast_shapes(*s)],
        np.broadcast_to,
        primitive("broadcast_to"),
    ),
    "sum_to": Case(
        two_shapes,
        lambda rng, s: [values(rng, np.broadcast_shapes(*s)), s[0]],
        sum_to_reference,
        primitive("sum_to"),
    ),
    "reshape": Case(one_shape, lambda rng, s: [values(rng, s[0]), (-1,)], np.reshape, primitive("reshape")),
    "transpose": Case(
        hnp.array_shapes(min_dims=1, max_dims=3, **SMALL).flatmap(
            lambda s: st.tuples(st.just(s), st.permutations(range(len(s))).map(tuple))
        ),
        lambda rng, s: [values(rng, s[0]), s[1]],
        np.transpose,
        primitive("transpose"),
    ),
    "getitem": Case(
        indexings(), lambda rng, s: [values(rng, s[0]), s[1]], lambda x, i: x[i], lambda t, i: t[i]
    ),
    "scatter_add": Case(
        indexings(),
        lambda rng, s: [values(rng, np.zeros(s[0])[s[1]].shape), shape_ops.normalize_index(s[1]), s[0]],
        lambda g, index, shape: scattered(index, shape, g),
        primitive("scatter_add"),
    ),
    "log_softmax": Case(
        hnp.array_shapes(min_dims=1, max_dims=3, **SMALL).flatmap(
            lambda s: st.tuples(st.just(s), st.integers(-len(s), len(s) - 1))
        ),
        lambda rng, s: [values(rng, s[0]), s[1]],
        lambda x, axis: x - np.log(np.sum(np.exp(x), axis=axis, keepdims=True)),
        autograd.log_softmax,
    ),
    "std": Case(
        reductions(),
        lambda rng, s: [values(rng, s[0]), s[1], s[2], 0],  # correction 0: defined for one element too
        lambda x, axis, keepdims, c: np.std(x, axis=axis, keepdims=keepdims, ddof=c),
        primitive("std"),
    ),
    "setitem": Case(
        indexings(),
        lambda rng, s: _set_args(rng, s[0], _without_repeats(s[0], s[1])),
        _set,
        primitive("setitem"),
    ),
    "nll_loss": Case(
        st.tuples(st.integers(1, 4), st.integers(1, 4), st.sampled_from(["mean", "sum", "none"])),
        lambda rng, s: [values(rng, (s[0], s[1])), rng.integers(0, s[1], s[0]), s[2]],
        _nll,
        primitive("nll_loss"),
    ),
    "concatenate": Case(
        concatenations(),
        lambda rng, s: [s[1], *pieces(rng, s)],
        lambda axis, *parts: np.concatenate(parts, axis=axis),
        lambda axis, *parts: autograd.concatenate(parts, axis=axis),
    ),
}


def build(name, spec, seed):
    """The op's arguments (float arrays as Tensors that require grad) and NumPy's answer."""
    case = CASES[name]
    raw = case.make(np.random.default_rng(seed), spec)
    args = [
        Tensor(a, requires_grad=True) if isinstance(a, np.ndarray) and a.dtype.kind == "f" else a for a in raw
    ]
    return args, case.reference(*raw)


def test_every_registered_op_has_a_case():
    assert set(autograd.REGISTRY) == set(CASES), "add a Case for each new op"


def _as_function(fn, args):
    """fn of the differentiable args only, the others held fixed."""
    slots = [i for i, a in enumerate(args) if isinstance(a, Tensor)]

    def f(*xs):
        full = list(args)
        for i, x in zip(slots, xs):
            full[i] = x
        return fn(*full)

    return f, [args[i] for i in slots]


CHECKED = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
)


@pytest.mark.parametrize("name", sorted(CASES))
@CHECKED
@given(data=st.data(), seed=st.integers(0, 2**16))
def test_forward_matches_numpy(name, data, seed):
    args, expected = build(name, data.draw(CASES[name].specs), seed)
    out = CASES[name].call(*args)
    np.testing.assert_allclose(np.asarray(out.numpy()), expected, rtol=1e-12, atol=1e-12)
    assert out.shape == np.shape(expected)


@pytest.mark.parametrize("name", sorted(CASES))
@CHECKED
@given(data=st.data(), seed=st.integers(0, 2**16))
def test_first_derivatives_match_finite_differences(name, data, seed):
    args, _ = build(name, data.draw(CASES[name].specs), seed)
    f, xs = _as_function(CASES[name].call, args)
    assert gradcheck(f, xs, eps=1e-6, atol=1e-6, rtol=1e-5)


@pytest.mark.parametrize("name", sorted(CASES))
@settings(CHECKED, max_examples=6)
@given(data=st.data(), seed=st.integers(0, 2**16))
def test_second_derivatives_match_finite_differences(name, data, seed):
    args, _ = build(name, data.draw(CASES[name].specs), seed)
    f, xs = _as_function(CASES[name].call, args)
    assert gradgradcheck(f, xs, eps=1e-5, atol=1e-5, rtol=1e-4)
