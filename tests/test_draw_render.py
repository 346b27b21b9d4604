"""Rendering pictures: files in SVG, PNG and PDF, inline in Jupyter, and what happens without `dot`."""

from __future__ import annotations

import os
import shutil
import stat
import sysconfig

import graphviz
import graphviz.backend.dot_command as dot_command
import pytest
from graphs_to_draw import micrograd_readme
from svg_pictures import by_first_line, read_svg

from autograd import backward_steps, draw_graph
from autograd.render import Picture, RendererNotFound, find_renderer

MAGIC = {"svg": b"<?xml", "png": b"\x89PNG", "pdf": b"%PDF"}


@pytest.fixture
def picture():
    *_, g = micrograd_readme()
    g.backward(retain_graph=True)
    return draw_graph(g)


@pytest.mark.parametrize("format", ["svg", "png", "pdf"])
def test_render_writes_svg_png_and_pdf(picture, tmp_path, format):
    path = picture.render(str(tmp_path / "graph"), format=format)
    assert path.endswith(f"graph.{format}")
    with open(path, "rb") as file:
        assert file.read().startswith(MAGIC[format])


def test_render_defaults_to_svg(picture, tmp_path):
    assert picture.render(str(tmp_path / "graph")).endswith("graph.svg")


def test_the_picture_is_a_digraph_that_shows_inline_in_jupyter(picture):
    assert isinstance(picture, graphviz.Digraph)
    bundle = picture._repr_mimebundle_()
    nodes, _ = read_svg(bundle["image/svg+xml"])
    assert by_first_line(nodes)["g"].line("data ") == "24.7041"


def no_renderer_on_path(monkeypatch, folder) -> None:
    """PATH holds only `folder`, and this Python's scripts folder is looked for there too."""
    monkeypatch.setenv("PATH", str(folder))
    monkeypatch.setattr(sysconfig, "get_path", lambda name, *args, **kwargs: str(folder))


def test_without_a_renderer_rendering_says_how_to_install_one(picture, tmp_path, monkeypatch):
    no_renderer_on_path(monkeypatch, tmp_path)
    assert find_renderer() is None
    for attempt in (lambda: picture.pipe(format="svg"), lambda: picture.render(str(tmp_path / "g"))):
        with pytest.raises(RendererNotFound) as error:
            attempt()
        message = str(error.value)
        assert "apt-get install graphviz" in message and "pip install graphviz-pure" in message
        assert ".source" in message
        assert isinstance(error.value, graphviz.ExecutableNotFound)
    # The DOT source needs no renderer.
    assert "data 24.7041" in picture.source
    picture.save(str(tmp_path / "graph.gv"))
    assert (tmp_path / "graph.gv").read_text() == picture.source


def test_without_a_renderer_a_notebook_shows_a_message_not_a_traceback(picture, tmp_path, monkeypatch):
    from IPython.core.formatters import DisplayFormatter

    no_renderer_on_path(monkeypatch, tmp_path)
    data, _ = DisplayFormatter().format(picture)
    assert list(data) == ["text/plain"]
    assert data["text/plain"].startswith("no Graphviz renderer found")


def test_without_a_renderer_the_step_through_says_so_once(tmp_path, monkeypatch):
    no_renderer_on_path(monkeypatch, tmp_path)
    *_, g = micrograd_readme()
    page = backward_steps(g)._repr_html_()
    assert page.count("pip install graphviz-pure") == 1 and "<img" not in page


def make_stand_in(folder, log) -> None:
    """A `graphviz-pure` in folder that logs its arguments and runs the real dot (as graphviz-pure would)."""
    real_dot = shutil.which("dot")
    script = folder / "graphviz-pure"
    # Like graphviz-pure, it warns on stderr about the width of non-ASCII letters.
    script.write_text(
        f'#!/bin/sh\necho "$@" >> "{log}"\necho "Warning: no value for width of non-ASCII character 194" >&2\n'
        f'exec "{real_dot}" "$@"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)


def test_without_dot_graphviz_pure_renders_svg_and_png(picture, tmp_path, monkeypatch, capfd):
    log = tmp_path / "calls.log"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    make_stand_in(bin_dir, log)
    no_renderer_on_path(monkeypatch, bin_dir)
    assert find_renderer() == str(bin_dir / "graphviz-pure")

    nodes, _ = read_svg(picture.pipe(format="svg"))
    assert by_first_line(nodes)["a"].line("grad ") == "138.8338"
    path = picture.render(str(tmp_path / "graph"), format="png")
    assert open(path, "rb").read().startswith(MAGIC["png"])
    assert log.read_text().splitlines() == [
        "-Kdot -Tsvg",
        f"-Kdot -Tpng -O {os.path.basename(str(tmp_path / 'graph'))}",
    ]
    assert "non-ASCII" not in capfd.readouterr().err  # its warnings are kept quiet
    # The graphviz package is pointed back at `dot` afterwards.
    assert str(dot_command.DOT_BINARY) == "dot"


def test_graphviz_pure_cannot_write_pdf_and_says_so(picture, tmp_path, monkeypatch):
    make_stand_in(tmp_path, tmp_path / "calls.log")
    no_renderer_on_path(monkeypatch, tmp_path)
    with pytest.raises(RendererNotFound, match="graphviz-pure cannot write 'pdf'.*apt-get install graphviz"):
        picture.render(str(tmp_path / "graph"), format="pdf")


def test_picture_keeps_graphviz_digraph_arguments():
    picture = Picture(name="x", format="png")
    assert picture.format == "png" and Picture().format == "svg"
