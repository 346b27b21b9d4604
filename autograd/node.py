"""The graph's records: a Node per recorded op, and the version counter of an array.

A Node is what PyTorch calls a tensor's `grad_fn`. It keeps the op, the arguments it
was applied to, and where each argument's gradient goes (`parents`): the Node that
made that tensor, as it was when the op ran, or the tensor itself for a leaf. So an
in-place op that later gives a tensor a new Node leaves earlier records intact.
"""

from __future__ import annotations

import weakref

from .state import modes


class Version:
    """How many times an array was changed in place; shared by the views of that array."""

    __slots__ = ("value",)

    def __init__(self):
        self.value = 0


class Node:
    """One recorded application of an op: what backward needs to send a gradient through it.

    `versions` (for ops whose backward reads values) are the versions of the inputs
    when the op ran. `out` keeps what backward needs of the output: a weak reference
    to it (the output holds its Node, so a strong one would make a cycle), its array
    and its version counter, for when the Tensor itself is gone.
    """

    __slots__ = (
        "op",
        "inputs",
        "parents",
        "versions",
        "out",
        "scope",
        "trace",
        "hooks",
        "retained",
        "output",
    )

    def __init__(self, op, inputs: tuple, parents: tuple, versions: tuple | None, out):
        self.op = op
        self.inputs = inputs
        self.parents = parents
        self.versions = versions
        self.out = None
        if op.reads_out:
            counter = out._shared_counter()
            self.out = (weakref.ref(out), out._data, counter, counter.value)
        self.scope = modes.scope
        self.trace = None
        self.hooks = None
        self.retained = None
        self.output = None  # once its tensor is changed in place: a weak reference to the old value

    @property
    def name(self) -> str:
        return self.op.name

    def __repr__(self) -> str:
        return f"<{self.op.name} backward>"
