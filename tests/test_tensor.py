"""The Tensor's surface: construction and dtype rules, conversions, shape methods, errors."""

from __future__ import annotations

import numpy as np
import pytest

import autograd
from autograd import Tensor


@pytest.fixture
def float64_default():
    autograd.set_default_dtype(np.float64)
    yield
    autograd.set_default_dtype(np.float32)


# -- dtype rules ---------------------------------------------------------------


def test_python_floats_become_the_default_float_dtype(float64_default):
    assert Tensor(2.0).dtype == np.float64
    assert Tensor([[1.0, 2]]).dtype == np.float64


def test_default_float_dtype_is_float32():
    assert Tensor(2.0).dtype == np.float32
    assert Tensor([1, 2.5]).dtype == np.float32
    assert autograd.zeros(2).dtype == np.float32 and autograd.randn(2).dtype == np.float32


def test_ints_become_int64_bools_bool_and_arrays_keep_their_dtype():
    assert Tensor(3).dtype == np.int64 and Tensor([1, 2]).dtype == np.int64
    assert Tensor(True).dtype == np.bool_
    assert Tensor(np.ones(2, dtype=np.float16)).dtype == np.float16
    assert Tensor(np.ones(2), dtype=np.float32).dtype == np.float32


def test_integer_tensors_cannot_require_grad():
    with pytest.raises(TypeError, match="int64"):
        Tensor([1, 2], requires_grad=True)


def test_a_python_number_never_changes_a_tensors_dtype():
    x = Tensor([1.0, 2.0])
    assert (x * 2.5).dtype == np.float32 and (2.5 + x).dtype == np.float32 and (x**2).dtype == np.float32


def test_tensors_promote_as_numpy_does():
    a = Tensor(np.ones(2, dtype=np.float32))
    b = Tensor(np.ones(2, dtype=np.float64))
    assert (a + b).dtype == np.float64


def test_constructor_copies_arrays():
    array = np.ones(2)
    t = Tensor(array)
    array[0] = 5
    assert t.numpy()[0] == 1


def test_unsupported_data_is_a_clear_error():
    with pytest.raises(TypeError, match="Tensor"):
        Tensor("hello")
    with pytest.raises((TypeError, ValueError)):
        Tensor([[1.0, 2.0], [3.0]])


# -- attributes and conversions ------------------------------------------------


def test_attributes():
    t = Tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True, name="w")
    assert t.shape == (2, 3) and t.ndim == 2 and t.numel() == 6 and t.size() == (2, 3) and t.size(1) == 3
    assert t.name == "w" and t.is_leaf and t.grad is None
    assert t.T.shape == (3, 2) and len(t) == 2
    assert [row.shape for row in t] == [(3,), (3,)]
    np.testing.assert_array_equal(np.asarray(t), t.numpy())
    assert Tensor(2.5).item() == 2.5 and float(Tensor(2.5)) == 2.5
    assert not (t * 2).is_leaf
    assert t.numpy() is t._data and np.shares_memory(t.data.numpy(), t.numpy())
    assert isinstance(t.data, Tensor) and not t.data.requires_grad


def test_repr_shows_data_op_and_name():
    assert repr(Tensor(2.0)) == "Tensor(2.)"
    y = Tensor(1.0, requires_grad=True, name="a") * 2
    assert "grad_fn=mul" in repr(y)
    assert "name='w'" in repr(Tensor([1.0], name="w"))
    assert f"{Tensor(2.0):.2f}" == "2.00"


def test_item_of_many_elements_is_an_error():
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        Tensor([1.0, 2.0]).item()


def test_len_of_a_scalar_is_an_error():
    with pytest.raises(TypeError, match="0-d"):
        len(Tensor(1.0))


def test_numpy_arrays_on_the_left_defer_to_the_tensor():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = np.array([3.0, 4.0]) * x
    assert isinstance(y, Tensor) and y.requires_grad
    z = np.array([1.0, 1.0]) @ x
    assert isinstance(z, Tensor)


def test_comparisons_give_bool_tensors_without_grad():
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    mask = x > 1.5
    assert mask.dtype == np.bool_ and not mask.requires_grad
    np.testing.assert_array_equal((x <= 2).numpy(), [True, True, False])
    np.testing.assert_array_equal((x == 2).numpy(), [False, True, False])
    np.testing.assert_array_equal((x != 2).numpy(), [True, False, True])
    np.testing.assert_array_equal((x >= 2).numpy(), [False, True, True])
    np.testing.assert_array_equal((x < 2).numpy(), [True, False, False])


def test_tensors_stay_hashable():
    x = Tensor(1.0)
    assert {x: 1}[x] == 1


# -- shape methods and PyTorch's aliases --------------------------------------------


def test_reshape_takes_varargs_or_a_tuple():
    x = Tensor(np.arange(6.0))
    assert x.reshape(2, 3).shape == (2, 3) == x.reshape((2, 3)).shape == x.reshape(-1, 3).shape


def test_transpose_permute_swapaxes():
    x = Tensor(np.zeros((2, 3, 4)))
    assert x.transpose().shape == (4, 3, 2)
    assert x.transpose(1, 0, 2).shape == (3, 2, 4) == x.permute(1, 0, 2).shape
    assert x.swapaxes(0, 2).shape == (4, 3, 2)


def test_squeeze_unsqueeze_flatten_expand():
    x = Tensor(np.zeros((1, 3, 1)))
    assert x.squeeze().shape == (3,) and x.squeeze(0).shape == (3, 1) and x.squeeze(dim=-1).shape == (1, 3)
    assert x.unsqueeze(0).shape == (1, 1, 3, 1) and x.unsqueeze(-1).shape == (1, 3, 1, 1)
    assert Tensor(np.zeros((2, 3, 4))).flatten().shape == (24,)
    assert Tensor(np.zeros((2, 3, 4))).flatten(1).shape == (2, 12)
    assert x.expand(2, 3, 4).shape == (2, 3, 4) and x.expand(-1, -1, 5).shape == (1, 3, 5)
    assert x.broadcast_to((2, 3, 4)).shape == (2, 3, 4)


def test_dim_and_keepdim_are_accepted_everywhere_axis_is():
    x = Tensor(np.arange(6.0).reshape(2, 3))
    assert x.sum(dim=1, keepdim=True).shape == (2, 1) == x.sum(1, True).shape
    for name in ("mean", "var", "std", "logsumexp", "argmax", "argmin"):
        assert getattr(x, name)(dim=0).shape == (3,), name
    for name in ("max", "min"):  # with dim: PyTorch's (values, indices)
        assert getattr(x, name)(dim=0).values.shape == (3,) == getattr(x, name)(dim=0).indices.shape, name
        assert getattr(x, name)(axis=1, keepdims=True).shape == (2, 1), name
    assert x.softmax(dim=0).shape == (2, 3) and x.log_softmax(dim=0).shape == (2, 3)


def test_argmax_and_argmin_follow_numpy():
    data = np.array([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]])
    x = Tensor(data)
    assert x.argmax().item() == np.argmax(data)
    np.testing.assert_array_equal(x.argmax(axis=1).numpy(), np.argmax(data, axis=1))
    np.testing.assert_array_equal(x.argmin(axis=0).numpy(), np.argmin(data, axis=0))


def test_stack_and_concatenate():
    a, b = Tensor(np.ones((2, 3))), Tensor(np.zeros((2, 3)))
    assert autograd.stack([a, b]).shape == (2, 2, 3) and autograd.stack([a, b], axis=-1).shape == (2, 3, 2)
    assert autograd.concatenate([a, b], axis=1).shape == (2, 6)


def test_boolean_mask_indexing_and_index_tensors():
    x = Tensor([-1.0, 2.0, -3.0, 4.0], requires_grad=True)
    positive = x[x > 0]
    np.testing.assert_array_equal(positive.numpy(), [2.0, 4.0])
    positive.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0, 1, 0, 1])
    np.testing.assert_array_equal(x[Tensor([3, 0])].numpy(), [4.0, -1.0])
    np.testing.assert_array_equal(x[::-1].numpy(), [4.0, -3.0, 2.0, -1.0])


def test_repeated_indices_accumulate_their_gradient():
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    x[[0, 0, 2, 0]].sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3, 0, 1])


# -- errors name the op and the shapes ---------------------------------------------


def test_matmul_mismatch_names_op_and_shapes():
    with pytest.raises(ValueError, match=r"matmul.*\(2, 3\).*\(2, 2\)"):
        Tensor(np.ones((2, 3))) @ Tensor(np.ones((2, 2)))


def test_broadcast_mismatch_names_op_and_shapes():
    with pytest.raises(ValueError, match=r"add.*\(2, 3\).*\(4,\)"):
        Tensor(np.ones((2, 3))) + Tensor(np.ones(4))


def test_reshape_to_an_incompatible_size():
    with pytest.raises(ValueError, match=r"reshape.*size 6.*\(4,\)"):
        Tensor(np.ones((2, 3))).reshape(4)


def test_index_out_of_range():
    with pytest.raises(IndexError, match=r"getitem.*out of bounds.*\(3,\)"):
        Tensor([1.0, 2.0, 3.0])[5]


def test_index_of_a_float_array_is_an_error():
    with pytest.raises(IndexError, match="float64"):
        Tensor([1.0, 2.0])[np.array([0.5])]


def test_set_default_dtype_rejects_ints():
    with pytest.raises(TypeError, match="int64"):
        autograd.set_default_dtype(np.int64)


# -- factories and seeds --------------------------------------------------------------


def test_factories():
    assert autograd.zeros(2, 3).shape == (2, 3) and autograd.ones((2,)).numpy().sum() == 2
    assert autograd.full((2, 2), 7.0).numpy().tolist() == [[7, 7], [7, 7]]
    like = autograd.zeros_like(Tensor(np.ones((2, 2), dtype=np.float64)))
    assert like.dtype == np.float64 and like.shape == (2, 2)
    assert autograd.ones_like(Tensor([1.0, 2.0])).numpy().tolist() == [1, 1]
    assert autograd.arange(5).dtype == np.int64 and autograd.arange(0.0, 1.0, 0.25).dtype == np.float32
    assert autograd.randn(3, requires_grad=True).requires_grad
    r = autograd.rand(1000)
    assert 0 <= r.numpy().min() and r.numpy().max() < 1


def test_manual_seed_makes_draws_repeatable():
    autograd.manual_seed(7)
    first = autograd.randn(4).numpy(), autograd.rand(2).numpy()
    autograd.manual_seed(7)
    second = autograd.randn(4).numpy(), autograd.rand(2).numpy()
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
