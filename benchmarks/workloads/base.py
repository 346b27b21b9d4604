"""What a workload provides: its cases, and one round of work per engine."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

# The engine under test, the hand-NumPy floor, and optional peers (never required).
# TRACED is the same engine with the step wrapped in autograd.trace: recorded once, then replayed.
ENGINE, FLOOR, TRACED = "autograd", "numpy", "traced"
PEERS = ("torch", "micrograd")


class Unavailable(Exception):
    """This engine cannot run this workload here (not installed, or not applicable)."""


@dataclass
class Case:
    """One size of a workload; `targets` maps "time"/"memory" to the allowed ratio to the floor,
    for the engine; `traced_targets` the same for the traced engine."""

    label: str
    params: dict
    unit: str  # what one measured unit is: "node", "call", "step", "epoch"
    rounds: int = 7
    warmup: int = 1
    targets: dict[str, float] = field(default_factory=dict)
    traced_targets: dict[str, float] = field(default_factory=dict)


@dataclass
class Round:
    """One round of work: `run()` does it, and it counts `units` units (nodes, calls, steps)."""

    run: Callable[[], object]
    units: int


def require(module: str):
    """Import an optional peer, or raise Unavailable naming it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise Unavailable(f"{module} is not installed ({error})") from None
