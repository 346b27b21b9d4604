"""What a picture shows: a node per tensor and per op, boxes for collapsed modules and for
repeats, which nodes are kept when a graph has more than max_nodes, and which way it reads.

Display nodes are keyed by integers for tensors (2i for tensor i of the walk) and
their ops (2i + 1), by strings "m0", "m1", ... for module boxes, and "r0", "r1", ... for
runs of repeated structure folded into one box.
"""

from __future__ import annotations

import re
from collections import deque

import numpy as np

MAX_PERIOD = 64
"""The longest repeating block (in display nodes) that folding looks for."""

MIN_REPEATS = 4
"""A block must repeat at least this many times in a row to be folded."""

_NUMBER = re.compile(r"\d+")


class Layout:
    """Which display node each tensor and op of a `draw_picture.Walk` becomes, given how deep modules are collapsed."""

    def __init__(self, walk, scopes: list[tuple[str, ...]], collapse):
        self.walk = walk
        self.scopes = scopes
        self.collapse = collapse
        self.boxes: dict[tuple[str, ...], str] = {}
        self.members: dict[str, list[int]] = {}  # a module box's tensors
        self.repeats: dict[str, tuple[int, list]] = {}  # a folded run: (how many blocks, one block's keys)
        present = set(scopes)
        has_inner = set()
        for scope in present:
            for depth in range(1, len(scope)):
                has_inner.add(scope[:depth])
        self._innermost = present - has_inner
        self.key_of_tensor = [self._key(i, 2 * i) for i in range(len(walk.tensors))]
        self._op_keys = [k if isinstance(k, str) else k + 1 for k in self.key_of_tensor]
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
        return self._op_keys[i]

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

    # -- folding repeats ------------------------------------------------------------

    def _is_result(self, key) -> bool:
        return isinstance(key, int) and key % 2 == 0 and self.walk.tensors[key // 2]._op is not None

    def fold_repeats(self, token_of, keep: int = 2) -> bool:
        """Fold each run of a block repeated MIN_REPEATS times or more into one box "× n".

        A block repeats when its display nodes read the same (`token_of(key)`) and are wired
        the same: each input comes from the same distance back, or is the same shared leaf
        (a weight that every step uses). The first block and the last `keep` blocks (the
        output end) stay drawn in full. `token_of(layout, key)` says what a node reads as.
        Returns whether anything was folded.
        """
        runs = _repeated_runs(self.nodes, self.edges, lambda key: token_of(self, key))
        root = self.key_of_tensor[self.walk.root]
        redirect: dict = {}
        for start, period, blocks in runs:
            # Draw the first block, and begin the box where a block begins (not at the result
            # of an op), so that it reads tensor → box → op.
            first = start + period
            while first < start + 2 * period and self._is_result(self.nodes[first]):
                first += 1
            folded = (start + blocks * period - first) // period - keep
            if folded < 2:
                continue
            keys = self.nodes[first : first + folded * period]
            if root in keys:
                continue
            name = f"r{len(self.repeats)}"
            self.repeats[name] = (folded, keys[:period])
            for key in keys:
                redirect[key] = name
        if not redirect:
            return False
        self.key_of_tensor = [redirect.get(k, k) for k in self.key_of_tensor]
        self._op_keys = [redirect.get(k, k) for k in self._op_keys]
        edges, merged = [], set()
        for source, target, name in self.edges:
            source, target = redirect.get(source, source), redirect.get(target, target)
            if source == target:
                continue
            if source in self.repeats or target in self.repeats:
                if (source, target) in merged:
                    continue
                merged.add((source, target))
                name = ""
            edges.append((source, target, name))
        self.edges = edges
        nodes, seen = [], set()
        for key in self.nodes:
            key = redirect.get(key, key)
            if key not in seen:
                seen.add(key)
                nodes.append(key)
        self.nodes = nodes
        return True


def _repeated_runs(nodes: list, edges: list, token_of) -> list[tuple[int, int, int]]:
    """(start, period, blocks) of each run of repeated blocks in `nodes`, longest first, none overlapping.

    Each node is summed up in one number: what it reads as, and where its inputs come
    from (how far back, or which shared leaf). Then a block of `period` nodes repeats
    where that number equals the one `period` places further on; NumPy compares the
    whole sequence at once for each period.
    """
    n = len(nodes)
    if n < 2 * MIN_REPEATS:
        return []
    position = {key: q for q, key in enumerate(nodes)}
    sources: list[list[int]] = [[] for _ in nodes]
    consumers = [0] * n
    for source, target, _ in edges:
        sources[position[target]].append(position[source])
        consumers[position[source]] += 1
    codes: dict = {}
    signature = np.empty(n, dtype=np.int64)
    for q, key in enumerate(nodes):
        wiring = tuple(("shared", r) if consumers[r] > 1 and not sources[r] else q - r for r in sources[q])
        signature[q] = codes.setdefault((token_of(key), wiring), len(codes))
    found = []
    for period in range(1, min(MAX_PERIOD, n // MIN_REPEATS) + 1):
        same = np.concatenate(([False], signature[:-period] == signature[period:], [False]))
        edges_of_runs = np.flatnonzero(np.diff(same.astype(np.int8)))
        for start, stop in zip(edges_of_runs[0::2], edges_of_runs[1::2]):
            blocks = (stop - start + period) // period
            if blocks >= MIN_REPEATS:
                found.append((int(blocks * period), period, int(start), int(blocks)))
    found.sort(key=lambda run: (-run[0], run[1], run[2]))
    taken = np.zeros(n, dtype=bool)
    runs = []
    for covered, period, start, blocks in found:
        if not taken[start : start + covered].any():
            taken[start : start + covered] = True
            runs.append((start, period, blocks))
    return sorted(runs)


def scope_pattern(scope: tuple[str, ...]) -> tuple[str, ...]:
    """A scope path with its numbers blanked: layers 0 and 7 of a stack read alike."""
    return tuple(_NUMBER.sub("#", part) for part in scope)


def choose_layout(walk, scopes, collapse, max_nodes: int | None, token_of) -> tuple[Layout, list[str]]:
    """The least simplified layout that fits max_nodes, and what was simplified to get there.

    First repeats are folded; then modules collapse, innermost first, then ever
    shallower (folding again at each level). A level that would leave fewer than
    max_nodes / 4 nodes says too little (a whole network as one box), so it is not
    used; then the coarsest level that still shows that many is drawn, and summarised.
    """
    layout = Layout(walk, scopes, collapse)
    if max_nodes is None or len(layout.nodes) <= max_nodes:
        return layout, []
    if layout.fold_repeats(token_of) and len(layout.nodes) <= max_nodes:
        return layout, ["repeats folded"]
    asked = layout
    enough = max_nodes // 4
    depth = max((len(s) for s in scopes), default=0)
    tries = ([True] if collapse is False else []) + list(range(depth - 1, 0, -1))
    for level in tries:
        if not isinstance(collapse, bool) and level >= collapse:
            continue
        candidate = Layout(walk, scopes, level)
        candidate.fold_repeats(token_of)
        if len(candidate.nodes) >= len(layout.nodes):
            continue
        if len(candidate.nodes) < enough:
            break
        layout = candidate
        if len(layout.nodes) <= max_nodes:
            break
    done = ["repeats folded"] if layout.repeats else []
    if layout is not asked:
        done.append(f"modules collapsed to fit max_nodes={max_nodes}")
    return layout, done


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
    modules = sum(1 for k in keys if isinstance(k, str) and k.startswith("m"))
    repeats = sum(1 for k in keys if isinstance(k, str) and k.startswith("r"))
    parts = [f"{tensors} tensors", f"{ops} ops"] + ([f"{modules} modules"] if modules else [])
    return ", ".join(parts + ([f"{repeats} folded repeats"] if repeats else []))


def _ranks(layout: Layout, keys: list) -> dict:
    """Each shown node's rank: the length of the longest path to it, as dot ranks nodes."""
    shown = set(keys)
    rank: dict = {}
    for source, target, _ in layout.edges:  # edges come in data-flow order
        if source in shown and target in shown:
            rank[target] = max(rank.get(target, 0), rank.get(source, 0) + 1)
    return rank


def rank_count(layout: Layout, keys: list) -> int:
    """How many ranks the shown nodes take."""
    return max(_ranks(layout, keys).values(), default=0) + 1


def choose_rankdir(layout: Layout, keys: list, size_of) -> str:
    """ "LR" or "TB": the way the picture needs the least shrinking to fit a page ~1000 points wide.

    Ranks are the longest-path layers dot uses; `size_of(key)` estimates a node's
    (width, height) in points from its label. Left to right, the ranks stand side by
    side; top to bottom, they stack. A notebook scrolls down, not across, so a
    picture too wide is shrunk (its text with it), a tall one is not. When both fit,
    left to right wins: it reads like the formula.
    """
    rank = _ranks(layout, keys)
    widths: dict[int, float] = {}
    stacked_w: dict[int, float] = {}
    for key in keys:
        r = rank.get(key, 0)
        w, h = size_of(key)
        widths[r] = max(widths.get(r, 0.0), w)
        stacked_w[r] = stacked_w.get(r, 0.0) + w + 18
    across_lr = sum(widths.values()) + 36 * len(widths)
    across_tb = max(stacked_w.values(), default=0.0)
    page = 1000.0
    if across_lr <= page:
        return "LR"
    return "LR" if page / across_lr >= min(1.0, page / across_tb) else "TB"
