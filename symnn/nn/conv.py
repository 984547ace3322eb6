"""Convolution layers Conv1d/Conv2d/Conv3d: one implementation (_ConvNd) for N spatial dims.

Weight layout (out_channels, in_channels/groups, *kernel_size), initialized like PyTorch:
``kaiming_uniform_(a=sqrt(5))`` (i.e. U(±1/sqrt(fan_in))) and bias U(±1/sqrt(fan_in)) with
fan_in = in_channels/groups · prod(kernel_size).
"""

from __future__ import annotations

import math
from typing import Any

from symnn.nn import functional as F
from symnn.nn import init
from symnn.nn.linear import _empty
from symnn.nn.module import Module
from symnn.tensor import Tensor


class _ConvNd(Module):
    _n: int = 0

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, dilation: Any = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", dtype: Any = None) -> None:
        super().__init__()
        n = self._n
        name = f"{type(self).__name__}({in_channels}, {out_channels})"
        if groups <= 0:
            raise ValueError(f"{name}: groups must be a positive integer, got {groups}")
        if in_channels % groups:
            raise ValueError(f"{name}: in_channels {in_channels} is not divisible by groups "
                             f"{groups}")
        if out_channels % groups:
            raise ValueError(f"{name}: out_channels {out_channels} is not divisible by groups "
                             f"{groups}")
        if padding_mode != "zeros":
            raise ValueError(f"only padding_mode='zeros' is supported, got {padding_mode!r}")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = F._ntuple(kernel_size, n, "kernel_size")
        self.stride = F._ntuple(stride, n, "stride")
        self.dilation = F._ntuple(dilation, n, "dilation")
        if isinstance(padding, str):
            if padding not in ("valid", "same"):
                raise ValueError(f"Invalid padding string {padding!r}, should be one of "
                                 "{'valid', 'same'}")
            if padding == "same" and any(s != 1 for s in self.stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
            self.padding: Any = padding
        else:
            self.padding = F._ntuple(padding, n, "padding")
        self.groups = groups
        self.padding_mode = padding_mode
        self.weight = _empty((out_channels, in_channels // groups) + self.kernel_size, dtype)
        if bias:
            self.bias = _empty((out_channels,), dtype)
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            if fan_in:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def _name(self) -> str:
        k = self.kernel_size
        return (f"{type(self).__name__}({self.in_channels}, {self.out_channels}, "
                f"kernel_size={k})")

    def forward(self, input: Tensor) -> Tensor:
        n = self._n
        if input.ndim not in (n + 1, n + 2):
            raise ValueError(
                f"{self._name()} expected a {n + 2}D input (N, C, {_spatial(n)}) or an "
                f"unbatched {n + 1}D input, got {input.ndim}D input of shape {tuple(input.shape)}"
            )
        channels = input.shape[0] if input.ndim == n + 1 else input.shape[1]
        if channels != self.in_channels:
            raise ValueError(
                f"{self._name()} expected input with {self.in_channels} channels, got "
                f"{channels} channels in input of shape {tuple(input.shape)}"
            )
        return F._conv(n, input, self.weight, self.bias, self.stride, self.padding,
                       self.dilation, self.groups)

    def extra_repr(self) -> str:
        s = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
             f"stride={self.stride}")
        if isinstance(self.padding, str) or self.padding != (0,) * self._n:
            s += f", padding={self.padding}"
        if self.dilation != (1,) * self._n:
            s += f", dilation={self.dilation}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        return s


def _spatial(n: int) -> str:
    return ", ".join(("D", "H", "W")[3 - n:]) if n > 1 else "L"


class Conv1d(_ConvNd):
    """1-D convolution over (N, C_in, L)."""

    _n = 1


class Conv2d(_ConvNd):
    """2-D convolution over (N, C_in, H, W)."""

    _n = 2


class Conv3d(_ConvNd):
    """3-D convolution over (N, C_in, D, H, W)."""

    _n = 3
