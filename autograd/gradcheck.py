"""Check backward against central finite differences, in float64, for any function."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ._tensor import Tensor
from .engine import grad


def _as_tuple(x) -> tuple:
    return tuple(x) if isinstance(x, (list, tuple)) else (x,)


def _float64_copies(inputs) -> list:
    """Inputs as fresh float64 leaves (others, e.g. ints, pass through)."""
    copies = []
    for x in inputs:
        if isinstance(x, Tensor) and x.dtype.kind == "f":
            copies.append(Tensor(np.array(x.numpy(), dtype=np.float64), requires_grad=x.requires_grad))
        else:
            copies.append(x)
    return copies


def _flat_outputs(fn, xs) -> np.ndarray:
    outs = _as_tuple(fn(*xs))
    return np.concatenate([np.asarray(o.numpy(), dtype=np.float64).ravel() for o in outs])


def _analytic_jacobians(fn, xs, wrt) -> list[np.ndarray]:
    """Row by row: backward of each output element gives one row of each Jacobian."""
    outs = _as_tuple(fn(*xs))
    sizes = [o.numel() for o in outs]
    jacobians = [np.zeros((sum(sizes), xs[k].numel())) for k in wrt]
    row = 0
    for o in outs:
        for j in range(o.numel()):
            if o.requires_grad:
                onehot = np.zeros(o.numel(), dtype=o.dtype)
                onehot[j] = 1
                gs = grad(
                    o,
                    [xs[k] for k in wrt],
                    grad_outputs=Tensor(onehot.reshape(o.shape)),
                    retain_graph=True,
                    allow_unused=True,
                )
                for jac, g in zip(jacobians, gs):
                    if g is not None:
                        jac[row] = np.asarray(g.numpy(), dtype=np.float64).ravel()
            row += 1
    return jacobians


def _numeric_jacobian(fn, xs, k: int, eps: float) -> np.ndarray:
    """Column by column: (f(x + eps) - f(x - eps)) / 2eps for each element of input k."""
    x = xs[k]
    x.data = np.array(x.numpy())  # an array of our own to nudge in place (untracked, as .data is)
    flat = x.numpy().reshape(-1)
    columns = []
    for i in range(flat.size):
        original = flat[i]
        flat[i] = original + eps
        plus = _flat_outputs(fn, xs)
        flat[i] = original - eps
        minus = _flat_outputs(fn, xs)
        flat[i] = original
        columns.append((plus - minus) / (2 * eps))
    if not columns:  # an empty input: a Jacobian with no columns
        return np.zeros((_flat_outputs(fn, xs).size, 0))
    return np.stack(columns, axis=1)


def gradcheck(
    fn: Callable, inputs: Sequence, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3
) -> bool:
    """True if backward's gradients of `fn(*inputs)` match central finite differences.

    Runs in float64 on copies of the inputs; otherwise raises an AssertionError that
    names the input and the worst element.
    """
    xs = _float64_copies(_as_tuple(inputs))
    wrt = [k for k, x in enumerate(xs) if isinstance(x, Tensor) and x.requires_grad]
    if not wrt:
        raise ValueError("gradcheck: no input has requires_grad=True")
    for k, analytic in zip(wrt, _analytic_jacobians(fn, xs, wrt)):
        numeric = _numeric_jacobian(fn, xs, k, eps)
        excess = np.abs(analytic - numeric) - (atol + rtol * np.abs(numeric))
        if excess.size and np.nanmax(np.where(np.isnan(excess), np.inf, excess)) > 0:
            row, col = np.unravel_index(np.argmax(np.where(np.isnan(excess), np.inf, excess)), excess.shape)
            element = np.unravel_index(col, xs[k].shape)
            raise AssertionError(
                f"gradcheck: input {k} (shape {xs[k].shape}) at element {tuple(int(i) for i in element)}, "
                f"output element {row}: backward gives {analytic[row, col]:.6g}, "
                f"finite differences give {numeric[row, col]:.6g}"
            )
    return True


def gradgradcheck(
    fn: Callable, inputs: Sequence, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3
) -> bool:
    """gradcheck of the first derivatives: checks second derivatives (via create_graph)."""
    xs = _float64_copies(_as_tuple(inputs))
    wrt = [k for k, x in enumerate(xs) if isinstance(x, Tensor) and x.requires_grad]
    # Fixed random weights on the outputs make one scalar per output to differentiate twice.
    rng = np.random.default_rng(0)
    weights = [Tensor(rng.standard_normal(o.shape)) for o in _as_tuple(fn(*xs))]

    def first_derivatives(*args):
        outs = _as_tuple(fn(*args))
        used = [(o, w) for o, w in zip(outs, weights) if o.requires_grad]
        if not used:
            return tuple(Tensor(np.zeros(args[k].shape)) for k in wrt)
        gs = grad(
            [o for o, _ in used],
            [args[k] for k in wrt],
            [w for _, w in used],
            create_graph=True,
            allow_unused=True,
        )
        return tuple(g if g is not None else Tensor(np.zeros(args[k].shape)) for g, k in zip(gs, wrt))

    return gradcheck(first_derivatives, xs, eps=eps, atol=atol, rtol=rtol)
