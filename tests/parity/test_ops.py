"""Every op against PyTorch: values, dtypes and gradients, at random points and at special ones.

Each case is (op, id, fn, inputs): `fn(L, *tensors)` runs on readgrad (`L` = RG) and on
PyTorch (`L` = TH) with the same float64 inputs; float inputs are leaves that require
grad. The value, its dtype and whether it requires grad must match, and after
`backward(G)` (G: distinct weights) so must every leaf's `.grad`, None included.

Ordinary points come from a seeded generator. Special points are where PyTorch has a
chosen answer: 0 (relu, abs, sqrt, log, pow), ties (maximum, max, clamp's bounds),
±inf and NaN, constant rows (std, var), empty axes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

import autograd

from .compare import RG, TH, assert_values_match, check_parity, seed_gradient, values

inf, nan = np.inf, np.nan

# NumPy warns of invalid values and division by zero at the special points; the values are what is compared.
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


@dataclass(frozen=True)
class Case:
    op: str  # the op this case exercises: a REGISTRY name where there is one
    id: str
    fn: object  # fn(L, *tensors)
    inputs: tuple
    requires_grad: tuple | None = None  # default: the float inputs


CASES: list[Case] = []


def case(op: str, id: str, fn, *inputs, requires_grad=None) -> None:
    CASES.append(Case(op, f"{op}-{id}", fn, tuple(np.asarray(a) for a in inputs), requires_grad))


rng = np.random.default_rng(20240611)


def r(*shape):
    """Standard normal float64 values (no ties, no zeros: a continuous draw)."""
    return rng.standard_normal(shape)


def pos(*shape):
    """float64 values in [0.5, 2]: inside the domain of log, sqrt, pow with any exponent."""
    return rng.uniform(0.5, 2.0, shape)


def f64(values):
    return np.array(values, dtype=np.float64)


SPECIAL = f64([0.0, -0.0, inf, -inf, nan, 1.0, -1.0])  # the points every unary op is tried at


# -- arithmetic -----------------------------------------------------------------------

case("add", "same-shape", lambda L, a, b: a + b, r(2, 3), r(2, 3))
case("add", "broadcast", lambda L, a, b: a + b, r(3, 1), r(4))
case("add", "python-number", lambda L, a: a + 2.5, r(3))
case("add", "radd", lambda L, a: 2.5 + a, r(3))
case("add", "function", lambda L, a, b: L.add(a, b), r(2, 3), r(3))
case("add", "inf-minus-inf", lambda L, a, b: a + b, f64([inf, inf, nan]), f64([-inf, inf, 1.0]))
case("sub", "broadcast", lambda L, a, b: a - b, r(2, 3), r(3))
case("sub", "rsub", lambda L, a: 1.0 - a, r(3))
case("sub", "function", lambda L, a, b: L.sub(a, b), r(2, 3), r(2, 3))
case("mul", "broadcast", lambda L, a, b: a * b, r(2, 1, 3), r(4, 1))
case("mul", "rmul", lambda L, a: 3.0 * a, r(3))
case("mul", "same-tensor", lambda L, a: a * a, r(4))
case("mul", "function", lambda L, a, b: L.mul(a, b), r(3), r(3))
case("mul", "zero-times-inf", lambda L, a, b: a * b, f64([0.0, inf, nan]), f64([inf, 0.0, 0.0]))
case("div", "broadcast", lambda L, a, b: a / b, r(2, 3), pos(3))
case("div", "rtruediv", lambda L, a: 1.0 / a, pos(3))
case("div", "function", lambda L, a, b: L.div(a, b), r(3), pos(3))
case("div", "by-zero", lambda L, a, b: a / b, f64([1.0, -1.0, 0.0, inf]), f64([0.0, 0.0, 0.0, inf]))
case("div", "by-inf", lambda L, a, b: a / b, f64([1.0, 0.0]), f64([inf, -inf]))
case("neg", "random", lambda L, a: -a, r(2, 3))
case("neg", "function", lambda L, a: L.neg(a), r(3))
case("neg", "special", lambda L, a: -a, SPECIAL)

# pow: a Python exponent, a tensor exponent, a Python base
case("pow", "square", lambda L, a: a**2, r(2, 3))
case("pow", "cube", lambda L, a: a**3, r(4))
case("pow", "sqrt-exponent", lambda L, a: a**0.5, pos(3))
case("pow", "negative-exponent", lambda L, a: a**-1, pos(3))
case("pow", "tensor-exponent", lambda L, a, b: a**b, pos(2, 3), r(3))
case("pow", "rpow", lambda L, a: 2.0**a, r(3))
case("pow", "function", lambda L, a, b: L.pow(a, b), pos(3), r(3))
case("pow", "square-at-zero-and-inf", lambda L, a: a**2, f64([0.0, inf, -inf, nan]))
case("pow", "zero-exponent-python", lambda L, a: a**0, f64([0.0, nan, inf, -1.0, 2.0]))
case("pow", "zero-exponent-float", lambda L, a: a**0.0, f64([0.0, nan, inf, -1.0]))
case("pow", "half-at-zero", lambda L, a: a**0.5, f64([0.0, -1.0, inf]))
case("pow", "minus-one-at-zero", lambda L, a: a**-1, f64([0.0, -0.0, inf]))
case("pow", "cube-at-zero", lambda L, a: a**3, f64([0.0]))
case(
    "pow",
    "tensor-both-at-zero-base",  # 0**0, 0**-1, 0**2, 0**0.5, (-2)**0.5, 2**0
    lambda L, a, b: a**b,
    f64([0.0, 0.0, 0.0, 0.0, -2.0, 2.0]),
    f64([0.0, -1.0, 2.0, 0.5, 0.5, 0.0]),
)
case(
    "pow",
    "constant-tensor-exponent-with-zeros",
    lambda L, a: a ** L.const(f64([0.0, 1.0, 2.0, 0.0])),
    f64([0.0, 0.0, 0.0, 3.0]),
)
case("pow", "zero-base-python", lambda L, b: 0.0**b, f64([0.0, -1.0, 2.0, 0.5]))
case("pow", "negative-base-python", lambda L, b: (-2.0) ** b, f64([2.0, 0.5]))

# matmul: 1-d, 2-d, batched, broadcast batch, empty inner axis
case("matmul", "2d", lambda L, a, b: a @ b, r(2, 3), r(3, 4))
case("matmul", "1d-1d", lambda L, a, b: a @ b, r(3), r(3))
case("matmul", "1d-2d", lambda L, a, b: a @ b, r(3), r(3, 2))
case("matmul", "2d-1d", lambda L, a, b: a @ b, r(2, 3), r(3))
case("matmul", "batched", lambda L, a, b: a @ b, r(2, 3, 4), r(2, 4, 5))
case("matmul", "broadcast-batch", lambda L, a, b: a @ b, r(2, 1, 3, 4), r(5, 4, 2))
case("matmul", "batched-with-2d", lambda L, a, b: a @ b, r(2, 3, 4), r(4, 2))
case("matmul", "batched-with-1d", lambda L, a, b: a @ b, r(2, 3, 4), r(4))
case("matmul", "function", lambda L, a, b: L.matmul(a, b), r(2, 3), r(3, 2))
case("matmul", "empty-inner-axis", lambda L, a, b: a @ b, np.zeros((2, 0)), np.zeros((0, 3)))
case("matmul", "with-inf", lambda L, a, b: a @ b, f64([[inf, 1.0], [0.0, 1.0]]), f64([[1.0], [2.0]]))
case("linear", "with-bias", lambda L, x, w, b: L.F.linear(x, w, b), r(4, 3), r(2, 3), r(2))
case("linear", "without-bias", lambda L, x, w: L.F.linear(x, w), r(4, 3), r(2, 3))
case("linear", "batched", lambda L, x, w, b: L.F.linear(x, w, b), r(2, 4, 3), r(2, 3), r(2))
case("linear", "1d-input", lambda L, x, w, b: L.F.linear(x, w, b), r(3), r(2, 3), r(2))

# -- elementwise functions: random points, method and function, and the special points ---

UNARY_DOMAINS = {
    "exp": r,
    "log": pos,
    "sqrt": pos,
    "sin": r,
    "cos": r,
    "tanh": r,
    "sigmoid": r,
    "relu": r,
    "abs": r,
}
for _name, _draw in UNARY_DOMAINS.items():
    case(_name, "method", lambda L, a, _name=_name: getattr(a, _name)(), _draw(2, 3))
    case(_name, "function", lambda L, a, _name=_name: getattr(L, _name)(a), _draw(3))
    case(_name, "special-points", lambda L, a, _name=_name: getattr(a, _name)(), SPECIAL)

case("exp", "0d", lambda L, a: a.exp(), f64(0.5))
case("exp", "empty", lambda L, a: a.exp(), np.zeros((0, 3)))
case("exp", "overflow", lambda L, a: a.exp(), f64([800.0, -800.0]))
case("log", "negative-and-tiny", lambda L, a: a.log(), f64([-2.0, 1e-300, 5e-324]))
case("sqrt", "negative", lambda L, a: a.sqrt(), f64([-4.0, -inf]))
case("sigmoid", "large", lambda L, a: a.sigmoid(), f64([40.0, -40.0, 800.0, -800.0]))
case("tanh", "large", lambda L, a: a.tanh(), f64([20.0, -20.0, 800.0]))
case("relu", "at-zero", lambda L, a: a.relu(), f64([0.0, -0.0, 1e-300, -1e-300]))
case("abs", "at-zero", lambda L, a: a.abs(), f64([0.0, -0.0]))
case("abs", "dunder", lambda L, a: abs(a), r(3))
case("sign", "special-points", lambda L, a: L.sign(a).detach(), SPECIAL)  # torch: sign(nan) = 0

# clamp (registered as clip): numbers as bounds, one bound, ties with the bounds, NaN
case("clip", "clamp-method", lambda L, a: a.clamp(-0.5, 0.5), r(3, 4))
case("clip", "clip-method", lambda L, a: a.clip(-0.5, 0.5), r(3, 4))
case("clip", "clamp-function", lambda L, a: L.clamp(a, -0.5, 0.5), r(3, 4))
case("clip", "clip-function", lambda L, a: L.clip(a, -0.5, 0.5), r(3, 4))
case("clip", "min-only", lambda L, a: a.clamp(0.0), r(5))
case("clip", "max-only", lambda L, a: a.clamp(None, 0.0), r(5))
case("clip", "min-keyword", lambda L, a: a.clamp(min=0.0), r(5))  # PyTorch's names for the bounds
case("clip", "max-keyword", lambda L, a: a.clamp(max=0.0), r(5))
case("clip", "both-keywords-function", lambda L, a: L.clamp(a, min=-0.5, max=0.5), r(5))
case("clip", "at-bounds", lambda L, a: a.clamp(-1.0, 1.0), f64([-1.0, 1.0, 0.0, -2.0, 2.0]))
case("clip", "special-points", lambda L, a: a.clamp(-1.0, 1.0), SPECIAL)
case("clip", "min-above-max", lambda L, a: a.clamp(2.0, 1.0), f64([0.0, 1.5, 3.0]))
case("clip", "infinite-bounds", lambda L, a: a.clamp(-inf, inf), f64([0.0, inf, -inf]))

# maximum / minimum: ties split the gradient; NaN propagates and takes the whole gradient
case("maximum", "random", lambda L, a, b: L.maximum(a, b), r(2, 3), r(3))
case("maximum", "method", lambda L, a, b: a.maximum(b), r(3), r(3))
case("maximum", "ties", lambda L, a, b: L.maximum(a, b), f64([1.0, 2.0, 0.0, inf]), f64([1.0, 3.0, 0.0, inf]))
case("maximum", "nan", lambda L, a, b: L.maximum(a, b), f64([nan, 1.0, nan]), f64([1.0, nan, nan]))
case("maximum", "with-zeros-ties", lambda L, a: L.maximum(a, L.const(np.zeros(3))), f64([-1.0, 0.0, 2.0]))
case("minimum", "random", lambda L, a, b: L.minimum(a, b), r(2, 3), r(2, 1))
case("minimum", "method", lambda L, a, b: a.minimum(b), r(3), r(3))
case("minimum", "ties", lambda L, a, b: L.minimum(a, b), f64([1.0, 2.0, -inf]), f64([1.0, 3.0, -inf]))
case("minimum", "nan", lambda L, a, b: L.minimum(a, b), f64([nan, 1.0, nan]), f64([1.0, nan, nan]))

# where: the condition carries no gradient; the unchosen branch gets 0, even where it is NaN
_COND = np.array([[True, False, True], [False, False, True]])
case("where", "tensors", lambda L, a, b: L.where(L.const(_COND), a, b), r(2, 3), r(2, 3))
case("where", "broadcast", lambda L, a, b: L.where(L.const(_COND), a, b), r(3), r(2, 1))
case("where", "python-number", lambda L, a: L.where(L.const(_COND), a, 0.0), r(2, 3))
case("where", "from-comparison", lambda L, a: L.where(a > 0, a, a * 0.1), r(2, 3))
case(
    "where",
    "nan-in-unchosen-branch",
    lambda L, a, b: L.where(L.const(_COND[0]), a, b),
    f64([1.0, 2.0, 3.0]),
    f64([nan, inf, nan]),
)

# comparisons: bool results that do not require grad
_a, _b = f64([1.0, 2.0, nan, inf, 0.0]), f64([1.0, 3.0, nan, inf, -0.0])
case("compare", "lt", lambda L, a, b: a < b, _a, _b)
case("compare", "le", lambda L, a, b: a <= b, _a, _b)
case("compare", "gt", lambda L, a, b: a > b, _a, _b)
case("compare", "ge", lambda L, a, b: a >= b, _a, _b)
case("compare", "eq", lambda L, a, b: a == b, _a, _b)
case("compare", "ne", lambda L, a, b: a != b, _a, _b)
case("compare", "with-number-broadcast", lambda L, a: a > 0.5, r(2, 3))

# -- reductions ---------------------------------------------------------------------

case("sum", "all", lambda L, a: a.sum(), r(2, 3))
case("sum", "dim", lambda L, a: a.sum(dim=1), r(2, 3))
case("sum", "dim-keepdim", lambda L, a: a.sum(dim=0, keepdim=True), r(2, 3))
case("sum", "axis-keepdims", lambda L, a: a.sum(axis=-1, keepdims=True), r(2, 3, 4))
case("sum", "dim-tuple", lambda L, a: a.sum(dim=(0, 2)), r(2, 3, 4))
case("sum", "positional-dim", lambda L, a: a.sum(1), r(2, 3))
case("sum", "function", lambda L, a: L.sum(a, dim=1), r(2, 3))
case("sum", "0d", lambda L, a: a.sum(), f64(1.5))
case("sum", "empty", lambda L, a: a.sum(dim=1), np.zeros((2, 0)))
case("sum", "with-inf-and-nan", lambda L, a: a.sum(dim=1), f64([[inf, -inf], [nan, 1.0]]))
case("mean", "all", lambda L, a: a.mean(), r(2, 3))
case("mean", "dim-keepdim", lambda L, a: a.mean(dim=-1, keepdim=True), r(2, 3, 4))
case("mean", "dim-tuple", lambda L, a: a.mean(dim=(0, 1)), r(2, 3, 4))
case("mean", "function", lambda L, a: L.mean(a, dim=0), r(2, 3))
case("mean", "empty-axis", lambda L, a: a.mean(dim=1), np.zeros((2, 0)))
case("var", "all", lambda L, a: a.var(), r(3, 4))
case("var", "dim", lambda L, a: a.var(dim=1), r(3, 4))
case("var", "dim-keepdim", lambda L, a: a.var(dim=0, keepdim=True), r(3, 4))
case("var", "correction-0", lambda L, a: a.var(dim=1, correction=0), r(3, 4))
case("var", "function", lambda L, a: L.var(a, dim=1), r(3, 4))
case("var", "constant-rows", lambda L, a: a.var(dim=1), f64([[2.0, 2.0, 2.0], [0.0, 0.0, 0.0]]))
case("var", "dim-tuple", lambda L, a: a.var(dim=(0, 1)), r(2, 3, 2))
case("var", "single-element-correction-0", lambda L, a: a.var(dim=1, correction=0), f64([[2.0]]))
case("var", "single-element", lambda L, a: a.var(dim=1), f64([[2.0], [3.0]]))
case("std", "all", lambda L, a: a.std(), r(3, 4))
case("std", "dim", lambda L, a: a.std(dim=1), r(3, 4))
case("std", "dim-keepdim", lambda L, a: a.std(dim=0, keepdim=True), r(3, 4))
case("std", "correction-0", lambda L, a: a.std(dim=1, correction=0), r(3, 4))
case("std", "function", lambda L, a: L.std(a, dim=1), r(3, 4))
case("std", "constant-rows", lambda L, a: a.std(dim=1), f64([[2.0, 2.0, 2.0], [0.0, 0.0, 0.0]]))
case("std", "constant-all", lambda L, a: a.std(), f64([[5.0, 5.0], [5.0, 5.0]]))
case("std", "constant-correction-0", lambda L, a: a.std(dim=1, correction=0), f64([[2.0, 2.0]]))
case("std", "single-element", lambda L, a: a.std(), f64([[2.0]]))
case("logsumexp", "dim", lambda L, a: a.logsumexp(dim=1), r(3, 4))
case("logsumexp", "dim-keepdim", lambda L, a: a.logsumexp(dim=0, keepdim=True), r(3, 4))
case("logsumexp", "dim-tuple", lambda L, a: a.logsumexp(dim=(0, 1)), r(3, 4))
case("logsumexp", "function", lambda L, a: L.logsumexp(a, dim=-1), r(3, 4))
case("logsumexp", "large", lambda L, a: a.logsumexp(dim=1), f64([[1e4, 1e4 - 1.0], [-1e4, -1e4]]))
case(
    "logsumexp",
    "infinities",  # a +inf, a row of -inf, one -inf among finite values
    lambda L, a: a.logsumexp(dim=1),
    f64([[1.0, inf, 2.0], [-inf, -inf, -inf], [0.0, -inf, 1.0]]),
)
case("logsumexp", "nan", lambda L, a: a.logsumexp(dim=1), f64([[1.0, nan, 2.0]]))
case("logsumexp", "empty-axis", lambda L, a: a.logsumexp(dim=1), np.zeros((2, 0)))

# max / min over an axis given as axis= (or none): values only, ties share (torch.amax / amin)
_TIES = f64([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0], [0.0, -1.0, 5.0]])
_NAN_ROWS = f64([[1.0, nan, 3.0], [2.0, 2.0, 1.0], [nan, nan, 0.0]])


def amax(axis, keepdims=False):
    return lambda L, a: (
        L.amax(a, dim=axis, keepdim=keepdims) if L.is_torch else a.max(axis=axis, keepdims=keepdims)
    )


def amin(axis, keepdims=False):
    return lambda L, a: (
        L.amin(a, dim=axis, keepdim=keepdims) if L.is_torch else a.min(axis=axis, keepdims=keepdims)
    )


case("max", "all", lambda L, a: a.max(), r(3, 4))
case("max", "all-ties", lambda L, a: a.max(), _TIES)
case("max", "all-with-nan", lambda L, a: a.max(), _NAN_ROWS)
case("max", "0d", lambda L, a: a.max(), f64(1.5))
case("max", "axis", amax(1), r(3, 4))
case("max", "axis-keepdims", amax(0, True), r(3, 4))
case("max", "axis-tuple", amax((0, 2)), r(2, 3, 4))
case("max", "axis-ties", amax(1), _TIES)
case("max", "axis-with-nan", amax(1), _NAN_ROWS)
case("max", "axis-infinities", amax(1), f64([[inf, inf, 1.0], [-inf, -inf, -inf]]))
case("max", "function", lambda L, a: L.amax(a, dim=1) if L.is_torch else L.max(a, axis=1), r(3, 4))
case("min", "all", lambda L, a: a.min(), r(3, 4))
case("min", "all-ties", lambda L, a: a.min(), -_TIES)
case("min", "all-with-nan", lambda L, a: a.min(), _NAN_ROWS)
case("min", "axis", amin(1), r(3, 4))
case("min", "axis-ties", amin(1), -_TIES)
case("min", "axis-with-nan", amin(1), _NAN_ROWS)
case("min", "axis-keepdims", amin(-1, True), r(3, 4))

# max / min with a dim (positional or dim=): a (values, indices) named tuple, and the
# gradient goes only to the returned index, also where the row has ties or NaN
case("max", "dim-values", lambda L, a: a.max(1).values, r(3, 4))
case("max", "dim-keyword-values", lambda L, a: a.max(dim=1).values, r(3, 4))
case("max", "dim-indices", lambda L, a: a.max(1).indices, r(3, 4))
case("max", "dim-tuple-unpacking", lambda L, a: a.max(1)[0], r(3, 4))
case("max", "dim-keepdim", lambda L, a: a.max(0, keepdim=True).values, r(3, 4))
case("max", "dim-ties-values", lambda L, a: a.max(1).values, _TIES)
case("max", "dim-ties-indices", lambda L, a: a.max(1).indices, _TIES)
case("max", "dim-nan-values", lambda L, a: a.max(1).values, _NAN_ROWS)
case("max", "dim-nan-indices", lambda L, a: a.max(1).indices, _NAN_ROWS)
case("min", "dim-values", lambda L, a: a.min(1).values, r(3, 4))
case("min", "dim-keyword-indices", lambda L, a: a.min(dim=0).indices, r(3, 4))
case("min", "dim-ties-values", lambda L, a: a.min(dim=1).values, -_TIES)
case("min", "dim-nan-values", lambda L, a: a.min(1).values, _NAN_ROWS)

case("argmax", "all", lambda L, a: a.argmax(), r(3, 4))
case("argmax", "dim", lambda L, a: a.argmax(dim=1), r(3, 4))
case("argmax", "dim-keepdim", lambda L, a: a.argmax(dim=0, keepdim=True), r(3, 4))
case("argmax", "ties-first", lambda L, a: a.argmax(dim=1), _TIES)
case("argmax", "nan", lambda L, a: a.argmax(dim=1), _NAN_ROWS)
case("argmax", "function", lambda L, a: L.argmax(a, dim=1), r(3, 4))
case("argmin", "dim", lambda L, a: a.argmin(dim=1), r(3, 4))
case("argmin", "ties-first", lambda L, a: a.argmin(dim=1), -_TIES)
case("argmin", "nan", lambda L, a: a.argmin(dim=1), _NAN_ROWS)

# softmax / log_softmax: any dim, stable at large values, -inf and +inf entries
_INF_ROWS = f64([[1.0, inf, 2.0], [-inf, -inf, -inf], [0.0, -inf, 1.0], [inf, inf, 0.0]])
for _name in ("softmax", "log_softmax"):
    _op = "log_softmax" if _name == "log_softmax" else "softmax"
    case(_op, f"{_name}-dim-last", lambda L, a, _name=_name: getattr(a, _name)(dim=-1), r(3, 4))
    case(_op, f"{_name}-dim-0", lambda L, a, _name=_name: getattr(a, _name)(dim=0), r(3, 4))
    case(_op, f"{_name}-dim-middle", lambda L, a, _name=_name: getattr(a, _name)(dim=1), r(2, 3, 4))
    case(_op, f"{_name}-function", lambda L, a, _name=_name: getattr(L, _name)(a, dim=1), r(3, 4))
    case(_op, f"{_name}-functional", lambda L, a, _name=_name: getattr(L.F, _name)(a, dim=1), r(3, 4))
    case(_op, f"{_name}-large", lambda L, a, _name=_name: getattr(a, _name)(dim=1), f64([[1e4, 0.0, -1e4]]))
    case(_op, f"{_name}-infinities", lambda L, a, _name=_name: getattr(a, _name)(dim=1), _INF_ROWS)
    case(_op, f"{_name}-nan", lambda L, a, _name=_name: getattr(a, _name)(dim=1), f64([[1.0, nan, 0.0]]))
    case(_op, f"{_name}-constant-row", lambda L, a, _name=_name: getattr(a, _name)(dim=1), f64([[3.0] * 4]))
    case(_op, f"{_name}-empty-axis", lambda L, a, _name=_name: getattr(a, _name)(dim=1), np.zeros((2, 0)))

# the same special rows among many rows of few classes (readgrad reduces those column by column)
_MANY_ROWS = np.concatenate([_INF_ROWS, [[1.0, nan, 0.0], [3.0, 3.0, 3.0]], r(60, 3)])
for _name in ("softmax", "log_softmax", "logsumexp"):
    case(
        _name,
        f"{_name}-many-rows-few-classes",
        lambda L, a, _name=_name: getattr(a, _name)(dim=1),
        _MANY_ROWS,
    )
case("max", "axis-many-rows-few-classes", amax(1), _MANY_ROWS)
case("softmax", "single-class", lambda L, a: a.softmax(dim=1), r(3, 1))
case("log_softmax", "single-class", lambda L, a: a.log_softmax(dim=1), r(3, 1))
case("softmax", "0d", lambda L, a: a.softmax(dim=0), f64(2.0))

# -- shape ---------------------------------------------------------------------------

case("reshape", "method", lambda L, a: a.reshape(3, 2), r(2, 3))
case("reshape", "tuple", lambda L, a: a.reshape((-1,)), r(2, 3))
case("reshape", "minus-one", lambda L, a: a.reshape(-1, 2), r(2, 3, 2))
case("reshape", "function", lambda L, a: L.reshape(a, (6,)), r(2, 3))
case("reshape", "view", lambda L, a: a.view(3, 2), r(2, 3))
case("reshape", "to-0d", lambda L, a: a.reshape(()), r(1))
case("reshape", "flatten", lambda L, a: a.flatten(), r(2, 3, 4))
case("reshape", "flatten-start-dim", lambda L, a: a.flatten(1), r(2, 3, 4))
case("reshape", "flatten-start-end", lambda L, a: a.flatten(0, 1), r(2, 3, 4))
case("reshape", "flatten-0d", lambda L, a: a.flatten(), f64(2.0))
case("reshape", "flatten-function", lambda L, a: L.flatten(a, 1), r(2, 3, 4))
case("reshape", "squeeze-all", lambda L, a: a.squeeze(), r(1, 3, 1))
case("reshape", "squeeze-dim", lambda L, a: a.squeeze(2), r(1, 3, 1))
case("reshape", "squeeze-dim-not-one", lambda L, a: a.squeeze(1), r(1, 3, 1))
case("reshape", "squeeze-function", lambda L, a: L.squeeze(a, 0), r(1, 3))
case("reshape", "unsqueeze", lambda L, a: a.unsqueeze(0), r(2, 3))
case("reshape", "unsqueeze-negative", lambda L, a: a.unsqueeze(-1), r(2, 3))
case("reshape", "unsqueeze-dim-keyword", lambda L, a: a.unsqueeze(dim=1), r(2, 3))
case("reshape", "unsqueeze-function", lambda L, a: L.unsqueeze(a, 1), r(2, 3))
case("transpose", "T", lambda L, a: a.T, r(2, 3))
case("transpose", "two-dims-2d", lambda L, a: a.transpose(0, 1), r(2, 3))
case("transpose", "two-dims-3d", lambda L, a: a.transpose(0, 2), r(2, 3, 4))
case("transpose", "negative-dims", lambda L, a: a.transpose(-1, -2), r(2, 3, 4))
case("transpose", "function", lambda L, a: L.transpose(a, 0, 1), r(2, 3))
case("transpose", "permute", lambda L, a: a.permute(2, 0, 1), r(2, 3, 4))
case("transpose", "permute-tuple", lambda L, a: a.permute((1, 2, 0)), r(2, 3, 4))
case("transpose", "permute-function", lambda L, a: L.permute(a, (1, 0)), r(2, 3))
case("transpose", "swapaxes", lambda L, a: a.swapaxes(0, 2), r(2, 3, 4))
case("transpose", "swapaxes-function", lambda L, a: L.swapaxes(a, 0, 1), r(2, 3))
case("broadcast_to", "method", lambda L, a: a.broadcast_to((2, 3, 4)), r(3, 1))
case("broadcast_to", "function", lambda L, a: L.broadcast_to(a, (2, 3)), r(3))
case("broadcast_to", "expand", lambda L, a: a.expand(2, 3, 4), r(3, 1))
case("broadcast_to", "expand-minus-one", lambda L, a: a.expand(2, -1, 4), r(3, 1))
case("broadcast_to", "expand-tuple", lambda L, a: a.expand((2, 3)), r(3))

# getitem: basic (ints, slices, None, Ellipsis, negative steps) and advanced (int lists,
# int tensors, bool masks); repeated indices accumulate their gradients.
_MASK = np.array([True, False, True, True])


def flipped(L, t, dim):
    """t[::-1] along dim: PyTorch has no negative steps, so its side uses flip."""
    return t.flip(dim) if L.is_torch else t[(slice(None),) * dim + (slice(None, None, -1),)]


case("getitem", "int", lambda L, a: a[1], r(4, 3))
case("getitem", "negative-int", lambda L, a: a[-1], r(4, 3))
case("getitem", "int-int", lambda L, a: a[1, 2], r(4, 3))
case("getitem", "slice", lambda L, a: a[1:3], r(4, 3))
case("getitem", "slice-step", lambda L, a: a[::2, 1:], r(4, 3))
case("getitem", "none-and-ellipsis", lambda L, a: a[None, ..., 0], r(4, 3))
case("getitem", "int-list", lambda L, a: a[[0, 2]], r(4, 3))
case("getitem", "int-list-repeats", lambda L, a: a[[0, 0, 3, 0]], r(4, 3))
case("getitem", "negative-int-list", lambda L, a: a[[-1, 0]], r(4, 3))
case("getitem", "int-tensor", lambda L, a: a[L.const(np.array([3, 1, 1]))], r(4, 3))
case("getitem", "int-tensor-2d", lambda L, a: a[L.const(np.array([[0, 1], [1, 1]]))], r(4, 3))
case("getitem", "two-int-lists", lambda L, a: a[[0, 1, 1], [2, 0, 0]], r(4, 3))
case("getitem", "slice-and-list", lambda L, a: a[:, [2, 0, 2]], r(4, 3))
case("getitem", "bool-mask-rows", lambda L, a: a[L.const(_MASK)], r(4, 3))
case("getitem", "bool-mask-list", lambda L, a: a[[True, False, True, True]], r(4, 3))
case("getitem", "bool-mask-all", lambda L, a: a[a > 0], r(4, 3))
case("getitem", "bool-mask-none-true", lambda L, a: a[a > 100], r(4, 3))
case("getitem", "bool-mask-then-slice", lambda L, a: a[L.const(_MASK), 1:], r(4, 3))
case("getitem", "negative-step", lambda L, a: flipped(L, a, 0), r(4, 3))
case("getitem", "negative-step-dim-1", lambda L, a: flipped(L, a, 1), r(4, 3))
case(
    "getitem",
    "negative-step-2",  # x[::-2]: torch has no negative steps, its side flips then steps
    lambda L, a: a.flip(0)[::2] if L.is_torch else a[::-2],
    r(5),
)
case("getitem", "1d-to-0d", lambda L, a: a[2], r(4))
case("getitem", "numpy-int", lambda L, a: a[np.int64(1)], r(4, 3))
case("getitem", "0d-int-tensor", lambda L, a: a[L.const(np.array(1))], r(4, 3))

# joining
case("concatenate", "cat-dim-0", lambda L, a, b: L.cat([a, b], dim=0), r(2, 3), r(1, 3))
case("concatenate", "cat-dim-1", lambda L, a, b: L.cat([a, b], dim=1), r(2, 3), r(2, 2))
case("concatenate", "cat-negative-dim", lambda L, a, b: L.cat((a, b), dim=-1), r(2, 3), r(2, 1))
case("concatenate", "cat-positional-dim", lambda L, a, b: L.cat([a, b], 1), r(2, 3), r(2, 1))
case(
    "concatenate",
    "concatenate-function",
    lambda L, a, b: L.concatenate([a, b], axis=0),
    r(2, 3),
    r(1, 3),
)
case("concatenate", "cat-with-constant", lambda L, a: L.cat([a, L.const(np.ones((1, 3)))]), r(2, 3))
case("concatenate", "cat-with-empty", lambda L, a, b: L.cat([a, b]), r(2, 3), np.zeros((0, 3)))
case("concatenate", "cat-same-tensor-twice", lambda L, a: L.cat([a, a * 2.0]), r(2))
case("stack", "dim-0", lambda L, a, b: L.stack([a, b]), r(2, 3), r(2, 3))
case("stack", "dim-1", lambda L, a, b: L.stack([a, b], dim=1), r(2, 3), r(2, 3))
case("stack", "dim-last", lambda L, a, b, c: L.stack([a, b, c], dim=-1), r(2), r(2), r(2))
case("stack", "0d", lambda L, a, b: L.stack([a, b]), f64(1.0), f64(2.0))

# -- nn.functional -------------------------------------------------------------------

_TARGET = np.array([2, 0, 1, 2])
_PROBS = np.array([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0], [0.0, 0.5, 0.5], [0.1, 0.1, 0.8]])
for _red in ("mean", "sum", "none"):
    case(
        "cross_entropy",
        f"int-targets-{_red}",
        lambda L, x, _red=_red: L.F.cross_entropy(x, L.const(_TARGET), reduction=_red),
        r(4, 3),
    )
    case(
        "cross_entropy",
        f"probabilities-{_red}",
        lambda L, x, _red=_red: L.F.cross_entropy(x, L.const(_PROBS), reduction=_red),
        r(4, 3),
    )
    case(
        "nll_loss",
        f"{_red}",
        lambda L, x, _red=_red: L.F.nll_loss(x.log_softmax(dim=1), L.const(_TARGET), reduction=_red),
        r(4, 3),
    )
    case(
        "mse_loss",
        f"{_red}",
        lambda L, x, y, _red=_red: L.F.mse_loss(x, y, reduction=_red),
        r(2, 3),
        r(2, 3),
    )
    case(
        "binary_cross_entropy_with_logits",
        f"{_red}",
        lambda L, x, _red=_red: L.F.binary_cross_entropy_with_logits(
            x, L.const(np.array([[0.0, 1.0, 0.3], [1.0, 0.5, 0.0]])), reduction=_red
        ),
        r(2, 3),
    )
case("cross_entropy", "default-reduction", lambda L, x: L.F.cross_entropy(x, L.const(_TARGET)), r(4, 3))
case("cross_entropy", "one-example", lambda L, x: L.F.cross_entropy(x, L.const(np.array(1))), r(3))
case(
    "cross_entropy",
    "large-logits",
    lambda L, x: L.F.cross_entropy(x, L.const(np.array([0, 1]))),
    f64([[1e4, 0.0, -1e4], [1e4, 0.0, -1e4]]),
)
case(
    "cross_entropy",
    "minus-inf-logits",  # -inf at another class is fine; -inf at the target gives inf
    lambda L, x: L.F.cross_entropy(x, L.const(np.array([1, 2])), reduction="none"),
    f64([[0.0, -inf, 1.0], [-inf, 3.0, 0.0]]),
)
case(
    "cross_entropy",
    "probabilities-minus-inf-logits",  # 0 · -inf: torch gives nan for the row
    lambda L, x: L.F.cross_entropy(x, L.const(f64([[0.5, 0.0, 0.5], [0.5, 0.5, 0.0]])), reduction="none"),
    f64([[0.0, -inf, 1.0], [-inf, -inf, 0.0]]),
)
case(
    "cross_entropy",
    "probabilities-require-grad",
    lambda L, x, t: L.F.cross_entropy(x, t),
    r(4, 3),
    _PROBS,
)
case(
    "nll_loss",
    "plain-input",
    lambda L, x: L.F.nll_loss(x, L.const(_TARGET)),
    r(4, 3),
)
case("nll_loss", "one-example", lambda L, x: L.F.nll_loss(x, L.const(np.array(2))), r(3))
case("mse_loss", "default-reduction", lambda L, x, y: L.F.mse_loss(x, y), r(5), r(5))
case("mse_loss", "target-constant", lambda L, x: L.F.mse_loss(x, L.const(np.zeros(3))), r(3))
case(
    "mse_loss",
    "with-inf",
    lambda L, x, y: L.F.mse_loss(x, y, reduction="none"),
    f64([inf, 1.0]),
    f64([inf, inf]),
)
case(
    "binary_cross_entropy_with_logits",
    "large-and-zero-logits",
    lambda L, x: L.F.binary_cross_entropy_with_logits(
        x, L.const(f64([0.0, 1.0, 0.5, 0.0, 1.0])), reduction="none"
    ),
    f64([0.0, 0.0, 0.0, 1e3, -1e3]),
)
case(
    "binary_cross_entropy_with_logits",
    "infinite-logits",
    lambda L, x: L.F.binary_cross_entropy_with_logits(
        x, L.const(f64([1.0, 0.0, 0.0, 1.0])), reduction="none"
    ),
    f64([inf, -inf, inf, -inf]),
)
case(
    "binary_cross_entropy_with_logits",
    "pos-weight",
    lambda L, x: L.F.binary_cross_entropy_with_logits(
        x, L.const(f64([[0.0, 1.0, 0.3], [1.0, 0.5, 0.0]])), pos_weight=L.const(f64([1.0, 2.0, 0.5]))
    ),
    r(2, 3),
)
for _name in ("relu", "tanh", "sigmoid"):
    case(_name, "functional", lambda L, x, _name=_name: getattr(L.F, _name)(x), r(2, 3))
    case(_name, "functional-special-points", lambda L, x, _name=_name: getattr(L.F, _name)(x), SPECIAL)

# -- composition: several ops in one graph, fan-out, broadcasting ----------------------

case(
    "composition",
    "mlp-step",
    lambda L, x, w1, b1, w2: L.F.cross_entropy((x @ w1 + b1).relu() @ w2, L.const(np.array([0, 2, 1]))),
    r(3, 4),
    r(4, 5),
    r(5),
    r(5, 3),
)
case(
    "composition",
    "fan-out-and-broadcast",
    lambda L, x, y: ((x * y).sum(dim=1).log_softmax(dim=0) + x.tanh().mean()).exp(),
    r(4, 3),
    r(3),
)
case(
    "composition",
    "norm-by-std",
    lambda L, x: (x - x.mean(dim=0, keepdim=True)) / (x.std(dim=0, keepdim=True) + 1e-5),
    r(5, 3),
)

# Registered ops tested elsewhere or only through others. Each is an implementation detail
# of the engine, not a public op with a PyTorch counterpart to compare with:
INTERNAL_OPS = {
    "sum_to",  # undoes broadcasting inside backward; tested through every broadcasting case
    "scatter_add",  # the VJP of getitem; tested through every getitem case's gradient
    "astype",  # dtype conversion; tested in test_dtypes.py (to / float / double)
    "setitem",  # x[index] = value; tested in test_inplace.py against torch's setitem
}


# -- the tests -------------------------------------------------------------------------


@pytest.mark.parametrize("c", CASES, ids=[c.id for c in CASES])
def test_op_matches_torch(c: Case):
    check_parity(c.fn, c.inputs, c.requires_grad)


def test_case_ids_are_unique():
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


# Names a registered op may carry for what the table covers under another name
# (clamp is registered as clip today, and may be registered as clamp).
ALIASES = {"clamp": "clip", "cat": "concatenate", "amax": "max", "amin": "min", "view": "reshape",
           "permute": "transpose", "expand": "broadcast_to", "swapaxes": "transpose"}  # fmt: skip


def test_every_registered_op_is_in_the_table_or_listed_as_internal():
    covered = {c.op for c in CASES}
    missing = [
        name
        for name in sorted(autograd.REGISTRY)
        if name not in covered and ALIASES.get(name) not in covered and name not in INTERNAL_OPS
    ]
    assert not missing, f"registered ops with no parity case (add cases, or list them as internal): {missing}"


def test_max_with_dim_returns_values_and_indices_named_tuple():
    x = np.array([[1.0, 3.0, 3.0], [2.0, 0.0, 5.0]])
    for L in (RG, TH):
        out = L.leaf(x).max(1)
        values_, indices = out
        assert values_ is out.values and indices is out.indices
    rg, th = RG.leaf(x).max(dim=1), TH.leaf(x).max(dim=1)
    np.testing.assert_array_equal(values(rg.values), values(th.values))
    np.testing.assert_array_equal(values(rg.indices), values(th.indices))


def test_max_with_axis_keyword_returns_a_tensor_not_a_tuple():
    x = np.array([[1.0, 3.0, 3.0], [2.0, 0.0, 5.0]])
    out = RG.leaf(x).max(axis=1)
    assert isinstance(out, autograd.Tensor)
    np.testing.assert_array_equal(values(out), values(TH.amax(TH.leaf(x), dim=1)))


def test_max_with_dim_gradient_goes_only_to_the_returned_index():
    x = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0], [nan, 1.0, nan]])
    for L in (RG, TH):
        t = L.leaf(x)
        out = t.max(1)
        out.values.sum().backward()
        grad = values(t.grad)
        expected = np.zeros_like(x)
        expected[np.arange(3), values(out.indices)] = 1.0
        np.testing.assert_array_equal(grad, expected, err_msg=f"{L}")


def test_comparisons_give_bool_tensors_that_do_not_require_grad():
    x = RG.leaf(r(3))
    for out in (x < 0, x <= 0, x > 0, x >= 0, x == 0, x != 0):
        assert isinstance(out, autograd.Tensor)
        assert out.dtype == np.bool_ and not out.requires_grad


# -- second derivatives: backward of a backward, at random and special points -----------

SECOND_ORDER = {
    "tanh": (lambda L, x: x.tanh(), r(4)),
    "sigmoid": (lambda L, x: x.sigmoid(), r(4)),
    "exp": (lambda L, x: x.exp(), r(4)),
    "log": (lambda L, x: x.log(), pos(4)),
    "sqrt": (lambda L, x: x.sqrt(), pos(4)),
    "sin": (lambda L, x: x.sin(), r(4)),
    "cube-at-zero": (lambda L, x: x**3, f64([0.0, 1.0, -2.0])),
    "square-at-zero": (lambda L, x: x**2, f64([0.0, 1.0])),
    "relu-at-zero": (lambda L, x: x.relu() * x, f64([0.0, 1.0, -1.0])),
    "abs-at-zero": (lambda L, x: x.abs() * x, f64([0.0, 1.0, -1.0])),
    "maximum-ties": (
        lambda L, x: L.maximum(x, x.flip(0) if L.is_torch else x[::-1]) * x,
        f64([1.0, 2.0, 1.0]),
    ),
    "clamp": (lambda L, x: x.clamp(-1.0, 1.0) * x, f64([-1.0, 0.5, 1.0, 2.0])),
    "div": (lambda L, x: 1.0 / x, pos(4)),
    "softmax": (lambda L, x: x.softmax(dim=0), r(4)),
    "log_softmax": (lambda L, x: x.log_softmax(dim=0), r(4)),
    "logsumexp": (lambda L, x: x.logsumexp(dim=0), r(4)),
    "var": (lambda L, x: x.var(), r(4)),
    "std": (lambda L, x: x.std(), r(4)),
    "max-ties": (lambda L, x: (L.amax(x, dim=0) if L.is_torch else x.max(axis=0)) * x, f64([2.0, 2.0, 1.0])),
    "matmul": (lambda L, x: x.reshape(2, 2) @ x.reshape(2, 2), r(4)),
    "cross_entropy": (lambda L, x: L.F.cross_entropy(x.reshape(2, 2), L.const(np.array([0, 1]))), r(4)),
}


@pytest.mark.parametrize("name", list(SECOND_ORDER))
def test_second_derivative_matches_torch(name):
    """d/dx of (d/dx sum(f(x)·w)) · v, through create_graph, as torch.autograd.grad gives it."""
    fn, x = SECOND_ORDER[name]
    results = []
    for L in (RG, TH):
        t = L.leaf(x)
        out = fn(L, t)
        w = L.const(seed_gradient(tuple(out.shape)))
        (g,) = L.grad((out * w).sum(), t, create_graph=True)
        v = L.const(seed_gradient(tuple(t.shape))[::-1].copy())
        (h,) = L.grad((g * v).sum(), t)
        results.append((g, h))
    (rg_g, rg_h), (th_g, th_h) = results
    assert_values_match(rg_g, th_g, "first derivative")
    assert_values_match(rg_h, th_h, "second derivative")
