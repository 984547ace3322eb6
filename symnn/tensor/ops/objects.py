"""Explicit element-by-element paths for object arrays (arrays of ``symnn.Scalar`` nodes).

NumPy applies arithmetic (``+ - * / **``, ``matmul``, ``sum``) to object arrays by calling the
elements' operators, which is what the scalar engine needs. Functions without an operator
(``exp``, ``sigmoid``, ...) and comparisons-based selections (max, relu) are applied here, one
element at a time, calling the element's own method (``v.exp()``), or the op's declared scalar
rule (``symnn.unary``) when the element is a plain number (for example a zero of the padding).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from symnn.unary import UnaryOp


def as_object_array(values: Any, shape: tuple[int, ...]) -> np.ndarray:
    """Wrap a ``frompyfunc`` result (an array, or a bare object for 0-d input)."""
    if isinstance(values, np.ndarray):
        return values
    out = np.empty(shape, dtype=object)
    out[()] = values
    return out


def apply_unary(arr: np.ndarray, op: UnaryOp, params: tuple[float, ...] = ()) -> np.ndarray:
    """``op`` on every element, keeping the shape: a Scalar's own method (so the scalar graph
    records the step), a plain number (a zero of the padding) by the op's scalar rule, so both
    give the same values as the float path (log 0 = -inf, not an error)."""
    method, keywords = op.method_call()
    rule = op.scalar

    def one(v: Any) -> Any:
        bound = getattr(v, method, None)
        if bound is not None:
            return bound(*params, **keywords)
        return rule(float(v), *params)[0]

    return as_object_array(np.frompyfunc(one, 1, 1)(arr), arr.shape)


def _pick_larger(a: Any, b: Any) -> Any:
    return b if b > a else a


def _pick_smaller(a: Any, b: Any) -> Any:
    return b if b < a else a


_larger = np.frompyfunc(_pick_larger, 2, 1)
_smaller = np.frompyfunc(_pick_smaller, 2, 1)


def pairwise_max(a: Any, b: Any) -> np.ndarray:
    """Elementwise max by comparison; the first operand wins ties (as PyTorch's pooling)."""
    return _larger(a, b)


def reduce_extreme(arr: np.ndarray, axis: int | tuple | None, keepdims: bool, largest: bool) -> np.ndarray:
    """max/min of an object array over ``axis`` by pairwise comparisons (first wins ties)."""
    pick = _larger if largest else _smaller
    ndim = arr.ndim
    if axis is None:
        axes = tuple(range(ndim))
    else:
        axes = tuple(a % ndim for a in ((axis,) if isinstance(axis, int) else axis))
    kept = [a for a in range(ndim) if a not in axes]
    moved = np.transpose(arr, kept + list(axes)).reshape([arr.shape[a] for a in kept] + [-1])
    if moved.shape[-1] == 0:
        raise ValueError("max()/min() of an empty tensor")
    best = moved[..., 0]
    for i in range(1, moved.shape[-1]):
        best = pick(best, moved[..., i])
    best = as_object_array(best, tuple(arr.shape[a] for a in kept))
    if keepdims:
        best = best.reshape([1 if a in axes else arr.shape[a] for a in range(ndim)])
    return best


def clamp(arr: np.ndarray, lo: Any, hi: Any) -> np.ndarray:
    """Clamp by comparisons: ``lo`` if v < lo, ``hi`` if v > hi, else v."""

    def one(v: Any) -> Any:
        if lo is not None and v < lo:
            return lo
        if hi is not None and v > hi:
            return hi
        return v

    return as_object_array(np.frompyfunc(one, 1, 1)(arr), arr.shape)


def to_bool(arr: Any) -> np.ndarray:
    """Comparison results of object arrays (Python bools, or objects with ``__bool__``) as bool."""
    return np.asarray(arr).astype(bool)
