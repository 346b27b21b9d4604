"""Matrix multiplication, as NumPy's matmul (1-d, 2-d and batched), and the linear layer's x Wᵀ + b."""

from __future__ import annotations

import numpy as np

from .op import ShapeError, primitive


def _matmul_vjp_a(g, out, a, b):
    """d(a @ b)/da · g = g @ bᵀ; a 1-d operand is a row (a) or column (b), as in NumPy."""
    b = g._lift(b)
    if b.ndim == 1:
        return g.unsqueeze(-1) * b if a.ndim > 1 or g.ndim else g * b
    if a.ndim == 1:
        return (g.unsqueeze(-2) @ b.swapaxes(-1, -2)).squeeze(-2)
    if b.ndim == 2 and _column_major(a):
        return (b @ g.swapaxes(-1, -2)).swapaxes(-1, -2)
    return g @ b.swapaxes(-1, -2)


def _matmul_vjp_b(g, out, a, b):
    """d(a @ b)/db · g = aᵀ @ g."""
    a = g._lift(a)
    if a.ndim == 1:
        return a.unsqueeze(-1) * g.unsqueeze(-2) if b.ndim > 1 else g * a
    if b.ndim == 1:
        return (a.swapaxes(-1, -2) @ g.unsqueeze(-1)).squeeze(-1)
    if a.ndim == 2 and _column_major(b):
        return (g.swapaxes(-1, -2) @ a).swapaxes(-1, -2)
    return a.swapaxes(-1, -2) @ g


def _column_major(x) -> bool:
    """Whether x is a 2-d operand stored column by column, as a transposed weight `W.T` is.

    Its gradient is then made column-major too (as (gᵀ a)ᵀ instead of aᵀ g: the same
    numbers), so that the transpose's own VJP hands W a row-major gradient. An in-place
    update of a row-major weight by a column-major gradient runs many times slower.
    """
    data = np.asarray(x)  # its layout, not its values
    return (
        isinstance(data, np.ndarray)
        and data.ndim == 2
        and data.flags.f_contiguous
        and not data.flags.c_contiguous
    )


@primitive(_matmul_vjp_a, _matmul_vjp_b, arity=2, reads=(("b",), ("a",)), dtype="promote", symbol="@")
def matmul(a, b):
    """a @ b"""
    try:
        return np.matmul(a, b)
    except ValueError:
        raise _shape_error(np.shape(a), np.shape(b)) from None


def _shape_error(a_shape, b_shape) -> ShapeError:
    """What is wrong with two operand shapes, in the engine's words rather than NumPy's gufunc ones."""
    if not a_shape or not b_shape:
        return ShapeError(f"{a_shape} @ {b_shape}: both operands need at least one dimension")
    inner_a, inner_b = a_shape[-1], b_shape[-2] if len(b_shape) > 1 else b_shape[0]
    if inner_a != inner_b:
        return ShapeError(f"{a_shape} @ {b_shape}: inner dimensions {inner_a} and {inner_b} differ")
    return ShapeError(f"{a_shape} @ {b_shape}: the batch dimensions do not broadcast")


def _linear_vjp_weight(g, out, x, weight, bias=None):
    """d(x Wᵀ + b)/dW · g = gᵀ x, summed over every leading (batch) axis."""
    x = g._lift(x)
    if x.ndim == 1:
        return g.unsqueeze(-1) * x
    if x.ndim > 2:  # fold the batch axes into one
        g, x = g.reshape(-1, g.shape[-1]), x.reshape(-1, x.shape[-1])
    return g.T @ x


@primitive(
    # bias=None: a call that leaves the bias out records only (x, weight).
    lambda g, out, x, weight, bias=None: g @ weight,
    _linear_vjp_weight,
    lambda g, out, x, weight, bias=None: g,  # the engine's sum_to adds it up over the batch
    arity=0,
    reads=(("weight",), ("x",)),
    dtype="promote",
)
def linear(x, weight, bias=None):
    """x Wᵀ + b, with W of shape (out, in): PyTorch's F.linear, a Linear layer as one op.

    One op instead of matmul, transpose and add: three forward and five backward ops
    fewer per layer, and the bias added in place into the fresh product saves one
    activation-sized array (benchmarks/PROFILE.md). The same bits as `x @ W.T + b`.
    """
    out = matmul.forward(x, weight.T)
    if bias is None:
        return out
    if isinstance(out, np.ndarray) and out.dtype == np.result_type(out, bias):
        out += bias
        return out
    return out + bias
