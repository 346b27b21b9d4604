"""Backward frees each intermediate tensor once it is past it, not only when backward ends."""

import weakref

import numpy as np

from autograd import Tensor


def _graph():
    x = Tensor(np.linspace(-1.0, 1.0, 6), requires_grad=True)
    h1 = (x * 2.0).exp()
    h2 = h1 * 3.0
    return x, [weakref.ref(h1), weakref.ref(h2)], h2.sum()


def test_intermediates_are_freed_before_backward_reaches_the_leaves():
    x, intermediates, y = _graph()
    alive_when_x_is_reached = []
    x.register_hook(lambda g: alive_when_x_is_reached.extend(r() is not None for r in intermediates))
    y.backward()
    assert alive_when_x_is_reached == [False, False]
    np.testing.assert_allclose(x.grad.numpy(), 6.0 * np.exp(2.0 * x.numpy()))


def test_retain_graph_keeps_intermediates_for_a_second_backward():
    x, intermediates, y = _graph()
    y.backward(retain_graph=True)
    assert all(r() is not None for r in intermediates)
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), 12.0 * np.exp(2.0 * x.numpy()))
