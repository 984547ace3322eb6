"""Convolution (1-D, 2-D, 3-D cross-correlation, written once for N dimensions) and padding."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from symnn.tensor import Tensor


def _ntuple(value: Any, n: int, name: str) -> tuple[int, ...]:
    if isinstance(value, (int, np.integer)):
        return (int(value),) * n
    value = tuple(int(v) for v in value)
    if len(value) != n:
        raise ValueError(f"{name} must be an int or a tuple of {n} ints, got {value}")
    return value


def pad(input: Tensor, pad: Sequence[int], mode: str = "constant", value: float | None = None
        ) -> Tensor:
    """Constant padding, PyTorch's pad order (last dimension first)."""
    if mode != "constant":
        raise ValueError(f"only mode='constant' padding is supported, got {mode!r}")
    from symnn.tensor import pad as tensor_pad

    return tensor_pad(input, tuple(pad), value=0.0 if value is None else value)


def _conv(n: int, input: Tensor, weight: Tensor, bias: Tensor | None, stride: Any,
          padding: Any, dilation: Any, groups: int) -> Tensor:
    from symnn.tensor.conv import conv_nd

    name = f"conv{n}d"
    if input.ndim not in (n + 1, n + 2):
        raise ValueError(
            f"{name} expected a {n + 1}D (unbatched) or {n + 2}D (batched) input, "
            f"got {input.ndim}D input of shape {tuple(input.shape)}"
        )
    unbatched = input.ndim == n + 1
    x = input.unsqueeze(0) if unbatched else input
    if x.shape[1] != weight.shape[1] * groups:
        raise ValueError(
            f"{name} expected input with {weight.shape[1] * groups} channels, "
            f"got {x.shape[1]} channels (input shape {tuple(input.shape)})"
        )
    stride = _ntuple(stride, n, "stride")
    dilation = _ntuple(dilation, n, "dilation")
    kernel = tuple(weight.shape[2:])
    if isinstance(padding, str):
        if padding == "valid":
            padding = (0,) * n
        elif padding == "same":
            if any(s != 1 for s in stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
            total = [d * (k - 1) for d, k in zip(dilation, kernel)]
            left = [t // 2 for t in total]
            if any(t % 2 for t in total):  # PyTorch puts the odd extra zero on the right
                extra = []
                for t in reversed(total):
                    extra += [0, t % 2]
                x = pad(x, extra)
            padding = tuple(left)
        else:
            raise ValueError(f"padding must be 'valid', 'same' or ints, got {padding!r}")
    else:
        padding = _ntuple(padding, n, "padding")
    out = conv_nd(x, weight, bias, stride=stride, padding=padding, dilation=dilation,
                  groups=groups)
    return out.squeeze(0) if unbatched else out


def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
           padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Tensor:
    """1-D cross-correlation; input (N, C_in, L), weight (C_out, C_in/groups, k)."""
    return _conv(1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
           padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Tensor:
    """2-D cross-correlation; input (N, C_in, H, W), weight (C_out, C_in/groups, kh, kw)."""
    return _conv(2, input, weight, bias, stride, padding, dilation, groups)


def conv3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
           padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Tensor:
    """3-D cross-correlation; input (N, C_in, D, H, W), weight (C_out, C_in/groups, kd, kh, kw)."""
    return _conv(3, input, weight, bias, stride, padding, dilation, groups)
