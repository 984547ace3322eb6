"""Reductions (sum, mean, var, max, min, argmax, argmin), each with its VJP.

``dim``/``keepdim`` follow PyTorch; the NumPy spellings ``axis``/``keepdims`` are accepted too.
Gradient rules that PyTorch fixes by convention: ``max(dim)`` sends the gradient to the first
maximal element of each slice, while the full reduction ``max()`` spreads it evenly over all
tied maxima.
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from ..core import _OBJECT, Tensor, _leaf, _record1
from . import objects


def _axes(dim: Any, axis: Any, ndim: int) -> tuple[int, ...] | None:
    """Normalize ``dim``/``axis`` (int, tuple, list or None) to a sorted tuple of axes."""
    if axis is not None:
        if dim is not None:
            raise TypeError("give either dim or axis, not both")
        dim = axis
    if dim is None:
        return None
    dims = (dim,) if isinstance(dim, (int, np.integer)) else tuple(dim)
    out = []
    for d in dims:
        d = int(d)
        if not -builtins.max(ndim, 1) <= d < builtins.max(ndim, 1):
            raise IndexError(f"dimension {d} out of range for a tensor with {ndim} dimensions")
        out.append(d % ndim if ndim else 0)
    return tuple(sorted(set(out)))


def _keep(keepdim: bool, keepdims: bool | None) -> bool:
    return bool(keepdims) if keepdims is not None else bool(keepdim)


def _expand_back(g: Any, axes: tuple[int, ...] | None, keepdim: bool, ndim: int) -> Any:
    """Re-insert the reduced axes of ``g`` (as size 1) so it broadcasts against the input."""
    if keepdim or ndim == 0:
        return g
    if axes is None:
        return np.reshape(g, (1,) * ndim)
    return np.expand_dims(g, axes)


def sum(x: Tensor, dim: Any = None, keepdim: bool = False, *, axis: Any = None, keepdims: bool | None = None) -> Tensor:
    """Sum over ``dim`` (all elements when None);  the gradient is broadcast back."""
    d = x.data
    axes = _axes(dim, axis, d.ndim)
    keep = _keep(keepdim, keepdims)
    y = d.sum(axis=axes, keepdims=keep)
    shape = d.shape
    return _record1(y, x, lambda g: (np.broadcast_to(_expand_back(g, axes, keep, len(shape)), shape),))


def mean(x: Tensor, dim: Any = None, keepdim: bool = False, *, axis: Any = None, keepdims: bool | None = None) -> Tensor:
    """Mean over ``dim``;  d/dx = 1/n for each of the n averaged elements."""
    d = x.data
    axes = _axes(dim, axis, d.ndim)
    keep = _keep(keepdim, keepdims)
    n = d.size if axes is None else int(np.prod([d.shape[a] for a in axes]))
    if d.dtype is _OBJECT:
        return _leaf(d.sum(axis=axes, keepdims=keep) / n)
    with np.errstate(divide="ignore", invalid="ignore"):  # nothing to average: nan, silently as in PyTorch
        y = np.add.reduce(d, axis=axes, keepdims=keep) / n if d.dtype.kind == "f" else d.mean(axis=axes, keepdims=keep)
    shape = d.shape

    def backward(g: np.ndarray) -> tuple[np.ndarray]:
        with np.errstate(divide="ignore", invalid="ignore"):
            return (np.broadcast_to(_expand_back(g / n, axes, keep, len(shape)), shape),)

    return _record1(y, x, backward)


def var(
    x: Tensor,
    dim: Any = None,
    unbiased: bool = True,
    keepdim: bool = False,
    *,
    correction: float | None = None,
    axis: Any = None,
    keepdims: bool | None = None,
) -> Tensor:
    """Variance sum((x - mean)**2) / (n - correction); correction is 1 (unbiased) by default.

    d/dx = 2·(x - mean) / (n - correction).
    """
    d = x.data
    axes = _axes(dim, axis, d.ndim)
    keep = _keep(keepdim, keepdims)
    c = (1 if unbiased else 0) if correction is None else correction
    n = d.size if axes is None else int(np.prod([d.shape[a] for a in axes]))
    denom = n - c
    with np.errstate(divide="ignore", invalid="ignore"):  # n = 0: nan, without NumPy's warning
        centered = d - d.sum(axis=axes, keepdims=True) / n
        y = (centered * centered).sum(axis=axes, keepdims=keep) / (denom if denom > 0 else 0.0)
    if d.dtype is _OBJECT:
        return _leaf(y)
    ndim = d.ndim

    factor = 2 / denom if denom > 0 else float("nan")

    def var_vjp(g):
        return (_expand_back(g, axes, keep, ndim) * factor * centered,)

    return _record1(y, x, var_vjp)


def std(x: Tensor, dim: Any = None, unbiased: bool = True, keepdim: bool = False, *,
        correction: float | None = None, axis: Any = None, keepdims: bool | None = None) -> Tensor:
    """Standard deviation: sqrt of ``var`` with the same arguments."""
    from .elementwise import sqrt

    return sqrt(var(x, dim, unbiased, keepdim, correction=correction, axis=axis, keepdims=keepdims))


def _require_elements(name: str, d: np.ndarray, ax: int | None) -> None:
    """Refuse, as PyTorch does, a max/min/argmax/argmin with nothing to choose from: the
    whole of an empty tensor (RuntimeError for the values, IndexError for the indices), or
    a ``dim`` of size 0 (IndexError)."""
    if ax is None and d.size == 0:
        error = RuntimeError if name in ("max", "min") else IndexError
        raise error(f"{name}() of an empty tensor (shape {d.shape}): there is no element to "
                    "return; give dim= to reduce along a dimension that is not empty")
    if ax is not None and d.ndim and d.shape[ax] == 0:
        raise IndexError(f"{name}(dim={ax}) of a tensor of shape {d.shape}: dimension {ax} "
                         "has size 0, so its slices have no element to return")


def _extreme(x: Tensor, dim: Any, keepdim: bool, axis: Any, keepdims: bool | None, largest: bool) -> Tensor:
    d = x.data
    keep = _keep(keepdim, keepdims)
    if dim is None and axis is None:
        _require_elements("max" if largest else "min", d, None)
        if d.dtype is _OBJECT:
            return _leaf(objects.reduce_extreme(d, None, False, largest))
        y = d.max() if largest else d.min()

        def extreme_all_vjp(g):
            # PyTorch: the gradient is shared evenly by every element equal to the result
            hit = (d == y) | (np.isnan(d) & np.isnan(y))
            return (hit * (g / np.count_nonzero(hit)),)

        return _record1(y, x, extreme_all_vjp)
    axes = _axes(dim, axis, d.ndim)
    if len(axes) != 1:
        raise TypeError(f"max/min with a dim takes a single dimension, got {dim if axis is None else axis!r}")
    ax = axes[0] if d.ndim else None
    _require_elements("max" if largest else "min", d, ax if d.ndim else 0)
    if d.dtype is _OBJECT:
        return _leaf(objects.reduce_extreme(d, ax, keep, largest))
    if not d.ndim:
        return _record1(d.copy(), x, lambda g: (np.array(g, dtype=d.dtype),))
    y = d.max(axis=ax, keepdims=keep) if largest else d.min(axis=ax, keepdims=keep)
    shape, dtype = d.shape, d.dtype

    def extreme_dim_vjp(g):
        # PyTorch: the gradient goes to the index max(dim) returns (the first maximum)
        idx = np.expand_dims(d.argmax(axis=ax) if largest else d.argmin(axis=ax), ax)
        gx = np.zeros(shape, dtype)
        np.put_along_axis(gx, idx, g if keep else np.expand_dims(g, ax), ax)
        return (gx,)

    return _record1(y, x, extreme_dim_vjp)


def max(x: Tensor, dim: Any = None, keepdim: bool = False, *, axis: Any = None, keepdims: bool | None = None) -> Tensor:
    """Largest element (dim=None), or the largest values along ``dim`` (values only)."""
    return _extreme(x, dim, keepdim, axis, keepdims, True)


def min(x: Tensor, dim: Any = None, keepdim: bool = False, *, axis: Any = None, keepdims: bool | None = None) -> Tensor:
    """Smallest element (dim=None), or the smallest values along ``dim`` (values only)."""
    return _extreme(x, dim, keepdim, axis, keepdims, False)


def _arg(x: Tensor, dim: Any, keepdim: bool, axis: Any, keepdims: bool | None, largest: bool) -> Tensor:
    d = x.data
    if d.dtype is _OBJECT:
        raise TypeError("argmax/argmin of an object tensor is not supported; compare the values instead")
    keep = _keep(keepdim, keepdims)
    axes = _axes(dim, axis, d.ndim)
    ax = None if axes is None else axes[0]
    _require_elements("argmax" if largest else "argmin", d, ax)
    i = d.argmax(axis=ax, keepdims=keep) if largest else d.argmin(axis=ax, keepdims=keep)
    return _leaf(np.asarray(i, dtype=np.int64))


def argmax(x: Tensor, dim: Any = None, keepdim: bool = False, *, axis: Any = None, keepdims: bool | None = None) -> Tensor:
    """Index of the first largest element (flat index when dim is None); int64, no gradient."""
    return _arg(x, dim, keepdim, axis, keepdims, True)


def argmin(x: Tensor, dim: Any = None, keepdim: bool = False, *, axis: Any = None, keepdims: bool | None = None) -> Tensor:
    """Index of the first smallest element; int64, no gradient."""
    return _arg(x, dim, keepdim, axis, keepdims, False)
