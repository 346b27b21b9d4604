"""Tensor methods that ported PyTorch code calls: conversions, new_*, masked_fill, in-place draws."""

from __future__ import annotations

import numpy as np
import pytest

import autograd
from autograd import Tensor


def leaf(values, dtype=np.float64) -> Tensor:
    return Tensor(np.array(values, dtype=dtype), requires_grad=True)


# -- to() and the dtype conversions -------------------------------------------------------------


def test_to_returns_self_when_nothing_changes():
    x = Tensor([1.0, 2.0])
    for args, kwargs in [
        ((), {}),
        ((None,), {}),
        (("cpu",), {}),
        ((autograd.device("cpu"),), {}),
        ((autograd.float32,), {}),
        (("cpu", autograd.float32), {}),
        ((), {"device": "cpu", "dtype": autograd.float32, "non_blocking": True}),
        ((Tensor([0.0]),), {}),
    ]:
        assert x.to(*args, **kwargs) is x


def test_to_converts_dtype_and_copy_makes_a_copy():
    x = leaf([1.5, 2.5])
    assert x.to(autograd.float32).dtype == np.float32
    assert x.to("cpu", autograd.float32).dtype == np.float32
    assert x.to(Tensor(np.zeros(1, np.float32))).dtype == np.float32
    assert x.to(dtype=float).dtype == autograd.get_default_dtype()
    copied = x.to(copy=True)
    assert copied is not x and not np.shares_memory(copied.numpy(), x.numpy()) and copied.requires_grad
    copied.sum().backward()
    assert x.grad.tolist() == [1.0, 1.0]


def test_to_a_bare_index_means_cuda_and_is_an_error():
    with pytest.raises(RuntimeError, match="to: device 'cuda:0'"):
        Tensor([1.0]).to(0)


def test_float_double_half_return_self_when_the_dtype_is_already_that():
    f32, f64 = Tensor(np.ones(2, np.float32)), Tensor(np.ones(2, np.float64))
    assert f32.float() is f32 and f64.double() is f64 and f64.float().dtype == np.float32
    assert f32.half().dtype == np.float16 and f32.half().half().dtype == np.float16


def test_integer_and_bool_conversions_carry_no_gradient():
    x = leaf([1.7, -0.2])
    for converted, dtype in ((x.long(), np.int64), (x.int(), np.int32), (x.bool(), np.bool_)):
        assert converted.dtype == dtype and not converted.requires_grad and converted.grad_fn is None
    assert x.long().tolist() == [1, 0] and x.int().tolist() == [1, 0] and x.bool().tolist() == [True, True]


def test_float_conversions_keep_the_gradient():
    x = leaf([1.0, 2.0])
    y = x.float()
    assert y.requires_grad and y.dtype == np.float32
    (y * y).sum().backward()
    assert x.grad.dtype == np.float64 and x.grad.tolist() == [2.0, 4.0]


# -- contiguous, reshape_as, view_as --------------------------------------------------------------


def test_contiguous_is_self_for_a_contiguous_tensor_and_a_copy_otherwise():
    x = Tensor(np.arange(6.0).reshape(2, 3))
    assert x.contiguous() is x
    t = x.T
    c = t.contiguous()
    assert c is not t and c.numpy().flags.c_contiguous and c.tolist() == t.tolist()
    c[0, 0] = 100.0  # a copy: the tensor it came from is untouched, as in PyTorch
    assert x[0, 0].item() == 0.0


def test_contiguous_keeps_gradients_flowing():
    x = leaf(np.arange(6.0).reshape(2, 3))
    (x.T.contiguous() * Tensor(np.arange(6.0).reshape(3, 2))).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.arange(6.0).reshape(3, 2).T)


def test_reshape_as_and_view_as():
    x = leaf(np.arange(6.0))
    other = Tensor(np.zeros((2, 3)))
    assert x.reshape_as(other).shape == (2, 3) and x.view_as(other).shape == (2, 3)
    assert autograd.gradcheck(lambda t: t.reshape_as(other) * 2, (x,))


def test_t_transposes_a_matrix_and_keeps_a_vector_or_scalar():
    m = leaf(np.arange(6.0).reshape(2, 3))
    assert m.t().shape == (3, 2) and np.shares_memory(m.t().numpy(), m.numpy())
    np.testing.assert_array_equal(m.t().numpy(), m.numpy().T)
    assert autograd.gradcheck(lambda t: t.t() * Tensor(np.arange(6.0).reshape(3, 2)), (m,))
    v = leaf([1.0, 2.0])
    assert v.t().shape == (2,) and leaf(3.0).t().shape == ()
    with pytest.raises(
        RuntimeError, match=r"t: expects a tensor with at most 2 dimensions, got shape \(2, 2, 2\)"
    ):
        Tensor(np.zeros((2, 2, 2))).t()


# -- new_* -------------------------------------------------------------------------------------


def test_new_factories_take_self_s_dtype_unless_told():
    x = Tensor(np.ones(2, np.float64))
    for made, shape in ((x.new_zeros(2, 3), (2, 3)), (x.new_ones((4,)), (4,)), (x.new_empty(1), (1,))):
        assert made.dtype == np.float64 and made.shape == shape and not made.requires_grad
    assert x.new_zeros(2).tolist() == [0.0, 0.0] and x.new_ones(2).tolist() == [1.0, 1.0]
    full = x.new_full((2,), 3)
    assert full.dtype == np.float64 and full.tolist() == [3.0, 3.0]
    assert x.new_tensor([1, 2]).dtype == np.float64
    assert x.new_tensor([1, 2], dtype=autograd.int64).dtype == np.int64
    assert x.new_zeros(2, dtype=autograd.int64).dtype == np.int64
    assert x.new_zeros(2, requires_grad=True).requires_grad


# -- masked_fill ---------------------------------------------------------------------------------


def test_masked_fill_values_and_gradient():
    x = leaf([1.0, -2.0, 3.0])
    y = x.masked_fill(x < 0, 0.5)
    assert y.tolist() == [1.0, 0.5, 3.0] and y.dtype == np.float64
    y.sum().backward()
    assert x.grad.tolist() == [1.0, 0.0, 1.0]
    mask = np.array([True, False, True])
    assert autograd.gradcheck(lambda t: t.masked_fill(mask, -1.0) * t, (leaf([0.5, 2.0, -1.0]),))
    assert autograd.gradgradcheck(lambda t: t.masked_fill(mask, -1.0) * t, (leaf([0.5, 2.0, -1.0]),))


def test_masked_fill_with_a_0d_tensor_value_sends_it_the_gradient():
    x, v = leaf([1.0, 2.0, 3.0]), leaf(7.0)
    x.masked_fill(Tensor([True, True, False]), v).sum().backward()
    assert v.grad.item() == 2.0 and x.grad.tolist() == [0.0, 0.0, 1.0]
    assert autograd.gradcheck(
        lambda a, b: a.masked_fill(np.array([False, True, True]), b), (leaf([1.0, 2.0, 3.0]), leaf(0.5))
    )


def test_masked_fill_keeps_the_dtype_and_broadcasts_the_mask():
    ints = Tensor([[1, 2], [3, 4]])
    filled = ints.masked_fill(Tensor([True, False]), 9)
    assert filled.dtype == np.int64 and filled.tolist() == [[9, 2], [9, 4]]
    f32 = Tensor(np.ones(2, np.float32))
    assert f32.masked_fill(Tensor([True, False]), np.float64(2.0)).dtype == np.float32


def test_masked_fill_mistakes():
    x = Tensor([1.0, 2.0])
    with pytest.raises(
        ValueError, match=r"masked_fill: a mask of shape \(3, 2\) does not broadcast to the shape \(2,\)"
    ):
        x.masked_fill(np.ones((3, 2), bool), 0.0)
    with pytest.raises(ValueError, match="masked_fill: the value must be a number or a 0-d tensor"):
        x.masked_fill(Tensor([True, False]), Tensor([1.0, 2.0]))


def test_masked_fill_in_place_on_a_recorded_tensor():
    x = leaf([1.0, -2.0, 3.0])
    h = x * 2
    same = h.masked_fill_(h < 0, 0.0)
    assert same is h and h.tolist() == [2.0, 0.0, 6.0]
    h.sum().backward()
    assert x.grad.tolist() == [2.0, 0.0, 2.0]
    with pytest.raises(RuntimeError, match="in place on a leaf tensor that requires grad"):
        leaf([1.0]).masked_fill_(Tensor([True]), 0.0)


# -- in-place draws ------------------------------------------------------------------------------


def test_uniform_and_normal_fill_in_place():
    x = autograd.zeros(2000, dtype=autograd.float64)
    data = x.numpy()
    assert x.uniform_(-2.0, 3.0) is x and x.numpy() is data
    assert x.numpy().min() >= -2.0 and x.numpy().max() < 3.0 and x._version == 1
    assert (
        x.normal_(10.0, 0.5) is x and abs(x.numpy().mean() - 10.0) < 0.1 and abs(x.numpy().std() - 0.5) < 0.05
    )
    assert x.dtype == np.float64
    default = autograd.zeros(3).uniform_()
    assert default.numpy().min() >= 0.0 and default.numpy().max() < 1.0


def test_in_place_draws_on_a_parameter_need_no_grad():
    w = leaf(np.zeros(3))
    with pytest.raises(RuntimeError, match="in place on a leaf tensor that requires grad"):
        w.uniform_()
    with autograd.no_grad():
        w.uniform_(-0.1, 0.1)
        w.normal_()
    assert w.requires_grad and w.is_leaf


def test_element_counts_and_comparisons():
    x = Tensor(np.arange(6.0).reshape(2, 3))
    assert x.nelement() == 6 and x.numel() == 6 and x.dim() == 2 and x.size(1) == 3
    for compared in (x.eq(2.0), x.ne(2.0), x.lt(2.0), x.le(2.0), x.gt(2.0), x.ge(2.0)):
        assert compared.dtype == np.bool_ and compared.shape == (2, 3) and not compared.requires_grad
    assert x.eq(2.0).sum().item() == 1


# -- topk ----------------------------------------------------------------------------------------


def test_topk_values_indices_and_gradient():
    x = leaf([[1.0, 5.0, 3.0, 4.0], [2.0, 0.0, 6.0, 7.0]])
    values, indices = x.topk(2)
    assert values.tolist() == [[5.0, 4.0], [7.0, 6.0]] and indices.tolist() == [[1, 3], [3, 2]]
    assert indices.dtype == np.int64 and not indices.requires_grad
    assert x.topk(1, dim=0, largest=False).values.tolist() == [[1.0, 0.0, 3.0, 4.0]]
    values.sum().backward()
    assert x.grad.tolist() == [[0.0, 1.0, 0.0, 1.0], [0.0, 0.0, 1.0, 1.0]]
    data = [[1.0, 5.0, 3.0, 4.0], [2.0, 0.0, 6.0, 7.0]]
    assert autograd.gradcheck(lambda t: t.topk(2).values * t.topk(2).values, (leaf(data),))
    assert autograd.gradgradcheck(lambda t: t.topk(3, largest=False).values ** 2, (leaf(data),))


def test_topk_puts_nan_first_and_keeps_tied_order():
    values, indices = Tensor([1.0, np.nan, 5.0, 5.0]).topk(3)
    assert np.isnan(values[0].item()) and indices.tolist() == [1, 2, 3]
    assert Tensor([3, 1, 2]).topk(2).values.tolist() == [3, 2]
    assert Tensor(3.0).topk(1).values.shape == ()


def test_topk_mistakes():
    with pytest.raises(ValueError, match=r"topk: k must be an int from 0 to 3 \(the size of dim -1\), got 4"):
        Tensor([1.0, 2.0, 3.0]).topk(4)
    with pytest.raises(np.exceptions.AxisError, match="topk: axis 2 is out of bounds"):
        Tensor([1.0, 2.0]).topk(1, dim=2)
