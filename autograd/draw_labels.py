"""How numbers, tensors and ops read in a graph picture: short, cheap, and the same on every run.

Everything here is plain string formatting over NumPy values; nothing calls
`np.array2string`, which is too slow for a picture of ten thousand nodes.
"""

from __future__ import annotations

import inspect
import math
import string

import numpy as np

SHOWN_IN_FULL = 6
"""Arrays with at most this many elements are written out; bigger ones as min/mean/max."""

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


def _signature(op) -> tuple[tuple[str, object, bool], ...]:
    """(name, default, is *args) of each parameter of an op's forward, read once per op."""
    known = _parameter_names.get(op.name)
    if known is None:
        try:
            signature = inspect.signature(op.forward).parameters.values()
        except (TypeError, ValueError):  # a builtin without a signature
            signature = ()
        known = tuple((p.name, p.default, p.kind is inspect.Parameter.VAR_POSITIONAL) for p in signature)
        _parameter_names[op.name] = known
    return known


def _arguments(op, inputs: tuple) -> dict[str, object]:
    """The op's arguments by parameter name; a *args parameter gets the tuple of the rest."""
    named = {}
    for k, (name, _, rest) in enumerate(_signature(op)):
        if rest:
            named[name] = tuple(inputs[k:])
            break
        if k < len(inputs):
            named[name] = inputs[k]
    return named


def operand_names(op, inputs: tuple, tensor_type: type) -> list[str]:
    """What each tensor operand's edge says: nothing for one operand or a commutative op,
    else its parameter's name ("a", "b"; "x", "weight", "bias"), or its place in a *args ("0", "1")."""
    positions = [k for k, x in enumerate(inputs) if isinstance(x, tensor_type)]
    if len(positions) < 2 or op.commutative:
        return [""] * len(positions)
    signature = _signature(op)
    names = []
    for k in positions:
        rest = next((j for j, (_, _, is_rest) in enumerate(signature) if is_rest), None)
        if rest is not None and k >= rest:
            names.append(str(k - rest))
        else:
            names.append(signature[k][0] if k < len(signature) else str(k))
    return names


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


class _LabelFormatter(string.Formatter):
    """Fills an op's label template: `{index:index}` as an index, any other field compactly."""

    def format_field(self, value, format_spec: str) -> str:
        return index(value) if format_spec == "index" else constant(value)


_TEMPLATE = _LabelFormatter()


def op_label(op, inputs: tuple, tensor_type: type) -> str:
    """What an op node says: its name (or its own label), its constant operand folded in, its parameters.

    'mul' with a tensor and 2.0 reads "mul\\n· × 2.0"; 'sum' over axis 1 reads
    "sum(axis=1)"; 'getitem' (whose label is "getitem{index:index}") reads "getitem[:, 0]".
    A '·' stands for a tensor operand. Everything op-specific comes from the op itself
    (`symbol`, `commutative`, `label`), so a new op needs no change here.
    """
    name = op.name
    if inputs is None:  # the graph was freed: only the op's name is left
        return name
    if callable(op.label):  # an op made outside this package (an autograd.Function) says how it reads
        return op.label(inputs)
    if op.label is not None:
        label = _TEMPLATE.format(op.label, **_arguments(op, inputs))
        if op.arity == 0:
            return label
    elif op.arity == 0:
        shown = [constant(x) for x in inputs if not isinstance(x, tensor_type)]
        return f"{name}({', '.join(shown)})" if shown else name
    else:
        label = name
        params = inputs[op.arity :]
        if params:
            given = [
                f"{pname}={constant(value)}"
                for (pname, default, _), value in zip(_signature(op)[op.arity :], params)
                if not _same(value, default)
            ]
            if given:
                label = f"{name}({', '.join(given)})"
    operands = inputs[: op.arity]
    if any(not isinstance(x, tensor_type) for x in operands):
        shown = ["·" if isinstance(x, tensor_type) else constant(x) for x in operands]
        if len(shown) == 2 and op.symbol:
            label += f"\n{shown[0]} {op.symbol} {shown[1]}"
        else:
            label += f"\n{name}({', '.join(shown)})"
    elif op.arity == 2 and not op.commutative:
        first, second = (p for p, _, _ in _signature(op)[:2])
        label += f"\n{first} {op.symbol} {second}" if op.symbol else f"\n({first}, {second})"
    return label


def quote(text: str) -> str:
    """A DOT string literal: backslashes and quotes escaped, newlines as centred line breaks."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
