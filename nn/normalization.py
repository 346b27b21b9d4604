"""Normalisation: BatchNorm1d (per channel, over the batch) and LayerNorm (per example), and their functions.

`nn.functional` gives the functions under PyTorch's names, F.batch_norm and F.layer_norm.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor, get_default_dtype, no_grad

from .module import Module, check_device
from .parameter import Parameter


def layer_norm(
    input: Tensor,
    normalized_shape: int | tuple[int, ...] | list[int],
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """(x - mean) / √(var + eps) · weight + bias over the last len(normalized_shape) axes (var biased)."""
    x = input if isinstance(input, Tensor) else Tensor(input)
    shape = (
        (normalized_shape,) if isinstance(normalized_shape, (int, np.integer)) else tuple(normalized_shape)
    )
    if not shape or x.shape[x.ndim - len(shape) :] != shape or x.ndim < len(shape):
        raise ValueError(
            f"layer_norm: normalized_shape={shape} needs an input of shape (*, {', '.join(map(str, shape))}), "
            f"got {x.shape}"
        )
    axes = tuple(range(x.ndim - len(shape), x.ndim))
    centered = x - x.mean(axes, keepdims=True)
    variance = (centered * centered).mean(axes, keepdims=True)
    out = centered / (variance + eps).sqrt()
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return out


def batch_norm(
    input: Tensor,
    running_mean: Tensor | None,
    running_var: Tensor | None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """(x - mean) / √(var + eps) · weight + bias per channel (axis 1) of x shaped (N, C, *).

    Training: mean and biased var of the batch (over every axis but 1), and, when given,
    the running statistics are updated in place: r ← (1 - momentum)·r + momentum·stat, with
    the unbiased var for running_var. Otherwise the running statistics are used.
    """
    x = input if isinstance(input, Tensor) else Tensor(input)
    if x.ndim < 2:
        raise ValueError(f"batch_norm: input must have shape (N, C) or (N, C, L, ...), got {x.shape}")
    channels = x.shape[1]
    for name, stat in (("running_mean", running_mean), ("running_var", running_var)):
        if stat is not None and stat.shape != (channels,):
            raise ValueError(
                f"batch_norm: {name} must have shape ({channels},) for input of shape {x.shape}, got {stat.shape}"
            )
    axes = (0, *range(2, x.ndim))
    per_channel = (1, channels) + (1,) * (x.ndim - 2)
    if training:
        count = x.numel() // channels if channels else 0
        if count <= 1:
            raise ValueError(
                f"batch_norm: expected more than 1 value per channel when training, got input of shape {x.shape}"
            )
        mean = x.mean(axes, keepdims=True)
        centered = x - mean
        squares = (centered * centered).sum(axes, keepdims=True)
        variance = squares / count
        with no_grad():  # the running statistics follow the batch's but are not part of the graph
            _update_running(running_mean, mean.reshape(channels), momentum)
            _update_running(running_var, squares.reshape(channels) / (count - 1), momentum)
    else:
        if running_mean is None or running_var is None:
            raise ValueError("batch_norm: running_mean and running_var are needed when training is False")
        centered = x - running_mean.reshape(per_channel)
        variance = running_var.reshape(per_channel)
    out = centered / (variance + eps).sqrt()
    if weight is not None:
        out = out * weight.reshape(per_channel)
    if bias is not None:
        out = out + bias.reshape(per_channel)
    return out


def _update_running(running: Tensor | None, batch: Tensor, momentum: float) -> None:
    """running ← momentum·batch + (1 - momentum)·running, in place (called under no_grad)."""
    if running is not None:
        running.copy_(momentum * batch + (1.0 - momentum) * running)


class BatchNorm1d(Module):
    """y = (x - mean) / √(var + eps) · weight + bias per channel C, for input (N, C) or (N, C, L).

    `affine=False` leaves out weight and bias, `bias=False` only the bias.
    Training uses the batch's mean and biased variance, and updates the buffers
    running_mean and running_var (with the unbiased variance) by
    r ← (1 - momentum)·r + momentum·batch statistic, counting batches in
    num_batches_tracked; momentum=None makes that a plain average over all batches.
    Evaluation uses the running statistics. Names, initial values and state-dict keys
    are PyTorch's: weight = 1, bias = 0, running_mean = 0, running_var = 1.
    """

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        device: Any = None,
        dtype: Any = None,
        *,
        bias: bool = True,
    ):
        super().__init__()
        check_device("BatchNorm1d", device)
        if (
            isinstance(num_features, bool)
            or not isinstance(num_features, (int, np.integer))
            or num_features < 1
        ):
            raise ValueError(f"BatchNorm1d: num_features must be a positive integer, got {num_features!r}")
        self.num_features, self.eps, self.momentum = int(num_features), eps, momentum
        self.affine, self.track_running_stats = bool(affine), bool(track_running_stats)
        dtype = get_default_dtype() if dtype is None else np.dtype(dtype)
        if self.affine:
            self.weight = Parameter(np.ones(self.num_features, dtype=dtype))
            if bias:
                self.bias = Parameter(np.zeros(self.num_features, dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if self.track_running_stats:
            self.register_buffer("running_mean", Tensor(np.zeros(self.num_features, dtype=dtype)))
            self.register_buffer("running_var", Tensor(np.ones(self.num_features, dtype=dtype)))
            self.register_buffer("num_batches_tracked", Tensor(np.array(0, dtype=np.int64)))
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)

    def reset_running_stats(self) -> None:
        """running_mean = 0, running_var = 1, num_batches_tracked = 0, in place."""
        if self.track_running_stats:
            with no_grad():
                self.running_mean.zero_()
                self.running_var.fill_(1.0)
                self.num_batches_tracked.zero_()

    def forward(self, x: Tensor) -> Tensor:
        if not isinstance(x, Tensor):
            x = Tensor(x)
        if x.ndim not in (2, 3):
            raise ValueError(f"BatchNorm1d: expected input of shape (N, C) or (N, C, L), got {x.shape}")
        if x.shape[1] != self.num_features:
            raise ValueError(
                f"BatchNorm1d({self.num_features}): the input's axis 1 must have {self.num_features} "
                f"channels, got input of shape {x.shape}"
            )
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            with no_grad():
                self.num_batches_tracked += 1
            if self.momentum is None:  # a cumulative average: the n-th batch weighs 1/n
                factor = 1.0 / float(self.num_batches_tracked.item())
        # Running statistics are used in eval mode, and updated in training mode when tracked.
        use_batch = self.training or self.running_mean is None
        return batch_norm(
            x, self.running_mean, self.running_var, self.weight, self.bias, use_batch, factor, self.eps
        )

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
            f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}"
        )


class LayerNorm(Module):
    """y = (x - mean) / √(var + eps) · weight + bias, mean and biased var over the last axes (normalized_shape).

    weight starts at ones and bias at zeros, both shaped normalized_shape
    (`elementwise_affine=False` leaves out both, `bias=False` only the bias).
    """

    def __init__(
        self,
        normalized_shape: int | tuple[int, ...] | list[int],
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ):
        super().__init__()
        check_device("LayerNorm", device)
        shape = (
            (normalized_shape,)
            if isinstance(normalized_shape, (int, np.integer))
            else tuple(normalized_shape)
        )
        if not shape or not all(isinstance(n, (int, np.integer)) and n >= 0 for n in shape):
            raise ValueError(
                f"LayerNorm: normalized_shape must be an int or a tuple of ints, got {normalized_shape!r}"
            )
        self.normalized_shape = tuple(int(n) for n in shape)
        self.eps, self.elementwise_affine = eps, bool(elementwise_affine)
        dtype = get_default_dtype() if dtype is None else np.dtype(dtype)
        if self.elementwise_affine:
            self.weight = Parameter(np.ones(self.normalized_shape, dtype=dtype))
            if bias:
                self.bias = Parameter(np.zeros(self.normalized_shape, dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, x: Tensor) -> Tensor:
        return layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
            f"bias={self.bias is not None}"
        )
