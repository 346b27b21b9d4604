"""Reading rendered pictures back: the nodes and clusters of an SVG that Graphviz wrote."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

SVG = "{http://www.w3.org/2000/svg}"


@dataclass
class Shape:
    """A node or cluster of the SVG: its DOT name, its text lines, fills and where it is."""

    name: str
    lines: list[str]
    fills: list[str] = field(default_factory=list)
    points: list[tuple[float, float]] = field(default_factory=list)  # text anchors, or outline corners

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def line(self, prefix: str) -> str | None:
        """The first line starting with prefix, without the prefix."""
        for line in self.lines:
            if line.startswith(prefix):
                return line[len(prefix) :]
        return None


def _numbers(text: str) -> list[float]:
    return [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", text)]


def read_svg(svg: str | bytes, legend: bool = False) -> tuple[dict[str, Shape], list[Shape]]:
    """Parse an SVG as XML: nodes by DOT name, and the clusters in order (the legend's only if asked)."""
    if isinstance(svg, bytes):
        svg = svg.decode("utf-8")
    root = ET.fromstring(svg)
    nodes: dict[str, Shape] = {}
    clusters: list[Shape] = []
    for g in root.iter(f"{SVG}g"):
        kind = g.get("class")
        if kind not in ("node", "cluster"):
            continue
        name = g.find(f"{SVG}title").text
        if not legend and name.startswith(("legend", "cluster_legend")):
            continue
        texts = g.findall(f"{SVG}text")
        # Graphviz writes runs of spaces as no-break spaces; read them back as spaces.
        shape = Shape(name, [(t.text or "").replace("\xa0", " ") for t in texts])
        for child in g:
            if child.get("fill") not in (None, "none"):
                shape.fills.append(child.get("fill"))
        if kind == "node":
            shape.points = [(float(t.get("x")), float(t.get("y"))) for t in texts]
            nodes[name] = shape
        else:
            outline = g.find(f"{SVG}path")
            if outline is None:
                outline = g.find(f"{SVG}polygon")
            coords = _numbers(outline.get("d") or outline.get("points"))
            shape.points = list(zip(coords[0::2], coords[1::2]))
            clusters.append(shape)
    return nodes, clusters


def inside(node: Shape, cluster: Shape) -> bool:
    """Every text anchor of node lies within the cluster's outline's bounding box."""
    xs = [x for x, _ in cluster.points]
    ys = [y for _, y in cluster.points]
    return all(min(xs) <= x <= max(xs) and min(ys) <= y <= max(ys) for x, y in node.points)


def by_first_line(nodes: dict[str, Shape]) -> dict[str, Shape]:
    """Nodes keyed by their first text line (a tensor's name, when it has one)."""
    return {shape.lines[0]: shape for shape in nodes.values() if shape.lines}
