"""The picture of a walked graph: `Walk(root)` is what root depends on, `picture(walk)` its Digraph.

A node per tensor (name, shape, dtype, value, gradient) and a node per op; edges run
in data-flow order (inputs to op to output). Tensors made inside a naming scope
(`autograd.scope`, which nn opens around each Module's forward) sit in a labelled
cluster (nn's losses open one of kind "loss", drawn as one unit). A legend says what each
kind of node is. Past `max_nodes` the picture stays readable: runs of a repeated block are
folded into one box ("× 7990"), then modules are collapsed into boxes, and then the nodes
farthest from the root are summarised in one note. Which way it reads (left to right or
top to bottom) is chosen from its shape, so that it needs the least shrinking.

Both `draw_graph` (draw.py) and the backward step-through (steps.py) draw with this
module, which imports neither of them. It reads the graph through a few attributes
only (`_op`, `_inputs`, `data`, `grad`, `name`, `_scope`) and changes nothing. Node
names come from a counter in traversal order, so the same graph gives the same DOT
source on every run.
"""

from __future__ import annotations

from . import draw_labels as labels
from ._tensor import Tensor
from .draw_layout import (
    Layout,
    choose_layout,
    choose_rankdir,
    count_kinds,
    nearest_root,
    rank_count,
)
from .draw_legend import legend
from .draw_names import common_prefix
from .draw_nodes import Painter, size_guess
from .render import Picture
from .state import scope_label

DEFAULT_MAX_NODES = 250
"""Beyond this many nodes a picture is simplified: dot lays out 250 nodes in well under a second."""

FREED_NOTE = "graph freed by backward(); call backward(retain_graph=True) to draw it afterwards"

# How each kind of node looks. Leaves that require grad are the variables
# (blue), constants are grey and dashed, the root is gold with a double border.
_STYLE = {
    "variable": 'shape=box style="rounded,filled" fillcolor="#cfe5ff" color="#1f5fa0"',
    "constant": 'shape=box style="rounded,filled,dashed" fillcolor="#f0f0f0" color="#888888" fontcolor="#555555"',
    "result": 'shape=box style="rounded,filled" fillcolor="#ffffff"',
    "root": 'shape=box style="rounded,filled" fillcolor="#ffe08a" color="#a07800" penwidth=2 peripheries=2',
    "op": 'shape=ellipse style=filled fillcolor="#efe6fa" color="#7a5ea8" fontsize=11',
    "module": 'shape=box3d style=filled fillcolor="#e3f4e1" color="#3d7a36"',
    "loss": 'shape=box3d style=filled fillcolor="#ffe08a" color="#a07800"',
    "repeat": 'shape=box3d style="filled,dashed" fillcolor="#eef3fb" color="#4a6a9a"',
    "note": 'shape=note style=filled fillcolor="#fff8d6" color="#b59a2f" fontsize=11',
}
_CURRENT = ' fillcolor="#ff9f43" penwidth=3 color="#c0392b"'
_LEGEND_STYLE = {**_STYLE, "current": _STYLE["result"] + _CURRENT}
_CLUSTER_STYLE = 'style="rounded,dashed" color="#8a8a8a" fontcolor="#333333" fontsize=12 labeljust=l'
_LOSS_CLUSTER_STYLE = (
    'style="rounded,filled" fillcolor="#fff7e0" color="#c79a00" fontcolor="#6b5200" fontsize=12 labeljust=l'
)


class Walk:
    """The tensors that `root` depends on, inputs before outputs, each with its operand edges.

    A depth-first walk with an explicit stack (no recursion limit), visiting each
    op's inputs in argument order, as the engine's toposort does. Tensor i's operands
    are `edges[i]`: (index of the input tensor, edge label or "").
    """

    def __init__(self, root: Tensor):
        if not isinstance(root, Tensor):
            raise TypeError(f"draw_graph: root must be a Tensor, got {type(root).__name__}")
        tensors: list[Tensor] = []
        index: dict[int, int] = {}
        pending = {id(root)}
        stack = [(root, iter(_operands(root)))]
        while stack:
            node, inputs = stack[-1]
            for x in inputs:
                if id(x) not in pending:
                    pending.add(id(x))
                    stack.append((x, iter(_operands(x))))
                    break
            else:
                stack.pop()
                index[id(node)] = len(tensors)
                tensors.append(node)
        self.tensors = tensors
        self.index = index
        self.root = len(tensors) - 1
        self.edges = [self._edges(t) for t in tensors]
        self.freed = [i for i, t in enumerate(tensors) if t._op is not None and t._inputs is None]

    def _edges(self, t: Tensor) -> list[tuple[int, str]]:
        if t._op is None or t._inputs is None:
            return []
        operands = [x for x in t._inputs if isinstance(x, Tensor)]
        names = labels.operand_names(t._op, t._inputs, Tensor)
        return [(self.index[id(x)], name) for x, name in zip(operands, names)]

    def scopes(self) -> list[tuple[str, ...]]:
        """Each tensor's scope; a leaf that requires grad (a parameter) joins the scope its users share.

        Parameters are made in a module's __init__, outside its forward, so they carry no
        scope of their own; drawing them beside the ops that use them is what reads right.
        """
        scopes = [t._scope for t in self.tensors]
        shared: dict[int, tuple[str, ...]] = {}
        for j, edges in enumerate(self.edges):
            for i, _ in edges:
                t = self.tensors[i]
                if t._op is None and t.requires_grad and i != self.root:
                    shared[i] = common_prefix(shared[i], scopes[j]) if i in shared else scopes[j]
        for i, scope in shared.items():
            scopes[i] = scope
        return scopes


def _operands(t: Tensor) -> list[Tensor]:
    return [x for x in t._inputs if isinstance(x, Tensor)] if t._inputs else []


# ---------------------------------------------------------------------------
# Writing the DOT source


def _scope_of_block(layout: Layout, name: str) -> tuple[str, ...]:
    """The scope a folded run sits in: the one all the nodes of its block share."""
    shared = None
    for key in layout.repeats[name][1]:
        if isinstance(key, str):
            path = next(p for p, box in layout.boxes.items() if box == key)[:-1]
        else:
            path = layout.scopes[key // 2]
        shared = path if shared is None else common_prefix(shared, path)
    return shared or ()


def _node_name(key) -> str:
    if isinstance(key, str):
        return key
    return f"t{key // 2}" if key % 2 == 0 else f"op{key // 2}"


RANKDIRS = ("auto", "LR", "TB", "RL", "BT")

DRAW_ALL_LIMIT = 2000
"""max_nodes=None draws at most this many nodes unless told force=True: dot needs ~0.3 s for a
chain of 2,000 nodes, but its time grows about as the square of the size (12 s for 16,000)."""


def dot_seconds(nodes: int) -> float:
    """About how long Graphviz's dot takes to lay out a graph of this many nodes (measured on chains;
    wider graphs and clusters take longer)."""
    return 0.8 * (nodes / 4000) ** 1.9


def picture(
    walk: Walk,
    *,
    show_data: bool = True,
    show_grad: bool = True,
    gradients: dict | None = None,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    rankdir: str = "auto",
    collapse: bool | int = False,
    names: dict[int, str] | None = None,
    show_legend: bool = True,
    force: bool = False,
    current: int | None = None,
    pending: dict | None = None,
    title: str | None = None,
    sizes: dict[str, tuple[float, float]] | None = None,
) -> Picture:
    """The Digraph of a walked graph; `current`, `pending` and `sizes` serve the backward step-through.

    `pending` maps tensors whose gradient is not complete to what their grad line says
    instead; `sizes` gives nodes (by DOT name) a least width and height in inches, so that
    every frame of a step-through is laid out alike.
    """
    if max_nodes is not None and max_nodes < 2:
        raise ValueError(f"draw_graph: max_nodes must be at least 2 (or None for no limit), got {max_nodes}")
    if not (isinstance(collapse, bool) or (isinstance(collapse, int) and collapse >= 1)):
        raise ValueError(f"draw_graph: collapse must be True, False or a depth >= 1, got {collapse!r}")
    if rankdir not in RANKDIRS:
        raise ValueError(f"draw_graph: rankdir must be one of {RANKDIRS}, got {rankdir!r}")
    scopes = walk.scopes()
    painter = Painter(walk, scopes, show_data, show_grad, gradients or {}, pending, names or {})
    layout, simplified = choose_layout(walk, scopes, collapse, max_nodes, painter.token)
    if max_nodes is None and len(layout.nodes) > DRAW_ALL_LIMIT and not force:
        raise ValueError(
            f"draw_graph: this graph has {len(layout.nodes)} nodes; with max_nodes=None Graphviz's dot "
            f"would take about {dot_seconds(len(layout.nodes)):.0f} s or more to lay them all out, and the "
            f"picture would be too big to read. Leave max_nodes at {DEFAULT_MAX_NODES} (or pass any number) "
            "for a summary that folds repeated blocks and keeps the output end in full, or pass force=True "
            "to draw every node anyway."
        )
    root_key = layout.key_of_tensor[walk.root]
    total = len(layout.nodes)
    notes = [title] if title else []
    notes.extend(note for note in simplified if note != "repeats folded")

    kept = None
    if max_nodes is not None and total > max_nodes:
        kept = nearest_root(layout, root_key, max_nodes - 1)
        left_out = count_kinds([key for key in layout.nodes if key not in kept])
        notes.append(
            f"showing the {len(kept)} of {total} nodes nearest the root; left out {left_out} "
            "(max_nodes=None draws everything)"
        )

    # Nodes go into nested clusters by scope: the tree is built in first-seen order.
    clusters: dict[tuple[str, ...], list[str]] = {(): []}
    children: dict[tuple[str, ...], list[tuple[str, ...]]] = {(): []}

    def place(path: tuple[str, ...], line: str) -> None:
        if path not in clusters:
            for depth in range(1, len(path) + 1):
                prefix = path[:depth]
                if prefix not in clusters:
                    clusters[prefix] = []
                    children[prefix] = []
                    children[prefix[:-1]].append(prefix)
        clusters[path].append(line)

    box_paths = {name: path for path, name in layout.boxes.items()}
    current_key = None if current is None else layout.key_of_tensor[current]
    current_op = None if current is None or walk.tensors[current]._op is None else layout.op_key(current)
    kinds: set[str] = set()
    drawn: list = []
    for key in layout.nodes:
        if kept is not None and key not in kept:
            continue
        if isinstance(key, str) and key in layout.repeats:
            label, style, where = painter.repeat_label(key, layout), "repeat", _scope_of_block(layout, key)
        elif isinstance(key, str):
            path = box_paths[key]
            label, where = painter.box_label(path, layout.members[key], layout), path[:-1]
            style = "loss" if getattr(path[-1], "kind", None) == "loss" else "module"
        elif key % 2 == 0:
            i = key // 2
            label, style, where = painter.tensor_label(i), painter.tensor_kind(i), scopes[i]
        else:
            i = key // 2
            label, style, where = painter.op_label(i), "op", scopes[i]
        kinds.add(style)
        drawn.append((key, label))
        extra = _CURRENT if key == current_key or key == current_op else ""
        if extra:
            kinds.add("current")
        name = _node_name(key)
        if sizes and name in sizes:
            extra += f" width={sizes[name][0]:.3f} height={sizes[name][1]:.3f}"
        place(where, f"{name} [label={labels.quote(label)} {_STYLE[style]}{extra}]")

    lines: list[str] = []
    numbering = {}

    def emit(path: tuple[str, ...], indent: str) -> None:
        for child in children[path]:
            numbering[child] = len(numbering)
            style = _LOSS_CLUSTER_STYLE if getattr(child[-1], "kind", None) == "loss" else _CLUSTER_STYLE
            lines.append(f"{indent}subgraph cluster_{numbering[child]} {{")
            lines.append(f"{indent}\tlabel={labels.quote(scope_label(child))} {style}")
            emit(child, indent + "\t")
            lines.append(f"{indent}}}")
        lines.extend(indent + line for line in clusters[path])

    emit((), "\t")

    if kept is not None:
        lines.append(f"\tmore [label={labels.quote(f'… {left_out} not drawn')} {_STYLE['note']}]")
    if walk.freed:
        lines.append(f"\tfreed [label={labels.quote(FREED_NOTE)} {_STYLE['note']}]")

    linked = set()
    for source, target, name in layout.edges:
        if kept is not None:
            if target not in kept:
                continue
            if source not in kept:
                if (target,) in linked:
                    continue
                linked.add((target,))
                source, name = "more", ""
        attrs = f" [label={labels.quote(name)} fontsize=10]" if name else ""
        lines.append(f"\t{_node_name(source)} -> {_node_name(target)}{attrs}")
    for i in walk.freed:
        key = layout.op_key(i)
        if kept is None or key in kept:
            lines.append(f"\tfreed -> {_node_name(key)} [style=dashed arrowhead=none]")

    if rankdir == "auto":
        sized = dict(drawn)
        rankdir = choose_rankdir(layout, [key for key, _ in drawn], lambda key: size_guess(sized[key]))
    if show_legend:
        explained = []
        if show_grad and (gradients or pending is not None):
            root_name = painter.name(walk.root) or "the root"
            explained.append(f"grad: ∂{root_name}/∂(this tensor)")
        if show_grad and pending is not None:
            explained.append("grad ?: not arrived yet")
        lines.extend(
            "\t" + line
            for line in legend(kinds, _LEGEND_STYLE, explained, rank_count(layout, [key for key, _ in drawn]))
        )

    graph_attr = {"rankdir": rankdir, "fontname": "Helvetica", "labelloc": "t"}
    if notes:
        # Backslashes are DOT escapes: double a name's own, then join with DOT's line break.
        graph_attr["label"] = "\\n".join(note.replace("\\", "\\\\") for note in notes)
    dot = Picture(
        name="autograd",
        graph_attr=graph_attr,
        node_attr={"fontname": "Helvetica", "fontsize": "12"},
        edge_attr={"color": "#555555", "arrowsize": "0.7", "fontname": "Helvetica"},
    )
    dot.body.extend(line + "\n" for line in lines)
    return dot
