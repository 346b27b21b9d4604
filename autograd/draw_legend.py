"""A picture's legend: a sample of each kind of node it shows, saying what that kind is.

Only the kinds in the picture are listed, always in the same order, in one cluster beside
the graph: invisible edges line the samples up along the ranks, as a row above a
left-to-right picture or a column beside a top-to-bottom one.
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


def legend(kinds: set[str], styles: dict[str, str], notes: list[str], per_line: int) -> list[str]:
    """The DOT lines of the legend cluster: a sample node per kind present, then the notes in plain
    text; `per_line` samples to a line (the graph's number of ranks: the legend is no longer than it)."""
    lines = ["subgraph cluster_legend {", f"\t{_CLUSTER}"]
    k = 0
    for kind, meaning in MEANINGS.items():
        if kind in kinds:
            lines.append(f"\tlegend{k} [label={quote(meaning)} {styles[kind]} fontsize=10 width=0]")
            k += 1
    if notes:
        lines.append(f"\tlegend{k} [label={quote(chr(10).join(notes))} shape=plaintext fontsize=10]")
        k += 1
    per_line = max(2, per_line)
    lines.extend(f"\tlegend{j} -> legend{j + 1} [style=invis]" for j in range(k - 1) if (j + 1) % per_line)
    lines.append("}")
    return lines
