"""What a trace records: every array a call makes or changes, in order, as a straight-line program.

While `autograd.trace` records a call, `modes.recorder` is a Recorder, and the few
places that touch arrays report to it: `apply` (every op, forward and backward alike,
in-place writes included), the engine (gradients arriving in `.grad`, and whether it
is running backward), the random draws, and the copies the engine makes of arrays.

Each array becomes a variable of the program. An array the call did not make is an
*external*: a parameter, an optimizer's state, a constant. The program reads
externals by reference, so a replay sees their values as they are then, and writes
into them in place, as the call itself did.
"""

from __future__ import annotations

import sys
import weakref
from pathlib import Path

import numpy as np

from .state import modes, module_path, scope_label

_PACKAGES = (str(Path(__file__).parent), str(Path(__file__).parent.parent / "nn"))


class TraceError(RuntimeError):
    """A call cannot be traced as written (it reads a value into Python, or keeps a tensor it made)."""


class Recorder:
    """The program of one call, built as the call runs.

    `entries` are tuples, one per step of the program (see `trace_source` for how each
    is written out): ("op", out, op, args), ("cast", out, src, dtype), ("write", target,
    src, fast), ("copy", out, src), ("draw", out, generator, method, args),
    ("load_grad", out, tensor), ("set_grad", tensor, var or None). Each also carries the
    phase (forward, backward, update) and the scope it ran in.
    """

    def __init__(self):
        self.entries: list[tuple] = []
        self.names: list[str] = []  # variable -> its name in the program
        self.inputs: list[tuple[int, object]] = []  # (variable, the argument's position token)
        self.externals: dict[int, np.ndarray] = {}  # variable -> the array it reads
        self.owners: list[tuple[weakref.ref, np.ndarray]] = []  # tensors seen holding an external
        self.grads_expected: dict[int, tuple[object, bool]] = {}  # id(tensor) -> (token, had a grad)
        self.grads_written: set[int] = set()  # id(tensor): .grad set by the call before any read
        # in-place writes into arguments and externals, by version counter: id -> [counter or the
        # argument's position token, how many]; a replay bumps the new argument's own counter
        self.bumps: dict[int, list] = {}
        self.watched: list[tuple[object, str, object]] = []  # (object, attribute, value) read
        self.generators: dict[int, object] = {}
        self.tensor_tokens: dict[int, object] = {}  # id(tensor) -> how the program names it
        self.tensor_names: dict[int, str] = {}  # id(tensor) -> the name of its variable
        self.kept: list = []  # at the end, the tensors the program names (those still alive)
        self.array_inputs: set[int] = set()  # positions of the arguments that are arrays, not Tensors
        self._known: dict[int, tuple[weakref.ref, int]] = {}  # id(array) -> (ref, variable)
        self._made: list[tuple[weakref.ref, int]] = []  # arrays the call made, to find the ones it keeps
        self._taken: dict[str, int] = {}
        self._named: set[int] = set()  # variables renamed after their tensor's name
        self.result_vars: list[int] = []  # the variables the call returns (set at its end)
        self.backward_depth = 0
        self.depth = 0  # > 0 inside an op's forward: what it does there, a replay redoes by calling it
        self.seen_backward = False
        self.aliased: set[int] = set()  # variables that may share memory with another variable
        self.zero_d: set[int] = set()  # variables holding 0-d arrays
        self.sizes: dict[int, int] = {}  # variable -> bytes, for the arrays the call made
        self.scalars: set[int] = set()  # variables apply made 0-d arrays of NumPy's scalar results
        self.context = ""  # in backward: the op whose VJPs are running, for the program's comments

    # -- variables ---------------------------------------------------------------------

    def _new(self, name: str, numbered: bool = False) -> int:
        """A new variable: `name` (then name_2, ...), or with `numbered`, name1, name2, ..."""
        count = self._taken.get(name, 0) + 1
        self._taken[name] = count
        self.names.append(f"{name}{count}" if numbered else name if count == 1 else f"{name}_{count}")
        return len(self.names) - 1

    def made(self, array: np.ndarray, name: str, numbered: bool = True) -> int:
        """A new variable for an array the call made (named after the op that made it)."""
        v = self._new(name, numbered)
        self.sizes[v] = array.nbytes
        if array.ndim == 0:
            self.zero_d.add(v)
        ref = weakref.ref(array)
        self._known[id(array)] = (ref, v)
        self._made.append((ref, v))
        return v

    def var(self, array: np.ndarray, owner=None, name: str | None = None) -> int:
        """The variable of an array: one the call made, or else an external read by reference."""
        hit = self._known.get(id(array))
        if hit is not None and hit[0]() is array:
            return hit[1]
        v = self._new(name or _name_of(owner) or "const")
        self._known[id(array)] = (weakref.ref(array), v)
        self.externals[v] = array
        if owner is not None:
            self.owners.append((weakref.ref(owner), array))
        return v

    def input(self, array: np.ndarray, token, name: str) -> int:
        """A variable for an argument of the call: a replay reads the new argument's array."""
        v = self._new(name)
        if array.ndim == 0:
            self.zero_d.add(v)
        self._known[id(array)] = (weakref.ref(array), v)
        self.inputs.append((v, token))
        return v

    def token(self, x, owner=None):
        """How an argument appears in the program: a variable, a tuple of tokens, or a constant."""
        if isinstance(x, np.ndarray):
            name = _name_of(owner)
            if name and modes.scope:  # a module's parameter: named by its path, as state_dict does
                name = ".".join([*module_path(modes.scope)[0], name])
            v = self.var(x, owner, name)
            if name and v not in self.externals and v not in self._named:  # a name the user gave
                self._named.add(v)
                self.rename(v, name)
            return ("var", v)
        if type(x) is tuple or type(x) is list:
            return (type(x).__name__, [self.token(e) for e in x])
        if hasattr(type(x), "_traced_as"):  # an argument that stands for something else in a replay
            return ("const", x._traced_as())
        return ("const", x)

    @property
    def phase(self) -> str:
        if self.backward_depth:
            return "backward"
        if self.seen_backward and not modes.grad_enabled:
            return "update"
        return "forward"

    # -- what the engine reports -------------------------------------------------------

    def through(self, node) -> None:
        """Backward is about to run node's VJPs."""
        where = scope_label(node.scope)
        self.context = f"d {node.op.name}" + (f", {where}" if where else "")

    def applied(self, op, args: tuple, arrays: list, prepared: list, data, out, into) -> None:
        """apply ran op: its arguments (as given and as cast), its result, and where it went."""
        if self.depth:
            return
        phase = self.phase
        scope = self.context if phase == "backward" else scope_label(modes.scope)
        tokens = []
        for a, raw, ready in zip(args, arrays, prepared):
            owner = a if hasattr(a, "_data") else None
            token = self.token(raw, owner)
            if ready is not raw:  # cast by dtype promotion: that cast is a step of the program
                cast = self.made(ready, token_name(self, token))
                self.entries.append(("cast", cast, token[1], ready.dtype, phase, scope))
                token = ("var", cast)
            tokens.append(token)
        if into is None:
            array = out._data
            v = self.made(array, op.name)
            if array is not data:  # NumPy gave a scalar, and apply made it a 0-d array
                self.scalars.add(v)
            if op.view or array.base is not None:  # a view: writes to either show in the other
                self.aliased.add(v)
                self.aliased.update(t[1] for t in tokens if t[0] == "var")
            self.entries.append(("op", v, op, tokens, phase, scope))
            return
        target = self.var(into._data, into)
        result = self.made(data, op.name) if isinstance(data, np.ndarray) else self._new(op.name, True)
        self.entries.append(("op", result, op, tokens, phase, scope))
        # what `_write` does: a plain copy when the shapes and dtypes agree, else a checked cast
        fast = np.shape(data) == into._data.shape and np.result_type(data) == into._data.dtype
        self.entries.append(("write", target, result, fast, phase, scope))
        position = next((token for v, token in self.inputs if v == target), None)
        if position is not None:
            self.bumps.setdefault(id(position), [position, 0])[1] += 1
        elif target in self.externals:
            counter = into._shared_counter()
            self.bumps.setdefault(id(counter), [counter, 0])[1] += 1

    def copied(self, source: np.ndarray, copy: np.ndarray, owner=None) -> None:
        """The engine copied an array outside any op (to keep an old value, or to own a gradient)."""
        if self.depth:
            return
        src = self.var(source, owner)
        self.entries.append(("copy", self.made(copy, self.names[src] + "_old", False), src, self.phase, ""))

    def converted(self, source: np.ndarray, array: np.ndarray) -> None:
        """Tensor(array) copied an array (casting it to another dtype, perhaps)."""
        if self.depth:
            return
        src = self.var(source)
        v = self.made(array, self.names[src] + "_copy", False)
        if array.dtype == source.dtype:
            self.entries.append(("copy", v, src, self.phase, ""))
        else:
            self.entries.append(("cast", v, src, array.dtype, self.phase, "Tensor(...)"))

    def drew(self, array: np.ndarray, generator, method, args: tuple) -> None:
        """A random draw: the replay draws again, from the same generator, in the same order.

        `generator` is None for the default one; `method` a generator method's name, or a
        function of (*args, generator) whose array arguments are the call's variables.
        """
        if self.depth:
            return
        if generator is not None:
            self.generators.setdefault(id(generator), generator)
        tokens = [self.token(a) for a in args]
        v = self.made(array, "draw")
        self.entries.append(("draw", v, generator, method, tokens, self.phase, scope_label(modes.scope)))

    def _tensor_token(self, t):
        """How the program names tensor t, whose .grad it reads or sets: an argument, or the tensor."""
        token = self.tensor_tokens.get(id(t))
        if token is None or (token[0] == "tensor" and token[1]() is not t):
            # weakly held while recording: a tensor the call made may die in it
            token = self.tensor_tokens[id(t)] = ("tensor", weakref.ref(t))
        return token

    def finish(self) -> None:
        """At the end of the call: hold the tensors that outlive it, and forget effects on the rest."""
        alive = {}
        for key, token in list(self.tensor_tokens.items()):
            if token[0] == "tensor":
                t = token[1]()
                if t is None:
                    del self.tensor_tokens[key]
                else:
                    self.tensor_tokens[key] = ("tensor", t)
                    self.tensor_names[key] = self.name_of(t)
                    alive[key] = t
        self.entries = [
            e for e in self.entries
            if e[0] != "set_grad" or e[1][0] != "tensor" or e[1][1]() is not None
        ]  # fmt: skip
        self.entries = [_strong(e) for e in self.entries]
        expected = {}
        for key, (token, had_grad) in self.grads_expected.items():
            if token[0] == "tensor":
                t = token[1]() if isinstance(token[1], weakref.ref) else token[1]
                if t is None:  # a tensor the call made and dropped: nothing to check next time
                    continue
                token = ("tensor", t)
            expected[key] = (token, had_grad)
        self.grads_expected = expected
        self.kept = list(alive.values())

    def grad_read(self, t) -> None:
        """The call reads t.grad (the engine adding to it, or the user's code)."""
        if id(t) not in self.grads_written and id(t) not in self.grads_expected:
            self.grads_expected[id(t)] = (self._tensor_token(t), t._grad is not None)
        g = t._grad
        if g is None:
            return
        hit = self._known.get(id(g._data))
        if hit is not None and hit[0]() is g._data:
            return
        v = self.made(g._data, "grad_" + self.name_of(t), numbered=False)
        self.entries.append(("load_grad", v, self._tensor_token(t), self.phase, ""))

    def grad_set(self, t, g) -> None:
        """The call sets t.grad to g (a Tensor) or None."""
        if id(t) not in self.grads_expected:
            self.grads_written.add(id(t))
        v = None if g is None else self.var(g._data)
        inputs = {i for i, _ in self.inputs}
        if (
            v is not None
            and v not in self.externals
            and v not in inputs
            and not self.names[v].startswith("grad_")
        ):
            self.rename(v, "grad_" + self.name_of(t))
        self.entries.append(("set_grad", self._tensor_token(t), v, self.phase, ""))

    def gradient_of(self, x, g) -> None:
        """In backward, g is the gradient arriving at input x: name it after x."""
        hit = self._known.get(id(g._data))
        if hit is None or hit[0]() is not g._data or hit[1] in self.externals:  # (the seed keeps its name)
            return
        known = self._known.get(id(x._data))
        named = known is not None and known[0]() is x._data and known[1] in self._named
        if named or not self.names[hit[1]].startswith("grad_"):  # a name the user gave wins
            self.rename(hit[1], "grad_" + self.name_of(x))

    def rename(self, v: int, name: str) -> None:
        count = self._taken.get(name, 0) + 1
        self._taken[name] = count
        self.names[v] = name if count == 1 else f"{name}_{count}"

    def name_of(self, t) -> str:
        """What the program calls tensor t: its variable's name, or the tensor's own name."""
        hit = self._known.get(id(t._data))
        if hit is not None and hit[0]() is t._data:
            return self.names[hit[1]]
        return _name_of(t) or "leaf"

    def watch(self, obj, attribute: str) -> None:
        """The call's Python code read obj.attribute: a replay is valid only while it is unchanged."""
        value = getattr(obj, attribute)
        if not any(o is obj and a == attribute for o, a, _ in self.watched):
            self.watched.append((obj, attribute, value))

    # -- at the end of the call --------------------------------------------------------

    def kept_arrays(self, allowed: set[int]) -> list[int]:
        """Variables whose arrays outlive the call other than as its results or gradients."""
        return [v for ref, v in self._made if ref() is not None and id(ref()) not in allowed]


def _strong(entry: tuple) -> tuple:
    """An entry with its weakly held tensor token made strong (for the program to use)."""
    if entry[0] in ("set_grad", "load_grad"):
        token = entry[1] if entry[0] == "set_grad" else entry[2]
        if token[0] == "tensor" and isinstance(token[1], weakref.ref):
            strong = ("tensor", token[1]())
            return (
                (entry[0], strong, *entry[2:]) if entry[0] == "set_grad" else (*entry[:2], strong, *entry[3:])
            )
    return entry


def token_name(recorder: Recorder, token) -> str:
    return recorder.names[token[1]] if token[0] == "var" else "const"


def _name_of(t) -> str | None:
    name = getattr(t, "name", None)
    return str(name) if name else None


def refuse(what: str) -> TraceError:
    """The error for reading a tensor's value into Python while a trace records."""
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGES):
        frame = frame.f_back
    where = f" at {frame.f_code.co_filename}:{frame.f_lineno}" if frame is not None else ""
    return TraceError(
        f"{what}{where} reads a tensor's value into Python while autograd.trace records. A replay "
        "runs only the recorded array operations, so that value would be frozen at what it was "
        "now, or would steer Python code that a replay does not run. Keep values as tensors "
        "inside the traced function (return the loss and call .item() on the result outside)"
    )
