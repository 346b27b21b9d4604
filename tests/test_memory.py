"""Memory: graphs are freed by reference counting alone, training stays flat, backward releases.

- A graph that goes out of scope is freed at once, without the cycle collector: no
  tensor and its own graph node point at each other (tested under `gc.disable()`).
- A training loop keeps its memory flat over 1,000 steps (tracemalloc).
- backward() without retain_graph lets go of the saved arrays, so a `loss` kept
  from the previous step does not keep its activations alive (peak memory measured).
"""

from __future__ import annotations

import contextlib
import gc
import tracemalloc
import weakref

import numpy as np
import pytest

import autograd
import nn
from autograd import Tensor, no_grad
from nn import functional as F


@contextlib.contextmanager
def no_cycle_collector():
    """Only reference counting frees objects inside."""
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def watchers_of_graph(*roots: Tensor) -> list[weakref.ref]:
    """Weak references to every non-leaf tensor the roots depend on."""
    return [weakref.ref(t) for t in autograd.toposort(list(roots)) if not t.is_leaf]


def alive(watchers: list[weakref.ref]) -> int:
    return sum(w() is not None for w in watchers)


def small_graph(x: Tensor) -> Tensor:
    h = (x * 2.0).tanh()
    return (h * h + h.exp()).sum()


# -- freed by reference counting --------------------------------------------------------


def test_a_dropped_graph_is_freed_at_once():
    x = Tensor(np.ones(3), requires_grad=True)
    with no_cycle_collector():
        y = small_graph(x)
        watchers = watchers_of_graph(y)
        assert alive(watchers) == len(watchers) > 3
        del y
        assert alive(watchers) == 0


def test_a_graph_is_freed_after_backward_even_with_hooks_and_retain_grad():
    x = Tensor(np.ones(3), requires_grad=True)
    seen = []
    with no_cycle_collector():
        h = (x * 2.0).tanh()
        h.register_hook(lambda g: seen.append(g.shape))
        h.retain_grad()
        y = (h * h).sum()
        watchers = watchers_of_graph(y)
        y.backward()
        del h, y
        assert alive(watchers) == 0
    assert seen == [(3,)] and x.grad is not None


def test_a_graph_with_hooks_is_freed_when_dropped_without_backward():
    x = Tensor(np.ones(3), requires_grad=True)
    with no_cycle_collector():
        h = x * 3.0
        handle = h.register_hook(lambda g: g * 2)
        y = h.sin().sum()
        watchers = watchers_of_graph(y)
        del h, y
        assert alive(watchers) == 0
    handle.remove()  # removing a hook of a freed tensor is harmless


def test_retain_graph_keeps_the_graph_only_while_the_root_lives():
    x = Tensor(np.ones(3), requires_grad=True)
    with no_cycle_collector():
        y = small_graph(x)
        watchers = watchers_of_graph(y)
        y.backward(retain_graph=True)
        assert alive(watchers) == len(watchers)
        del y
        assert alive(watchers) == 0


def test_higher_order_graphs_from_grad_are_freed_when_dropped():
    x = Tensor(np.array([0.3, 0.7]), requires_grad=True)
    with no_cycle_collector():
        y = small_graph(x)
        (g,) = autograd.grad(y, x, create_graph=True)
        (gg,) = autograd.grad(g.sum(), x, create_graph=True)
        watchers = watchers_of_graph(y, g, gg)
        del y, g, gg
        assert alive(watchers) == 0


def test_backward_create_graph_makes_a_cycle_only_through_the_leaf_grad():
    # As in PyTorch: x.grad's graph refers back to x. Clearing x.grad (as zero_grad
    # does) breaks the cycle, and the whole graph goes by reference counting.
    x = Tensor(np.array([0.3, 0.7]), requires_grad=True)
    with no_cycle_collector():
        small_graph(x).backward(create_graph=True)
        watchers = watchers_of_graph(x.grad)
        assert alive(watchers) > 0
        x.grad = None
        assert alive(watchers) == 0


def test_a_graph_made_under_anomaly_mode_is_freed_too():
    x = Tensor(np.ones(3), requires_grad=True)
    with no_cycle_collector(), autograd.detect_anomaly():
        y = small_graph(x)
        watchers = watchers_of_graph(y)
        y.backward()
        del y
        assert alive(watchers) == 0


def test_an_nn_forward_and_backward_is_freed_by_reference_counting():
    autograd.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Dropout(0.2), nn.MLP([8, 4, 2]))
    x = Tensor(np.ones((5, 3), dtype=np.float32))
    with no_cycle_collector():
        loss = F.cross_entropy(model(x), np.array([0, 1, 0, 1, 1]))
        watchers = watchers_of_graph(loss)
        del loss
        assert alive(watchers) == 0  # dropped without backward
        loss = nn.MSELoss()(model(x), np.zeros((5, 2)))
        watchers = watchers_of_graph(loss)
        loss.backward()
        del loss
        assert alive(watchers) == 0
        model.zero_grad()
        assert all(p.grad is None for p in model.parameters())


def test_a_dropped_model_and_its_optimizer_are_freed_by_reference_counting():
    with no_cycle_collector():
        model = nn.MLP([2, 4, 2])
        optimizer = nn.optim.Adam(model.parameters(), lr=0.01)
        F.mse_loss(model(Tensor(np.ones((3, 2), dtype=np.float32))), np.zeros((3, 2))).backward()
        optimizer.step()  # Adam now holds state for every parameter
        watchers = [weakref.ref(model), weakref.ref(optimizer), *(weakref.ref(m) for m in model.modules())]
        watchers += [weakref.ref(p) for p in model.parameters()]
        del model, optimizer
        assert alive(watchers) == 0


# -- flat over a training loop ----------------------------------------------------------


def _blobs(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussian blobs in 2-d with class labels 0 and 1."""
    labels = rng.integers(0, 2, size=n)
    points = rng.standard_normal((n, 2)) + np.where(labels[:, None] == 1, 2.0, -2.0)
    return points.astype(np.float32), labels


def raw_mlp_step(params: list[Tensor], x: np.ndarray, y: np.ndarray, lr: float = 0.05) -> float:
    """One SGD step of a 2-16-16-2 MLP written with bare autograd ops: x @ W.T + b, relu, cross entropy."""
    w1, b1, w2, b2, w3, b3 = params
    h = (Tensor(x) @ w1.T + b1).relu()
    h = (h @ w2.T + b2).relu()
    logits = h @ w3.T + b3
    loss = -logits.log_softmax(axis=-1)[np.arange(len(y)), y].mean()
    loss.backward()
    with no_grad():
        for p in params:
            p.data = p.numpy() - lr * p.grad.numpy()
            p.grad = None
    return loss.item()


def traced_growth(step, steps: int, warmup: int) -> tuple[int, int]:
    """(bytes traced after warm-up, growth over the remaining steps), cycle collector off."""
    with no_cycle_collector():
        tracemalloc.start()
        try:
            for _ in range(warmup):
                step()
            before = tracemalloc.get_traced_memory()[0]
            for _ in range(steps - warmup):
                step()
            after = tracemalloc.get_traced_memory()[0]
        finally:
            tracemalloc.stop()
    return before, after - before


def test_training_a_raw_autograd_mlp_for_1000_steps_keeps_memory_flat():
    rng = np.random.default_rng(0)
    x, y = _blobs(256, rng)
    sizes = [2, 16, 16, 2]
    params = []
    for n_in, n_out in zip(sizes, sizes[1:]):
        params.append(
            Tensor(rng.standard_normal((n_out, n_in)) / np.sqrt(n_in), dtype=np.float32, requires_grad=True)
        )
        params.append(Tensor(np.zeros(n_out, dtype=np.float32), requires_grad=True))
    batches = [rng.choice(len(x), size=16, replace=False) for _ in range(20)]
    losses = np.zeros(1000)
    done = [0]

    def step():
        i = batches[done[0] % len(batches)]
        losses[done[0]] = raw_mlp_step(params, x[i], y[i])
        done[0] += 1

    _, growth = traced_growth(step, steps=1000, warmup=100)
    assert growth < 1_000_000, f"memory grew by {growth} bytes over 900 steps"
    assert np.mean(losses[-50:]) < np.mean(losses[:50]) / 2, "the loop should actually train"


def test_training_an_nn_mlp_with_adam_for_1000_steps_keeps_memory_flat():
    autograd.manual_seed(0)
    rng = np.random.default_rng(0)
    x, y = _blobs(256, rng)
    model = nn.MLP([2, 16, 16, 2])
    optimizer = nn.optim.Adam(model.parameters(), lr=0.01)
    loader = nn.data.DataLoader(nn.data.TensorDataset(x, y), batch_size=16, shuffle=True)
    batches = iter(())
    losses = np.zeros(1000)
    done = [0]

    def step():
        nonlocal batches
        try:
            xb, yb = next(batches)
        except StopIteration:
            batches = iter(loader)
            xb, yb = next(batches)
        loss = F.cross_entropy(model(xb), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses[done[0]] = loss.item()
        done[0] += 1

    _, growth = traced_growth(step, steps=1000, warmup=100)
    assert growth < 1_000_000, f"memory grew by {growth} bytes over 900 steps"
    assert np.mean(losses[-50:]) < np.mean(losses[:50]) / 2, "the loop should actually train"


# -- backward releases the saved arrays -------------------------------------------------


def deep_net(depth: int, width: int, rng: np.random.Generator) -> list[tuple[Tensor, Tensor]]:
    return [
        (
            Tensor(
                rng.standard_normal((width, width)) / np.sqrt(width), dtype=np.float32, requires_grad=True
            ),
            Tensor(np.zeros(width, dtype=np.float32), requires_grad=True),
        )
        for _ in range(depth)
    ]


def deep_loss(layers, x: Tensor) -> Tensor:
    h = x
    for w, b in layers:
        h = (h @ w.T + b).tanh()
    return (h * h).mean()


def activation_bytes(root: Tensor) -> int:
    """What the graph behind root holds beyond the leaves: the arrays its non-leaves own.

    Views (W.T, broadcasts) share their base's memory, so they are not counted.
    """
    arrays = [np.asarray(t.numpy()) for t in autograd.toposort([root]) if not t.is_leaf]
    return sum(a.nbytes for a in arrays if a.base is None)


def memory_of_two_steps(retain_graph: bool, layers, x: Tensor) -> tuple[int, int, int]:
    """Two steps, the first one's loss kept alive through the second (as a loop that logs it might).

    Returns (bytes still held after the first backward, peak bytes during the second step,
    activation bytes of one step's graph), all traced from before the first step.
    """
    gc.collect()
    tracemalloc.start()
    try:
        previous = deep_loss(layers, x)
        activations = activation_bytes(previous)
        previous.backward(retain_graph=retain_graph)
        for w, b in layers:
            w.grad = b.grad = None
        held = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        loss = deep_loss(layers, x)  # `previous` is still alive here
        loss.backward(retain_graph=retain_graph)
        peak = tracemalloc.get_traced_memory()[1]
        del previous, loss
    finally:
        tracemalloc.stop()
    return held, peak, activations


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_backward_releases_activations_so_a_kept_loss_costs_nothing():
    rng = np.random.default_rng(0)
    layers = deep_net(depth=16, width=128, rng=rng)
    x = Tensor(rng.standard_normal((64, 128)), dtype=np.float32)
    held_released, peak_released, activations = memory_of_two_steps(False, layers, x)
    held_retained, peak_retained, _ = memory_of_two_steps(True, layers, x)
    figures = dict(
        activations=activations, held=(held_released, held_retained), peak=(peak_released, peak_retained)
    )
    assert activations > 1_000_000
    # Released, the kept loss holds nothing but itself; retained, it holds its whole graph...
    assert held_released < 0.05 * activations, figures
    assert held_retained == pytest.approx(activations, rel=0.1), figures
    # ...which stays on top of everything the next step needs.
    assert peak_retained - peak_released > 0.9 * activations, figures


def test_a_gradient_summed_back_to_its_input_shape_is_freed_before_the_next_vjp():
    # Backward must hold no stray reference to an edge's gradient once it is summed
    # down (sum_to) and stored: a wide layer's bias gradient is a whole (batch, width)
    # array, and holding it into the next op's VJP raised wide_mlp's peak by 0.5 MiB.
    from autograd import apply
    from autograd.ops.op import primitive

    produced: list[weakref.ref] = []
    still_alive_at_probe: list[bool] = []

    def spread_vjp(g, out, x):
        wide = g * 1.0  # a fresh (N,) array, which the engine must sum to x's shape (1,)
        produced.append(weakref.ref(wide.numpy()))
        return wide

    @primitive(spread_vjp, register=False)
    def spread(x):
        return np.repeat(x, 1000)

    def probe_vjp(g, out, x):
        still_alive_at_probe.append(produced[0]() is not None)
        return g

    @primitive(probe_vjp, register=False)
    def probe(x):
        return x.copy()

    x = Tensor(np.ones(1), requires_grad=True)
    apply(spread, apply(probe, x)).sum().backward()
    assert still_alive_at_probe == [False]
    assert x.grad.item() == 1000.0
