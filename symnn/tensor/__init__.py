"""symnn's NumPy backend core: ``Tensor`` with reverse-mode autograd, and its operations.

``import symnn as sn``: ``sn.tensor``, ``sn.Tensor``, ``sn.no_grad``, ``sn.Function``, the
factories (``sn.zeros``, ``sn.randn``, ...) and ``sn.cat``/``sn.stack``/``sn.where`` come from
here. Convolution and pooling are in ``symnn.tensor.conv``. The package is callable, so
``sn.tensor(data)`` works although ``symnn.tensor`` is also the name of this package.
"""

from __future__ import annotations

from symnn._lazy import callable_module

from . import methods as _methods  # noqa: F401  (attaches the ops to Tensor)
from .core import Tensor
from .dtype import get_default_dtype, set_default_dtype
from .factories import arange, full, ones, ones_like, rand, randn, tensor, zeros, zeros_like
from .function import Function, FunctionCtx
from .grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .malloc_tuning import raise_malloc_thresholds as _raise_malloc_thresholds
from .ops.elementwise import (
    abs, add, clamp, cos, div, elu, exp, gelu, leaky_relu, log, mul, neg, pow, relu, sigmoid, silu,
    sin, softplus, sqrt, sub, tanh, where,
)
from .ops.linalg import matmul
from .ops.reduction import argmax, argmin, max, mean, min, std, sum, var
from .ops.shape import cat, expand, flatten, pad, permute, reshape, squeeze, stack, transpose, unsqueeze
from .random import generator, manual_seed

clip = clamp

_raise_malloc_thresholds()


callable_module(__name__, tensor)  # symnn.tensor is this package and sn.tensor(data, ...)

from . import conv  # noqa: E402  (needs the ops above)


__all__ = [
    "Tensor", "tensor", "Function", "FunctionCtx",
    "no_grad", "enable_grad", "is_grad_enabled", "set_grad_enabled",
    "manual_seed", "generator", "set_default_dtype", "get_default_dtype",
    "zeros", "ones", "full", "zeros_like", "ones_like", "randn", "rand", "arange",
    "add", "sub", "mul", "div", "pow", "neg", "matmul", "exp", "log", "sqrt", "abs", "clamp", "clip",
    "relu", "sigmoid", "tanh", "leaky_relu", "softplus", "elu", "gelu", "silu", "sin", "cos", "where",
    "sum", "mean", "var", "std", "max", "min", "argmax", "argmin",
    "reshape", "flatten", "unsqueeze", "squeeze", "transpose", "permute", "expand", "cat", "stack", "pad",

]
