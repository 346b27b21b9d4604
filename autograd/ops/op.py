"""What an op is: data, not code that records anything.

A primitive is declared once: its forward on NumPy arrays, and beside it one
vector-Jacobian product (VJP) per argument, written with Tensor methods only. Because
VJPs are Tensor ops, running them with recording on differentiates them too:
higher-order gradients need no extra code. Ops import nothing from the rest of the
engine; `autograd._tensor.apply` runs them, records them and checks them.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable


class Op:
    """A primitive: `forward(*arrays)`, and `vjps[i](g, out, *args)` for argument i.

    - `arity`: how many leading arguments are operands (1 or 2); 0 for ops whose
      operands may stand anywhere (their other arguments are parameters: an axis, a shape).
    - `reads[i]` (for each argument i whose VJP reads any): the positions of the arguments (or "out") whose values the VJP of
      argument i uses. Backward checks that none of them was changed in place since.
    - `view`: the output shares memory with the first operand (and so its version).
    - `dtype`: "promote" (arithmetic: PyTorch's promotion among the operands), "float"
      (integer operands become the default float first), or None (NumPy's result as is).
    - `differentiable`: False for ops whose result carries no gradient (comparisons).

    How the op reads in a picture (the drawing code asks the op; it knows no op by name):
    - `symbol`: the infix sign of a binary op ("×" for mul), so that a constant operand
      folds into its label as "· × 2.0".
    - `commutative`: its two operands can be swapped, so their edges need no names.
    - `label`: a format string for its label over the forward's parameter names, when
      "name(param=value)" does not read well: "getitem{index:index}" writes the index
      as it was typed, "where(cond)" leaves the mask out. The spec `index` writes an
      index; any other field is written compactly (a number, a short array).
    """

    __slots__ = (
        "name", "forward", "vjps", "arity", "reads", "reads_out", "view", "dtype", "differentiable", "params",
        "symbol", "commutative", "label",
    )  # fmt: skip

    def __init__(
        self,
        name,
        forward,
        vjps,
        arity,
        reads,
        view,
        dtype,
        differentiable,
        symbol=None,
        commutative=False,
        label=None,
    ):
        self.name = name
        self.symbol = symbol
        self.commutative = commutative
        self.label = label
        self.forward = forward
        self.vjps = vjps
        self.arity = arity
        self.view = view
        self.dtype = dtype
        self.differentiable = differentiable
        self.params = list(inspect.signature(forward).parameters)
        # Names become positions once, here (-1 stands for the output); arguments whose
        # VJP reads nothing are left out.
        self.reads = {
            i: tuple(-1 if name == "out" else self.params.index(name) for name in names)
            for i, names in enumerate(reads)
            if names
        }
        self.reads_out = any(-1 in positions for positions in self.reads.values())

    def __repr__(self) -> str:
        return f"<op {self.name}>"


class ShapeError(ValueError):
    """An op's own message about the shapes it was given (the boundary adds only the op's name)."""


REGISTRY: dict[str, Op] = {}
"""Every primitive by name; tests iterate it so that no op escapes its gradient check."""


class every:
    """VJPs for an op with any number of operands: `every(fn)[i]` is `fn(i, g, out, *args)`."""

    __slots__ = ("fn",)

    def __init__(self, fn: Callable):
        self.fn = fn

    def __getitem__(self, i: int) -> Callable:
        fn = self.fn
        return lambda g, out, *args: fn(i, g, out, *args)


def primitive(
    *vjps,
    name: str | None = None,
    arity: int = 1,
    reads=None,
    view: bool = False,
    dtype: str | None = None,
    differentiable: bool = True,
    register: bool = True,
    symbol: str | None = None,
    commutative: bool = False,
    label: str | None = None,
) -> Callable[[Callable], Op]:
    """Declare an op: decorate its forward (on arrays) and give its VJPs beside it.

    `reads` lists, per argument, the arguments whose values its VJP uses (default:
    none). `register=False` keeps the op out of REGISTRY (for experiments and tests).
    `symbol`, `commutative` and `label` say how it reads in a picture (see `Op`).
    """

    def declare(forward: Callable) -> Op:
        variadic = len(vjps) == 1 and isinstance(vjps[0], every)
        op = Op(
            name or forward.__name__,
            forward,
            vjps[0] if variadic else vjps,
            arity,
            reads or (),
            view,
            dtype,
            differentiable,
            symbol,
            commutative,
            label,
        )
        op.forward.__doc__ = forward.__doc__
        if register:
            REGISTRY[op.name] = op
        return op

    return declare
