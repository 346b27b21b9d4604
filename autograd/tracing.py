"""autograd.trace(fn): record a call once, then replay it as straight-line NumPy.

    step = autograd.trace(train_step)   # train_step(x, y): forward, backward, optimizer step
    for x, y in batches:
        loss = step(x, y)
    print(step.source)                  # the step as the Python program that replays it

The first call for each signature (the shapes, dtypes and requires_grad of the
Tensor and array arguments, the other arguments' values, grad mode and the default
dtype) runs `fn` eagerly and records every array operation: forward, backward (VJPs
are ops), gradients into `.grad`, the optimizer's in-place updates and random draws.
Later calls with that signature run the recorded program on their arguments' arrays:
no Tensors, no graph, no Python of `fn`. The program reads and writes parameters and
optimizer state in their own arrays, so the model outside sees every update.

What a replay cannot see, a trace refuses or notices:
- reading a value into Python (`.item()`, `float()`, `bool()`, `.numpy()`, `.tolist()`)
  while recording is an error: it would freeze that value or the branch it chose;
- a call that keeps a tensor it made (say a new momentum buffer) is run eagerly and
  recorded again at the next call, when that state exists;
- a tensor whose array was replaced (`p.data = ...`), a `.grad` that was None when
  recorded and is set now (or the reverse), or a watched Python value that changed
  (an optimizer's hyperparameters, a module's train/eval mode) makes a new recording.
Everything else a replay takes as fixed: Python numbers and arrays the function
reads from anywhere but its arguments are constants of the record.
`trace(fn, check=True)` runs eager beside the first replays and raises at the first
bit that differs.
"""

from __future__ import annotations

import inspect

import numpy as np

from . import dtypes, numpy_errors, trace_source
from ._tensor import Tensor
from .random import default_generator
from .recording import Recorder, TraceError
from .state import modes

CHECKED_REPLAYS = 3  # with check=True, how many replays run beside eager
MAX_REFUSALS = 2  # calls in a row that kept a new tensor before a trace gives up, naming it


class TraceMismatch(AssertionError):
    """With check=True: a replay gave a different bit from eager."""


def _flatten(args: tuple, kwargs: dict) -> tuple[tuple, list]:
    """The signature of a call, and its Tensor and array arguments in order."""
    flat: list = []
    key: list = [modes.grad_enabled, dtypes.get_default_dtype()]
    for x in args:
        if type(x) is Tensor:  # the common case, first
            flat.append(x)
            data = x._data
            key.append((data.shape, data.dtype, x.requires_grad))
        else:
            key.append(_key_of(x, flat))
    if kwargs:
        key += [(k, _key_of(v, flat)) for k, v in sorted(kwargs.items())]
    ids = [id(x) for x in flat]
    if len(set(ids)) != len(ids):  # one tensor passed twice: a record of f(x, x) is not one of f(x, y)
        key.append(tuple(ids.index(i) for i in ids))
    return tuple(key), flat


def _key_of(x, flat: list):
    """What a signature holds for an argument: shape and dtype for tensors and arrays, else the value."""
    if isinstance(x, Tensor):
        flat.append(x)
        return (x.shape, x.dtype, x.requires_grad)
    if isinstance(x, np.ndarray):
        flat.append(x)
        return ("array", x.shape, x.dtype)
    if type(x) in (tuple, list):
        return (type(x).__name__, tuple(_key_of(e, flat) for e in x))
    try:
        hash(x)
        return ("value", type(x), x)
    except TypeError:
        return ("object", id(x))


class Program:
    """One recorded call: its source, the namespace it runs in, and when it is still valid."""

    def __init__(self, rec: Recorder, arg_names: list[str], result_spec, name: str):
        self._written = (rec, arg_names, result_spec)  # the source is written when first needed
        self._source, self._namespace = None, None
        self.owners = rec.owners
        self.grads_expected = list(rec.grads_expected.values())
        self.watched = rec.watched
        self.externals = list(rec.externals.values())
        self.tensors = [token[1] for token in rec.tensor_tokens.values() if token[0] == "tensor"]
        self.generators = [g for g in rec.generators.values()]
        self.counters = [counter for counter, _ in rec.bumps.values() if not isinstance(counter, tuple)]
        self.replays = 0
        self._function = None
        self._name = name

    @property
    def source(self) -> str:
        if self._source is None:
            self._source, self._namespace = trace_source.write(*self._written, self._name)
            self._written = None
        return self._source

    @property
    def namespace(self) -> dict:
        self.source  # noqa: B018  (writes it)
        return self._namespace

    def compile(self):
        """The recorded step as a Python function of the Tensor and array arguments."""
        if self._function is None:
            code = compile(self.source, f"<trace of {self._name}>", "exec")  # sets the namespace
            exec(code, self.namespace)
            self._function = self.namespace[self._name]
        return self._function

    def valid(self, flat: list) -> bool:
        for ref, array in self.owners:
            t = ref()
            if t is not None and t._data is not array:
                return False
        for (kind, t), had_grad in self.grads_expected:
            if kind == "input":
                t = flat[t]
            if (t._grad is not None) != had_grad:
                return False
        return all(getattr(obj, attribute) == value for obj, attribute, value in self.watched)

    def run(self, flat: list):
        function = self._function or self.compile()
        token = numpy_errors.state.set(numpy_errors.QUIET)
        try:
            return function(*flat)
        finally:
            numpy_errors.state.reset(token)
            self.replays += 1


class Traced:
    """A function that records itself on its first call per signature and replays after."""

    def __init__(self, fn, check: bool = False):
        if not callable(fn):
            raise TypeError(f"trace: expected a function, got {type(fn).__name__}")
        self.fn = fn
        self.check = bool(check)
        self.programs: dict[tuple, list[Program]] = {}
        self._last: Program | None = None
        self._refusals = 0
        self.__name__ = getattr(fn, "__name__", "step")
        self.__doc__ = getattr(fn, "__doc__", None)

    def __call__(self, *args, **kwargs):
        if modes.recorder is not None:  # inside another trace's recording: just a function
            return self.fn(*args, **kwargs)
        key, flat = _flatten(args, kwargs)
        for program in self.programs.get(key, ()):
            if program.valid(flat):
                self._last = program
                if self.check and program.replays < CHECKED_REPLAYS:
                    return _checked(self, program, flat, args, kwargs)
                return program.run(flat)
        return self._record(key, flat, args, kwargs)

    @property
    def source(self) -> str:
        """The most recently recorded or replayed step, as the Python that replays it."""
        if self._last is None:
            raise RuntimeError("trace: nothing recorded yet; call the traced function once first")
        return self._last.source

    def compile(self):
        """The most recent step's program as a Python function (what a replay runs)."""
        if self._last is None:
            raise RuntimeError("trace: nothing recorded yet; call the traced function once first")
        return self._last.compile()

    def __repr__(self) -> str:
        count = sum(len(p) for p in self.programs.values())
        return f"<traced {self.__name__}: {count} recorded signature{'s' * (count != 1)}>"

    def _record(self, key, flat: list, args: tuple, kwargs: dict):
        rec = Recorder()
        names = _argument_names(self.fn, args, kwargs, flat)
        for i, (x, name) in enumerate(zip(flat, names)):
            if isinstance(x, Tensor):
                rec.input(x._data, ("input", i), name)
                rec.tensor_tokens[id(x)] = ("input", i)
            else:
                rec.input(x, ("input", i), name)
                rec.array_inputs.add(i)
        modes.recorder = rec
        try:
            result = self.fn(*args, **kwargs)
        finally:
            modes.recorder = None
        rec.finish()
        spec = _result_spec(rec, result)
        allowed = _allowed(rec, result, flat)
        kept = rec.kept_arrays(allowed)
        if kept:
            self._refusals += 1
            if self._refusals > MAX_REFUSALS:
                raise TraceError(
                    f"trace: {self.__name__} keeps tensors it made ({', '.join(rec.names[v] for v in kept[:5])}) "
                    f"on each of {self._refusals} calls in a row, beyond its results and gradients. A replay cannot "
                    "make new state: keep state in tensors made before the call and change them in place"
                )
            return result  # made new state (an optimizer's first step, say): record again next call
        self._refusals = 0
        program = Program(rec, names, spec, _identifier_of(self.__name__))
        self.programs.setdefault(key, []).append(program)
        self._last = program
        return result


def trace(fn=None, *, check: bool = False):
    """Record fn's first call per signature and replay it after: `trace(fn)` or `@trace`."""
    if fn is None:
        return lambda f: Traced(f, check=check)
    return Traced(fn, check=check)


def _identifier_of(name: str) -> str:
    return trace_source._identifier(name if name != "<lambda>" else "step")


def _argument_names(fn, args: tuple, kwargs: dict, flat: list) -> list[str]:
    """A name per Tensor/array argument: the parameter's name where fn's signature gives one."""
    try:
        bound = inspect.signature(fn).bind(*args, **kwargs)
    except (TypeError, ValueError):
        return [f"arg{i}" for i in range(len(flat))]
    names = {}
    for pname, value in bound.arguments.items():
        values = value if isinstance(value, (tuple, list)) else [value]
        for k, v in enumerate(values):
            if isinstance(v, (Tensor, np.ndarray)):
                names[id(v)] = pname if len(values) == 1 else f"{pname}{k}"
    out, used = [], set()
    for i, x in enumerate(flat):
        name = names.get(id(x), f"arg{i}")
        if name in used:
            name = f"{name}{i}"
        used.add(name)
        out.append(name)
    return out


def _result_spec(rec: Recorder, result):
    if isinstance(result, Tensor):
        v = rec.var(result._data)
        rec.result_vars.append(v)
        return ("tensor", v)
    if type(result) in (tuple, list):
        return (type(result).__name__, [_result_spec(rec, r) for r in result])
    if type(result) is dict:
        return ("dict", [(k, _result_spec(rec, v)) for k, v in result.items()])
    if isinstance(result, np.ndarray):
        raise TraceError(
            "trace: the function returned a NumPy array; return Tensors (a replay rebuilds them)"
        )
    return ("const", result)


def _allowed(rec: Recorder, result, flat: list) -> set[int]:
    """Arrays a call may keep: its results and their graphs, its inputs, and the gradients it set."""
    allowed = {id(x._data if isinstance(x, Tensor) else x) for x in flat}
    for t in rec.kept:
        if t._grad is not None:
            allowed.add(id(t._grad._data))
    for x in flat:
        if isinstance(x, Tensor) and x._grad is not None:
            allowed.add(id(x._grad._data))
    stack = [result]
    seen: set[int] = set()
    while stack:
        x = stack.pop()
        if isinstance(x, Tensor):
            allowed.add(id(x._data))
            node = x._node
            if node is not None and id(node) not in seen:
                seen.add(id(node))
                stack.extend(a for a in node.inputs or () if isinstance(a, Tensor))
                if node.out is not None:
                    allowed.add(id(node.out[1]))
        elif type(x) in (tuple, list):
            stack.extend(x)
        elif type(x) is dict:
            stack.extend(x.values())
    return allowed


# -- check=True: replay and eager side by side ----------------------------------------------


def _tensors_of(program: Program, flat: list) -> list:
    """The tensors whose .grad a step may set: those the program names, and the Tensor arguments."""
    return program.tensors + [x for x in flat if isinstance(x, Tensor)]


def _snapshot(program: Program, flat: list) -> dict:
    tensors = _tensors_of(program, flat)
    return {
        "externals": [(a, a.copy()) for a in program.externals],
        "inputs": [(x, (x._data if isinstance(x, Tensor) else x).copy()) for x in flat],
        "grads": [(t, t._grad, None if t._grad is None else t._grad._data.copy()) for t in tensors],
        "generator": default_generator().bit_generator.state,
        "generators": [(g, g.bit_generator.state) for g in program.generators if g is not None],
        "counters": [(c, c.value) for c in program.counters]
        + [(x._shared_counter(), x._version) for x in flat if isinstance(x, Tensor)],
    }


def _restore(snapshot: dict) -> None:
    for array, copy in snapshot["externals"]:
        np.copyto(array, copy)
    for x, copy in snapshot["inputs"]:
        np.copyto(x._data if isinstance(x, Tensor) else x, copy)
    for t, grad, copy in snapshot["grads"]:
        t._grad = grad
        if grad is not None:
            np.copyto(grad._data, copy)
    default_generator().bit_generator.state = snapshot["generator"]
    for g, state in snapshot["generators"]:
        g.bit_generator.state = state
    for counter, value in snapshot["counters"]:
        counter.value = value


def _state(program: Program, flat: list, result) -> list[tuple[str, object]]:
    """Everything a step leaves behind, named: results, parameters and state, gradients."""
    items = [(f"result {i}", np.asarray(r._data)) for i, r in enumerate(_tensors_in(result))]
    items += [
        (f"argument {i}", np.asarray(x._data if isinstance(x, Tensor) else x)) for i, x in enumerate(flat)
    ]
    items += [(f"external array {_external_name(program, a)}", a) for a in program.externals]
    tensors = _tensors_of(program, flat)
    for t in tensors:
        label = f".grad of {getattr(t, 'name', None) or 'a tensor of shape ' + str(t.shape)}"
        items.append((label, None if t._grad is None else t._grad._data.copy()))
    return [(name, value.copy() if isinstance(value, np.ndarray) else value) for name, value in items]


def _external_name(program: Program, array: np.ndarray) -> str:
    for name, value in program.namespace.items():
        if value is array:
            return name
    return "?"


def _tensors_in(x) -> list:
    if isinstance(x, Tensor):
        return [x]
    if type(x) in (tuple, list):
        return [t for e in x for t in _tensors_in(e)]
    if type(x) is dict:
        return [t for e in x.values() for t in _tensors_in(e)]
    return []


def _same_bits(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


def _first_difference(r: np.ndarray, e: np.ndarray) -> tuple:
    """The index of the first element whose bits differ (arrays of one shape and dtype)."""
    rb = np.ascontiguousarray(r.reshape(-1)).view(np.uint8).reshape(r.size, -1)
    eb = np.ascontiguousarray(e.reshape(-1)).view(np.uint8).reshape(e.size, -1)
    flat = int(np.flatnonzero((rb != eb).any(axis=1))[0])
    return tuple(int(i) for i in np.unravel_index(flat, r.shape))


def _checked(traced: Traced, program: Program, flat: list, args: tuple, kwargs: dict):
    """Replay, then undo it and run eager; raise at the first bit that differs."""
    before = _snapshot(program, flat)
    replayed = _state(program, flat, program.run(flat))
    _restore(before)
    result = traced.fn(*args, **kwargs)
    eager = _state(program, flat, result)
    for (name, r), (_, e) in zip(replayed, eager):
        if not _same_bits(r, e):
            where = ""
            if r is not None and e is not None and r.shape == e.shape:
                at = _first_difference(r, e)
                where = f" at index {at}: replay {r[at]!r}, eager {e[at]!r}"
            raise TraceMismatch(
                f"trace(check=True): replay {program.replays} of {traced.__name__} differs from eager in "
                f"{name}{where}. The function reads something the record took as fixed: a Python number "
                "or an array from outside its arguments that changed between calls"
            )
    return result


def watch(obj, attribute: str) -> None:
    """Tell a recording trace that the call's Python code depends on `obj.attribute`.

    A replay runs only when the attribute still has the value it had when the call
    was recorded; otherwise the call is recorded again. nn does this for a module's
    train/eval mode and an optimizer's hyperparameters. Outside a recording: nothing.
    """
    if modes.recorder is not None:
        modes.recorder.watch(obj, attribute)


def is_recording() -> bool:
    """Whether a trace is recording in this thread."""
    return modes.recorder is not None


__all__ = ["trace", "Traced", "TraceError", "TraceMismatch", "is_recording", "watch"]
