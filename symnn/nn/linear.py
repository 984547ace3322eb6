"""Linear (fully connected) layer and Identity."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from symnn.nn import functional as F
from symnn.nn import init
from symnn.nn.module import Module, Parameter, _default_dtype
from symnn.tensor import Tensor


def _empty(shape: tuple[int, ...], dtype: Any) -> Parameter:
    return Parameter(np.empty(shape, dtype=_default_dtype() if dtype is None else dtype))


class Identity(Module):
    """Returns its input unchanged (a placeholder layer)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, input: Tensor) -> Tensor:
        return input


class Linear(Module):
    """y = x Wᵀ + b with W of shape (out_features, in_features), as in PyTorch.

    Initialization (PyTorch's): W ~ U(±1/sqrt(in_features)) via ``kaiming_uniform_(a=sqrt(5))``
    and b ~ U(±1/sqrt(in_features)). ``in_features=0`` is allowed, as in PyTorch: W is empty
    (a warning says its initialization is a no-op), b is 0, and the output is b.
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 dtype: Any = None) -> None:
        super().__init__()
        for name, value in (("in_features", in_features), ("out_features", out_features)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
                raise ValueError(f"Linear({in_features!r}, {out_features!r}): {name} must be "
                                 f"a whole number >= 0, got {value!r}")
        self.in_features = int(in_features)
        self.out_features = int(out_features)
        self.weight = _empty((out_features, in_features), dtype)
        if bias:
            self.bias = _empty((out_features,), dtype)
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.in_features
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input: Tensor) -> Tensor:
        if input.ndim < 1 or input.shape[-1] != self.in_features:
            raise ValueError(
                f"Linear({self.in_features}, {self.out_features}) expected input "
                f"(..., {self.in_features}), got {tuple(input.shape)}"
            )
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")
