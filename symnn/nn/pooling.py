"""Max and average pooling for 1, 2 and 3 spatial dimensions (one class each per kind)."""

from __future__ import annotations

from typing import Any

from symnn.nn import functional as F
from symnn.nn.conv import _spatial
from symnn.nn.module import Module
from symnn.tensor import Tensor


class _PoolNd(Module):
    _n: int = 0

    def _check(self, input: Tensor) -> None:
        n = self._n
        if input.ndim not in (n + 1, n + 2):
            raise ValueError(
                f"{type(self).__name__}(kernel_size={self.kernel_size}) expected a {n + 2}D "
                f"input (N, C, {_spatial(n)}) or an unbatched {n + 1}D input, got "
                f"{input.ndim}D input of shape {tuple(input.shape)}"
            )


class _MaxPoolNd(_PoolNd):
    """Maximum over each window; the first maximum in row-major order wins ties (PyTorch)."""

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 dilation: Any = 1, return_indices: bool = False,
                 ceil_mode: bool = False) -> None:
        super().__init__()
        if return_indices:
            raise NotImplementedError("return_indices=True is not supported")
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def forward(self, input: Tensor) -> Tensor:
        self._check(input)
        return F._max_pool(self._n, input, self.kernel_size, self.stride, self.padding,
                           self.dilation, self.ceil_mode, False)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class _AvgPoolNd(_PoolNd):
    """Mean over each window."""

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 ceil_mode: bool = False, count_include_pad: bool = True) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad

    def forward(self, input: Tensor) -> Tensor:
        self._check(input)
        return F._avg_pool(self._n, input, self.kernel_size, self.stride, self.padding,
                           self.ceil_mode, self.count_include_pad, None)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxPool1d(_MaxPoolNd):
    _n = 1


class MaxPool2d(_MaxPoolNd):
    _n = 2


class MaxPool3d(_MaxPoolNd):
    _n = 3


class AvgPool1d(_AvgPoolNd):
    _n = 1


class AvgPool2d(_AvgPoolNd):
    _n = 2


class AvgPool3d(_AvgPoolNd):
    _n = 3
