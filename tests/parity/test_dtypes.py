"""Result dtypes against PyTorch: construction, promotion between tensors and with numbers.

PyTorch's rules, which are the contract:
- Python floats make the default float dtype (float32), ints int64, bools bool; NumPy arrays
  and NumPy scalars keep their dtype.
- Two tensors of one kind: the wider wins. An int or bool tensor with a float tensor: the
  float tensor's dtype.
- A Python number or a NumPy scalar never changes a tensor's dtype within its kind
  (float32 * np.float64(2.0) is float32); an int or bool tensor with a float number gives the
  default float dtype. A 0-d tensor does not widen a dimensioned tensor of its kind.
- True division of ints, and float functions of ints, give float32.

Each case is `fn(L)` returning a tensor; the dtype (by name) and the values must match.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import autograd

from .compare import RG, TH, assert_same_dtype, assert_values_match, dtype_name

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

TORCH_DTYPES = {
    np.dtype(n): getattr(torch, n)
    for n in ("float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool")
}


def new(L, data, dtype=None):
    """The Tensor constructor: autograd.Tensor(data, dtype=) or torch.tensor(data, dtype=)."""
    if L.is_torch:
        return torch.tensor(data, dtype=None if dtype is None else TORCH_DTYPES[np.dtype(dtype)])
    return autograd.Tensor(data, dtype=dtype)


def t(L, values, dtype):
    """A constant tensor of the given NumPy dtype on either side."""
    return L.const(np.array(values, dtype=dtype))


f16, f32, f64 = np.float16, np.float32, np.float64
i8, i32, i64, u8, b = np.int8, np.int32, np.int64, np.uint8, np.bool_

CASES: dict[str, object] = {
    # construction
    "ctor-python-float-is-float32": lambda L: new(L, 1.5),
    "ctor-python-int-is-int64": lambda L: new(L, 3),
    "ctor-python-bool-is-bool": lambda L: new(L, True),
    "ctor-float-list-is-float32": lambda L: new(L, [1.0, 2.0]),
    "ctor-mixed-int-float-list-is-float32": lambda L: new(L, [1, 2.5]),
    "ctor-int-list-is-int64": lambda L: new(L, [[1, 2], [3, 4]]),
    "ctor-bool-list-is-bool": lambda L: new(L, [[True, False]]),
    "ctor-numpy-float64-array-kept": lambda L: new(L, np.ones(2, f64)),
    "ctor-numpy-float16-array-kept": lambda L: new(L, np.ones(2, f16)),
    "ctor-numpy-int32-array-kept": lambda L: new(L, np.ones(2, i32)),
    "ctor-numpy-uint8-array-kept": lambda L: new(L, np.ones(2, u8)),
    "ctor-numpy-float64-scalar-kept": lambda L: new(L, np.float64(2.0)),
    "ctor-numpy-int32-scalar-kept": lambda L: new(L, np.int32(2)),
    "ctor-dtype-keyword-float64-from-ints": lambda L: new(L, [1, 2], dtype=f64),
    "ctor-dtype-keyword-int32-from-array": lambda L: new(L, np.ones(2, f64), dtype=i32),
    "tensor-function-python-float-is-float32": lambda L: L.tensor(1.5),
    "tensor-function-int-list-is-int64": lambda L: L.tensor([1, 2]),
    "tensor-function-numpy-array-kept": lambda L: L.tensor(np.ones(2, f64)),
    # tensor with tensor
    "float32-plus-float64-is-float64": lambda L: t(L, [1.0], f32) + t(L, [2.0], f64),
    "float64-times-float32-is-float64": lambda L: t(L, [1.0], f64) * t(L, [2.0], f32),
    "float16-plus-float32-is-float32": lambda L: t(L, [1.0], f16) + t(L, [2.0], f32),
    "int32-plus-int64-is-int64": lambda L: t(L, [1], i32) + t(L, [2], i64),
    "int64-plus-float32-is-float32": lambda L: t(L, [1], i64) + t(L, [2.0], f32),
    "int32-times-float16-is-float16": lambda L: t(L, [3], i32) * t(L, [2.0], f16),
    "bool-plus-float32-is-float32": lambda L: t(L, [True], b) + t(L, [2.0], f32),
    "bool-plus-int32-is-int32": lambda L: t(L, [True], b) + t(L, [2], i32),
    "int8-plus-uint8-is-int16": lambda L: t(L, [1], i8) + t(L, [2], u8),
    "zero-dim-float64-plus-float32-vector-is-float32": lambda L: t(L, 2.0, f64) + t(L, [1.0, 2.0], f32),
    "zero-dim-float64-sum-times-float32-vector-is-float32": lambda L: (
        t(L, [2.0], f64).sum() * t(L, [1.0], f32)
    ),
    "zero-dim-float-plus-int-vector-is-float32": lambda L: t(L, 2.0, f64) + t(L, [1, 2], i64),
    "zero-dim-float64-plus-zero-dim-float32-is-float64": lambda L: t(L, 2.0, f64) + t(L, 1.0, f32),
    # tensor with a Python number
    "float32-times-python-float-is-float32": lambda L: t(L, [1.0], f32) * 2.5,
    "float32-plus-python-int-is-float32": lambda L: t(L, [1.0], f32) + 2,
    "float16-times-python-float-is-float16": lambda L: t(L, [1.0], f16) * 2.5,
    "python-float-minus-float32-is-float32": lambda L: 1.0 - t(L, [1.0], f32),
    "int64-times-python-int-is-int64": lambda L: t(L, [3], i64) * 2,
    "int32-plus-python-int-is-int32": lambda L: t(L, [3], i32) + 2,
    "int64-times-python-float-is-float32": lambda L: t(L, [3], i64) * 2.5,
    "int32-plus-python-float-is-float32": lambda L: t(L, [3], i32) + 0.5,
    "python-float-times-int64-is-float32": lambda L: 0.5 * t(L, [3], i64),
    "bool-times-python-int-is-int64": lambda L: t(L, [True, False], b) * 2,
    "bool-times-python-float-is-float32": lambda L: t(L, [True, False], b) * 2.5,
    "float32-plus-python-bool-is-float32": lambda L: t(L, [1.0], f32) + True,
    # tensor with a NumPy scalar: like a Python number
    "float32-times-numpy-float64-is-float32": lambda L: t(L, [1.0], f32) * np.float64(2.0),
    "numpy-float64-times-float32-is-float32": lambda L: np.float64(2.0) * t(L, [1.0], f32),
    "float32-plus-numpy-int64-is-float32": lambda L: t(L, [1.0], f32) + np.int64(3),
    "float16-times-numpy-float64-is-float16": lambda L: t(L, [1.0], f16) * np.float64(2.0),
    "int64-times-numpy-float64-is-float32": lambda L: t(L, [3], i64) * np.float64(2.0),
    "numpy-float64-plus-int32-is-float32": lambda L: np.float64(2.0) + t(L, [3], i32),
    "int32-times-numpy-int64-is-int32": lambda L: t(L, [3], i32) * np.int64(3),
    "float32-divided-by-numpy-float64-is-float32": lambda L: t(L, [1.0], f32) / np.float64(3.0),
    "float32-pow-numpy-float64-is-float32": lambda L: t(L, [2.0], f32) ** np.float64(2.0),
    # division and powers
    "int64-divided-by-int64-is-float32": lambda L: t(L, [3], i64) / t(L, [2], i64),
    "int64-divided-by-python-int-is-float32": lambda L: t(L, [3], i64) / 2,
    "int32-divided-by-python-int-is-float32": lambda L: t(L, [3], i32) / 2,
    "python-int-divided-by-int64-is-float32": lambda L: 1 / t(L, [4], i64),
    "bool-divided-by-bool-is-float32": lambda L: t(L, [True], b) / t(L, [True], b),
    "float64-divided-by-int64-is-float64": lambda L: t(L, [3.0], f64) / t(L, [2], i64),
    "int64-pow-python-int-is-int64": lambda L: t(L, [3], i64) ** 2,
    "int64-pow-python-float-is-float32": lambda L: t(L, [3], i64) ** 2.0,
    "python-float-pow-int64-is-float32": lambda L: 2.0 ** t(L, [3], i64),
    "python-int-pow-int64-is-int64": lambda L: 2 ** t(L, [3], i64),
    "int64-pow-float32-is-float32": lambda L: t(L, [3], i64) ** t(L, [0.5], f32),
    "float32-pow-float64-is-float64": lambda L: t(L, [3.0], f32) ** t(L, [0.5], f64),
    "int64-matmul-int64-is-int64": lambda L: t(L, [[1, 2]], i64) @ t(L, [[3], [4]], i64),
    # float functions of ints and bools
    **{
        f"{fn}-of-{name}-is-float32": (lambda L, fn=fn, dt=dt: getattr(L, fn)(t(L, [1, 2], dt)))
        for fn in ("exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid")
        for name, dt in (("int64", i64), ("int32", i32), ("bool", b))
    },
    "exp-of-float16-is-float16": lambda L: t(L, [1.0], f16).exp(),
    "abs-of-int32-is-int32": lambda L: t(L, [-1, 2], i32).abs(),
    "neg-of-int32-is-int32": lambda L: -t(L, [-1, 2], i32),
    "relu-of-int64-is-int64": lambda L: t(L, [-1, 2], i64).relu(),
    # comparisons
    "int64-less-than-float32-is-bool": lambda L: t(L, [1], i64) < t(L, [1.5], f32),
    "float32-equals-python-float-is-bool": lambda L: t(L, [1.0], f32) == 1.0,
    # maximum, minimum, where, clamp
    "maximum-int64-float32-is-float32": lambda L: L.maximum(t(L, [1], i64), t(L, [0.5], f32)),
    "maximum-float32-float64-is-float64": lambda L: L.maximum(t(L, [1.0], f32), t(L, [0.5], f64)),
    "minimum-int32-int64-is-int64": lambda L: L.minimum(t(L, [1], i32), t(L, [0], i64)),
    "where-int64-float32-is-float32": lambda L: L.where(
        t(L, [True, False], b), t(L, [1, 2], i64), t(L, [0.5, 1.5], f32)
    ),
    "where-float32-python-float-is-float32": lambda L: L.where(
        t(L, [True, False], b), t(L, [1.0, 2.0], f32), 0.0
    ),
    "where-int64-python-float-is-float32": lambda L: L.where(t(L, [True, False], b), t(L, [1, 2], i64), 1.5),
    "where-float16-python-int-is-float16": lambda L: L.where(
        t(L, [True, False], b), t(L, [1.0, 2.0], f16), 2
    ),
    "where-float32-float64-is-float64": lambda L: L.where(
        t(L, [True, False], b), t(L, [1.0, 2.0], f32), t(L, [0.0, 0.0], f64)
    ),
    "clamp-int64-float-bounds-is-float32": lambda L: L.clamp(t(L, [1, 2, 3], i64), 0.5, 2.5),
    "clamp-int64-int-bounds-is-int64": lambda L: L.clamp(t(L, [1, 2, 3], i64), 0, 2),
    "clamp-float32-numpy-float64-bounds-is-float32": lambda L: L.clamp(
        t(L, [1.0, 2.0], f32), np.float64(0.0), np.float64(1.5)
    ),
    # reductions
    "sum-of-int32-is-int64": lambda L: t(L, [1, 2], i32).sum(),
    "sum-of-bool-is-int64": lambda L: t(L, [True, True], b).sum(),
    "sum-of-float32-is-float32": lambda L: t(L, [1.0, 2.0], f32).sum(),
    "mean-of-float32-is-float32": lambda L: t(L, [1.0, 2.0], f32).mean(),
    "var-of-float32-is-float32": lambda L: t(L, [1.0, 2.0, 4.0], f32).var(),
    "max-of-int32-is-int32": lambda L: t(L, [1, 5], i32).max(),
    "argmax-is-int64": lambda L: t(L, [1.0, 5.0], f32).argmax(),
    "logsumexp-of-int64-is-float32": lambda L: t(L, [1, 2], i64).logsumexp(dim=0),
    "softmax-of-float32-is-float32": lambda L: t(L, [1.0, 2.0], f32).softmax(dim=0),
    # joining
    "cat-float32-float64-is-float64": lambda L: L.cat([t(L, [1.0], f32), t(L, [2.0], f64)]),
    "cat-int64-float32-is-float32": lambda L: L.cat([t(L, [1], i64), t(L, [2.0], f32)]),
    "cat-bool-int32-is-int32": lambda L: L.cat([t(L, [True], b), t(L, [2], i32)]),
    "stack-int64-float32-is-float32": lambda L: L.stack([t(L, [1], i64), t(L, [2.0], f32)]),
    # conversions
    "double-is-float64": lambda L: t(L, [1.0], f32).double(),
    "float-is-float32": lambda L: t(L, [1], i64).float(),
    "to-float64": lambda L: t(L, [1.0], f32).to(torch.float64 if L.is_torch else np.float64),
    # losses keep the logits' dtype
    "mse-loss-of-float32-is-float32": lambda L: L.F.mse_loss(t(L, [1.0, 2.0], f32), t(L, [0.0, 1.0], f32)),
    "cross-entropy-of-float32-is-float32": lambda L: L.F.cross_entropy(
        t(L, [[1.0, 2.0]], f32), t(L, [1], i64)
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_result_dtype_matches_torch(name):
    fn = CASES[name]
    th = fn(TH)
    rg = fn(RG)
    assert_same_dtype(rg, th)
    assert_values_match(rg, th, rtol=1e-3 if dtype_name(th) == "float16" else 1e-6, atol=1e-6)


# -- gradients have their leaf's dtype ---------------------------------------------------


def _float32_leaf_grad_after(fn):
    grads = []
    for L in (RG, TH):
        x = L.leaf(np.array([1.0, 2.0, 3.0], dtype=np.float32))
        fn(L, x).sum().backward()
        grads.append(x.grad)
    return grads


@pytest.mark.parametrize(
    "name, fn",
    [
        ("times-float64-tensor", lambda L, x: x * L.const(np.array([1.0, 2.0, 3.0]))),
        ("plus-float64-0d-tensor", lambda L, x: x + L.const(np.array(0.5))),
        ("times-numpy-float64", lambda L, x: x * np.float64(3.0)),
        ("double", lambda L, x: x.double() * 2.0),
        ("where-float64-other", lambda L, x: L.where(x > 1.5, x, L.const(np.zeros(3)))),
        ("cat-with-float64", lambda L, x: L.cat([x, L.const(np.ones(2))])),
    ],
)
def test_grad_of_a_float32_leaf_is_float32(name, fn):
    rg, th = _float32_leaf_grad_after(fn)
    assert_same_dtype(rg, th, "grad dtype")
    assert_values_match(rg, th, "grad", rtol=1e-6)


def test_only_float_tensors_can_require_grad():
    with pytest.raises(RuntimeError):
        torch.tensor([1, 2]).requires_grad_(True)
    with pytest.raises((RuntimeError, TypeError)):
        autograd.Tensor([1, 2], requires_grad=True)
