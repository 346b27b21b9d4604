"""draw_graph: rendered SVGs show the values, gradients, shapes, names and modules of a graph."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest
from graphs_to_draw import micrograd_readme, scoped_mlp
from svg_pictures import by_first_line, inside, read_svg

import autograd
from autograd import Tensor, draw_graph, scope
from autograd.draw import FREED_NOTE

F64 = np.float64


def svg_of(picture):
    return read_svg(picture.pipe(format="svg"))


def test_import_autograd_does_not_import_graphviz():
    code = "import sys, autograd; assert 'graphviz' not in sys.modules; autograd.draw_graph; assert 'graphviz' in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_micrograd_readme_values_and_gradients_in_the_svg():
    a, b, c, d, e, f, g = micrograd_readme()
    g.backward(retain_graph=True)
    nodes, _ = svg_of(draw_graph(g))
    named = by_first_line(nodes)
    assert named["a"].lines[1:] == ["scalar float64", "data -4.0000", "grad 138.8338"]
    assert named["b"].lines[1:] == ["scalar float64", "data 2.0000", "grad 645.5773"]
    assert named["g"].lines[1:] == ["scalar float64", "data 24.7041", "grad 1.0000"]
    # Intermediates show d(g)/d(t): g = f/2 + 10/f, f = e², so dg/df = 1/2 - 10/f², dg/de = dg/df · 2e.
    e_value, f_value = -7.0, 49.0
    assert named["f"].line("data ") == "49.0000"
    assert named["f"].line("grad ") == f"{0.5 - 10 / f_value**2:.4f}"
    assert named["e"].line("grad ") == f"{(0.5 - 10 / f_value**2) * 2 * e_value:.4f}"
    assert named["c"].line("data ") == "-1.0000" and named["d"].line("data ") == "6.0000"
    # One node per tensor and per op: 27 tensors (a, b and 25 results) and 25 ops.
    assert len(nodes) == 52


def test_drawing_changes_no_grad_and_keeps_the_graph():
    a, b, *_, g = micrograd_readme()
    g.backward(retain_graph=True)
    assert "138.8338" in draw_graph(g).source
    assert a.grad.item() == pytest.approx(138.8338, abs=1e-4)
    assert g._grad is None and g._inputs is not None
    g.backward()  # the graph is still there to go through again
    assert a.grad.item() == pytest.approx(2 * 138.8338, abs=1e-3)


def test_intermediates_show_no_gradient_before_backward():
    *_, g = micrograd_readme()
    named = by_first_line(svg_of(draw_graph(g))[0])
    assert named["g"].line("grad ") is None and named["a"].line("grad ") is None
    assert named["g"].line("data ") == "24.7041"


def test_leaves_constants_and_root_look_different():
    x = Tensor([1.0, 2.0], requires_grad=True, name="x")
    k = Tensor([3.0, 4.0], name="k")
    y = (x * k).sum()
    y.name = "y"
    named = by_first_line(svg_of(draw_graph(y))[0])
    fills = {name: named[name].fills for name in ("x", "k", "y")}
    assert len({tuple(f) for f in fills.values()}) == 3, fills
    source = draw_graph(y).source
    assert "dashed" in next(line for line in source.splitlines() if '"k\\n' in line)
    assert "peripheries=2" in next(line for line in source.splitlines() if '"y\\n' in line)


def test_op_labels_fold_constants_and_show_parameters():
    x = Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True, name="x")
    y = autograd.concatenate(
        [(x * 2.0).sum(axis=1), (10.0 / (x + 1.0))[:, 0], x.reshape(6)[1:3] ** 3], axis=0
    )
    z = autograd.where(y.numpy() > 5, y, -y).sum()
    nodes, _ = svg_of(draw_graph(z))
    ops = [node.text for name, node in nodes.items() if name.startswith("op")]
    for expected in ("mul\n· × 2.0", "sum(axis=1)", "div\n10.0 / ·", "getitem[:, 0]", "reshape(shape=(6,))",
                     "getitem[1:3]", "pow\n· ** 3", "concatenate(axis=0)", "where(cond)", "neg", "sum"):  # fmt: skip
        assert expected in ops, (expected, ops)
    # Concatenate's operands are told apart by position, where's by a and b.
    source = draw_graph(z).source
    assert '[label="2" fontsize=10]' in source and '[label="b" fontsize=10]' in source


def test_non_commutative_ops_label_their_operands():
    a = Tensor(3.0, requires_grad=True, name="a")
    b = Tensor(2.0, requires_grad=True, name="b")
    source = draw_graph(a - b).source
    assert 't0 -> op2 [label="a"' in source and 't1 -> op2 [label="b"' in source
    assert "sub\\na − b" in source


def test_big_arrays_are_summarised_and_tiny_ones_shown_in_full():
    rng = np.random.default_rng(1)
    big = Tensor(rng.normal(size=(10, 20)), requires_grad=True, name="big")
    tiny = Tensor([[1.0, -2.0], [3.5, 0.25]], requires_grad=True, name="tiny", dtype=F64)
    y = (big.sum(axis=1).reshape(2, 5)[:, :2] * tiny).sum()
    y.backward(retain_graph=True)
    named = by_first_line(svg_of(draw_graph(y))[0])
    assert named["big"].lines[1] == "(10, 20) float64"
    data = big.numpy()
    assert named["big"].line("data ") == f"min {data.min():.4f}  mean {data.mean():.4f}  max {data.max():.4f}"
    g = big.grad.numpy()
    assert named["big"].line("grad ") == f"min {g.min():.4f}  mean {g.mean():.4f}  max {g.max():.4f}"
    # A 2x2 array is written out, one row per line.
    assert named["tiny"].lines[1:4] == ["(2, 2) float64", "data [[1.0000, -2.0000],", " [3.5000, 0.2500]]"]


def test_show_data_and_show_grad_can_be_turned_off():
    a, b, *_, g = micrograd_readme()
    g.backward(retain_graph=True)
    text = draw_graph(g, show_data=False, show_grad=False).source
    assert "\\ndata " not in text and "\\ngrad " not in text and "scalar float64" in text
    assert "grad 138.8338" in draw_graph(g, show_data=False).source


def test_the_same_graph_draws_the_same_dot_source_every_time():
    *_, g = micrograd_readme()
    g.backward(retain_graph=True)
    assert draw_graph(g).source == draw_graph(g).source


def test_two_processes_draw_the_same_dot_source():
    code = textwrap.dedent(
        """
        import numpy as np, autograd
        from autograd import Tensor, scope
        autograd.set_default_dtype(np.float64)
        autograd.manual_seed(0)
        w = autograd.randn(3, 2, requires_grad=True)
        x = Tensor(np.ones((4, 2)))
        with scope("0 (Linear)"):
            y = (x @ w.T).tanh()
        loss = y.sum() + (y * y).mean()
        loss.backward(retain_graph=True)
        print(autograd.draw_graph(loss).source)
        """
    )
    runs = [
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        for _ in range(2)
    ]
    assert runs[0] == runs[1] and "cluster" in runs[0]


def test_a_non_scalar_root_shows_leaf_gradients_only():
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True, name="x")
    h = x * 2.0
    h.name = "h"
    y = h.exp()
    y.backward(np.ones(3), retain_graph=True)
    named = by_first_line(svg_of(draw_graph(y))[0])
    assert named["x"].line("grad ") is not None
    assert named["h"].line("grad ") is None  # no single scalar to differentiate


def test_a_retained_grad_is_shown_as_it_is():
    x = Tensor([1.0, 2.0], requires_grad=True, name="x")
    h = x * 3.0
    h.name = "h"
    h.retain_grad()
    y = h.exp()
    y.backward(np.array([1.0, 0.5]), retain_graph=True)  # a non-scalar root: nothing is recomputed
    named = by_first_line(svg_of(draw_graph(y))[0])
    assert named["h"].line("grad ") == f"[{np.exp(3.0):.4f}, {0.5 * np.exp(6.0):.4f}]"


def test_drawing_after_a_plain_backward_draws_what_is_left_with_a_note():
    a, b, *_, g = micrograd_readme()
    g.backward()
    nodes, _ = svg_of(draw_graph(g))
    named = by_first_line(nodes)
    assert named["g"].line("data ") == "24.7041"
    assert any(FREED_NOTE.split(";")[0] in node.text for node in nodes.values())
    assert "a" not in named  # what fed g is gone with the graph


def test_bad_arguments_raise_clear_errors():
    x = Tensor(1.0, requires_grad=True)
    with pytest.raises(TypeError, match="root must be a Tensor"):
        draw_graph(1.0)
    with pytest.raises(ValueError, match="max_nodes must be at least 2"):
        draw_graph(x * 2, max_nodes=1)
    with pytest.raises(ValueError, match="collapse must be"):
        draw_graph(x * 2, collapse=0)


def test_a_leaf_alone_is_one_node():
    x = Tensor(2.0, requires_grad=True, name="x")
    nodes, _ = svg_of(draw_graph(x))
    assert list(by_first_line(nodes)) == ["x"]


def test_rankdir_is_passed_to_graphviz():
    x = Tensor(2.0, requires_grad=True)
    assert "rankdir=TB" in draw_graph(x * x, rankdir="TB").source


# ---------------------------------------------------------------------------
# Modules


def test_mlp_draws_a_cluster_per_module_with_its_parameters_inside():
    loss, x, (w0, b0, w2, b2) = scoped_mlp()
    loss.backward(retain_graph=True)
    nodes, clusters = svg_of(draw_graph(loss))
    labels = [c.lines[0] for c in clusters]
    assert labels == [
        "MLP",
        "layers (Sequential)",
        "layers.0 (Linear)",
        "layers.1 (ReLU)",
        "layers.2 (Linear)",
    ]
    cluster = {c.lines[0]: c for c in clusters}
    named = by_first_line(nodes)
    for name, module in (("layers.0.weight", "layers.0 (Linear)"), ("layers.2.bias", "layers.2 (Linear)")):
        assert inside(named[name], cluster[module])
        assert inside(named[name], cluster["MLP"])
    assert not inside(named["layers.0.weight"], cluster["layers.2 (Linear)"])
    assert not inside(named["x"], cluster["MLP"]) and not inside(named["loss"], cluster["MLP"])
    # Every op of a module is drawn inside its cluster.
    relu = next(node for node in nodes.values() if node.lines == ["relu"])
    assert inside(relu, cluster["layers.1 (ReLU)"]) and not inside(relu, cluster["layers.0 (Linear)"])

    # The values and gradients are NumPy's.
    h = np.maximum(x @ w0.numpy().T + b0.numpy(), 0)
    out = h @ w2.numpy().T + b2.numpy()
    assert named["loss"].line("data ") == f"{np.mean(out**2):.4f}"
    dout = 2 * out / out.size
    dh = (dout @ w2.numpy()) * (h > 0)
    dw0 = dh.T @ x
    assert named["layers.0.weight"].lines[1] == "(3, 2) float64"
    shown = [
        float(v)
        for v in " ".join(named["layers.0.weight"].lines)
        .split("grad ")[1]
        .replace("[", " ")
        .replace("]", " ")
        .replace(",", " ")
        .split()
    ]
    np.testing.assert_allclose(shown, dw0.ravel(), atol=1e-4)
    assert named["layers.2.bias"].line("grad ") == f"[{np.sum(dout):.4f}]"


def test_collapse_draws_each_module_as_one_box():
    loss, *_ = scoped_mlp()
    loss.backward(retain_graph=True)
    nodes, clusters = svg_of(draw_graph(loss, collapse=True))
    boxes = [node for node in nodes.values() if node.name.startswith("m")]
    assert [box.lines[0] for box in boxes] == ["layers.0 (Linear)", "layers.1 (ReLU)", "layers.2 (Linear)"]
    assert boxes[0].lines[1] == "ops: transpose, matmul, add" and boxes[0].lines[2] == "2 parameters"
    assert "out (4, 3) float64" in boxes[0].lines
    assert [c.lines[0] for c in clusters] == ["MLP", "layers (Sequential)"]
    assert not any(node.lines[0].startswith("layers.0.weight") for node in nodes.values())
    # Collapsing at depth 2 makes the Sequential one box.
    nodes, _ = svg_of(draw_graph(loss, collapse=2))
    assert [n.lines[0] for n in nodes.values() if n.name.startswith("m")] == ["layers (Sequential)"]


def test_a_parameter_shared_by_two_modules_sits_in_their_common_parent():
    w = Tensor(np.ones((2, 2)), requires_grad=True, name="tied")
    x = Tensor(np.ones((1, 2)))
    with scope("Net"):
        with scope("enc (Linear)"):
            h = x @ w
        with scope("dec (Linear)"):
            y = h @ w.T
    nodes, clusters = svg_of(draw_graph(y.sum()))
    cluster = {c.lines[0]: c for c in clusters}
    tied = by_first_line(nodes)["tied"]
    assert inside(tied, cluster["Net"]) and not inside(tied, cluster["enc (Linear)"])


def test_cluster_labels_follow_module_paths():
    from autograd.draw import cluster_label

    assert cluster_label(("MLP", "layers (Sequential)", "0 (Linear)")) == "layers.0 (Linear)"
    assert cluster_label(("MLP",)) == "MLP"
    assert cluster_label(("encoder", "block")) == "block"
    assert cluster_label(("model (Net)",)) == "model (Net)"


# ---------------------------------------------------------------------------
# Size control


def chain(steps: int, same: bool = True):
    """x -> mul -> tanh -> mul -> ...: the same block every step, or each with its own constant."""
    x = Tensor(np.ones(3), requires_grad=True, name="x")
    for k in range(steps):
        x = (x * (1.01 if same else 1 + k / 1000)).tanh()
    return x.sum()


def test_past_max_nodes_the_picture_keeps_the_nodes_nearest_the_root_and_says_what_it_left_out():
    y = chain(100, same=False)  # 1 leaf + 201 results + 201 ops, no two steps alike
    nodes, _ = svg_of(draw_graph(y, max_nodes=30))
    assert len(nodes) == 30  # 29 kept + the note
    note = next(node for node in nodes.values() if node.name == "more")
    assert note.text.replace("\n", " ") == "… 187 tensors, 187 ops not drawn"
    source = draw_graph(y, max_nodes=30).source
    assert "showing the 29 of 403 nodes nearest the root" in source
    assert 't201 [label="output\\nscalar float' in source  # the root is kept
    assert len(svg_of(draw_graph(y, max_nodes=None))[0]) == 403


def test_a_long_loop_is_folded_into_one_box_with_its_count_and_the_output_end_drawn_in_full():
    x = Tensor(np.ones(3), requires_grad=True, name="x")
    y = x
    for _ in range(8000):
        y = y * 1.0001
    y = y.sum()
    y.backward(retain_graph=True)
    nodes, _ = svg_of(draw_graph(y))
    folded = [node for node in nodes.values() if node.name.startswith("r")]
    assert [node.lines for node in folded] == [["× 7997", "repeats of", "mul · × 1.0001"]]
    # The first mul, the folded 7997 and the last two: 8000 muls, each step's value as NumPy's.
    named = [node for node in nodes.values() if node.name.startswith("t")]
    assert len(named) == 5 and len(nodes) == 10
    last = next(node for node in nodes.values() if node.name == "t8000")
    assert last.line("data ") == f"[{1.0001**8000:.4f}, {1.0001**8000:.4f}, {1.0001**8000:.4f}]"
    assert by_first_line(nodes)["x"].line("grad ") is not None and "output" in by_first_line(nodes)


def test_a_stack_of_identical_layers_folds_into_one_box_between_the_first_and_the_last_two():
    x = Tensor(np.ones((2, 3)), name="x")
    with scope("MLP"), scope("layers (Sequential)"):
        for k in range(30):
            with scope(f"{2 * k} (Linear)"):
                w = Tensor(np.eye(3), requires_grad=True, name="weight")
                x = x @ w.T + 0.1
            with scope(f"{2 * k + 1} (ReLU)"):
                x = x.relu()
    loss = (x * x).sum()
    nodes, clusters = svg_of(draw_graph(loss, max_nodes=40))
    folded = [node for node in nodes.values() if node.name.startswith("r")]
    assert len(folded) == 1 and folded[0].lines[:2] == ["× 27", "repeats of"]
    assert set(folded[0].lines[2:]) == {"transpose", "matmul a @ b", "add · + 0.1", "relu"}
    shown = {c.lines[0] for c in clusters}
    assert {"layers.0 (Linear)", "layers.58 (Linear)", "layers.59 (ReLU)"} <= shown  # first and last layers
    assert not any(node.name == "more" for node in nodes.values())
    # The folded box sits inside the Sequential, with the layers it stands for.
    assert inside(folded[0], next(c for c in clusters if c.lines[0] == "layers (Sequential)"))


def test_max_nodes_none_on_a_huge_graph_says_how_big_and_how_slow_unless_forced():
    y = chain(1500)  # 6003 nodes
    with pytest.raises(ValueError, match=r"6003 nodes; with max_nodes=None .* about \d+ s .*force=True"):
        draw_graph(y, max_nodes=None)
    forced = draw_graph(y, max_nodes=None, force=True, show_legend=False).source
    assert forced.count("[label=") == 6003
    assert len(svg_of(draw_graph(chain(400), max_nodes=None))[0]) == 1603  # under 2,000: drawn whole


def test_the_picture_reads_left_to_right_when_it_fits_else_top_to_bottom():
    a = Tensor(2.0, requires_grad=True, name="a")
    assert "rankdir=LR" in draw_graph(a * 3.0).source
    assert "rankdir=TB" in draw_graph(chain(30, same=False)).source  # 121 nodes in a row: too wide
    assert "rankdir=LR" in draw_graph(chain(30, same=False), rankdir="LR").source
    with pytest.raises(ValueError, match="rankdir must be one of"):
        draw_graph(a * 3.0, rankdir="sideways")


def test_a_legend_lists_the_kinds_of_node_shown_and_can_be_hidden():
    x = Tensor([1.0, 2.0], requires_grad=True, name="x")
    k = Tensor([3.0, 4.0], name="k")
    y = (x * k).sum()
    y.backward(retain_graph=True)
    nodes, clusters = read_svg(draw_graph(y).pipe(format="svg"), legend=True)
    legend = [node.text for name, node in nodes.items() if name.startswith("legend")]
    assert legend == [
        "leaf that requires grad\n(gets a .grad)",
        "constant\n(no gradient)",
        "result of an op",
        "op",
        "output:\nbackward starts here",
        "grad: ∂output/∂(this tensor)",
    ]
    assert "legend" in [c.lines[0] for c in clusters]
    # Each sample looks like the nodes it explains.
    assert (
        nodes["legend0"].fills == nodes["t0"].fills[:1] and nodes["legend1"].fills[0] == nodes["t1"].fills[0]
    )
    hidden, clusters = read_svg(draw_graph(y, show_legend=False).pipe(format="svg"), legend=True)
    assert not any(name.startswith("legend") for name in hidden) and not clusters


def test_past_max_nodes_modules_collapse_before_anything_is_left_out():
    loss, *_ = scoped_mlp()
    full = len(svg_of(draw_graph(loss, max_nodes=None))[0])
    nodes, _ = svg_of(draw_graph(loss, max_nodes=full - 1))
    assert not any(node.name == "more" for node in nodes.values())
    assert sum(node.name.startswith("m") for node in nodes.values()) == 3
    assert "modules collapsed to fit max_nodes" in draw_graph(loss, max_nodes=full - 1).source
    # Tighter still: the Sequential becomes one box, then nodes are left out.
    nodes, _ = svg_of(draw_graph(loss, max_nodes=9))
    assert [n.lines[0] for n in nodes.values() if n.name.startswith("m")] == ["layers (Sequential)"]
    nodes, _ = svg_of(draw_graph(loss, max_nodes=4))
    assert "more" in nodes and len(nodes) == 4


def test_params_name_the_tensors():
    w = Tensor(np.ones((2, 2)), requires_grad=True)
    b = Tensor(np.zeros(2), requires_grad=True, name="own name")
    y = (Tensor(np.ones((1, 2))) @ w + b).sum()
    for params in ({"fc.weight": w, "fc.bias": b}, iter([("fc.weight", w), ("fc.bias", b)])):
        named = by_first_line(svg_of(draw_graph(y, params=params))[0])
        assert named["fc.weight"].lines[1] == "(2, 2) float64"
        assert "fc.bias" in named and "own name" not in named  # the names passed win
    steps = autograd.backward_steps(y, params={"fc.weight": w})
    assert (
        "fc.weight" in steps[-1].source
        and "Step 5 of 5: fc.weight's gradient is complete" in steps[-1].source
    )
    with pytest.raises(TypeError, match="params must be a dict of name -> Tensor"):
        draw_graph(y, params=[w])
