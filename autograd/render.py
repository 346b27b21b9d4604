"""Turning DOT source into a picture: find a renderer, or say clearly how to get one.

`Picture` is a `graphviz.Digraph` that looks for Graphviz's `dot` first and, when
it is missing, for `graphviz-pure` (a pip-installable port of `dot` that writes
SVG and PNG, but not PDF, and installs a command named `graphviz-pure`, not
`dot`). With neither, rendering raises `RendererNotFound`, which says how to
install one; the DOT source (`.source`, `.save()`) never needs a renderer, and
in Jupyter the picture shows that message instead of a traceback.
"""

from __future__ import annotations

import contextlib
import os
import pathlib
import shutil
import sysconfig

import graphviz
import graphviz.backend.dot_command as dot_command

PURE_FORMATS = frozenset({"svg", "png", "jpeg", "jpg", "jpe", "dot", "gv", "xdot", "json", "plain", "canon"})
"""The output formats graphviz-pure writes (it has no PDF or PostScript)."""

HOW_TO_INSTALL = (
    "no Graphviz renderer found: neither `dot` nor `graphviz-pure` is on PATH. Install one:\n"
    "  - Graphviz: `apt-get install graphviz` (Debian, Ubuntu), `brew install graphviz` (macOS),\n"
    "    `conda install graphviz`, or the installer from graphviz.org (Windows);\n"
    "  - or, with pip alone: `pip install graphviz-pure` (SVG and PNG, no PDF).\n"
    "The DOT source needs no renderer: it is in `.source`, and `.save('graph.gv')` writes it to a file."
)


class RendererNotFound(graphviz.ExecutableNotFound):
    """No program to lay out and draw the graph; the message says how to install one."""

    def __init__(self, message: str = HOW_TO_INSTALL):
        RuntimeError.__init__(self, message)


def _search_path() -> str:
    """PATH, then the scripts folder of this Python: `pip install graphviz-pure` puts it there,
    and that folder is not on PATH when a virtual environment's python is run without activating it."""
    scripts = sysconfig.get_path("scripts")
    return os.pathsep.join(p for p in (os.environ.get("PATH", ""), scripts) if p)


def find_renderer() -> str | None:
    """The full path of `dot`, else of `graphviz-pure`, else None."""
    search = _search_path()
    return shutil.which("dot", path=search) or shutil.which("graphviz-pure", path=search)


@contextlib.contextmanager
def _renderer_for(format: str):
    """Point the graphviz package at the renderer found, for the length of one call."""
    found = find_renderer()
    if found is None:
        raise RendererNotFound()
    program = pathlib.Path(found)
    if program.name.startswith("graphviz-pure") and format not in PURE_FORMATS:
        raise RendererNotFound(
            f"graphviz-pure cannot write {format!r} (it writes {', '.join(sorted(PURE_FORMATS))}); "
            "install Graphviz's `dot` for PDF (`apt-get install graphviz`, `brew install graphviz`), "
            "or render to 'svg' or 'png'."
        )
    # The graphviz package runs the program named by this module global; set it
    # only while we render, and put back whatever was there.
    before = dot_command.DOT_BINARY
    dot_command.DOT_BINARY = program
    try:
        yield program
    finally:
        dot_command.DOT_BINARY = before


def _format_of(picture: graphviz.Digraph, args: tuple, kwargs: dict, position: int) -> str:
    given = kwargs.get("format", args[position] if len(args) > position else None)
    return given or picture.format


def _hush_pure(program: pathlib.Path, args: tuple, kwargs: dict, position: int) -> None:
    """graphviz-pure warns on stderr at every non-ASCII letter (the · and × of op labels) though it
    draws them well; unless told otherwise, keep its stderr (a failure still raises, with it)."""
    if program.name.startswith("graphviz-pure") and len(args) <= position:
        kwargs.setdefault("quiet", True)


class Picture(graphviz.Digraph):
    """A `graphviz.Digraph` that renders with `dot`, or `graphviz-pure` when `dot` is missing.

    Shows inline in Jupyter; `.render('graph')` writes graph.svg (pass format='png' or 'pdf');
    `.source` is the DOT text.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("format", "svg")
        super().__init__(*args, **kwargs)

    def pipe(self, *args, **kwargs):
        with _renderer_for(_format_of(self, args, kwargs, 0)) as program:
            _hush_pure(program, args, kwargs, 4)
            return super().pipe(*args, **kwargs)

    def render(self, *args, **kwargs):
        with _renderer_for(_format_of(self, args, kwargs, 4)) as program:
            _hush_pure(program, args, kwargs, 8)
            return super().render(*args, **kwargs)

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        # In a notebook a missing renderer is a message to read, not a traceback.
        try:
            return super()._repr_mimebundle_(include, exclude, **kwargs)
        except RendererNotFound as error:
            return {"text/plain": str(error)}
