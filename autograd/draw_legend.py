"""A picture's legend: a sample of each kind of node it shows, saying what that kind is.

Only the kinds in the picture are listed, always in the same order, in one cluster beside
the graph: left to right, its samples share the first rank, which stacks them in a column;
top to bottom, invisible edges stack them.
"""

from __future__ import annotations

from .draw_labels import quote

MEANINGS = {
    "variable": "leaf that requires grad\n(gets a .grad)",
    "constant": "constant\n(no gradient)",
    "result": "result of an op",
    "op": "op",
    "root": "output:\nbackward starts here",
    "module": "module, collapsed",
    "loss": "loss, collapsed",
    "repeat": "repeated block, folded",
    "current": "backward is here",
}
"""What each kind of node means, in the order the legend lists them."""

_CLUSTER = 'label="legend" style="rounded" color="#bbbbbb" fontcolor="#666666" fontsize=10'


def legend(kinds: set[str], styles: dict[str, str], notes: list[str], column: bool) -> list[str]:
    """The DOT lines of the legend cluster: a sample node per kind present, then notes in plain text."""
    lines = ["subgraph cluster_legend {", f"\t{_CLUSTER}"]
    k = 0
    for kind, meaning in MEANINGS.items():
        if kind in kinds:
            lines.append(f"\tlegend{k} [label={quote(meaning)} {styles[kind]} fontsize=10 width=0]")
            k += 1
    for note in notes:
        lines.append(f"\tlegend{k} [label={quote(note)} shape=plaintext fontsize=10]")
        k += 1
    if column:
        lines.extend(f"\tlegend{j} -> legend{j + 1} [style=invis]" for j in range(k - 1))
    lines.append("}")
    return lines
