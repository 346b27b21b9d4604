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


def test_an_mlp_collapses_to_one_box_per_layer():
    model, loss = mlp_loss()
    nodes, _ = read_svg(draw_graph(loss, collapse=True).pipe(format="svg"))
    boxes = [node.lines[0] for node in nodes.values() if node.name.startswith("m")]
    assert boxes == ["layers.0 (Linear)", "layers.1 (ReLU)", "layers.2 (Linear)"]


def test_an_mlp_steps_through_backward_in_the_engines_order():
    model, loss = mlp_loss()
    steps = backward_steps(loss, params=model.named_parameters())
    order = autograd.backward_order(loss)
    assert [id(t) for t in steps.order] == [id(t) for t in order]
    last_weight = max(k for k, t in enumerate(order) if t is model.layers[0].weight)
    assert f"backward step {last_weight + 1} of {len(order)}: layers.0.weight" in steps[last_weight].source
