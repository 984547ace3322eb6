"""Creating tensors: ``tensor``, ``zeros``, ``ones``, ``full``, ``randn``, ``rand``, ``arange``."""

from __future__ import annotations

from typing import Any

import numpy as np

from .core import Tensor, _leaf, as_array
from .dtype import STATE as _DTYPE
from .random import generator as _generator


def _size(size: tuple) -> tuple[int, ...]:
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    return tuple(int(s) for s in size)


def _finish(data: np.ndarray, requires_grad: bool) -> Tensor:
    t = _leaf(data)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _float(dtype: Any) -> np.dtype:
    return _DTYPE.default if dtype is None else np.dtype(dtype)


def tensor(data: Any, requires_grad: bool = False, dtype: Any = None) -> Tensor:
    """A new tensor holding a copy of ``data`` (float data becomes the default dtype)."""
    return _finish(as_array(data, dtype=dtype, copy=True), requires_grad)


def zeros(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros: ``zeros(2, 3)`` or ``zeros((2, 3))``."""
    return _finish(np.zeros(_size(size), _float(dtype)), requires_grad)


def ones(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones."""
    return _finish(np.ones(_size(size), _float(dtype)), requires_grad)


def full(size: Any, fill_value: float, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor filled with ``fill_value``."""
    return _finish(np.full(_size((size,)), fill_value, _float(dtype)), requires_grad)


def zeros_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Zeros with the shape (and dtype, unless given) of ``t``."""
    d = t.data if isinstance(t, Tensor) else np.asarray(t)
    return _finish(np.zeros(d.shape, d.dtype if dtype is None else dtype), requires_grad)


def ones_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Ones with the shape (and dtype, unless given) of ``t``."""
    d = t.data if isinstance(t, Tensor) else np.asarray(t)
    return _finish(np.ones(d.shape, d.dtype if dtype is None else dtype), requires_grad)


def randn(*size: Any, dtype: Any = None, requires_grad: bool = False, generator: np.random.Generator | None = None) -> Tensor:
    """Standard normal samples from symnn's generator (seed with ``sn.manual_seed``)."""
    gen = _generator() if generator is None else generator
    return _finish(gen.standard_normal(_size(size), dtype=_float(dtype)), requires_grad)


def rand(*size: Any, dtype: Any = None, requires_grad: bool = False, generator: np.random.Generator | None = None) -> Tensor:
    """Uniform samples in [0, 1) from symnn's generator."""
    gen = _generator() if generator is None else generator
    return _finish(gen.random(_size(size), dtype=_float(dtype)), requires_grad)


def arange(start: float, end: float | None = None, step: float = 1, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Values from ``start`` up to (not including) ``end``: int64 for integer arguments,
    else the default float dtype (as PyTorch)."""
    if end is None:
        start, end = 0, start
    if dtype is None:
        ints = all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in (start, end, step))
        dtype = np.int64 if ints else _DTYPE.default
    return _finish(np.arange(start, end, step, dtype=dtype), requires_grad)
