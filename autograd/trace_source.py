"""A recorded call written out as Python: one line per array operation, in the order they ran.

The program reads like the math: `relu1 = np.maximum(linear1, 0)  # layers.1 (ReLU)`
in forward, `grad_layers_0_weight = matmul(transpose3, x)` in backward, `layers_0_weight[...] =
sub2` in the update. Each op runs its own forward (the NumPy code it runs eagerly), written
out where it is one expression, so what the source says is exactly what runs:
`Program.compile()` executes this source.
"""

from __future__ import annotations

import ast
import functools
import inspect
import keyword
import math
import re
import textwrap

import numpy as np

from ._tensor import Tensor
from .random import default_generator
from .recording import Recorder

# On 0-d arrays NumPy's ufuncs hand back scalars, and a replay keeps them (eager wraps each
# in a 0-d array again). That changes no bit, except for `**`: NumPy raises two scalars to a
# power with C's pow(), and arrays with its own vectorised loop, which can differ in the last
# bit. So the operands of these ops are made arrays again before the call.
_NEEDS_ARRAYS = {"pow"}

# SPEED PATH: a 0-d argument that the program only reads is taken as a NumPy scalar
# (`a = a_in._data[()]`), whose arithmetic costs less than a 0-d array's; the values an op
# makes from it are scalars in a replay anyway. Same bits (the `**` of _NEEDS_ARRAYS aside,
# which gets arrays). Measured by `python -m benchmarks.speed_paths`: 8.5% on the scalar
# graph's replay; tests/test_trace.py compares both programs bit for bit.
SCALAR_INPUTS = True

_PHASES = {"forward": "# forward", "backward": "# backward", "update": "# update"}


def _identifier(name: str) -> str:
    name = re.sub(r"\W+", "_", name).strip("_") or "v"
    if name[0].isdigit():
        name = "t" + name
    return name + "_" if keyword.iskeyword(name) else name


@functools.cache
def _one_line(forward) -> tuple[list[str], ast.expr] | None:
    """A forward whose body is `return <expression>` of its parameters (and np): that expression.

    Such forwards are written out in the program (`a + b`, not `add(a, b)`), so it reads
    as NumPy; anything longer is called by the op's name.
    """
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(forward))).body[0]
    except (OSError, TypeError, SyntaxError, IndexError):
        return None
    if not isinstance(tree, ast.FunctionDef) or tree.args.vararg or tree.args.kwonlyargs:
        return None
    body = [s for s in tree.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    if len(body) != 1 or not isinstance(body[0], ast.Return) or body[0].value is None:
        return None
    params = [a.arg for a in tree.args.args]
    names = {n.id for n in ast.walk(body[0].value) if isinstance(n, ast.Name)}
    return (params, body[0].value) if names <= {*params, "np"} else None


class _Substitute(ast.NodeTransformer):
    def __init__(self, values: dict[str, ast.expr]):
        self.values = values

    def visit_Name(self, node: ast.Name):
        return self.values.get(node.id, node)


def _inline(forward, args: list[str]) -> str | None:
    template = _one_line(forward)
    if template is None or len(template[0]) != len(args):
        return None
    params, expression = template
    values = {p: ast.parse(a, mode="eval").body for p, a in zip(params, args)}
    return ast.unparse(_Substitute(values).visit(ast.parse(ast.unparse(expression), mode="eval")).body)


class _Writer:
    """Turns a Recorder's entries into source lines and the namespace they run in."""

    def __init__(self, rec: Recorder, arg_names: list[str]):
        self.rec = rec
        self.namespace: dict = {
            "np": np, "lift": Tensor._lift, "asarray": np.asarray, "copyto": np.copyto,
            "default_generator": default_generator,
        }  # fmt: skip
        self.namespace.update({"inf": math.inf, "nan": math.nan})
        self.names: list[str] = []
        self._taken = set(self.namespace)
        self._objects: dict[int, str] = {}
        for entry in rec.entries:  # each op is called by its own name
            if entry[0] == "op":
                self.bind(entry[2].forward, entry[2].name)
        for raw in rec.names:
            self.names.append(self._unique(_identifier(raw)))
        self.arg_names = [self._unique(_identifier(n) + "_in") for n in arg_names]
        # A write into a variable that nothing else sees (not an argument, an external or a
        # view) rebinds the name instead: `c = t` is what `c[...] = t` means for it.
        inputs = {v for v, _ in rec.inputs}
        writes = [entry for entry in rec.entries if entry[0] == "write"]
        targets = {entry[1] for entry in writes}
        self.rebound = {
            target
            for _, target, src, fast, *_ in writes
            if fast
            and target not in inputs
            and target not in rec.externals
            and target not in rec.aliased
            and src not in rec.aliased
        }
        self.rebound -= {entry[1] for entry in writes if entry[1] in self.rebound and not entry[3]}
        self.arrays_needed = (targets - self.rebound) & rec.scalars

        self.scalar_inputs = {  # see SCALAR_INPUTS
            v
            for v in inputs
            if SCALAR_INPUTS and v in rec.zero_d and v not in targets and v not in rec.aliased
        }

    def _unique(self, name: str) -> str:
        base, k = name, 1
        while name in self._taken:
            k += 1
            name = f"{base}_{k}"
        self._taken.add(name)
        return name

    def bind(self, value, hint: str) -> str:
        """A name in the namespace for an object the program uses (an op, an array, a tensor)."""
        name = self._objects.get(id(value))
        if name is None:
            name = self._objects[id(value)] = self._unique(_identifier(hint))
            self.namespace[name] = value
        return name

    def constant(self, x) -> str:
        if x is None or isinstance(x, (bool, str)) or x is Ellipsis:
            return repr(x) if x is not Ellipsis else "..."
        if type(x) is int:
            return repr(x)
        if type(x) is float:
            if math.isfinite(x):
                return repr(x)
            return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
        if type(x) is slice:
            return f"slice({self.constant(x.start)}, {self.constant(x.stop)}, {self.constant(x.step)})"
        if isinstance(x, np.dtype):
            return self.bind(x, str(x))
        if isinstance(x, type):
            return self.bind(x, x.__name__ + "_class")
        return self.bind(x, "k")

    def arg(self, token) -> str:
        kind, value = token
        if kind == "var":
            return self.names[value]
        if kind in ("tuple", "list"):
            parts = [self.arg(t) for t in value]
            if kind == "list":
                return "[" + ", ".join(parts) + "]"
            return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"
        return self.constant(value)

    def tensor(self, token) -> str:
        kind, value = token
        if kind == "input":
            return self.arg_names[value]
        return self.bind(value, self.rec.tensor_names.get(id(value), "leaf") + "_tensor")

    def line(self, entry) -> tuple[str, str]:
        """(code, comment) for one entry."""
        kind = entry[0]
        n = self.names
        where = entry[-1]
        if kind == "op":
            _, out, op, tokens, *_ = entry
            args = [self.arg(t) for t in tokens]
            if op.name in _NEEDS_ARRAYS:
                args = [
                    f"asarray({a})" if t[0] == "var" and t[1] in self.rec.zero_d else a
                    for a, t in zip(args, tokens)
                ]
            call = _inline(op.forward, args) or f"{self.bind(op.forward, op.name)}({', '.join(args)})"
            if out in self.arrays_needed:  # a 0-d result that is written into later: an array, not a scalar
                call = f"asarray({call})"
            return f"{n[out]} = {call}", where
        if kind == "cast":
            _, out, src, dtype, *_ = entry
            return f"{n[out]} = {n[src]}.astype({self.constant(dtype)})", "dtype promotion"
        if kind == "write":
            _, target, src, fast, *_ = entry
            if target in self.rebound:
                return f"{n[target]} = {n[src]}", "in place"
            if fast:
                return f"{n[target]}[...] = {n[src]}", "in place"
            return f'copyto({n[target]}, {n[src]}, casting="same_kind")', "in place"
        if kind == "copy":
            _, out, src, *_ = entry
            if src in self.rebound:  # the engine keeps the old value; a rebinding never changes it
                return f"{n[out]} = {n[src]}", "the value before the change"
            return f"{n[out]} = {n[src]}.copy()", ""
        if kind == "draw":
            _, out, gen, method, args, *_ = entry
            source = "default_generator()" if gen is None else self.bind(gen, "generator")
            arguments = [self.arg(t) for t in args]
            if callable(method):
                call = f"{self.bind(method, method.__name__)}({', '.join([*arguments, source])})"
            else:
                call = f"{source}.{method}({', '.join(arguments)})"
            return f"{n[out]} = {call}", "random draw"
        if kind == "load_grad":
            _, out, t, *_ = entry
            return f"{n[out]} = {self.tensor(t)}._grad._data", ""
        if kind == "set_grad":
            _, t, v, *_ = entry
            value = "None" if v is None else f"lift({n[v]})"
            return f"{self.tensor(t)}._grad = {value}", ".grad"
        raise AssertionError(kind)

    def result(self, spec) -> str:
        kind, value = spec
        if kind == "tensor":
            return f"lift({self.names[value]})"
        if kind in ("tuple", "list"):
            parts = [self.result(s) for s in value]
            if kind == "list":
                return "[" + ", ".join(parts) + "]"
            return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"
        if kind == "dict":
            return "{" + ", ".join(f"{self.constant(k)}: {self.result(s)}" for k, s in value) + "}"
        return self.constant(value)


# A straight-line function keeps every local until it returns, where eager frees an array as
# soon as the graph lets go of it. Arrays at least this big are deleted after their last use, so
# that a replay's peak memory is eager's (and big buffers are reused while they are warm).
FREE_AFTER_BYTES = 1 << 16


def _mentions(entry) -> list[int]:
    """The variables an entry reads or writes."""
    found: list[int] = []

    def visit(token):
        kind, value = token
        if kind == "var":
            found.append(value)
        elif kind in ("tuple", "list"):
            for t in value:
                visit(t)

    kind = entry[0]
    if kind == "op":
        found.append(entry[1])
        for t in entry[3]:
            visit(t)
    elif kind in ("cast", "copy", "write"):
        found += [entry[1], entry[2]]
    elif kind == "draw":
        found.append(entry[1])
        for t in entry[4]:
            visit(t)
    elif kind == "load_grad":
        found.append(entry[1])
    elif kind == "set_grad" and entry[2] is not None:
        found.append(entry[2])
    return found


def _frees(rec: Recorder) -> dict[int, list[int]]:
    """entry index -> the big variables to delete after it (those read or written last there)."""
    keep = set(rec.externals) | {v for v, _ in rec.inputs} | set(rec.result_vars)
    last: dict[int, int] = {}
    for i, entry in enumerate(rec.entries):
        for v in _mentions(entry):
            last[v] = i
    frees: dict[int, list[int]] = {}
    for v, i in last.items():
        if v not in keep and rec.sizes.get(v, 0) >= FREE_AFTER_BYTES:
            frees.setdefault(i, []).append(v)
    return frees


def write(rec: Recorder, arg_names: list[str], result_spec, name: str = "step") -> tuple[str, dict]:
    """The program's source, and the namespace (ops, external arrays, tensors) it runs in."""
    w = _Writer(rec, arg_names)
    for v, array in rec.externals.items():
        w.namespace[w.names[v]] = array
    body: list[tuple[str, str]] = []
    for v, token in rec.inputs:
        array = "" if token[1] in rec.array_inputs else "._data"
        scalar = "[()]" if v in w.scalar_inputs else ""
        if array or scalar:
            body.append((f"{w.names[v]} = {w.arg_names[token[1]]}{array}{scalar}", "input"))
        else:
            w.names[v] = w.arg_names[token[1]]  # an array argument is its own variable
    phase = None
    frees = _frees(rec)
    for i, entry in enumerate(rec.entries):
        if entry[-2] != phase:
            phase = entry[-2]
            body.append((_PHASES[phase], None))
        body.append(w.line(entry))
        gone = [w.names[v] for v in sorted(frees.get(i, ()))]
        if gone:
            body.append((f"del {', '.join(gone)}", "last use: free the memory"))
    if rec.bumps:
        body.append(("# versions of the tensors changed in place, as eager leaves them", None))
        for counter, count in rec.bumps.values():
            if isinstance(counter, tuple):  # an argument: its own counter, this call's
                body.append((f"{w.arg_names[counter[1]]}._shared_counter().value += {count}", ""))
            else:
                body.append((f"{w.bind(counter, 'version')}.value += {count}", ""))
    body.append((f"return {w.result(result_spec)}", ""))
    width = max(len(code) for code, comment in body if comment is not None)
    lines = [f"def {name}({', '.join(w.arg_names)}):"]
    for code, comment in body:
        if comment is None:
            lines.append(f"    {code}")
        else:
            lines.append(f"    {code:<{width}}  # {comment}" if comment else f"    {code}")
    return "\n".join(lines) + "\n", w.namespace
