"""Batch, instance, layer and group normalization, sharing one fused standardization on float
arrays."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from symnn.nn.functional._values import _numeric
from symnn.nn.module import as_tensor
from symnn.tensor import Function, Tensor


class _Standardize(Function):
    """x̂ = (x - mean) / sqrt(var + eps) over ``dims`` as one op on float arrays (the composite
    form costs seven tape nodes; every normalization layer calls this).  The backward is
    ∂L/∂x = (g - mean(g) - x̂·mean(g·x̂)) / sqrt(var + eps), means taken over ``dims``."""

    @staticmethod
    def forward(ctx: Any, x: Tensor, dims: tuple[int, ...], eps: float, stats: dict) -> Tensor:
        mean = x.data.mean(axis=dims, keepdims=True)
        centered = x.data - mean
        var = (centered * centered).mean(axis=dims, keepdims=True)
        inv_std = 1 / np.sqrt(var + eps)
        xhat = centered * inv_std
        ctx.state = (xhat, inv_std, dims)
        stats["mean"], stats["var"] = mean, var  # for the running statistics
        return as_tensor(xhat)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        xhat, inv_std, dims = ctx.state
        g = grad.data
        dx = (g - g.mean(axis=dims, keepdims=True)
              - xhat * (g * xhat).mean(axis=dims, keepdims=True)) * inv_std
        return dx, None, None, None


def _normalize(input: Tensor, dims: tuple[int, ...], eps: float
               ) -> tuple[Tensor, np.ndarray, np.ndarray]:
    """(x - mean) / sqrt(var + eps) over ``dims`` with the biased variance; also returns the
    mean and variance arrays (keepdim) for running statistics."""
    if input.data.dtype.kind == "f":
        stats: dict = {}
        xhat = _Standardize.apply(input, dims, eps, stats)
        return xhat, stats["mean"], stats["var"]
    mean = input.mean(dim=dims, keepdim=True)
    centered = input - mean
    var = (centered * centered).mean(dim=dims, keepdim=True)
    return centered / (var + eps).sqrt(), mean.data, var.data


def _update_running(running: Tensor | None, batch_value: np.ndarray, momentum: float) -> None:
    """running ← (1 - momentum)·running + momentum·batch_value, in place, outside the graph."""
    if running is None:
        return
    value = _numeric(batch_value).astype(running.data.dtype, copy=False)
    running.data[...] = (1.0 - momentum) * running.data + momentum * value


def _affine(x: Tensor, weight: Tensor | None, bias: Tensor | None, shape: tuple) -> Tensor:
    if weight is not None:
        x = x * weight.reshape(*shape)
    if bias is not None:
        x = x + bias.reshape(*shape)
    return x


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
               weight: Tensor | None = None, bias: Tensor | None = None,
               training: bool = False, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Per-channel normalization over (N, *spatial): batch statistics (biased variance) in
    training, which also update the running averages (unbiased variance, factor ``momentum``);
    the running statistics otherwise."""
    channels = input.shape[1]
    dims = (0,) + tuple(range(2, input.ndim))
    shape = (1, channels) + (1,) * (input.ndim - 2)
    if training:
        count = input.numel() // channels
        if count <= 1:
            raise ValueError(
                "Expected more than 1 value per channel when training, "
                f"got input size {tuple(input.shape)}"
            )
        xhat, mean, var = _normalize(input, dims, eps)
        _update_running(running_mean, mean.reshape(channels), momentum)
        _update_running(running_var, var.reshape(channels) * (count / (count - 1)), momentum)
    else:
        if running_mean is None or running_var is None:
            raise ValueError("batch_norm in evaluation mode needs running_mean and running_var")
        xhat = (input - running_mean.reshape(*shape)) / (running_var.reshape(*shape) + eps).sqrt()
    return _affine(xhat, weight, bias, shape)


def instance_norm(input: Tensor, running_mean: Tensor | None = None,
                  running_var: Tensor | None = None, weight: Tensor | None = None,
                  bias: Tensor | None = None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalize each (sample, channel) over its spatial positions.  With running statistics,
    they track the batch average of the per-instance mean and unbiased variance."""
    channels = input.shape[1]
    dims = tuple(range(2, input.ndim))
    shape = (1, channels) + (1,) * (input.ndim - 2)
    if use_input_stats:
        count = int(np.prod(input.shape[2:]))
        if count <= 1:
            raise ValueError(
                "Expected more than 1 spatial element when training, "
                f"got input size {tuple(input.shape)}"
            )
        xhat, mean, var = _normalize(input, dims, eps)
        n = input.shape[0]
        _update_running(running_mean, _numeric(mean).reshape(n, channels).mean(axis=0),
                        momentum)
        _update_running(
            running_var, _numeric(var).reshape(n, channels).mean(axis=0) * (count / (count - 1)),
            momentum,
        )
    else:
        xhat = (input - running_mean.reshape(*shape)) / (running_var.reshape(*shape) + eps).sqrt()
    return _affine(xhat, weight, bias, shape)


def layer_norm(input: Tensor, normalized_shape: Sequence[int], weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Normalize over the trailing ``normalized_shape`` dimensions (biased variance)."""
    normalized_shape = tuple(normalized_shape)
    k = len(normalized_shape)
    if tuple(input.shape[input.ndim - k:]) != normalized_shape or input.ndim < k:
        raise ValueError(
            f"layer_norm expected input (..., {', '.join(map(str, normalized_shape))}), "
            f"got {tuple(input.shape)}"
        )
    xhat, _, _ = _normalize(input, tuple(range(input.ndim - k, input.ndim)), eps)
    return _affine(xhat, weight, bias, normalized_shape)


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Normalize each (sample, group of C/G channels) over its channels and positions."""
    if input.ndim < 2 or input.shape[1] % num_groups:
        raise ValueError(
            f"group_norm expected input (N, C, ...) with C divisible by {num_groups}, "
            f"got {tuple(input.shape)}"
        )
    n, channels = input.shape[:2]
    grouped = input.reshape(n, num_groups, -1)
    xhat, _, _ = _normalize(grouped, (2,), eps)
    xhat = xhat.reshape(*input.shape)
    return _affine(xhat, weight, bias, (1, channels) + (1,) * (input.ndim - 2))
