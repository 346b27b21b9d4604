"""What each node of a picture says: a tensor's name, shape, value and gradient; an op's label;
a collapsed module's summary; a folded run's count. Plain text, built from the graph alone."""

from __future__ import annotations

from . import draw_labels as labels
from ._tensor import Tensor
from .draw_layout import Layout, scope_pattern
from .draw_names import roles_of
from .state import scope_label


def size_guess(label: str) -> tuple[float, float]:
    """A node's (width, height) in points, from its label's lines (Helvetica 12: ~6.6 points a letter)."""
    lines = label.split("\n")
    return max(len(line) for line in lines) * 6.6 + 20, len(lines) * 14.5 + 10


class Painter:
    """Builds the DOT lines of one picture."""

    def __init__(
        self,
        walk,
        scopes: list,
        show_data: bool,
        show_grad: bool,
        gradients: dict,
        pending: dict | None,
        names: dict,
    ):
        self.walk = walk
        self.scopes = scopes
        self.show_data = show_data
        self.show_grad = show_grad
        self.gradients = gradients
        # In a step-through: tensors whose gradient is not complete yet -> what they say instead.
        self.pending = pending
        self.names = names  # id(tensor) -> a name given through params=
        self.roles = roles_of(walk, scopes)

    def name(self, i: int) -> str | None:
        t = self.walk.tensors[i]
        return self.names.get(id(t)) or t.name or self.roles.get(i)

    def tensor_label(self, i: int) -> str:
        t = self.walk.tensors[i]
        name = self.name(i)
        lines = [name] if name else []
        lines.append(labels.shape_and_dtype(t.numpy()))
        if self.show_data:
            lines.append("data " + labels.values(t.numpy()))
        if self.show_grad:
            g = self.gradients.get(i)
            if self.pending is not None and i in self.pending:
                lines.append("grad " + self.pending[i])
            elif isinstance(g, str):
                lines.append("grad " + g)
            elif g is not None:
                lines.append("grad " + labels.values(g))
        return "\n".join(lines)

    def tensor_kind(self, i: int) -> str:
        t = self.walk.tensors[i]
        if i == self.walk.root:
            return "root"
        if t._op is not None:
            return "result"
        return "variable" if t.requires_grad else "constant"

    def op_label(self, i: int) -> str:
        t = self.walk.tensors[i]
        return labels.op_label(t._op, t._inputs, Tensor)

    def token(self, layout: Layout, key) -> tuple:
        """What a display node reads as, for finding repeats: no names, values or gradients."""
        if isinstance(key, str):
            path = next(p for p, name in layout.boxes.items() if name == key)
            return ("box", scope_pattern(path))
        i = key // 2
        t = self.walk.tensors[i]
        where = scope_pattern(self.scopes[i])
        if key % 2:
            return ("op", self.op_label(i), where)
        return (self.tensor_kind(i), t.shape, str(t.dtype), where)

    def box_label(self, path: tuple[str, ...], members: list[int], layout: Layout) -> str:
        """A collapsed module: its name, its ops, its parameters, and what it hands on."""
        ops, params, outputs = [], 0, []
        for i in members:
            t = self.walk.tensors[i]
            if t._op is not None:
                if t._op.name not in ops:
                    ops.append(t._op.name)
            elif t.requires_grad:
                params += 1
            if (i in layout.exported or i == self.walk.root) and t._op is not None:
                outputs.append(i)
        lines = [scope_label(path), f"ops: {', '.join(ops[:4])}{' …' if len(ops) > 4 else ''}"]
        if params:
            lines.append(f"{params} parameter{'s' if params > 1 else ''}")
        for i in outputs[:2]:
            out = self.walk.tensors[i]
            lines.append(
                ("out " if i != self.walk.root else f"{self.name(i) or 'out'} ")
                + labels.shape_and_dtype(out.numpy())
            )
            if self.show_data:
                lines.append("data " + labels.values(out.numpy()))
            if self.show_grad and i in self.gradients:
                g = self.gradients[i]
                lines.append("grad " + (g if isinstance(g, str) else labels.values(g)))
        if len(outputs) > 2:
            lines.append(f"… {len(outputs) - 2} more outputs")
        return "\n".join(lines)

    def repeat_label(self, name: str, layout: Layout) -> str:
        """A folded run: how many blocks, and what one block does."""
        count, block = layout.repeats[name]
        steps: list[str] = []
        for key in block:
            if isinstance(key, str):
                path = next(p for p, box in layout.boxes.items() if box == key)
                step = scope_label(path)
            elif key % 2:
                step = self.op_label(key // 2).replace("\n", " ")
            else:
                continue
            if step not in steps:
                steps.append(step)
        shown = steps[:4] + (["…"] if len(steps) > 4 else [])
        return f"× {count}\nrepeats of\n" + "\n".join(shown)
