"""Max and average pooling over 1-3 spatial dimensions (PyTorch's arguments and checks)."""

from __future__ import annotations

from typing import Any

from symnn.nn.functional.conv import _ntuple
from symnn.tensor import Tensor


def _pool_input(n: int, input: Tensor, name: str) -> tuple[Tensor, bool]:
    if input.ndim not in (n + 1, n + 2):
        raise ValueError(
            f"{name} expected a {n + 1}D (unbatched) or {n + 2}D (batched) input, "
            f"got {input.ndim}D input of shape {tuple(input.shape)}"
        )
    unbatched = input.ndim == n + 1
    return (input.unsqueeze(0) if unbatched else input), unbatched


def _pool_args(n: int, kernel_size: Any, stride: Any, padding: Any) -> tuple:
    kernel = _ntuple(kernel_size, n, "kernel_size")
    stride = kernel if stride is None or stride == [] or stride == () else _ntuple(
        stride, n, "stride")
    padding = _ntuple(padding, n, "padding")
    if any(2 * p > k for p, k in zip(padding, kernel)):
        raise ValueError(
            f"pad should be at most half of effective kernel size, got padding={padding} "
            f"and kernel_size={kernel}"
        )
    return kernel, stride, padding


def _max_pool(n: int, input: Tensor, kernel_size: Any, stride: Any, padding: Any,
              dilation: Any, ceil_mode: bool, return_indices: bool) -> Tensor:
    from symnn.tensor.conv import max_pool_nd

    if return_indices:
        raise NotImplementedError("return_indices=True is not supported")
    x, unbatched = _pool_input(n, input, f"max_pool{n}d")
    kernel, stride, padding = _pool_args(n, kernel_size, stride, padding)
    out = max_pool_nd(x, kernel, stride=stride, padding=padding,
                      dilation=_ntuple(dilation, n, "dilation"), ceil_mode=ceil_mode)
    return out.squeeze(0) if unbatched else out


def _avg_pool(n: int, input: Tensor, kernel_size: Any, stride: Any, padding: Any,
              ceil_mode: bool, count_include_pad: bool, divisor_override: int | None) -> Tensor:
    from symnn.tensor.conv import avg_pool_nd

    if divisor_override is not None:
        raise NotImplementedError("divisor_override is not supported")
    x, unbatched = _pool_input(n, input, f"avg_pool{n}d")
    kernel, stride, padding = _pool_args(n, kernel_size, stride, padding)
    out = avg_pool_nd(x, kernel, stride=stride, padding=padding, ceil_mode=ceil_mode,
                      count_include_pad=count_include_pad)
    return out.squeeze(0) if unbatched else out


def max_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False
               ) -> Tensor:
    """Maximum over each window; the first maximum of a window wins ties."""
    return _max_pool(1, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False
               ) -> Tensor:
    """Maximum over each window; the first maximum of a window wins ties."""
    return _max_pool(2, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool3d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False
               ) -> Tensor:
    """Maximum over each window; the first maximum of a window wins ties."""
    return _max_pool(3, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def avg_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               ceil_mode: bool = False, count_include_pad: bool = True) -> Tensor:
    """Mean over each window (zero padding counted unless count_include_pad=False)."""
    return _avg_pool(1, input, kernel_size, stride, padding, ceil_mode, count_include_pad, None)


def avg_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> Tensor:
    """Mean over each window (zero padding counted unless count_include_pad=False)."""
    return _avg_pool(2, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override)


def avg_pool3d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> Tensor:
    """Mean over each window (zero padding counted unless count_include_pad=False)."""
    return _avg_pool(3, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override)
