"""TensorDataset and DataLoader: batches that cover the data, repeatable shuffles, clear errors."""

from __future__ import annotations

import numpy as np
import pytest

import autograd
import nn
from autograd import Tensor
from nn.data import DataLoader, TensorDataset


def dataset(n: int = 10) -> TensorDataset:
    return TensorDataset(np.arange(n * 2, dtype=np.float64).reshape(n, 2), np.arange(n))


def test_tensor_dataset_zips_rows_of_its_arrays_as_tensors():
    data = dataset()
    assert len(data) == 10
    x, y = data[3]
    assert isinstance(x, Tensor) and isinstance(y, Tensor)
    np.testing.assert_array_equal(x.numpy(), [6.0, 7.0])
    assert y.item() == 3 and y.dtype == np.int64 and x.dtype == np.float64  # arrays keep their dtype
    x, y = data[np.array([1, 4])]
    assert x.shape == (2, 2) and y.tolist() == [1, 4]


def test_tensor_dataset_takes_tensors_and_lists():
    data = TensorDataset(Tensor(np.ones((3, 2))), [[1.0], [2.0], [3.0]])
    assert data[2][1].dtype == autograd.get_default_dtype()  # lists follow Tensor's dtype rules


def test_tensor_dataset_over_arrays_of_different_lengths_names_their_shapes():
    with pytest.raises(ValueError, match=r"same first dimension, got array 0: \(5, 2\), array 1: \(4,\)"):
        TensorDataset(np.zeros((5, 2)), np.zeros(4))
    with pytest.raises(ValueError, match="at least one array"):
        TensorDataset()
    with pytest.raises(ValueError, match="array 1 is 0-d"):
        TensorDataset(np.zeros(3), np.float64(1.0))


def test_loader_without_shuffle_gives_batches_in_order():
    batches = list(DataLoader(dataset(), batch_size=4))
    assert [len(y) for _, y in batches] == [4, 4, 2]
    assert np.concatenate([y.numpy() for _, y in batches]).tolist() == list(range(10))
    assert all(isinstance(x, Tensor) and x.shape[1] == 2 for x, _ in batches)
    assert len(DataLoader(dataset(), batch_size=4)) == 3


def test_drop_last_skips_the_short_final_batch():
    loader = DataLoader(dataset(), batch_size=4, drop_last=True)
    assert [len(y) for _, y in loader] == [4, 4] and len(loader) == 2
    assert len(DataLoader(dataset(8), batch_size=4, drop_last=True)) == 2


def test_shuffle_visits_every_example_once_per_pass_in_a_new_order():
    loader = DataLoader(dataset(50), batch_size=8, shuffle=True)
    autograd.manual_seed(0)
    first = np.concatenate([y.numpy() for _, y in loader])
    second = np.concatenate([y.numpy() for _, y in loader])
    assert sorted(first.tolist()) == list(range(50)) == sorted(second.tolist())
    assert first.tolist() != list(range(50)) and first.tolist() != second.tolist()
    for x, y in DataLoader(dataset(50), batch_size=8, shuffle=True):
        np.testing.assert_array_equal(x.numpy()[:, 0], 2 * y.numpy())  # rows stay together


def test_shuffle_is_repeatable_under_manual_seed():
    def one_pass():
        return np.concatenate([y.numpy() for _, y in DataLoader(dataset(30), batch_size=7, shuffle=True)])

    autograd.manual_seed(123)
    a = one_pass()
    autograd.manual_seed(123)
    b = one_pass()
    np.testing.assert_array_equal(a, b)
    order = np.random.default_rng(123).permutation(30)
    np.testing.assert_array_equal(a, order)  # drawn from autograd's generator


def test_shuffle_can_use_its_own_generator():
    loader = DataLoader(dataset(20), batch_size=20, shuffle=True, generator=np.random.default_rng(5))
    ((_, y),) = list(loader)
    np.testing.assert_array_equal(y.numpy(), np.random.default_rng(5).permutation(20))


def test_loader_over_any_indexable_dataset_stacks_rows():
    class Squares:
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return np.array([i, i * i], dtype=float), i

    batches = list(DataLoader(Squares(), batch_size=2))
    assert len(batches) == 3
    x, y = batches[1]
    np.testing.assert_array_equal(x.numpy(), [[2.0, 4.0], [3.0, 9.0]])
    assert y.tolist() == [2, 3]


def test_loader_over_a_list_of_examples_stacks_them_into_one_tensor():
    batches = list(
        DataLoader([np.array([1.0, 2.0]), np.array([3.0, 4.0]), np.array([5.0, 6.0])], batch_size=2)
    )
    assert isinstance(batches[0], Tensor) and batches[0].shape == (2, 2) and batches[1].shape == (1, 2)


def test_loader_rejects_bad_arguments():
    with pytest.raises(ValueError, match="batch_size must be a positive integer, got 0"):
        DataLoader(dataset(), batch_size=0)
    with pytest.raises(ValueError, match="batch_size must be a positive integer, got 2.5"):
        DataLoader(dataset(), batch_size=2.5)
    with pytest.raises(TypeError, match="dataset must have __len__ and __getitem__, got int"):
        DataLoader(3)


def test_a_training_pass_over_a_loader():
    autograd.manual_seed(0)
    rng = np.random.default_rng(0)
    X = rng.standard_normal((64, 3))
    y = (X @ np.array([1.0, -2.0, 0.5]) > 0).astype(np.int64)
    model = nn.Linear(3, 2, dtype=np.float64)
    opt = nn.optim.SGD(model.parameters(), lr=0.5)
    losses = []
    for _ in range(5):
        for xb, yb in DataLoader(TensorDataset(X, y), batch_size=16, shuffle=True):
            loss = nn.functional.cross_entropy(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
        losses.append(nn.functional.cross_entropy(model(X), y).item())
    assert losses[-1] < losses[0]
