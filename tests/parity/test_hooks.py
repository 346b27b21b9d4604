"""Tensor hooks and non-leaf .grad against PyTorch.

`register_hook(fn)`: fn(grad) sees the gradient of the tensor; a returned tensor of the
same shape replaces it (another shape is an error), None keeps it; hooks run in the order
they were registered, each seeing the previous one's result; `handle.remove()` takes one
away. Reading `.grad` of a non-leaf that did not `retain_grad()` gives None and a UserWarning.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from .compare import RG, TH, assert_grad_matches, assert_values_match, values

X = np.array([0.5, -1.0, 2.0])


def both(fn):
    """(fn(RG), fn(TH)), torch run first: a mistake in the test shows up before readgrad's."""
    th = fn(TH)
    return fn(RG), th


def test_hook_on_a_leaf_replaces_its_gradient():
    def run(L):
        x = L.leaf(X)
        x.register_hook(lambda g: g * 2)
        (x * x).sum().backward()
        return x

    assert_grad_matches(*both(run))


def test_hook_on_a_nonleaf_changes_what_flows_back():
    def run(L):
        x = L.leaf(X)
        y = x * 3
        y.register_hook(lambda g: g + 1)
        (y * y).sum().backward()
        return x

    assert_grad_matches(*both(run))


def test_hook_sees_the_total_gradient_of_a_tensor_used_twice_once():
    def run(L):
        x = L.leaf(X)
        y = x * 2
        seen = []
        y.register_hook(lambda g: seen.append(values(g)))
        (y * y + y).sum().backward()
        return seen

    rg, th = both(run)
    assert len(rg) == len(th) == 1, f"readgrad called the hook {len(rg)} times, torch {len(th)}"
    np.testing.assert_allclose(rg[0], th[0])


def test_hook_sees_a_gradient_of_its_tensors_shape_under_broadcasting():
    def run(L):
        x = L.leaf(X)
        seen = []
        x.register_hook(lambda g: seen.append(tuple(g.shape)))
        (x + L.const(np.ones((4, 3)))).sum().backward()
        return seen

    rg, th = both(run)
    assert rg == th == [(3,)]


def test_hook_returning_none_keeps_the_gradient():
    def run(L):
        x = L.leaf(X)
        x.register_hook(lambda g: None)
        x.sin().sum().backward()
        return x

    assert_grad_matches(*both(run))


def test_hooks_run_in_registration_order_each_seeing_the_previous_result():
    def run(L):
        x = L.leaf(X)
        x.register_hook(lambda g: g * 2)
        x.register_hook(lambda g: g + 1)
        (x * 3).sum().backward()
        return x

    rg, th = both(run)
    assert_grad_matches(rg, th)
    np.testing.assert_allclose(values(rg.grad), 7.0)


def test_removed_hook_is_not_called():
    def run(L):
        x = L.leaf(X)
        calls = []
        handle = x.register_hook(lambda g: calls.append(1) or g * 100)
        handle.remove()
        handle.remove()  # a second remove does nothing
        x.sum().backward()
        return x, calls

    (rg, rg_calls), (th, th_calls) = both(run)
    assert rg_calls == th_calls == []
    assert_grad_matches(rg, th)


def test_hook_returning_another_shape_raises_a_clear_error():
    for L in (TH, RG):
        x = L.leaf(X)
        x.register_hook(lambda g, L=L: L.const(np.ones(2)))
        with pytest.raises(RuntimeError) as error:
            (x * 2).sum().backward()
        message = str(error.value).lower()
        assert "hook" in message and ("shape" in message or "size" in message), f"{L}: {message}"


def test_hook_on_a_nonleaf_returning_another_shape_raises():
    for L in (TH, RG):
        x = L.leaf(X)
        y = x * 2
        y.register_hook(lambda g: g.sum())
        with pytest.raises(RuntimeError):
            y.sum().backward()


def test_register_hook_on_a_tensor_that_does_not_require_grad_raises():
    for L in (TH, RG):
        with pytest.raises(RuntimeError):
            L.const(X).register_hook(lambda g: g)


def test_retained_grad_sees_the_hooks_result_whichever_was_registered_first():
    for hook_first in (True, False):

        def run(L, hook_first=hook_first):
            x = L.leaf(X)
            y = x * 2
            if hook_first:
                y.register_hook(lambda g: g * 10)
                y.retain_grad()
            else:
                y.retain_grad()
                y.register_hook(lambda g: g * 10)
            y.sum().backward()
            return y, x

        (rg_y, rg_x), (th_y, th_x) = both(run)
        assert_values_match(rg_y.grad, th_y.grad, f"y.grad (hook first: {hook_first})")
        assert_grad_matches(rg_x, th_x, f"x.grad (hook first: {hook_first})")


def test_reading_grad_of_a_nonleaf_without_retain_grad_gives_none_and_a_user_warning():
    for L in (TH, RG):
        x = L.leaf(X)
        y = x * 2
        (y * 3).sum().backward()
        with pytest.warns(UserWarning, match="leaf"):
            grad = y.grad
        assert grad is None, f"{L}"


def test_reading_grad_of_a_leaf_or_a_retained_nonleaf_does_not_warn():
    for L in (TH, RG):
        x = L.leaf(X)
        y = x * 2
        y.retain_grad()
        (y * 3).sum().backward()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert x.grad is not None and y.grad is not None, f"{L}"
            np.testing.assert_allclose(values(y.grad), 3.0)
