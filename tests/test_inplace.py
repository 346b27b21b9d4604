"""Tensors in memory, as in PyTorch: in-place ops, versions, views, .data, .grad, hooks, threads.

tests/parity/ checks the same rules against PyTorch itself where it is installed; these
tests pin them down without it.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest

import autograd
from autograd import Tensor, no_grad, set_grad_enabled


def leaf(values=(1.0, 2.0, 3.0, 4.0)):
    return Tensor(np.array(values, dtype=np.float64), requires_grad=True)


# -- in-place ops -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda t: t.add_(1.0), [2, 3, 4, 5]),
        (lambda t: t.sub_(1.0), [0, 1, 2, 3]),
        (lambda t: t.mul_(2.0), [2, 4, 6, 8]),
        (lambda t: t.div_(2.0), [0.5, 1, 1.5, 2]),
        (lambda t: t.zero_(), [0, 0, 0, 0]),
        (lambda t: t.fill_(7.0), [7, 7, 7, 7]),
        (lambda t: t.copy_(Tensor([4.0, 3.0, 2.0, 1.0])), [4, 3, 2, 1]),
        (lambda t: t.clamp_(2.0, 3.0), [2, 2, 3, 3]),
        (lambda t: t.__setitem__(slice(1, 3), 0.0), [1, 0, 0, 4]),
        (lambda t: t.__setitem__([0, 3], Tensor([9.0, 8.0])), [9, 2, 3, 8]),
        (lambda t: t.__setitem__(np.array([True, False, True, False]), -1.0), [-1, 2, -1, 4]),
    ],
)
def test_an_in_place_op_changes_the_tensor_itself_under_no_grad(change, expected):
    t = leaf()
    array, grad = t.numpy(), Tensor(np.ones(4))
    t.grad = grad
    with no_grad():
        change(t)
    np.testing.assert_array_equal(t.numpy(), expected)
    assert t.numpy() is array and t.grad is grad and t.requires_grad and t.is_leaf
    assert t._version == 1


def test_an_in_place_op_on_a_leaf_that_requires_grad_is_an_error_with_grad_on():
    t = leaf()
    with pytest.raises(RuntimeError, match="add in place on a leaf tensor that requires grad"):
        t += 1
    with pytest.raises(RuntimeError, match="setitem in place on a leaf"):
        t[0] = 5.0
    np.testing.assert_array_equal(t.numpy(), [1, 2, 3, 4])  # nothing was changed


def test_recorded_in_place_ops_give_pytorchs_gradients():
    x = leaf()
    y = x * 2
    y += 1
    y[0] = 0
    y.mul_(x)  # reads y's old value: kept as a copy
    y.sum().backward()
    # y = (2x + 1) · x except y[0] = 0 · x[0]: dy/dx = 4x + 1, and 0 at 0
    np.testing.assert_allclose(x.grad.numpy(), [0, 9, 13, 17])


def test_an_in_place_op_on_a_view_changes_the_tensor_it_views():
    x, w = leaf(), leaf((5.0, 6.0, 7.0, 8.0))
    y = x * 2
    y[1:3].mul_(w[:2])
    y.sum().backward()
    np.testing.assert_allclose(y.numpy(), [2, 20, 36, 8])
    np.testing.assert_allclose(x.grad.numpy(), [2, 10, 12, 2])
    np.testing.assert_allclose(w.grad.numpy(), [4, 6, 0, 0])


def test_a_constant_tensor_written_from_a_tensor_that_requires_grad_joins_the_graph():
    w = leaf()
    buffer = autograd.zeros(6, dtype=np.float64)
    buffer[1:5] = w * 3
    assert buffer.grad_fn is not None
    buffer.sum().backward()
    np.testing.assert_allclose(w.grad.numpy(), [3, 3, 3, 3])


def test_in_place_int_tensor_cannot_take_floats():
    t = Tensor([1, 2])
    with pytest.raises(RuntimeError, match="int64 tensor keeps its dtype"):
        t += 1.5


# -- versions -----------------------------------------------------------------------------------


def test_views_share_memory_and_the_version_counter():
    x = Tensor(np.arange(6.0))
    views = [x.reshape(2, 3), x.view(3, 2), x[1:4], x.detach(), x.reshape(2, 3).T, x.expand(2, 6)]
    for v in views:
        assert np.shares_memory(v.numpy(), x.numpy())
    with no_grad():
        x[0] = 10.0
    assert [v._version for v in views] == [1] * len(views) and x._version == 1
    assert views[0].numpy()[0, 0] == 10.0
    copy = x[[0, 1]]  # advanced indexing copies, with a version of its own
    assert not np.shares_memory(copy.numpy(), x.numpy()) and copy._version == 0


def test_backward_names_the_op_whose_saved_value_was_changed():
    x = leaf()
    y = x.exp()
    y += 1  # exp's backward reads its output
    with pytest.raises(RuntimeError, match="backward through exp: its output .* was changed in place"):
        y.sum().backward()


def test_an_op_that_saves_nothing_does_not_mind_a_later_change():
    x = leaf()
    y = x * 2
    z = y + 1  # add reads neither input
    y += 1
    z.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [2, 2, 2, 2])


def test_writes_through_data_are_not_tracked():
    x = leaf()
    y = x * x
    x.data -= 1.0  # untracked, as in PyTorch: the gradient uses the new value
    assert x._version == 0
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.array([0.0, 1, 2, 3]))


def test_data_is_a_tensor_sharing_memory_and_numpy_the_array():
    x = leaf()
    assert isinstance(x.data, Tensor) and not x.data.requires_grad
    assert np.shares_memory(x.data.numpy(), x.numpy())
    assert np.asarray(x) is x.numpy()
    assert x.data.std().item() == pytest.approx(np.std([1, 2, 3, 4], ddof=1))  # PyTorch's std, not NumPy's


# -- .grad and hooks ----------------------------------------------------------------------------


def test_grads_never_share_memory():
    x, y = Tensor(np.ones((2, 3)), requires_grad=True), Tensor(np.ones(6), requires_grad=True)
    (x.reshape(6) + y).sum().backward()
    assert not np.shares_memory(x.grad.numpy(), y.grad.numpy())
    z = leaf()
    seed = Tensor(np.ones(4))
    z.backward(seed)
    assert z.grad is not seed and not np.shares_memory(z.grad.numpy(), seed.numpy())
    with no_grad():
        z.grad.mul_(0.0)  # clipping one gradient in place changes nothing else
    np.testing.assert_array_equal(seed.numpy(), 1.0)


def test_a_hook_must_keep_the_gradients_shape():
    x = leaf()
    x.register_hook(lambda g: g.sum())
    with pytest.raises(
        RuntimeError,
        match=r"returned a gradient of shape \(\), but the gradient it replaces has shape \(4,\)",
    ):
        (x * 2).sum().backward()


def test_reading_the_grad_of_a_non_leaf_warns():
    y = leaf() * 2
    y.sum().backward()
    with pytest.warns(UserWarning, match="not a leaf"):
        assert y.grad is None


# -- modes per thread ---------------------------------------------------------------------------


def test_grad_mode_is_per_thread():
    seen = {}
    started, release = threading.Event(), threading.Event()

    def other():
        started.wait()
        seen["other"] = autograd.is_grad_enabled()
        seen["records"] = (leaf() * 2).requires_grad
        release.set()

    thread = threading.Thread(target=other)
    thread.start()
    with no_grad():
        started.set()
        release.wait(5)
    thread.join(5)
    assert seen == {"other": True, "records": True}


def test_set_grad_enabled_works_as_a_plain_call_a_context_and_a_decorator():
    try:
        set_grad_enabled(False)
        assert not autograd.is_grad_enabled() and not (leaf() * 2).requires_grad
    finally:
        set_grad_enabled(True)
    with set_grad_enabled(False):
        assert not autograd.is_grad_enabled()
    assert autograd.is_grad_enabled()

    @set_grad_enabled(False)
    def f():
        return autograd.is_grad_enabled()

    assert autograd.is_grad_enabled() and f() is False and autograd.is_grad_enabled()


# -- dtypes -------------------------------------------------------------------------------------


def test_dtype_rules_are_pytorchs():
    f32, i64 = Tensor([1.0, 2.0]), Tensor([1, 2])
    assert (f32 * np.float64(2.0)).dtype == np.float32  # a NumPy scalar is weak
    assert (f32 / np.sqrt(np.float64(4.0))).dtype == np.float32
    assert (i64 * 1.5).dtype == np.float32 and (i64 / i64).dtype == np.float32
    assert i64.exp().dtype == np.float32 and (i64 + f32).dtype == np.float32
    assert Tensor(-0.3, dtype=np.float64).item() == -0.3  # straight into float64, not via float32
