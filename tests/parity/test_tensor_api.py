"""Tensor methods with PyTorch's names and results: size(), size(dim), numel(), autograd.tensor."""

from __future__ import annotations

import numpy as np
import pytest

import autograd

from .compare import RG, TH, assert_same_dtype, assert_values_match

SHAPES = [(), (3,), (2, 3), (2, 0, 4)]


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_size_without_dim_is_the_shape_as_a_tuple(shape):
    rg, th = RG.const(np.zeros(shape)).size(), TH.const(np.zeros(shape)).size()
    assert isinstance(rg, tuple) and rg == tuple(th)


@pytest.mark.parametrize("shape", [s for s in SHAPES if s], ids=str)
def test_size_with_a_dim_is_an_int(shape):
    rg, th = RG.const(np.zeros(shape)), TH.const(np.zeros(shape))
    for dim in range(-len(shape), len(shape)):
        assert type(rg.size(dim)) is int and rg.size(dim) == th.size(dim)
        assert rg.size(dim=dim) == th.size(dim=dim)


def test_size_with_a_dim_out_of_range_raises_index_error():
    for L in (TH, RG):
        with pytest.raises(IndexError):
            L.const(np.zeros((2, 3))).size(2)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_numel_counts_the_elements(shape):
    rg, th = RG.const(np.zeros(shape)).numel(), TH.const(np.zeros(shape)).numel()
    assert type(rg) is int and rg == th


def test_tensor_function_makes_a_tensor_like_the_constructor():
    for data in (1.5, 3, True, [[1.0, 2.0]], np.arange(3, dtype=np.int32)):
        rg, th = RG.tensor(data), TH.tensor(data)
        assert isinstance(rg, autograd.Tensor)
        assert_same_dtype(rg, th)
        assert_values_match(rg, th)


def test_tensor_function_takes_requires_grad_and_dtype():
    rg = autograd.tensor([1.0, 2.0], requires_grad=True, dtype=np.float64)
    assert rg.requires_grad and rg.is_leaf and rg.dtype == np.float64
