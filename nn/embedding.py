"""Embedding: a table of learned vectors, looked up by integer index."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor, get_default_dtype, no_grad

from . import functional as F
from . import init
from .module import Module, check_device
from .parameter import Parameter


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
        self.padding_idx = F._padding_index(padding_idx, self.num_embeddings)
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
        return F.embedding(input, self.weight, self.padding_idx, self.max_norm, self.norm_type)

    def extra_repr(self) -> str:
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            text += f", padding_idx={self.padding_idx}"
        if self.max_norm is not None:
            text += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            text += f", norm_type={self.norm_type}"
        return text
