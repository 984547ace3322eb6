"""Values in the input's dtype: constants, dtype-matched operands, plain numbers of Scalars."""

from __future__ import annotations

from typing import Any

import numpy as np

from symnn.nn.module import as_tensor
from symnn.tensor import Tensor


def _constant(values: np.ndarray, like: Tensor) -> Tensor:
    """A no-grad Tensor holding ``values`` in the float dtype of ``like`` (float64 for objects)."""
    dtype = like.data.dtype if like.data.dtype.kind == "f" else np.float64
    return as_tensor(np.asarray(values, dtype=dtype))


def _like(value: Any, input: Tensor) -> Tensor:
    """``value`` as a Tensor in ``input``'s float dtype, so that float64 weights or targets do
    not silently turn a float32 model's loss into float64 (the cast is differentiable)."""
    t = as_tensor(value)
    if input.data.dtype.kind == "f" and t.data.dtype.kind == "f" and t.dtype != input.dtype:
        return t.to(input.dtype)
    return t


def _numeric(arr: np.ndarray) -> np.ndarray:
    """Plain float values of an array that may hold ``symnn.Scalar`` objects."""
    if arr.dtype != object:
        return arr
    return np.vectorize(lambda v: float(getattr(v, "value", v)), otypes=[np.float64])(arr)
