"""Dtypes: the default float dtype, how data becomes an array, and PyTorch's promotion rules.

Dtype names are NumPy dtypes: `autograd.float32 float64 int64 bool`, and PyTorch's
aliases `float double long`.
"""

from __future__ import annotations

import numpy as np

float32 = np.dtype(np.float32)
float64 = double = np.dtype(np.float64)
float16 = half = np.dtype(np.float16)
int64 = long = np.dtype(np.int64)
int32 = np.dtype(np.int32)
int16 = short = np.dtype(np.int16)
int8 = np.dtype(np.int8)
uint8 = np.dtype(np.uint8)
bool_ = np.dtype(np.bool_)

_default = float32


def set_default_dtype(dtype) -> None:
    """Set the float dtype that Python floats, factories and layers create."""
    global _default
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"set_default_dtype: expected a floating dtype, got {dtype}")
    _default = dtype


def get_default_dtype() -> np.dtype:
    return _default


def as_dtype(dtype) -> np.dtype:
    """A dtype argument (NumPy's, a name, or Python's float/int/bool) as a NumPy dtype."""
    if dtype is float:
        return _default
    if dtype is int:
        return int64
    try:
        return np.dtype(dtype)
    except TypeError:
        raise TypeError(f"not a dtype: {dtype!r}") from None


def array_of(data, dtype: np.dtype | None = None) -> np.ndarray:
    """Python data as an array: floats become the default float dtype, ints int64, bools bool."""
    array = np.array(data)  # Python floats are read as float64: no precision is lost yet
    kind = array.dtype.kind
    if dtype is not None and kind in "fiub":
        return array.astype(dtype)
    if kind == "f" and array.dtype != _default:
        array = array.astype(_default)
    elif kind in "iu" and array.dtype != int64:
        array = array.astype(int64)
    elif kind not in "fiub":
        raise TypeError(
            f"Tensor: data must be numbers, nested lists of one shape, or an array; "
            f"got {type(data).__name__} that NumPy reads as dtype {array.dtype}"
        )
    return array


# -- promotion ----------------------------------------------------------------------
#
# PyTorch's rules, stated in its "type promotion" notes: every operand has a category
# (bool < integer < float) and a priority (tensors with dimensions, then 0-d tensors, then
# Python numbers). The result has the highest category present; its width comes from the
# operands of that category in the highest-priority group that has any. So a Python number
# (or a NumPy scalar, which we treat as one) never widens a float tensor, and an integer
# tensor meeting a float number gives the default float dtype.

_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2}


def _category_of_number(x) -> int:
    return 0 if isinstance(x, bool) else 1 if isinstance(x, int) else 2


def promote(operands) -> np.dtype:
    """The dtype of an arithmetic op on operands (arrays and Python numbers), by PyTorch's rules."""
    dimensioned, zero_dim, numbers = [], [], []
    for x in operands:
        if isinstance(x, np.ndarray):
            (dimensioned if x.ndim else zero_dim).append(x.dtype)
        elif isinstance(x, (bool, int, float)):
            numbers.append(_category_of_number(x))
    top = max([_CATEGORY[d.kind] for d in dimensioned + zero_dim] + numbers)
    for group in (dimensioned, zero_dim):
        widest = [d for d in group if _CATEGORY[d.kind] == top]
        if widest:
            return np.result_type(*widest)
    return (bool_, int64, _default)[top]


def is_plain(operands) -> bool:
    """Whether NumPy already gives PyTorch's dtype: every array of one dtype, numbers not above it.

    The common case (a float tensor with another of its dtype, or with a Python number)
    is decided here, in one pass, without building the groups that `promote` builds.
    """
    dtype = None
    masks = False  # bool arrays: below any other array's category, so NumPy and PyTorch agree
    number = -1  # the highest category among the Python numbers
    for x in operands:
        kind = type(x)
        if kind is np.ndarray:
            if x.dtype.kind == "b":
                masks = True
            elif dtype is None:
                dtype = x.dtype
            elif x.dtype != dtype:
                return False
        elif kind is float:
            number = 2
        elif kind is int and number < 1:
            number = 1
    if dtype is None:
        return not masks or number <= 0
    return number <= _CATEGORY[dtype.kind]


def ready(rule: str, arrays: list) -> list:
    """An op's arrays cast so that NumPy's result has PyTorch's dtype.

    `rule` is the op's: "float" (integer and bool operands become the default float dtype)
    or "promote" (every operand meets the dtype `promote` chooses).
    """
    if rule == "float":  # integers become the default float; then floats meet as in "promote"
        if any(_integral(a) for a in arrays):
            arrays = [a.astype(_default) if _integral(a) else a for a in arrays]
    if is_plain(arrays):
        return arrays
    target = promote(arrays)
    if any(isinstance(a, np.ndarray) and a.dtype == target for a in arrays):
        # NumPy computes in the target dtype already; cast only what would widen it (a bool mask would not).
        return [a.astype(target) if _widens(a, target) else a for a in arrays]
    return [a.astype(target) if isinstance(a, np.ndarray) and a.dtype != target else a for a in arrays]


def _integral(a) -> bool:
    return isinstance(a, np.ndarray) and a.dtype.kind in "biu"


def _widens(a, target: np.dtype) -> bool:
    return isinstance(a, np.ndarray) and np.result_type(a.dtype, target) != target
