"""What a picture shows: a node per tensor and per op, boxes for collapsed modules, and
which nodes are kept when a graph has more than max_nodes.

Display nodes are keyed by integers for tensors (2i for tensor i of the walk) and
their ops (2i + 1), and by strings ("m0", "m1", ...) for module boxes.
"""

from __future__ import annotations

from collections import deque


class Layout:
    """Which display node each tensor and op of a `draw_picture.Walk` becomes, given how deep modules are collapsed."""

    def __init__(self, walk, scopes: list[tuple[str, ...]], collapse):
        self.walk = walk
        self.scopes = scopes
        self.collapse = collapse
        self.boxes: dict[tuple[str, ...], str] = {}
        self.members: dict[str, list[int]] = {}
        present = set(scopes)
        has_inner = set()
        for scope in present:
            for depth in range(1, len(scope)):
                has_inner.add(scope[:depth])
        self._innermost = present - has_inner
        self.key_of_tensor = [self._key(i, 2 * i) for i in range(len(walk.tensors))]
        self.exported: set[int] = set()  # tensors in a box that something outside it uses
        self.edges = self._edges()
        self.nodes = self._nodes()

    def _box(self, scope: tuple[str, ...]) -> tuple[str, ...] | None:
        if not scope or self.collapse is False or self.collapse is None:
            return None
        if self.collapse is True:
            return scope if scope in self._innermost else None
        return scope[: self.collapse] if len(scope) >= self.collapse else None

    def _key(self, i: int, key: int):
        box = self._box(self.scopes[i])
        if box is None:
            return key
        name = self.boxes.get(box)
        if name is None:
            name = self.boxes[box] = f"m{len(self.boxes)}"
            self.members[name] = []
        self.members[name].append(i)
        return name

    def op_key(self, i: int):
        tensor_key = self.key_of_tensor[i]
        return tensor_key if isinstance(tensor_key, str) else tensor_key + 1

    def _edges(self) -> list[tuple[object, object, str]]:
        """(source, target, label) in data-flow order; edges inside a box vanish, edges to one merge."""
        edges = []
        merged = set()
        for j, operands in enumerate(self.walk.edges):
            t = self.walk.tensors[j]
            if t._op is None:
                continue
            op = self.op_key(j)
            for i, name in operands:
                source = self.key_of_tensor[i]
                if source == op:
                    continue
                if isinstance(source, str):
                    self.exported.add(i)
                if isinstance(source, str) or isinstance(op, str):
                    if (source, op) in merged:
                        continue
                    merged.add((source, op))
                    name = ""
                edges.append((source, op, name))
            if op != self.key_of_tensor[j]:
                edges.append((op, self.key_of_tensor[j], ""))
        return edges

    def _nodes(self) -> list:
        """Every display node once, in traversal order."""
        nodes, seen = [], set()
        for i, t in enumerate(self.walk.tensors):
            keys = (self.op_key(i), self.key_of_tensor[i]) if t._op is not None else (self.key_of_tensor[i],)
            for key in keys:
                if key not in seen:
                    seen.add(key)
                    nodes.append(key)
        return nodes


def choose_layout(walk, scopes, collapse, max_nodes: int | None) -> tuple[Layout, bool]:
    """The least collapsed layout that fits max_nodes, and whether it collapsed more than asked.

    Modules collapse innermost first, then ever shallower. A level that would leave fewer than
    max_nodes / 4 nodes says too little (a whole network as one box), so it is not used; then
    the coarsest level that still shows that many is drawn, and summarised.
    """
    asked = layout = Layout(walk, scopes, collapse)
    if max_nodes is None or len(layout.nodes) <= max_nodes:
        return layout, False
    enough = max_nodes // 4
    depth = max((len(s) for s in scopes), default=0)
    tries = ([True] if collapse is False else []) + list(range(depth - 1, 0, -1))
    for level in tries:
        if not isinstance(collapse, bool) and level >= collapse:
            continue
        candidate = Layout(walk, scopes, level)
        if len(candidate.nodes) >= len(layout.nodes):
            continue
        if len(candidate.nodes) < enough:
            break
        layout = candidate
        if len(layout.nodes) <= max_nodes:
            break
    return layout, layout is not asked


def nearest_root(layout: Layout, root_key, keep: int) -> set:
    """The `keep` display nodes closest to the root, walking edges backwards breadth-first."""
    sources: dict[object, list] = {}
    for source, target, _ in layout.edges:
        sources.setdefault(target, []).append(source)
    kept = {root_key}
    queue = deque([root_key])
    while queue and len(kept) < keep:
        for source in sources.get(queue.popleft(), ()):
            if source not in kept:
                kept.add(source)
                queue.append(source)
                if len(kept) >= keep:
                    break
    return kept


def count_kinds(keys: list) -> str:
    tensors = sum(1 for k in keys if isinstance(k, int) and k % 2 == 0)
    ops = sum(1 for k in keys if isinstance(k, int) and k % 2 == 1)
    modules = sum(1 for k in keys if isinstance(k, str))
    parts = [f"{tensors} tensors", f"{ops} ops"] + ([f"{modules} modules"] if modules else [])
    return ", ".join(parts)
