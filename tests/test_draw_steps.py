"""backward_steps: one picture per node, in the order the engine's backward really visits them."""

from __future__ import annotations

import sys
import types

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
            assert shown == (values(received[id(t)]) if j <= k else "?"), (k, t.name)
        # The op whose VJP runs at this step is highlighted with its output.
        ops = [name for name, node in nodes.items() if CURRENT_FILL in node.fills and name.startswith("op")]
        position = next(i for i, t in enumerate(tensors) if t is visited[k])
        assert ops == ([] if visited[k]._op is None else [f"op{position}"])


def test_the_caption_says_which_step_and_what_happens():
    *_, g = micrograd_readme()
    steps = backward_steps(g)
    assert "backward step 1 of 27: g: its gradient is complete; add's VJP passes it on" in steps[0].source
    last = steps[-1].source
    assert (
        "backward step 27 of 27: " in last and "a leaf; its gradient is complete and goes into .grad" in last
    )


def test_steps_change_no_grad_and_free_nothing():
    a, b, *_, g = micrograd_readme()
    steps = backward_steps(g)
    assert "grad 645.5773" in steps[len(steps) - 1].source
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


def test_save_writes_one_file_per_step(tmp_path):
    x = Tensor(2.0, requires_grad=True, name="x")
    paths = backward_steps((x * x).tanh()).save(str(tmp_path / "frames"))
    assert [p.rsplit("/", 1)[1] for p in paths] == ["step-000.svg", "step-001.svg", "step-002.svg"]
    assert all(open(p).read().lstrip().startswith("<?xml") for p in paths)


def test_in_jupyter_without_ipywidgets_the_frames_show_in_sequence(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj))
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # import ipywidgets now fails
    *_, g = micrograd_readme()
    steps = backward_steps(g)
    steps._ipython_display_()
    assert [frame.source for frame in shown] == [steps[k].source for k in range(len(steps))]


def test_in_jupyter_with_ipywidgets_a_slider_picks_the_frame(monkeypatch):
    import IPython.display

    class Widget:
        def __init__(self, *children, **traits):
            self.children, self.observers = children, []
            self.__dict__.update(traits)

        def observe(self, fn, names):
            self.observers.append(fn)

        def clear_output(self, wait=False):
            shown.clear()

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    fake = types.ModuleType("ipywidgets")
    fake.IntSlider = fake.Output = fake.VBox = Widget
    monkeypatch.setitem(sys.modules, "ipywidgets", fake)
    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj))
    *_, g = micrograd_readme()
    steps = backward_steps(g)
    steps._ipython_display_()
    box = shown.pop()
    slider, _ = box.children[0]
    assert (slider.min, slider.max, slider.value) == (0, len(steps) - 1, 0)
    assert shown[-1].source == steps[0].source
    slider.value = 5
    slider.observers[0]({"new": 5})
    assert [frame.source for frame in shown] == [steps[5].source]


def test_in_jupyter_without_ipywidgets_a_long_pass_shows_its_first_frames_and_says_how_many_more(monkeypatch):
    import IPython.display

    from autograd import steps as steps_module

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj))
    monkeypatch.setitem(sys.modules, "ipywidgets", None)
    monkeypatch.setattr(steps_module, "FRAMES_IN_SEQUENCE", 5)
    *_, g = micrograd_readme()
    backward_steps(g)._ipython_display_()
    assert len(shown) == 6
    assert repr(shown[-1]).startswith("… 22 more steps: index them (steps[k]), or `pip install ipywidgets`")
