"""Per-thread modes: whether ops record the graph, the naming scope, and anomaly mode.

Each thread has its own: `no_grad()` in one thread never stops another from recording,
and a new thread starts with grad mode on, as in PyTorch. The recording boundary
(`autograd._tensor.apply`) reads these, and nothing else does.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable


class _Modes(threading.local):
    """The modes of the current thread (class attributes are each new thread's defaults)."""

    grad_enabled: bool = True
    scope: tuple[str, ...] = ()
    anomaly: bool = False
    recorder = None  # while autograd.trace records a call: its Recorder (see recording.py)


modes = _Modes()


def is_grad_enabled() -> bool:
    """Whether ops record the graph in this thread."""
    return modes.grad_enabled


class set_grad_enabled:
    """Turn graph recording on or off: a plain call, a context manager, or a decorator.

    As in PyTorch, `set_grad_enabled(False)` takes effect at once; used with `with`, the
    previous mode comes back at the end of the block.
    """

    def __init__(self, mode: bool):
        self.mode = bool(mode)
        self.previous = modes.grad_enabled
        modes.grad_enabled = self.mode

    def __enter__(self):
        return None

    def __exit__(self, *exc):
        modes.grad_enabled = self.previous

    def __call__(self, fn: Callable) -> Callable:
        """As a decorator: the mode applies to each call of fn, not from the decoration on."""
        modes.grad_enabled = self.previous
        return _in_mode(self.mode, fn)


class no_grad:
    """Ops inside record no graph: `with no_grad():` or `@no_grad()`."""

    mode = False

    def __enter__(self):
        self.previous = modes.grad_enabled
        modes.grad_enabled = self.mode

    def __exit__(self, *exc):
        modes.grad_enabled = self.previous

    def __call__(self, fn: Callable) -> Callable:
        return _in_mode(self.mode, fn)


class enable_grad(no_grad):
    """Ops inside record the graph again, even within `no_grad`."""

    mode = True


def _in_mode(mode: bool, fn: Callable) -> Callable:
    """fn, run with grad mode set to `mode` for the length of each call."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        previous = modes.grad_enabled
        modes.grad_enabled = mode
        try:
            return fn(*args, **kwargs)
        finally:
            modes.grad_enabled = previous

    return wrapper


class ScopeName(str):
    """A scope's name that also says what kind of unit opened it, for pictures: "loss", say."""

    def __new__(cls, name: str, kind: str):
        self = super().__new__(cls, name)
        self.kind = kind
        return self


class scope:
    """Label the tensors made inside: `with scope("encoder"):`. Scopes nest into a path.

    The engine only records the path on each recorded op (`tensor.grad_fn.scope`);
    what a scope means (a module, a block) is up to whoever opens it. `kind` says it
    for pictures: nn's losses open `scope("cross_entropy", kind="loss")`, so a picture
    draws them as one unit; the path's entries are then `ScopeName`s, strings with a `.kind`.
    """

    def __init__(self, name: str, kind: str | None = None):
        self.name = str(name) if kind is None else ScopeName(name, str(kind))

    def __enter__(self):
        modes.scope = (*modes.scope, self.name)
        return self

    def __exit__(self, *exc):
        # Scopes nest, so the one closing is the last: one scope object may be
        # entered by several threads (a module called from each) at once.
        modes.scope = modes.scope[:-1]


def current_scope() -> tuple[str, ...]:
    return modes.scope


_MODULE_LABEL = re.compile(r"^(.*) \(([^()]*)\)$")


def module_path(path: tuple[str, ...]) -> tuple[list[str], str | None]:
    """A scope path's module names and the last one's kind: ('MLP', 'layers (Sequential)', '0 (Linear)')
    → (['layers', '0'], 'Linear').

    Labels of the form 'name (Class)' chain into a dotted path; a plain label (a top
    module, a scope a user opened) starts a new one, and is the kind until one follows.
    """
    dotted: list[str] = []
    kind = None
    for part in path:
        found = _MODULE_LABEL.match(part)
        if found:
            dotted.append(found.group(1))
            kind = found.group(2)
        else:
            dotted, kind = [], part
    return dotted, kind


def scope_label(path: tuple[str, ...]) -> str:
    """A scope path as a reader names the module: ('MLP', 'layers (Sequential)', '0 (Linear)') → 'layers.0 (Linear)'."""
    dotted, kind = module_path(path)
    if not dotted:
        return kind or ""
    return f"{'.'.join(dotted)} ({kind})" if kind else ".".join(dotted)
