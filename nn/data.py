"""Datasets and mini-batches: TensorDataset zips arrays by row; DataLoader cuts them into batches."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from autograd import Tensor, default_generator

__all__ = ["TensorDataset", "DataLoader"]


class TensorDataset:
    """Rows of several arrays taken together: `TensorDataset(X, y)[i]` is `(X[i], y[i])` as Tensors."""

    def __init__(self, *arrays: Any):
        if not arrays:
            raise ValueError("TensorDataset: give at least one array")
        # Arrays keep their dtype; Python lists follow Tensor's rules (floats become the default dtype).
        self.arrays = [a if isinstance(a, np.ndarray) else Tensor(a).numpy() for a in arrays]
        for i, a in enumerate(self.arrays):
            if a.ndim == 0:
                raise ValueError(
                    f"TensorDataset: array {i} is 0-d; each array needs a first axis of examples"
                )
        lengths = [len(a) for a in self.arrays]
        if len(set(lengths)) > 1:
            shapes = ", ".join(f"array {i}: {a.shape}" for i, a in enumerate(self.arrays))
            raise ValueError(f"TensorDataset: all arrays must have the same first dimension, got {shapes}")

    def __len__(self) -> int:
        return len(self.arrays[0])

    def __getitem__(self, index: Any) -> tuple[Tensor, ...]:
        """The rows at index (an int, a slice or an array of ints), one Tensor per array."""
        return tuple(Tensor(a[index]) for a in self.arrays)


class DataLoader:
    """Batches of a dataset: `for xb, yb in DataLoader(TensorDataset(X, y), batch_size=32, shuffle=True)`.

    With `shuffle`, each pass draws a fresh permutation from `generator` (by default
    autograd's, so `manual_seed` makes the batches repeatable). `drop_last` skips a
    final batch smaller than `batch_size`. A TensorDataset is sliced whole batches at a
    time; any other dataset (with `__len__` and `__getitem__` giving tuples) is
    gathered row by row and stacked.
    """

    def __init__(
        self,
        dataset: Any,
        batch_size: int = 1,
        shuffle: bool = False,
        drop_last: bool = False,
        generator: np.random.Generator | None = None,
    ):
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise ValueError(f"DataLoader: batch_size must be a positive integer, got {batch_size!r}")
        if not (hasattr(dataset, "__len__") and hasattr(dataset, "__getitem__")):
            raise TypeError(
                f"DataLoader: dataset must have __len__ and __getitem__, got {type(dataset).__name__}"
            )
        self.dataset, self.batch_size = dataset, int(batch_size)
        self.shuffle, self.drop_last, self.generator = bool(shuffle), bool(drop_last), generator

    def __len__(self) -> int:
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def __iter__(self) -> Iterator[tuple[Tensor, ...]]:
        n = len(self.dataset)
        if self.shuffle:
            order = (self.generator or default_generator()).permutation(n)
        else:
            order = np.arange(n)
        for start in range(0, len(self) * self.batch_size, self.batch_size):
            yield self._batch(order[start : start + self.batch_size])

    def _batch(self, index: np.ndarray) -> tuple[Tensor, ...]:
        """The examples at index, one Tensor per field with the batch as its first axis."""
        if isinstance(self.dataset, TensorDataset):
            return self.dataset[index]
        rows = [self.dataset[int(i)] for i in index]
        if not isinstance(rows[0], tuple):
            return Tensor(np.stack([np.asarray(r) for r in rows]))
        return tuple(Tensor(np.stack([np.asarray(r[k]) for r in rows])) for k in range(len(rows[0])))
