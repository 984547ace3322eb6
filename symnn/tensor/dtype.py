"""The default floating-point dtype of new tensors and parameters (float32 unless changed)."""

from __future__ import annotations

from typing import Any

import numpy as np

_FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


class _DtypeState:
    default = np.dtype(np.float32)


STATE = _DtypeState()


def set_default_dtype(dtype: Any) -> None:
    """Make ``dtype`` (``np.float32`` or ``np.float64``) the dtype of new float tensors."""
    try:
        d = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"set_default_dtype: expected np.float32 or np.float64, got {dtype!r}") from None
    if d not in _FLOAT_DTYPES:
        raise TypeError(f"set_default_dtype: only float32 and float64 are supported, got {d}")
    STATE.default = d


def get_default_dtype() -> np.dtype:
    """The dtype new float tensors get (``np.dtype('float32')`` unless changed)."""
    return STATE.default
