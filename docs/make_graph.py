"""Draw docs/graph.svg by running README.md's first example, exactly as the README shows it.

    python docs/make_graph.py           # rewrites docs/graph.svg
    python docs/make_graph.py out.svg   # writes elsewhere

The example is the ```python block just above the README's `docs/graph.svg` image. It is run
as a notebook cell runs: its last line, `draw_graph(d)`, is an expression whose value (a
graphviz.Digraph) is what Jupyter would show, and that is what is saved, as SVG.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's autograd, even where another copy is installed
README = ROOT / "README.md"
SVG = ROOT / "docs" / "graph.svg"


def readme_example(readme: Path = README, image: str = "docs/graph.svg") -> str:
    """The code of the ```python block that the README's picture `image` follows."""
    # The block's code holds no ``` of its own: the match cannot run over an earlier block.
    block = re.compile(
        r"```python\n((?:(?!```).)*)```\s*\n!\[[^\]]*\]\(" + re.escape(image) + r"\)", re.DOTALL
    )
    match = block.search(readme.read_text(encoding="utf-8"))
    if match is None:
        raise LookupError(f"{readme}: no ```python block just above the {image} image")
    return match.group(1)


def run_example(code: str, namespace: dict | None = None):
    """Run `code` as a notebook cell: return the value of its last line, which must be an expression.

    The names it defines are left in `namespace`, when one is given."""
    tree = ast.parse(code, filename="README.md")
    if not tree.body or not isinstance(tree.body[-1], ast.Expr):
        raise ValueError("README's example must end with an expression: the picture it shows")
    last = ast.Expression(tree.body.pop().value)
    namespace = {} if namespace is None else namespace
    namespace["__name__"] = "__readme__"
    exec(compile(tree, "README.md", "exec"), namespace)
    return eval(compile(last, "README.md", "eval"), namespace)


def make_graph(out: Path = SVG) -> Path:
    """Run the README's example and write the graph it draws to `out` as SVG."""
    out.write_bytes(run_example(readme_example()).pipe(format="svg"))
    return out


if __name__ == "__main__":
    print(f"wrote {make_graph(Path(sys.argv[1]) if len(sys.argv) > 1 else SVG)}")
