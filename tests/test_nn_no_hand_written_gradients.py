"""The rule that defines nn: no gradient is written by hand anywhere in the package.

Read from the source: nn never declares a primitive, never touches the engine's
graph internals, never defines a backward or VJP, and assigns `.grad` only to None.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import nn

PACKAGE = Path(nn.__file__).parent
SOURCES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_no_module_in_nn_defines_a_gradient(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            assert not any(word in node.name.lower() for word in ("vjp", "backward", "grad_fn")), node.name
        if isinstance(node, ast.ImportFrom) and node.module:
            assert not node.module.startswith(("autograd.graph", "autograd.engine", "autograd.ops")), (
                node.module
            )
        if isinstance(node, ast.Name):
            assert node.id not in ("primitive", "_node", "vjps"), f"{path.name}:{node.lineno} uses {node.id}"
        if isinstance(node, ast.Attribute):
            assert node.attr not in ("_op", "_inputs", "vjps", "primitive"), f"{path.name}:{node.lineno}"
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Attribute) and target.attr == "grad":
                    value = node.value
                    assert isinstance(value, ast.Constant) and value.value is None, (
                        f"{path.name}:{node.lineno}"
                    )


def test_the_scan_covers_the_whole_package():
    names = {p.relative_to(PACKAGE).as_posix() for p in SOURCES}
    assert {"module.py", "functional.py", "optim/optimizer.py", "optim/adam.py", "linear.py"} <= names
