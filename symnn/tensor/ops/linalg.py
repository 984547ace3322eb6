"""Matrix product with NumPy's ``matmul`` rules (1-D operands, broadcast batch dimensions).

For y = a @ b:  dL/da = g @ bᵀ and dL/db = aᵀ @ g, summed over broadcast batch dimensions.
Each gradient is produced in the memory layout of its input (a transposed weight gets a
transposed gradient), so the transpose that follows is a free view and a parameter update
``p.data -= lr * p.grad.data`` walks both arrays in the same order.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core import _OBJECT, _grad_enabled, Tensor, _leaf, _make
from .elementwise import _operand, unbroadcast


def _matmul_2d_grad(left: np.ndarray, right: np.ndarray, like: np.ndarray) -> np.ndarray:
    """``left @ right``, computed as ``(rightᵀ @ leftᵀ)ᵀ`` when ``like`` is Fortran-ordered."""
    if like.flags.f_contiguous and not like.flags.c_contiguous:
        return (right.T @ left.T).T
    return left @ right


def matmul(a: Any, b: Any) -> Tensor:
    """a @ b (``np.matmul`` semantics; object arrays use NumPy's object loop, no einsum)."""
    ad, bd = _operand(a), _operand(b)
    try:
        y = np.matmul(ad, bd)
    except ValueError:
        sa, sb = np.shape(ad), np.shape(bd)
        raise RuntimeError(f"matmul: shapes {sa} and {sb} cannot be multiplied") from None
    pa = a if isinstance(a, Tensor) and a.requires_grad else None
    pb = b if isinstance(b, Tensor) and b.requires_grad else None
    if not _grad_enabled() or (pa is None and pb is None) or ad.dtype is _OBJECT or bd.dtype is _OBJECT:
        return _leaf(y)

    if ad.ndim == 2 and bd.ndim == 2:

        def matmul_vjp(g):
            ga = None if pa is None else _matmul_2d_grad(g, bd.T, ad)
            gb = None if pb is None else _matmul_2d_grad(ad.T, g, bd)
            return ga, gb

        return _make(y, (pa, pb), matmul_vjp)

    def matmul_nd_vjp(g):
        a2 = ad[None, :] if ad.ndim == 1 else ad
        b2 = bd[:, None] if bd.ndim == 1 else bd
        g2 = np.asarray(g)
        if bd.ndim == 1:
            g2 = g2[..., None]
        if ad.ndim == 1:
            g2 = g2[..., None, :]
        ga = gb = None
        if pa is not None:
            ga = unbroadcast(np.matmul(g2, np.swapaxes(b2, -1, -2)), a2.shape).reshape(ad.shape)
        if pb is not None:
            gb = unbroadcast(np.matmul(np.swapaxes(a2, -1, -2), g2), b2.shape).reshape(bd.shape)
        return ga, gb

    return _make(y, (pa, pb), matmul_nd_vjp)


def rmatmul(a: Any, b: Any) -> Tensor:
    return matmul(b, a)
