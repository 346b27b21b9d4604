"""Embedding: a table of learned vectors, looked up by integer index; and one_hot, the same lookup in eye(C).

`nn.functional` gives the functions under PyTorch's names, F.embedding and F.one_hot.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd
from autograd import Tensor, get_default_dtype, no_grad

from . import init
from .module import Module, check_device
from .parameter import Parameter


def embedding(
    input: Any,
    weight: Tensor,
    padding_idx: int | None = None,
    max_norm: float | None = None,
    norm_type: float = 2.0,
    scale_grad_by_freq: bool = False,
    sparse: bool = False,
) -> Tensor:
    """weight[input]: row i of weight for each integer index i, in input's shape + (embedding_dim,).

    A row used several times gets the sum of its gradients; the row `padding_idx`
    gets none. With `max_norm`, the rows looked up are first scaled down in place to
    that norm, as PyTorch does.
    """
    if scale_grad_by_freq or sparse:
        raise ValueError("embedding: scale_grad_by_freq and sparse gradients are not supported")
    index = np.asarray(input)  # checked here; the lookup below indexes with it as it is
    if index.dtype.kind not in "iu":
        raise TypeError(f"embedding: indices must be integers (int64 or int32), got dtype {index.dtype}")
    if weight.ndim != 2:
        raise ValueError(
            f"embedding: weight must be 2-d (num_embeddings, embedding_dim), got shape {weight.shape}"
        )
    count = weight.shape[0]
    if index.size and (index.min() < 0 or index.max() >= count):
        bad = index[(index < 0) | (index >= count)]
        raise IndexError(f"embedding: indices must be in [0, {count}), got {bad[:5].tolist()}")
    padding_idx = _padding_index(padding_idx, count)
    if max_norm is not None:
        _renormalise_rows(weight, np.unique(index), max_norm, norm_type)
    rows = weight[index]
    if padding_idx is None:
        return rows
    used = (autograd.as_tensor(index) != padding_idx)[..., None]  # padding rows: their value, no gradient
    return autograd.where(used, rows, rows.detach())


def _padding_index(padding_idx: int | None, count: int) -> int | None:
    """padding_idx in [0, count), a negative one counted from the end."""
    if padding_idx is None:
        return None
    if not -count <= padding_idx < count:
        raise ValueError(f"embedding: padding_idx must be within [-{count}, {count}), got {padding_idx}")
    return padding_idx % count


def _renormalise_rows(weight: Tensor, rows: np.ndarray, max_norm: float, norm_type: float) -> None:
    """Rows whose norm exceeds max_norm scaled to max_norm, in place (not recorded), as PyTorch's."""
    with no_grad():
        picked = weight.numpy()[rows]
        norms = np.linalg.norm(picked, ord=norm_type, axis=1)
        scale = np.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0).astype(weight.dtype)
        weight[rows] = picked * scale[:, None]


def one_hot(tensor: Any, num_classes: int = -1) -> Tensor:
    """out[..., c] = 1 where tensor[...] == c, else 0: int64, shape tensor.shape + (num_classes,).

    num_classes=-1 takes the largest value + 1. Values must be integers in [0, num_classes).
    """
    index = tensor.numpy() if isinstance(tensor, Tensor) else np.asarray(tensor)
    if index.dtype.kind not in "iu":
        raise TypeError(
            f"one_hot: expects a tensor of integer class indices (int64), got dtype {index.dtype}"
        )
    if num_classes == -1:
        if index.size == 0:
            raise ValueError(
                "one_hot: cannot infer the number of classes from an empty tensor; give num_classes"
            )
        num_classes = int(index.max()) + 1
    elif isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)) or num_classes < 1:
        raise ValueError(f"one_hot: num_classes must be a positive integer or -1, got {num_classes!r}")
    if index.size and index.min() < 0:
        raise ValueError(f"one_hot: class values must be non-negative, got {index.min()}")
    if index.size and index.max() >= num_classes:
        raise ValueError(
            f"one_hot: class values must be smaller than num_classes={num_classes}, got {index.max()}"
        )
    return Tensor(index[..., None] == np.arange(num_classes), dtype=np.int64)


class Embedding(Module):
    """out = weight[input]: row i of weight (num_embeddings, embedding_dim) for each index i in input.

    Initialised as PyTorch's, from N(0, 1), with the `padding_idx` row (if any) set
    to zeros; that row never receives a gradient, so it stays as it is unless
    changed by hand. Indices are integer tensors of any shape.
    """

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        padding_idx: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
        _weight: Any = None,
        _freeze: bool = False,
        device: Any = None,
        dtype: Any = None,
    ):
        super().__init__()
        check_device("Embedding", device)
        for what, n in (("num_embeddings", num_embeddings), ("embedding_dim", embedding_dim)):
            if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
                raise ValueError(f"Embedding: {what} must be a non-negative integer, got {n!r}")
        if scale_grad_by_freq or sparse:
            raise ValueError("Embedding: scale_grad_by_freq and sparse gradients are not supported")
        self.num_embeddings, self.embedding_dim = int(num_embeddings), int(embedding_dim)
        self.padding_idx = _padding_index(padding_idx, self.num_embeddings)
        self.max_norm, self.norm_type = max_norm, norm_type
        self.scale_grad_by_freq, self.sparse = False, False
        if _weight is None:
            dtype = get_default_dtype() if dtype is None else np.dtype(dtype)
            self.weight = Parameter(np.empty((self.num_embeddings, self.embedding_dim), dtype=dtype))
            self.reset_parameters()
        else:
            weight = Parameter(_weight, requires_grad=not _freeze)
            if weight.shape != (self.num_embeddings, self.embedding_dim):
                raise ValueError(
                    f"Embedding: _weight must have shape ({self.num_embeddings}, {self.embedding_dim}), "
                    f"got {weight.shape}"
                )
            self.weight = weight

    @classmethod
    def from_pretrained(
        cls,
        embeddings: Any,
        freeze: bool = True,
        padding_idx: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
    ) -> Embedding:
        """An Embedding whose weight is a copy of `embeddings` (2-d); frozen (no gradient) unless freeze=False."""
        shape = np.shape(embeddings)
        if len(shape) != 2:
            raise ValueError(f"Embedding.from_pretrained: embeddings must be 2-d, got shape {shape}")
        return cls(
            shape[0], shape[1], padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse,
            _weight=embeddings, _freeze=freeze,
        )  # fmt: skip

    def reset_parameters(self) -> None:
        """Draw fresh rows from N(0, 1); the padding row becomes zeros."""
        init.normal_(self.weight)
        if self.padding_idx is not None:
            with no_grad():
                self.weight[self.padding_idx] = 0.0

    def forward(self, input: Tensor) -> Tensor:
        return embedding(input, self.weight, self.padding_idx, self.max_norm, self.norm_type)

    def extra_repr(self) -> str:
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            text += f", padding_idx={self.padding_idx}"
        if self.max_norm is not None:
            text += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            text += f", norm_type={self.norm_type}"
        return text
