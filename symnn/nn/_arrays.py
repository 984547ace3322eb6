"""The ndarray behind a value given to ``load_state_dict`` or ``save``."""

from __future__ import annotations

from typing import Any

import numpy as np

from symnn.tensor import Tensor


def as_array(value: Any) -> np.ndarray:
    """An ndarray view of a symnn Tensor, a PyTorch tensor or anything array-like."""
    if isinstance(value, Tensor):
        return value.data
    if hasattr(value, "detach") and hasattr(value, "cpu") and hasattr(value, "numpy"):
        return value.detach().cpu().numpy()  # a torch.Tensor, without importing torch
    return np.asarray(value)


def cast_exactly(value: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """``value`` as a new array of ``dtype``, or a ValueError when the cast would change a
    value beyond rounding: text or objects into numbers, complex into real (a nonzero
    imaginary part), a finite number that overflows to inf (1e300 in float32), a fraction or
    an out-of-range number into an integer."""
    dtype = np.dtype(dtype)
    if dtype == object:
        return value.astype(object, copy=True)
    if value.dtype.kind not in "biufc" or value.dtype.fields is not None:
        raise ValueError(f"it holds {value.dtype} values, not numbers")
    if value.dtype.kind == "c" and dtype.kind != "c":
        if np.any(value.imag != 0):
            raise ValueError("it holds complex numbers with an imaginary part, which a "
                             f"{dtype} parameter would drop")
        value = value.real
    if dtype.kind in "fc":
        with np.errstate(over="ignore", invalid="ignore"):
            out = value.astype(dtype)
        overflowed = np.isfinite(value) & ~np.isfinite(out)
        if np.any(overflowed):
            worst = value[overflowed].flat[0].item()
            raise ValueError(f"it holds {worst!r}, beyond the largest {dtype} "
                             f"({np.finfo(dtype).max:.4g})")
        return out
    if dtype.kind in "iub":
        if value.dtype.kind == "f" and not np.all(np.isfinite(value) & (value == np.round(value))):
            raise ValueError(f"it holds numbers that are not whole, which {dtype} cannot hold")
        if dtype.kind != "b" and value.size:
            info = np.iinfo(dtype)
            if value.min() < info.min or value.max() > info.max:
                raise ValueError(f"it holds numbers outside {dtype}'s range "
                                 f"[{info.min}, {info.max}]")
        if dtype.kind == "b" and not np.all((value == 0) | (value == 1)):
            raise ValueError("it holds numbers other than 0 and 1, which bool cannot hold")
        return value.astype(dtype)
    raise ValueError(f"symnn cannot load values into a {dtype} array")
