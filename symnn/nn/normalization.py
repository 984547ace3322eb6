"""Normalization layers: BatchNorm1d/2d, LayerNorm, GroupNorm, InstanceNorm2d (PyTorch's
parameters, buffers, defaults and state_dict keys).

BatchNorm, training: x̂ = (x - mean_B) / sqrt(var_B + eps) with the biased batch variance, then
running ← (1 - momentum)·running + momentum·stat, where the running variance uses the unbiased
variance (divided by n - 1); ``momentum=None`` gives the cumulative average (factor
1/num_batches_tracked).  Evaluation uses the running statistics.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from symnn.nn import functional as F
from symnn.nn.module import Module, Parameter, _default_dtype, as_tensor
from symnn.tensor import Tensor


def _filled(shape: tuple[int, ...], value: float, dtype: Any) -> np.ndarray:
    return np.full(shape, value, dtype=_default_dtype() if dtype is None else dtype)


def _affine_parameters(module: Module, shape: tuple[int, ...], affine: bool, bias: bool,
                       dtype: Any) -> None:
    """Register weight (ones) and bias (zeros), or None for what is switched off."""
    module.register_parameter("weight", Parameter(_filled(shape, 1.0, dtype)) if affine else None)
    module.register_parameter(
        "bias", Parameter(_filled(shape, 0.0, dtype)) if affine and bias else None)


class _NormBase(Module):
    """weight/bias (if affine) then running_mean, running_var, num_batches_tracked (if tracked)."""

    _expected_ndims: tuple[int, ...] = ()

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True,
                 dtype: Any = None, *, bias: bool = True) -> None:
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        _affine_parameters(self, (num_features,), affine, bias, dtype)
        if track_running_stats:
            self.register_buffer("running_mean", as_tensor(_filled((num_features,), 0.0, dtype)))
            self.register_buffer("running_var", as_tensor(_filled((num_features,), 1.0, dtype)))
            self.register_buffer("num_batches_tracked", as_tensor(np.array(0, dtype=np.int64)))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            self.running_mean.data[...] = 0
            self.running_var.data[...] = 1
            self.num_batches_tracked.data[...] = 0

    def _name(self) -> str:
        return f"{type(self).__name__}({self.num_features})"

    def _check_input(self, input: Tensor, channel_dim: int = 1) -> None:
        if input.ndim not in self._expected_ndims:
            dims = " or ".join(f"{d}D" for d in self._expected_ndims)
            raise ValueError(
                f"{self._name()} expected {dims} input, got {input.ndim}D input of shape "
                f"{tuple(input.shape)}"
            )
        if input.shape[channel_dim] != self.num_features:
            raise ValueError(
                f"{self._name()} expected input with {self.num_features} channels in dimension "
                f"{channel_dim}, got shape {tuple(input.shape)}"
            )

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")


class _BatchNorm(_NormBase):
    def forward(self, input: Tensor) -> Tensor:
        self._check_input(input)
        if self.training and input.numel() // max(input.shape[1], 1) <= 1:
            raise ValueError(
                f"{self._name()}: expected more than 1 value per channel when training, "
                f"got input size {tuple(input.shape)}"
            )
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked.data += 1
            if self.momentum is None:
                factor = 1.0 / float(self.num_batches_tracked.data)
        use_batch_stats = self.training or self.running_mean is None
        tracked = not self.training or self.track_running_stats
        return F.batch_norm(
            input,
            self.running_mean if tracked else None,
            self.running_var if tracked else None,
            self.weight, self.bias, use_batch_stats, factor, self.eps,
        )


class BatchNorm1d(_BatchNorm):
    """Batch normalization of (N, C) or (N, C, L) inputs, per feature/channel."""

    _expected_ndims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalization of (N, C, H, W) inputs, per channel over N, H and W."""

    _expected_ndims = (4,)


class InstanceNorm2d(_NormBase):
    """Normalize each sample's channel over H and W; no parameters or buffers by default."""

    _expected_ndims = (3, 4)

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = False, track_running_stats: bool = False,
                 dtype: Any = None, *, bias: bool = True) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, dtype,
                         bias=bias)

    def forward(self, input: Tensor) -> Tensor:
        self._check_input(input, channel_dim=input.ndim - 3)
        unbatched = input.ndim == 3
        x = input.unsqueeze(0) if unbatched else input
        out = F.instance_norm(
            x, self.running_mean, self.running_var, self.weight, self.bias,
            self.training or not self.track_running_stats,
            self.momentum if self.momentum is not None else 0.0, self.eps,
        )
        return out.squeeze(0) if unbatched else out


class LayerNorm(Module):
    """Normalize over the trailing ``normalized_shape`` dimensions (biased variance), then
    scale and shift elementwise (weight and bias of shape ``normalized_shape``)."""

    def __init__(self, normalized_shape: int | Sequence[int], eps: float = 1e-5,
                 elementwise_affine: bool = True, bias: bool = True, dtype: Any = None) -> None:
        super().__init__()
        if isinstance(normalized_shape, (int, np.integer)):
            normalized_shape = (int(normalized_shape),)
        self.normalized_shape = tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        _affine_parameters(self, self.normalized_shape, elementwise_affine, bias, dtype)

    def forward(self, input: Tensor) -> Tensor:
        k = len(self.normalized_shape)
        if input.ndim < k or tuple(input.shape[input.ndim - k:]) != self.normalized_shape:
            raise ValueError(
                f"LayerNorm({self.normalized_shape}) expected input "
                f"(..., {', '.join(map(str, self.normalized_shape))}), got {tuple(input.shape)}"
            )
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}")


class GroupNorm(Module):
    """Normalize each (sample, group of C/G channels) over those channels and all positions;
    weight and bias are per channel, shape (C,)."""

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5,
                 affine: bool = True, dtype: Any = None, *, bias: bool = True) -> None:
        super().__init__()
        if num_channels % num_groups:
            raise ValueError("num_channels must be divisible by num_groups")
        self.num_groups = num_groups
        self.num_channels = num_channels
        self.eps = eps
        self.affine = affine
        _affine_parameters(self, (num_channels,), affine, bias, dtype)

    def forward(self, input: Tensor) -> Tensor:
        if input.ndim < 2 or input.shape[1] != self.num_channels:
            raise ValueError(
                f"GroupNorm({self.num_groups}, {self.num_channels}) expected input "
                f"(N, {self.num_channels}, ...), got {tuple(input.shape)}"
            )
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
                f"bias={self.bias is not None}")
