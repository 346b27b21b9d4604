"""Run one computation on readgrad and on PyTorch, and compare what comes out.

PyTorch is the oracle: every helper here takes the torch result as the expected one.
A computation is written once as `fn(L, *tensors)`, where `L` is `RG` or `TH` below:
`L.exp(x)` is `autograd.exp` or `torch.exp`, `L.F` is `nn.functional` or
`torch.nn.functional`, and `L.const(array)` makes a tensor that does not require grad.
Where the two APIs differ, the function branches on `L.is_torch`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import torch

import autograd
import nn.functional

# float64 throughout: differences of implementation (a max shift, a fused kernel) stay
# around 1e-15, far below these tolerances, while a wrong formula is far above them.
RTOL = 1e-7
ATOL = 1e-10


class Lib:
    """One side of a comparison: `L.name` is the module's `name`, `L.F` its functional API."""

    def __init__(self, name: str, module, functional, make: Callable, grad: Callable):
        self.name = name
        self.is_torch = module is torch
        self._module = module
        self.F = functional
        self._make = make
        self.grad = grad  # autograd.grad or torch.autograd.grad

    def __getattr__(self, name: str):
        return getattr(self._module, name)

    def const(self, array) -> object:
        """A tensor holding a copy of array (its dtype kept), not requiring grad."""
        return self._make(np.array(array))

    def leaf(self, array, requires_grad: bool = True) -> object:
        """A leaf tensor holding a copy of array (its dtype kept)."""
        t = self._make(np.array(array))
        if requires_grad:
            t.requires_grad_(True)
        return t

    def __repr__(self) -> str:
        return self.name


RG = Lib("readgrad", autograd, nn.functional, lambda a: autograd.Tensor(a), autograd.grad)
TH = Lib("torch", torch, torch.nn.functional, lambda a: torch.from_numpy(a), torch.autograd.grad)
LIBS = (RG, TH)


# -- reading results ------------------------------------------------------------


def is_torch(t) -> bool:
    return isinstance(t, torch.Tensor)


def dtype_name(t) -> str:
    """'float32', 'int64', 'bool', ... for a readgrad Tensor, a torch tensor or a NumPy dtype."""
    if is_torch(t):
        return str(t.dtype).removeprefix("torch.")
    if isinstance(t, torch.dtype):
        return str(t).removeprefix("torch.")
    if isinstance(t, autograd.Tensor):
        return np.dtype(t.dtype).name
    return np.dtype(t).name


def values(t) -> np.ndarray:
    """A copy of the tensor's values as an ndarray (never sharing memory with the tensor)."""
    if is_torch(t):
        return t.detach().cpu().numpy().copy()
    return np.array(t.detach().numpy(), copy=True)


def shape_of(t) -> tuple[int, ...]:
    return tuple(t.shape)


# -- comparing -------------------------------------------------------------------


def assert_same_dtype(rg, th, what: str = "dtype") -> None:
    assert dtype_name(rg) == dtype_name(th), f"{what}: readgrad {dtype_name(rg)}, torch {dtype_name(th)}"


def assert_values_match(rg, th, what: str = "value", rtol: float = RTOL, atol: float = ATOL) -> None:
    """Same shape and the same values (NaN where torch has NaN, ±inf where it has ±inf)."""
    assert rg is not None, f"{what}: readgrad gives None, torch a tensor of shape {shape_of(th)}"
    assert shape_of(rg) == shape_of(th), f"{what}: readgrad shape {shape_of(rg)}, torch {shape_of(th)}"
    a, b = values(rg), values(th)
    if b.dtype.kind in "biu":
        np.testing.assert_array_equal(a, b, err_msg=f"{what} differs", strict=False)
    else:
        np.testing.assert_allclose(
            a.astype(np.float64), b.astype(np.float64), rtol=rtol, atol=atol, equal_nan=True,
            err_msg=f"{what} differs (readgrad = actual, torch = desired)",
        )  # fmt: skip


def assert_grad_matches(rg_leaf, th_leaf, what: str = "grad", rtol: float = RTOL, atol: float = ATOL) -> None:
    """The leaves' .grad agree: both None, or the same shape, dtype and values."""
    rg_grad, th_grad = rg_leaf.grad, th_leaf.grad
    if th_grad is None:
        assert rg_grad is None, f"{what}: torch gives None, readgrad {values(rg_grad)!r}"
        return
    assert rg_grad is not None, f"{what}: readgrad gives None, torch {values(th_grad)!r}"
    assert_values_match(rg_grad, th_grad, what, rtol, atol)
    assert_same_dtype(rg_grad, th_grad, f"{what} dtype")


def seed_gradient(shape: Sequence[int], dtype=np.float64) -> np.ndarray:
    """The gradient backward starts from: distinct weights in [0.5, 1.5], the same on both sides.

    Unequal weights make a gradient routed to the wrong element show up, where a plain
    .sum() (all ones) would hide it.
    """
    n = int(np.prod(shape))
    return np.linspace(0.5, 1.5, n).reshape(shape).astype(dtype) if n > 1 else np.ones(shape, dtype)


def backward_both(rg_out, th_out) -> None:
    """out.backward(G) on both sides, G from seed_gradient (of torch's output dtype)."""
    g = seed_gradient(shape_of(th_out), values(th_out).dtype)
    for out in (th_out, rg_out):
        out.backward(torch.from_numpy(g.copy()) if is_torch(out) else autograd.Tensor(g.copy()))


def run_both(fn: Callable, arrays: Sequence, requires_grad: Sequence[bool] | None = None):
    """fn(L, *leaves) on both sides; float arrays become leaves that require grad unless told.

    Returns ((rg_out, rg_leaves), (th_out, th_leaves)).
    """
    arrays = [np.asarray(a) for a in arrays]
    if requires_grad is None:
        requires_grad = [a.dtype.kind == "f" for a in arrays]
    results = []
    for L in LIBS:
        leaves = [L.leaf(a, r) for a, r in zip(arrays, requires_grad)]
        results.append((fn(L, *leaves), leaves))
    return tuple(results)


def check_parity(fn: Callable, arrays: Sequence, requires_grad: Sequence[bool] | None = None,
                 rtol: float = RTOL, atol: float = ATOL) -> None:  # fmt: skip
    """fn gives torch's value, dtype, requires_grad and, after backward, torch's leaf gradients."""
    (rg_out, rg_leaves), (th_out, th_leaves) = run_both(fn, arrays, requires_grad)
    assert_values_match(rg_out, th_out, "value", rtol, atol)
    assert_same_dtype(rg_out, th_out)
    assert bool(rg_out.requires_grad) == bool(th_out.requires_grad), (
        f"requires_grad: readgrad {rg_out.requires_grad}, torch {th_out.requires_grad}"
    )
    if not th_out.requires_grad:
        return
    backward_both(rg_out, th_out)
    for i, (r, t) in enumerate(zip(rg_leaves, th_leaves)):
        assert_grad_matches(r, t, f"grad of input {i}", rtol, atol)
