"""Datasets and mini-batches: TensorDataset zips arrays by row; DataLoader cuts them into batches."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from autograd import Tensor, TraceError, is_recording
from autograd.random import numpy_generator

__all__ = ["Dataset", "TensorDataset", "DataLoader", "default_collate"]


class Dataset:
    """Base class for your own data: define `__len__` and `__getitem__(i)` (returning an example,
    often a tuple like `(x, y)`), and a DataLoader batches it."""

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__(index)")


class TensorDataset(Dataset):
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
    time; any other dataset (with `__len__` and `__getitem__`) is gathered example by
    example and put together by `collate_fn` (by default `default_collate`).
    `num_workers` and `pin_memory` are accepted so that ported code runs: examples are
    always loaded in the calling process, and there is no GPU memory to pin.
    """

    def __init__(
        self,
        dataset: Any,
        batch_size: int = 1,
        shuffle: bool = False,
        drop_last: bool = False,
        generator: np.random.Generator | None = None,
        collate_fn: Callable[[list], Any] | None = None,
        num_workers: int = 0,
        pin_memory: bool = False,
    ):
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise ValueError(f"DataLoader: batch_size must be a positive integer, got {batch_size!r}")
        if not (hasattr(dataset, "__len__") and hasattr(dataset, "__getitem__")):
            raise TypeError(
                f"DataLoader: dataset must have __len__ and __getitem__, got {type(dataset).__name__}"
            )
        if isinstance(num_workers, bool) or not isinstance(num_workers, (int, np.integer)) or num_workers < 0:
            raise ValueError(f"DataLoader: num_workers must be a non-negative integer, got {num_workers!r}")
        self.dataset, self.batch_size = dataset, int(batch_size)
        self.shuffle, self.drop_last, self.generator = bool(shuffle), bool(drop_last), generator
        self.collate_fn = collate_fn
        self.num_workers, self.pin_memory = int(num_workers), bool(pin_memory)

    def __len__(self) -> int:
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def __iter__(self) -> Iterator[Any]:
        if is_recording():  # its batches would be frozen into the record as constants
            raise TraceError(
                "DataLoader: iterating inside a function that autograd.trace records; a replay would "
                "reuse this call's batches. Iterate outside and pass each batch to the traced step"
            )
        n = len(self.dataset)
        if self.shuffle:
            order = numpy_generator(self.generator, "DataLoader").permutation(n)
        else:
            order = np.arange(n)
        for start in range(0, len(self) * self.batch_size, self.batch_size):
            yield self._batch(order[start : start + self.batch_size])

    def _batch(self, index: np.ndarray) -> Any:
        """The examples at index, one Tensor per field with the batch as its first axis."""
        if isinstance(self.dataset, TensorDataset) and self.collate_fn is None:
            return self.dataset[index]
        rows = [self.dataset[int(i)] for i in index]
        return (self.collate_fn or default_collate)(rows)


def default_collate(examples: list) -> Any:
    """Examples stacked along a new first axis, field by field: a list of (x, y) tuples becomes (X, Y).

    Tuples, lists and dicts are batched field by field and keep their kind; anything
    else (Tensors, arrays, numbers) is stacked into one Tensor, Python floats as float64
    and ints as int64, as PyTorch's default_collate does.
    """
    first = examples[0]
    if isinstance(first, dict):
        return {key: default_collate([example[key] for example in examples]) for key in first}
    if isinstance(first, (tuple, list)):
        sizes = {len(example) for example in examples}
        if len(sizes) > 1:
            raise ValueError(
                f"default_collate: every example must have the same number of fields, got {sorted(sizes)}"
            )
        fields = [default_collate([example[k] for example in examples]) for k in range(len(first))]
        return tuple(fields) if isinstance(first, tuple) else fields
    return Tensor(np.stack([np.asarray(example) for example in examples]))
