"""draw_graph on a real nn model: a cluster per module, parameters named and drawn inside them."""

from __future__ import annotations

import numpy as np
from svg_pictures import by_first_line, inside, read_svg

import autograd
import nn
from autograd import Tensor, backward_steps, draw_graph
from nn import functional as F


def mlp_loss():
    autograd.manual_seed(0)
    model = nn.MLP([2, 8, 3])
    x = Tensor(np.random.default_rng(0).normal(size=(5, 2)).astype(np.float32), name="x")
    loss = F.cross_entropy(model(x), np.array([0, 1, 2, 1, 0]))
    loss.name = "loss"
    return model, loss


def test_an_mlp_reads_as_its_layers():
    model, loss = mlp_loss()
    loss.backward(retain_graph=True)
    nodes, clusters = read_svg(draw_graph(loss, params=model.named_parameters()).pipe(format="svg"))
    labels = [c.lines[0] for c in clusters]
    assert labels == [
        "MLP",
        "layers (Sequential)",
        "layers.0 (Linear)",
        "layers.1 (ReLU)",
        "layers.2 (Linear)",
        "cross_entropy",
    ]
    cluster = {c.lines[0]: c for c in clusters}
    named = by_first_line(nodes)
    for name, param in model.named_parameters():
        module = f"layers.{name.split('.')[1]} (Linear)"
        assert inside(named[name], cluster[module]), name
        assert named[name].lines[1] == f"{param.shape} float32"
    weight = model.layers[0].weight.grad.numpy()
    expected = f"min {weight.min():.4f}  mean {weight.mean():.4f}  max {weight.max():.4f}"
    assert named["layers.0.weight"].line("grad ") == expected
    assert named["loss"].line("data ") == f"{loss.item():.4f}"
    assert not inside(named["x"], cluster["MLP"]) and not inside(named["loss"], cluster["MLP"])
    # The loss is one unit: log_softmax and nll_loss inside a cluster named for it.
    assert inside(named["loss"], cluster["cross_entropy"])
    ops = {node.lines[0]: node for name, node in nodes.items() if name.startswith("op")}
    assert inside(ops["log_softmax"], cluster["cross_entropy"])
    assert not inside(ops["log_softmax"], cluster["MLP"])


def test_an_mlp_collapses_to_one_box_per_layer():
    model, loss = mlp_loss()
    nodes, _ = read_svg(draw_graph(loss, collapse=True).pipe(format="svg"))
    boxes = [node.lines[0] for node in nodes.values() if node.name.startswith("m")]
    assert boxes == ["layers.0 (Linear)", "layers.1 (ReLU)", "layers.2 (Linear)", "cross_entropy"]
    loss_box = next(node for node in nodes.values() if node.lines[0] == "cross_entropy")
    assert loss_box.lines[1] == "ops: log_softmax, nll_loss" and loss_box.lines[2] == "loss scalar float32"


def test_every_loss_is_drawn_as_one_unit_and_its_unnamed_tensors_by_their_roles():
    autograd.manual_seed(0)
    model = nn.Linear(3, 2)
    x = Tensor(np.ones((4, 3), dtype=np.float32))
    target = Tensor(np.zeros((4, 2), dtype=np.float32))
    for loss_fn in (F.mse_loss, F.binary_cross_entropy_with_logits, nn.MSELoss()):
        loss = loss_fn(model(x), target)
        nodes, clusters = read_svg(draw_graph(loss).pipe(format="svg"))
        name = getattr(loss_fn, "__name__", "mse_loss")
        cluster = next(c for c in clusters if c.lines[0] == name)
        named = by_first_line(nodes)
        assert inside(named["loss"], cluster)  # the unnamed root of a loss is "loss"
        assert not inside(named["input"], cluster) and named["target"].lines[1] == "(4, 2) float32"
        assert named["input"].lines[1] == "(4, 3) float32"
        # Collapsed, the loss is one box named for it.
        nodes, _ = read_svg(draw_graph(loss, collapse=True).pipe(format="svg"))
        assert name in [node.lines[0] for node in nodes.values() if node.name.startswith("m")]
    # An unnamed root that no loss made is the "output".
    nodes, _ = read_svg(draw_graph(model(x).sum()).pipe(format="svg"))
    assert "output" in by_first_line(nodes) and "loss" not in by_first_line(nodes)


def test_an_mlp_steps_through_backward_in_the_engines_order():
    model, loss = mlp_loss()
    steps = backward_steps(loss, params=model.named_parameters())
    order = autograd.backward_order(loss)
    assert [id(t) for t in steps.order] == [id(t) for t in order]
    last_weight = max(k for k, t in enumerate(order) if t is model.layers[0].weight)
    assert f"Step {last_weight + 1} of {len(order)}: layers.0.weight's gradient" in steps[last_weight].source
