"""Backward's semantics: accumulation, fan-out, retain_graph, no_grad, hooks, grad(), depth."""

from __future__ import annotations

import gc
import sys
import weakref

import numpy as np
import pytest
from graphs_to_draw import micrograd_readme

import autograd
from autograd import Tensor, enable_grad, grad, no_grad


def test_micrograd_readme_expression():
    a, b, *_, g = micrograd_readme()  # float64 leaves
    g.backward()
    assert g.item() == pytest.approx(24.7041, abs=1e-4)
    assert a.grad.item() == pytest.approx(138.8338, abs=1e-4)
    assert b.grad.item() == pytest.approx(645.5773, abs=1e-4)


def test_leaf_gradients_accumulate_across_backward_calls():
    x = Tensor([1.0, 2.0], requires_grad=True)
    (x * 3).sum().backward()
    (x * x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [3 + 2, 3 + 4])
    x.grad = None
    (x * 3).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [3, 3])


def test_fan_out_sums_the_gradients_of_every_use():
    x = Tensor(3.0, requires_grad=True)
    y = x * x + x.exp() * x  # x used four times
    y.backward()
    assert x.grad.item() == pytest.approx(2 * 3 + np.exp(3) * 3 + np.exp(3), rel=1e-6)


def test_grad_has_the_leaf_shape_after_broadcasting():
    w = Tensor(np.ones((1, 3)), requires_grad=True)
    b = Tensor(2.0, requires_grad=True)
    y = (Tensor(np.arange(6.0).reshape(2, 3)) * w + b).sum()
    y.backward()
    assert w.grad.shape == (1, 3) and b.grad.shape == ()
    np.testing.assert_allclose(w.grad.numpy(), [[3, 5, 7]])
    assert b.grad.item() == 6


def test_second_backward_without_retain_graph_says_to_retain_it():
    x = Tensor(2.0, requires_grad=True)
    y = (x * x).exp()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()


def test_retain_graph_allows_a_second_backward():
    x = Tensor(2.0, requires_grad=True)
    y = x * x * x
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.item() == pytest.approx(2 * 12)


def test_backward_frees_the_saved_inputs():
    x = Tensor(np.ones(3), requires_grad=True)
    hidden = x * 2
    watcher = weakref.ref(hidden)
    y = (hidden * hidden).sum()
    del hidden
    y.backward()
    assert watcher() is None, "the intermediate should be freed once backward has used it"


def test_a_dropped_graph_is_freed_without_the_cycle_collector():
    gc.disable()
    try:
        x = Tensor(np.ones(3), requires_grad=True)
        y = (x * 2).tanh().sum()
        watchers = [weakref.ref(t) for t in autograd.toposort([y]) if t is not x]
        del y
        assert all(w() is None for w in watchers)
    finally:
        gc.enable()


def test_non_scalar_backward_needs_a_gradient():
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    with pytest.raises(RuntimeError, match=r"shape \(2, 3\)"):
        (x * 2).backward()
    (x * 2).backward(gradient=np.full((2, 3), 0.5))
    np.testing.assert_allclose(x.grad.numpy(), np.ones((2, 3)))


def test_gradient_of_the_wrong_shape_is_an_error():
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    with pytest.raises(RuntimeError, match=r"gradient has shape \(3,\).*\(2, 3\)"):
        (x * 2).backward(gradient=np.ones(3))


def test_backward_on_a_tensor_without_grad_is_an_error():
    with pytest.raises(RuntimeError, match="does not require grad"):
        Tensor(1.0).backward()


def test_no_grad_records_nothing_and_enable_grad_reopens():
    x = Tensor(1.0, requires_grad=True)
    with no_grad():
        y = x * 2
        with enable_grad():
            z = x * 2
    assert not y.requires_grad and y.grad_fn is None
    assert z.requires_grad and z.grad_fn.name == "mul"
    assert autograd.is_grad_enabled()


def test_no_grad_as_a_decorator():
    @no_grad()
    def double(t):
        return t * 2

    assert not double(Tensor(1.0, requires_grad=True)).requires_grad
    assert autograd.is_grad_enabled()


def test_detach_cuts_the_graph():
    x = Tensor(3.0, requires_grad=True)
    y = x * x.detach()
    y.backward()
    assert x.grad.item() == 3.0


def test_hook_can_replace_a_gradient_and_be_removed():
    x = Tensor(1.0, requires_grad=True)
    h = x * 3
    seen = []
    handle = h.register_hook(lambda g: seen.append(g.item()) or g * 10)
    (h * 2).backward()
    assert seen == [2.0] and x.grad.item() == 60.0
    handle.remove()
    x.grad = None
    (x * 3 * 2).backward()
    assert x.grad.item() == 6.0


def test_hook_returning_none_keeps_the_gradient():
    x = Tensor(1.0, requires_grad=True)
    x.register_hook(lambda g: None)
    (x * 5).backward()
    assert x.grad.item() == 5.0


def test_retain_grad_keeps_a_non_leaf_gradient():
    x = Tensor(2.0, requires_grad=True)
    h = x * x
    h.retain_grad()
    other = x * 3
    (h * 4 + other).backward()
    assert h.grad.item() == 4.0
    with pytest.warns(UserWarning, match="not a leaf"):  # as PyTorch: None, with a warning that says why
        assert other.grad is None


def test_functional_grad_leaves_dot_grad_untouched():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = (x**3).sum()
    (gx,) = grad(y, x)
    np.testing.assert_allclose(gx.numpy(), 3 * x.numpy() ** 2)
    assert x.grad is None


def test_grad_with_respect_to_an_intermediate():
    x = Tensor(2.0, requires_grad=True)
    h = x * x
    y = h.sin()
    gh, gx = grad(y, [h, x])
    assert gh.item() == pytest.approx(np.cos(4.0), rel=1e-6)
    assert gx.item() == pytest.approx(np.cos(4.0) * 4, rel=1e-6)


def test_higher_order_gradients_through_create_graph():
    x = Tensor(1.5, requires_grad=True, dtype=np.float64)
    y = x**4
    (g1,) = grad(y, x, create_graph=True)
    (g2,) = grad(g1, x, create_graph=True)
    (g3,) = grad(g2, x)
    assert (g1.item(), g2.item(), g3.item()) == pytest.approx((4 * 1.5**3, 12 * 1.5**2, 24 * 1.5))


def test_backward_create_graph_gives_differentiable_grads():
    x = Tensor(0.7, requires_grad=True, dtype=np.float64)
    x.tanh().backward(create_graph=True)
    first = x.grad
    assert first.requires_grad
    x.grad = None
    first.backward()
    t = np.tanh(0.7)
    assert x.grad.item() == pytest.approx(-2 * t * (1 - t**2))


def test_unused_input_is_an_error_unless_allowed():
    x, z = Tensor(1.0, requires_grad=True), Tensor(1.0, requires_grad=True)
    y = x * 2
    with pytest.raises(RuntimeError, match="input 1.*not used"):
        grad(y, [x, z], retain_graph=True)
    assert grad(y, [x, z], allow_unused=True)[1] is None


def test_a_million_op_chain_runs_at_the_default_recursion_limit():
    assert sys.getrecursionlimit() <= 10_000
    x = Tensor(1.0, requires_grad=True, dtype=np.float64)
    y = x
    for _ in range(500_000):  # two ops each: 1,000,000 ops
        y = y * 1.000001 + 0.000001
    y.backward()
    assert x.grad.item() == pytest.approx(1.000001**500_000, rel=1e-9)


def test_leaf_grad_is_a_private_writable_array():
    a, b = Tensor(np.ones(2), requires_grad=True), Tensor(np.ones(2), requires_grad=True)
    (a + b).sum().backward()
    a.grad.data += 1  # must not change b.grad
    np.testing.assert_allclose(b.grad.numpy(), [1, 1])


def test_grad_dtype_follows_the_leaf_when_a_float64_constant_promotes():
    w = Tensor(np.ones(3, dtype=np.float32), requires_grad=True)
    (w * np.full(3, 2.0)).sum().backward()
    assert w.grad.dtype == np.float32


def test_scope_labels_the_tensors_made_inside():
    x = Tensor(1.0, requires_grad=True)
    with autograd.scope("outer"):
        with autograd.scope("inner"):
            y = x * 2
        z = y + 1
    w = z * 3
    assert y._scope == ("outer", "inner") and z._scope == ("outer",) and w._scope == ()


def test_backward_order_is_the_engines_order_and_deterministic():
    a = Tensor(1.0, requires_grad=True)
    b = Tensor(2.0, requires_grad=True)
    y = (a * b + a).tanh()
    order = autograd.backward_order(y)
    assert order[0] is y and order[-1] in (a, b)
    assert [t.grad_fn.name if t.grad_fn else "leaf" for t in order] == [
        t.grad_fn.name if t.grad_fn else "leaf" for t in autograd.backward_order(y)
    ]
    position = {id(t): i for i, t in enumerate(order)}
    for t in order:
        for p in t.parents:
            assert position[id(p)] > position[id(t)], "an input is visited after what it made"


def test_enable_grad_and_set_grad_enabled_as_decorators():
    @autograd.enable_grad()
    def recorded(t):
        return t * 2

    @autograd.set_grad_enabled(False)
    def unrecorded(t, depth=2):
        return unrecorded(t, depth - 1) if depth else t * 2  # nested calls of one decorated function

    x = Tensor(1.0, requires_grad=True)
    with no_grad():
        assert recorded(x).requires_grad
    assert not unrecorded(x).requires_grad
    assert autograd.is_grad_enabled()
