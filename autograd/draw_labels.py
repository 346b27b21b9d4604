"""How numbers, tensors and ops read in a graph picture: short, cheap, and the same on every run.

Everything here is plain string formatting over NumPy values; nothing calls
`np.array2string`, which is too slow for a picture of ten thousand nodes.
"""

from __future__ import annotations

import inspect
import math

import numpy as np

SHOWN_IN_FULL = 6
"""Arrays with at most this many elements are written out; bigger ones as min/mean/max."""

# Ops whose two tensor operands can be swapped without changing the result:
# only the others need their edges told apart ("a" and "b").
COMMUTATIVE = frozenset({"add", "mul", "maximum", "minimum"})

# How a binary op reads when one operand is a constant folded into its label.
_INFIX = {"add": "+", "sub": "−", "mul": "×", "div": "/", "pow": "**", "matmul": "@"}

_parameter_names: dict[str, tuple[tuple[str, object], ...]] = {}


def number(value) -> str:
    """One number: 4 decimals (as micrograd prints) for ordinary sizes, scientific otherwise."""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    value = float(value)
    if math.isnan(value) or math.isinf(value):
        return str(value)
    size = abs(value)
    if size == 0 or 1e-3 <= size < 1e5:
        return f"{value:.4f}"
    return f"{value:.3e}"


def _nested(values) -> str:
    """A (tiny) nested list of numbers, one row per line (a column stays on one line)."""
    if not isinstance(values, list):
        return number(values)
    if values and isinstance(values[0], list):
        rows = [_nested(row) for row in values]
        return "[" + (", " if all(len(row) <= 1 for row in values) else ",\n ").join(rows) + "]"
    return "[" + ", ".join(number(v) for v in values) + "]"


def values(array) -> str:
    """An array for a label: a scalar or tiny array in full, a bigger one as min/mean/max."""
    array = np.asarray(array)
    if array.size <= SHOWN_IN_FULL:
        return _nested(array.tolist()) if array.size else "empty"
    if array.dtype.kind == "b":
        return f"{int(np.count_nonzero(array))} of {array.size} True"
    return f"min {number(array.min())}  mean {number(array.mean())}  max {number(array.max())}"


def shape_and_dtype(array) -> str:
    """'scalar float32' or '(2, 3) float64'."""
    shape = np.shape(array)
    return f"{'scalar' if shape == () else shape} {np.asarray(array).dtype}"


def constant(value) -> str:
    """A constant operand or parameter, compactly: 2.0, [1, 2], array(3, 4)."""
    if isinstance(value, float):
        text = repr(value)
        return text if len(text) <= 8 else f"{value:.4g}"
    if isinstance(value, (np.ndarray, np.generic)):
        array = np.asarray(value)
        if array.ndim == 0:
            return constant(array.item())
        # An op's label is one short line: only a short vector is written out.
        if array.ndim == 1 and array.size <= 4:
            return _nested(array.tolist())
        return f"array{array.shape}"
    if isinstance(value, np.dtype):
        return str(value)
    if isinstance(value, type) and issubclass(value, np.generic):
        return np.dtype(value).name
    return repr(value)


def _index_part(part) -> str:
    if isinstance(part, slice):
        start = "" if part.start is None else str(part.start)
        stop = "" if part.stop is None else str(part.stop)
        return f"{start}:{stop}" + ("" if part.step is None else f":{part.step}")
    if part is Ellipsis:
        return "..."
    return constant(part)


def index(index) -> str:
    """A NumPy index as it was written: [:, 0], [1:3], [array(100,)]."""
    parts = index if isinstance(index, tuple) else (index,)
    return "[" + ", ".join(_index_part(p) for p in parts) + "]"


def _parameters(op) -> tuple[tuple[str, object], ...]:
    """(name, default) of each parameter after an op's operands, read once from its forward."""
    known = _parameter_names.get(op.name)
    if known is None:
        try:
            signature = inspect.signature(op.forward).parameters.values()
        except (TypeError, ValueError):  # a builtin without a signature
            signature = ()
        known = tuple((p.name, p.default) for p in list(signature)[op.arity :])
        _parameter_names[op.name] = known
    return known


def _same(a, b) -> bool:
    """a is b, or equal plain values; arrays never count as a default."""
    if a is b:
        return True
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return False
    try:
        return bool(a == b) and type(a) is type(b)
    except (TypeError, ValueError):
        return False


def op_label(op, inputs: tuple, tensor_type: type) -> str:
    """What an op node says: its name, its constant operand folded in, its parameters.

    'mul' with a tensor and 2.0 reads "mul\\n· × 2.0"; 'sum' over axis 1 reads
    "sum(axis=1)"; 'getitem' reads "getitem[:, 0]". A '·' stands for a tensor operand.
    """
    name = op.name
    if inputs is None:  # the graph was freed: only the op's name is left
        return name
    if op.label is not None:  # the op says how it reads (a custom Function)
        return op.label(inputs)
    if op.arity == 0:
        if name == "concatenate":
            return f"concatenate(axis={inputs[0]})"
        if name == "where":
            return "where(cond)"
        shown = [constant(x) for x in inputs if not isinstance(x, tensor_type)]
        return f"{name}({', '.join(shown)})" if shown else name
    operands, params = inputs[: op.arity], inputs[op.arity :]
    label = name
    if name == "getitem" and params:
        return name + index(params[0])
    if params:
        given = [
            f"{pname}={constant(value)}"
            for (pname, default), value in zip(_parameters(op), params)
            if not _same(value, default)
        ]
        if given:
            label = f"{name}({', '.join(given)})"
    if any(not isinstance(x, tensor_type) for x in operands):
        shown = ["·" if isinstance(x, tensor_type) else constant(x) for x in operands]
        if len(shown) == 2 and name in _INFIX:
            label += f"\n{shown[0]} {_INFIX[name]} {shown[1]}"
        else:
            label += f"\n{name}({', '.join(shown)})"
    elif op.arity == 2 and name not in COMMUTATIVE:
        label += f"\na {_INFIX.get(name, ',')} b" if name in _INFIX else "\n(a, b)"
    return label


def quote(text: str) -> str:
    """A DOT string literal: backslashes and quotes escaped, newlines as centred line breaks."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
