"""backward_steps: one picture per node, in the order the engine's backward really visits them."""

from __future__ import annotations

import base64
import json
import re
import sys

import numpy as np
import pytest
from graphs_to_draw import micrograd_readme, scoped_mlp
from svg_pictures import read_svg

from autograd import Tensor, backward_steps, draw_graph
from autograd.draw import Walk
from autograd.draw_labels import values

CURRENT_FILL = "#ff9f43"


def name_everything(root: Tensor) -> list[Tensor]:
    """Give every tensor of the graph a unique name, so that its node can be found in an SVG."""
    tensors = Walk(root).tensors
    for k, t in enumerate(tensors):
        t.name = t.name or f"n{k}"
    return tensors


def record_backward(root: Tensor) -> tuple[list[Tensor], dict[int, np.ndarray]]:
    """The tensors a real backward visits, in its order, and the gradient each one received."""
    visited: list[Tensor] = []
    received: dict[int, np.ndarray] = {}
    for t in Walk(root).tensors:
        if t.requires_grad:

            def hook(g, t=t):
                visited.append(t)
                received[id(t)] = g.numpy()

            t.register_hook(hook)
    root.backward(retain_graph=True)
    return visited, received


def highlighted(nodes) -> list[str]:
    return [
        node.lines[0] for name, node in nodes.items() if CURRENT_FILL in node.fills and name.startswith("t")
    ]


def test_frames_come_in_the_engines_order_and_fill_gradients_in_that_order():
    *_, g = micrograd_readme()
    tensors = name_everything(g)
    steps = backward_steps(g)  # made before the real backward: it must not depend on it
    visited, received = record_backward(g)
    assert [t.name for t in steps.order] == [t.name for t in visited]
    assert len(steps) == len(visited) == 27

    for k in range(len(steps)):
        nodes, _ = read_svg(steps[k].pipe(format="svg"))
        by_name = {node.lines[0]: node for name, node in nodes.items() if name.startswith("t")}
        assert highlighted(nodes) == [visited[k].name]
        for j, t in enumerate(visited):
            shown = by_name[t.name].line("grad ")
            final = values(received[id(t)])
            if j <= k:  # reached: the complete gradient (after its running sum, if it came in parts)
                assert shown == final or shown.endswith(f" = {final}"), (k, t.name, shown)
            else:  # not reached: nothing yet, or the parts so far, or every part in (it is next)
                assert shown == "?" or "+ ?" in shown or "parts arrived" in shown or shown.endswith(final)
        # The op whose VJP runs at this step is highlighted with its output.
        ops = [name for name, node in nodes.items() if CURRENT_FILL in node.fills and name.startswith("op")]
        position = next(i for i, t in enumerate(tensors) if t is visited[k])
        assert ops == ([] if visited[k]._op is None else [f"op{position}"])


def test_a_gradient_that_arrives_in_parts_shows_its_running_sum():
    x = Tensor(5.0, requires_grad=True, name="x")
    y = x * x + 3 * x
    y.name = "y"
    steps = backward_steps(y)

    def x_says(k):
        nodes, _ = read_svg(steps[k].pipe(format="svg"))
        return next(node for node in nodes.values() if node.lines[0] == "x").line("grad ")

    assert [x_says(k) for k in range(len(steps))] == [
        "?",
        "3.0000 + ? (1 of 2 parts)",  # 3·x has sent its part
        "3.0000 + 10.0000 = 13.0000",  # and x·x its own: 2x = 10
        "3.0000 + 10.0000 = 13.0000",
    ]
    assert [steps.caption(k) for k in range(len(steps))] == [
        "Step 1 of 4: backward starts at y with gradient 1; it flows through add to x × x and 3 × x",
        "Step 2 of 4: the gradient flows from 3 × x through mul to x",
        "Step 3 of 4: the gradient flows from x × x through mul to x",
        "Step 4 of 4: x's gradient is complete: 3.0000 + 10.0000 = 13.0000, and goes into x.grad",
    ]
    z = Tensor(1.0, requires_grad=True, name="z")
    w = z * -2.0 + z * 3.0  # backward reaches z * 3.0 first
    assert backward_steps(w).caption(3).endswith("3.0000 − 2.0000 = 1.0000, and goes into z.grad")


def test_the_caption_says_which_step_and_what_happens():
    *_, g = micrograd_readme()
    steps = backward_steps(g)
    assert "Step 1 of 27: backward starts at g with gradient 1; it flows through add to " in steps[0].source
    last = steps[-1].source
    assert "Step 27 of 27: " in last and "gradient is complete: " in last and "goes into " in last
    assert repr(steps) == (
        "BackwardSteps: 27 steps of backward through g; in Jupyter it shows as a player; "
        "steps[k] is frame k; .save('steps.html') or .save('steps.gif') writes them all"
    )


def test_steps_change_no_grad_and_free_nothing():
    a, b, *_, g = micrograd_readme()
    steps = backward_steps(g)
    assert "= 645.5773" in steps[len(steps) - 1].source
    assert a.grad is None and b.grad is None and g._inputs is not None


def test_draw_graph_step_is_that_frame():
    *_, g = micrograd_readme()
    assert draw_graph(g, step=4).source == backward_steps(g)[4].source
    assert backward_steps(g)[-1].source == backward_steps(g)[26].source
    with pytest.raises(IndexError, match="step 27 out of range for 27 steps"):
        backward_steps(g)[27]


def test_a_non_scalar_root_steps_with_its_gradient():
    x = Tensor([1.0, 2.0], requires_grad=True, name="x", dtype=np.float64)
    y = x * x
    y.name = "y"
    steps = backward_steps(y, gradient=np.array([1.0, 10.0]))
    nodes, _ = read_svg(steps[1].pipe(format="svg"))
    x_node = next(node for node in nodes.values() if node.lines[0] == "x")
    assert x_node.line("grad ") == "[2.0000, 40.0000]"


def test_steps_refuse_a_root_without_grad_or_a_freed_graph():
    with pytest.raises(RuntimeError, match="does not require grad"):
        backward_steps(Tensor(1.0) * 2)
    *_, g = micrograd_readme()
    g.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        backward_steps(g)
    with pytest.raises(TypeError, match="must be a Tensor"):
        backward_steps(3.0)


def test_steps_on_collapsed_modules_highlight_the_module():
    loss, *_ = scoped_mlp()
    steps = backward_steps(loss, collapse=True)
    relu = next(k for k, t in enumerate(steps.order) if t._op is not None and t._op.name == "relu")
    nodes, _ = read_svg(steps[relu].pipe(format="svg"))
    lit = [node.lines[0] for node in nodes.values() if CURRENT_FILL in node.fills]
    assert lit == ["layers.1 (ReLU)"]


def test_save_writes_one_file_per_step_into_a_folder(tmp_path):
    x = Tensor(2.0, requires_grad=True, name="x")
    paths = backward_steps((x * x).tanh()).save(str(tmp_path / "frames"))
    assert [p.rsplit("/", 1)[1] for p in paths] == ["step-000.svg", "step-001.svg", "step-002.svg"]
    assert all(open(p).read().lstrip().startswith("<?xml") for p in paths)


def frames_of(page: str) -> list[bytes]:
    return [base64.b64decode(data) for data in re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', page)]


def test_in_jupyter_the_steps_show_as_a_player_whose_frames_do_not_jump(tmp_path):
    *_, g = micrograd_readme()
    steps = backward_steps(g)
    page = steps._repr_html_()
    frames = frames_of(page)
    assert len(frames) == 27 and "Step 1 of 27" in page and 'max="26"' in page
    assert "autograd-steps-next" in page and "autograd-steps-previous" in page and "<script>" in page
    # Every frame has the same size, and each node stands in the same place in all of them.
    first, _ = read_svg(frames[0])
    for frame in frames[1:]:
        nodes, _ = read_svg(frame)
        assert {name: node.points[0] for name, node in nodes.items()} == {
            name: node.points[0] for name, node in first.items()
        }
    sizes = {re.search(rb'<svg width="([^"]+)" height="([^"]+)"', frame).groups() for frame in frames}
    assert len(sizes) == 1
    # Two players on one page have their own element ids.
    ids = re.findall(r'<div id="([^"]+)" class="autograd-steps"', page + steps._repr_html_())
    assert len(ids) == 2 and ids[0] != ids[1]


def test_save_html_writes_a_standalone_player(tmp_path):
    x = Tensor(5.0, requires_grad=True, name="x")
    steps = backward_steps(x * x + 3 * x)
    path = steps.save(str(tmp_path / "steps.html"))
    page = open(path, encoding="utf-8").read()
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert len(frames_of(page)) == 4
    assert json.dumps(steps.caption(3)) in page  # the captions the script shows


def test_save_gif_writes_an_animation_of_every_frame(tmp_path):
    Image = pytest.importorskip("PIL.Image", reason="Pillow is not installed (pip install -e '.[gif]')")

    x = Tensor(5.0, requires_grad=True, name="x")
    steps = backward_steps(x * x + 3 * x)
    path = steps.save(str(tmp_path / "steps.gif"))
    with Image.open(path) as gif:
        assert gif.format == "GIF" and gif.n_frames == 4 and gif.info["loop"] == 0
        gif.seek(3)
        assert gif.info["duration"] == 1500


def test_save_gif_without_pillow_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "PIL", None)
    x = Tensor(5.0, requires_grad=True, name="x")
    with pytest.raises(ImportError, match=r"needs Pillow.*pip install 'readgrad\[gif\]'"):
        backward_steps(x * x).save(str(tmp_path / "steps.gif"))
