"""Bind the operations to ``Tensor`` as methods and operators (``x.exp()``, ``a @ b``, ``x[i]``).

The operations live in ``ops/`` (forward and VJP together); this module only attaches them,
so the Tensor class in ``core`` stays small and every method is the op function itself.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .core import Tensor
from .ops import elementwise as ew
from .ops import linalg, reduction, shape


def _clip(self: Tensor, min: Any = None, max: Any = None) -> Tensor:
    return ew.clamp(self, min, max)


def _to(self: Tensor, dtype: Any) -> Tensor:
    """The tensor in ``dtype`` (the same tensor when the dtype already matches); the device
    name ``"cpu"`` is accepted and changes nothing, as symnn runs on the CPU only."""
    if isinstance(dtype, str) and dtype == "cpu":
        return self
    return ew.cast(self, dtype)


def _cpu(self: Tensor) -> Tensor:
    """The tensor itself (symnn runs on the CPU), for PyTorch-style ``t.detach().cpu()``."""
    return self


def _contiguous(self: Tensor) -> Tensor:
    return self if self.data.flags.c_contiguous else shape.reshape(ew.clone(self), self.shape)


def _type_as(self: Tensor, other: Tensor) -> Tensor:
    return ew.cast(self, other.dtype)


_METHODS = {
    # operators
    "__add__": ew.add, "__radd__": ew.radd, "__sub__": ew.sub, "__rsub__": ew.rsub,
    "__mul__": ew.mul, "__rmul__": ew.rmul, "__truediv__": ew.div, "__rtruediv__": ew.rdiv,
    "__pow__": ew.pow, "__rpow__": ew.rpow, "__neg__": ew.neg,
    "__matmul__": linalg.matmul, "__rmatmul__": linalg.rmatmul,
    "__lt__": ew.lt, "__le__": ew.le, "__gt__": ew.gt, "__ge__": ew.ge, "__eq__": ew.eq, "__ne__": ew.ne,
    "__and__": ew.logical_and, "__or__": ew.logical_or, "__xor__": ew.logical_xor, "__invert__": ew.logical_not,
    "__getitem__": shape.getitem, "__abs__": ew.abs,
    # arithmetic and functions
    "add": ew.add, "sub": ew.sub, "mul": ew.mul, "div": ew.div, "pow": ew.pow, "neg": ew.neg,
    "matmul": linalg.matmul, "exp": ew.exp, "log": ew.log, "sqrt": ew.sqrt, "abs": ew.abs,
    "relu": ew.relu, "sigmoid": ew.sigmoid, "tanh": ew.tanh, "leaky_relu": ew.leaky_relu,
    "softplus": ew.softplus, "elu": ew.elu, "gelu": ew.gelu, "silu": ew.silu, "sin": ew.sin,
    "cos": ew.cos, "clamp": ew.clamp, "clip": _clip, "clone": ew.clone,
    "to": _to, "cpu": _cpu, "type_as": _type_as, "contiguous": _contiguous,
    "lt": ew.lt, "le": ew.le, "gt": ew.gt, "ge": ew.ge, "eq": ew.eq, "ne": ew.ne,
    # reductions
    "sum": reduction.sum, "mean": reduction.mean, "var": reduction.var, "std": reduction.std,
    "max": reduction.max, "min": reduction.min, "argmax": reduction.argmax, "argmin": reduction.argmin,
    # shapes
    "reshape": shape.reshape, "view": shape.view, "flatten": shape.flatten,
    "unsqueeze": shape.unsqueeze, "squeeze": shape.squeeze, "transpose": shape.transpose,
    "permute": shape.permute, "expand": shape.expand,
}

for _name, _fn in _METHODS.items():
    setattr(Tensor, _name, _fn)

Tensor.T = property(shape.T, doc="The transpose (dimensions reversed).")
Tensor.float = lambda self: ew.cast(self, np.float32)
Tensor.double = lambda self: ew.cast(self, np.float64)
Tensor.long = lambda self: ew.cast(self, np.int64)
Tensor.bool = lambda self: ew.cast(self, np.bool_)
