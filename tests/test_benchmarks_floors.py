"""The hand-written NumPy floors compute what the engine computes, so the ratios compare like with like."""

import numpy as np
import pytest

import autograd
from autograd import Tensor
from benchmarks.workloads import deep_chain, mlp, scalar_graph


def test_scalar_graph_floor_matches_micrograd_readme_values():
    g, ga, gb = scalar_graph.numpy_pair(np.float64(-4.0), np.float64(2.0))
    assert (round(g, 4), round(ga, 4), round(gb, 4)) == (24.7041, 138.8338, 645.5773)


def test_scalar_graph_floor_matches_engine_on_many_pairs():
    a, b = scalar_graph.inputs(40)
    for x, y in zip(a, b):
        np.testing.assert_allclose(
            scalar_graph.engine_pair(np.array(x), np.array(y)), scalar_graph.numpy_pair(x, y), rtol=1e-10
        )


def test_lean_reference_engine_matches_the_floor_on_both_scalar_workloads():
    # benchmarks/lean.py bounds what an engine with a Python object per node can do;
    # it must compute the same numbers, or its bound would mean nothing.
    a, b = scalar_graph.inputs(40)
    for x, y in zip(a, b):
        np.testing.assert_allclose(scalar_graph.lean_pair(x, y), scalar_graph.numpy_pair(x, y), rtol=1e-10)
    np.testing.assert_allclose(deep_chain.lean_chain(500), deep_chain.numpy_chain(500), rtol=1e-12)


def test_scalar_graph_has_the_node_count_the_suite_divides_by():
    a, b = Tensor(np.array(1.0), requires_grad=True), Tensor(np.array(2.0), requires_grad=True)
    order = autograd.backward_order(scalar_graph.expression(a, b))
    assert len([t for t in order if t.grad_fn is not None]) == scalar_graph.NODES_PER_GRAPH


def test_deep_chain_floor_matches_engine_and_closed_form():
    n = 500
    value, slope = deep_chain.numpy_chain(n)
    np.testing.assert_allclose(deep_chain.engine_chain(n), (value, slope), rtol=1e-12)
    assert slope == pytest.approx(deep_chain.SCALE**n, rel=1e-12)


def _engine_mlp_step(params, x, y, lr):
    """The same SGD step written with raw engine ops (no nn), float64: the floor's reference."""
    tensors = [(Tensor(W, requires_grad=True), Tensor(b, requires_grad=True)) for W, b in params]
    h = Tensor(x)
    for k, (W, b) in enumerate(tensors):
        h = h @ W.transpose(1, 0) + b
        if k < len(tensors) - 1:
            h = h.relu()
    shifted = h - Tensor(h.numpy().max(1, keepdims=True))  # a constant shift: log-softmax is unchanged
    log_probs = shifted - shifted.exp().sum(1, True).log()
    loss = -log_probs[np.arange(len(y)), y].mean()
    loss.backward()
    return float(loss.numpy()), [
        (W.numpy() - lr * W.grad.numpy(), b.numpy() - lr * b.grad.numpy()) for W, b in tensors
    ]


def test_mlp_floor_step_matches_engine_gradients():
    rng = np.random.default_rng(1)
    params = mlp.init_params([5, 7, 6, 3], np.float64, seed=2)
    x, y = rng.standard_normal((9, 5)), rng.integers(0, 3, 9)
    want_loss, want = _engine_mlp_step(params, x, y, lr=0.5)
    own = [(W.copy(), b.copy()) for W, b in params]
    loss = mlp.numpy_step(own, x, y, lr=0.5)
    assert loss == pytest.approx(want_loss, rel=1e-12)
    for (W, b), (W_want, b_want) in zip(own, want):
        np.testing.assert_allclose(W, W_want, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(b, b_want, rtol=1e-10, atol=1e-12)


def test_mlp_engine_trainer_takes_the_same_step_as_the_floor():
    pytest.importorskip(
        "nn.functional", reason="the nn package is built on its own branch until it is merged"
    )

    rng = np.random.default_rng(3)
    params = mlp.init_params([5, 7, 6, 3], np.float64, seed=4)
    x, y = rng.standard_normal((9, 5)), rng.integers(0, 3, 9)
    previous = autograd.get_default_dtype()
    try:
        step = mlp.engine_trainer(params, lr=0.5)
        losses = [float(step(*mlp.wrap("autograd", x, y)).item()) for _ in range(2)]
    finally:
        autograd.set_default_dtype(previous)
    own = [(W.copy(), b.copy()) for W, b in params]
    assert losses == pytest.approx([mlp.numpy_step(own, x, y, lr=0.5) for _ in range(2)], rel=1e-12)
    got = [p.numpy() for p in step.model.parameters()]
    for have, want in zip(got, [a for pair in own for a in pair]):
        np.testing.assert_allclose(have, want, rtol=1e-10, atol=1e-12)
