"""Elementwise operations: each forward with its vector-Jacobian product right below it.

Binary ops broadcast like NumPy; their VJPs sum the gradient back to each input's shape
(``unbroadcast``). Python numbers stay "weak" operands (a float32 tensor times 0.5 is float32),
as in PyTorch. Object arrays (``Scalar`` elements) run arithmetic through NumPy's object loops
and the named functions through ``objects.apply_unary``; they are never recorded on the tape,
because the scalar graph records their derivatives itself.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core import _OBJECT, Tensor, _grad_enabled, _leaf, _make, _record1, as_array
from ..dtype import STATE as _DTYPE
from . import objects
from symnn.unary import UNARY, UnaryOp

# --------------------------------------------------------------------------- helpers


def unbroadcast(g: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum ``g`` over the axes that broadcasting added or stretched, giving ``shape``."""
    gs = g.shape
    if gs == shape:
        return g
    lead = len(gs) - len(shape)
    if lead == 1 and gs[1:] == shape:
        return g.sum(axis=0)
    if lead:
        g = g.sum(axis=tuple(range(lead)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    return g.sum(axis=stretched, keepdims=True) if stretched else g


def _operand(v: Any) -> Any:
    """The array of a Tensor; Python and NumPy numbers as weak Python scalars; else an array."""
    if isinstance(v, Tensor):
        return v.data
    if type(v) is float or type(v) is int or type(v) is bool:
        return v
    if isinstance(v, np.generic) and v.dtype.kind in "biuf":
        return v.item()
    if isinstance(v, (int, float)):
        return v
    if isinstance(v, np.ndarray) and v.ndim == 0 and v.dtype.kind in "biuf":
        return v.item()
    if isinstance(v, (np.ndarray, list, tuple)):
        return as_array(v)
    return v  # a Scalar or another object: NumPy's object loops handle it


def _binary(a: Any, b: Any) -> tuple[Any, Any, Tensor | None, Tensor | None]:
    """Operand data and the parents to record (both None when nothing is recorded)."""
    if isinstance(a, Tensor):
        ad = a.data
        pa = a if a.requires_grad else None
    else:
        ad, pa = _operand(a), None
    if isinstance(b, Tensor):
        bd = b.data
        pb = b if b.requires_grad else None
    else:
        bd, pb = _operand(b), None
    if pa is None and pb is None:
        return ad, bd, None, None
    if not _grad_enabled() or (pa is not None and ad.dtype is _OBJECT) or (pb is not None and bd.dtype is _OBJECT):
        return ad, bd, None, None
    return ad, bd, pa, pb


_F64 = np.dtype(np.float64)


def _promoted(y: Any, ad: Any, bd: Any) -> Any:
    """Keep PyTorch's promotion: an integer tensor with a Python float (or a float32 tensor)
    gives the default float dtype, where NumPy would give float64."""
    if getattr(y, "dtype", None) is not _F64 or _DTYPE.default is _F64:
        return y
    if getattr(ad, "dtype", None) is _F64 or getattr(bd, "dtype", None) is _F64:
        return y
    return y.astype(_DTYPE.default)


def _result(y: Any) -> Tensor:
    if isinstance(y, np.ndarray) and y.dtype is _OBJECT:
        return _leaf(y)
    return _leaf(np.asarray(y))


# --------------------------------------------------------------------------- arithmetic


def add(a: Any, b: Any) -> Tensor:
    """a + b."""
    ad, bd, pa, pb = _binary(a, b)
    y = _promoted(ad + bd, ad, bd)
    if pa is None and pb is None:
        return _result(y)

    def add_vjp(g):
        return (None if pa is None else unbroadcast(g, ad.shape), None if pb is None else unbroadcast(g, bd.shape))

    return _make(y, (pa, pb), add_vjp)


def sub(a: Any, b: Any) -> Tensor:
    """a - b."""
    ad, bd, pa, pb = _binary(a, b)
    y = _promoted(ad - bd, ad, bd)
    if pa is None and pb is None:
        return _result(y)

    def sub_vjp(g):
        return (None if pa is None else unbroadcast(g, ad.shape), None if pb is None else unbroadcast(-g, bd.shape))

    return _make(y, (pa, pb), sub_vjp)


def mul(a: Any, b: Any) -> Tensor:
    """a * b;  d/da = b, d/db = a."""
    ad, bd, pa, pb = _binary(a, b)
    y = _promoted(ad * bd, ad, bd)
    if pa is None and pb is None:
        return _result(y)

    def mul_vjp(g):
        return (None if pa is None else unbroadcast(g * bd, ad.shape), None if pb is None else unbroadcast(g * ad, bd.shape))

    return _make(y, (pa, pb), mul_vjp)


def div(a: Any, b: Any) -> Tensor:
    """a / b;  d/da = 1/b, d/db = -a/b**2 = -y/b."""
    ad, bd, pa, pb = _binary(a, b)
    y = _promoted(ad / bd, ad, bd)
    if pa is None and pb is None:
        return _result(y)

    def div_vjp(g):
        ga = None if pa is None else unbroadcast(g / bd, ad.shape)
        gb = None if pb is None else unbroadcast(-(g * y) / bd, bd.shape)
        return ga, gb

    return _make(y, (pa, pb), div_vjp)


def pow(a: Any, b: Any) -> Tensor:
    """a ** b;  d/da = b·a**(b-1) (zero when b == 0), d/db = y·log(a) (zero where a == 0, b >= 0)."""
    ad, bd, pa, pb = _binary(a, b)
    y = _promoted(ad**bd, ad, bd)
    if pa is None and pb is None:
        return _result(y)

    def pow_vjp(g):
        ga = gb = None
        if pa is not None:
            if isinstance(bd, (int, float)):
                if bd == 0:
                    ga = np.zeros_like(ad)
                elif bd == 2:
                    ga = g * (2 * ad)
                else:
                    ga = g * (bd * ad ** (bd - 1))
            else:
                ga = g * np.where(bd == 0, 0, bd * ad ** (bd - 1))
            ga = unbroadcast(ga, ad.shape)
        if pb is not None:
            with np.errstate(divide="ignore", invalid="ignore"):
                d = y * np.log(ad)
            d = np.where((np.asarray(ad) == 0) & (np.asarray(bd) >= 0), 0, d)
            gb = unbroadcast(g * d, bd.shape)
        return ga, gb

    return _make(y, (pa, pb), pow_vjp)


def rsub(a: Any, b: Any) -> Tensor:
    return sub(b, a)


def rdiv(a: Any, b: Any) -> Tensor:
    return div(b, a)


def rpow(a: Any, b: Any) -> Tensor:
    return pow(b, a)


def radd(a: Any, b: Any) -> Tensor:
    return add(b, a)


def rmul(a: Any, b: Any) -> Tensor:
    return mul(b, a)


def neg(x: Tensor) -> Tensor:
    """-x."""
    return _record1(-x.data, x, lambda g: (-g,))


# --------------------------------------------------------------------------- functions
# Each function is its declaration in symnn.unary (NumPy forward and VJP, the scalar rule for
# numbers inside object arrays); the wrappers below only give PyTorch's signatures.


def _apply(op: UnaryOp, x: Tensor, params: tuple[float, ...] = (), **options: float) -> Tensor:
    """``op`` on a float tensor (recorded with its VJP) or an object array (the elements' own
    scalar-engine method; plain numbers in it by the op's scalar rule)."""
    d = x.data
    if d.dtype is _OBJECT:
        return _leaf(objects.apply_unary(d, op, params))
    y = op.forward(d, *params, **options)
    vjp = op.vjp
    return _record1(y, x, lambda g: (vjp(g, d, y, *params, **options),))


_U = UNARY


def exp(x: Tensor) -> Tensor:
    """e**x;  d/dx = e**x = y."""
    return _apply(_U["exp"], x)


def log(x: Tensor) -> Tensor:
    """Natural log;  d/dx = 1/x (log 0 = -inf, log of a negative number nan)."""
    return _apply(_U["log"], x)


def sqrt(x: Tensor) -> Tensor:
    """sqrt(x);  d/dx = 1/(2·sqrt(x))."""
    return _apply(_U["sqrt"], x)


def abs(x: Tensor) -> Tensor:
    """|x|;  d/dx = sign(x) (0 at 0, as PyTorch)."""
    return _apply(_U["abs"], x)


def sin(x: Tensor) -> Tensor:
    """sin(x);  d/dx = cos(x)."""
    return _apply(_U["sin"], x)


def cos(x: Tensor) -> Tensor:
    """cos(x);  d/dx = -sin(x)."""
    return _apply(_U["cos"], x)


def tanh(x: Tensor) -> Tensor:
    """tanh(x);  d/dx = 1 - y**2."""
    return _apply(_U["tanh"], x)


def sigmoid(x: Tensor) -> Tensor:
    """1 / (1 + e**-x);  d/dx = y·(1 - y)."""
    return _apply(_U["sigmoid"], x)


def relu(x: Tensor) -> Tensor:
    """max(x, 0);  d/dx = 1 where the output is positive, else 0."""
    return _apply(_U["relu"], x)


def leaky_relu(x: Tensor, negative_slope: float = 0.01, *, slope: float | None = None) -> Tensor:
    """x if x > 0 else slope·x;  d/dx = 1 or slope (``slope=`` as the scalar engine spells it)."""
    return _apply(_U["leaky_relu"], x, (float(negative_slope if slope is None else slope),))


def softplus(x: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + e**(beta·x)) / beta, linear where beta·x > threshold (as PyTorch);
    d/dx = sigmoid(beta·x) (1 in the linear part)."""
    d = x.data
    if d.dtype is _OBJECT and (beta != 1.0 or threshold != 20.0):
        # the scalar op is PyTorch's default (beta 1, linear above 20): compose the others
        bx = d * beta
        linear = objects.to_bool(bx > threshold)
        return _leaf(np.where(linear, d, objects.apply_unary(bx, _U["softplus"], ()) / beta))
    return _apply(_U["softplus"], x, beta=float(beta), threshold=float(threshold))


def elu(x: Tensor, alpha: float = 1.0) -> Tensor:
    """x if x > 0 else alpha·(e**x - 1);  d/dx = 1 or alpha·e**x (alpha at 0, as PyTorch)."""
    return _apply(_U["elu"], x, (float(alpha),))


def gelu(x: Tensor, approximate: str = "none") -> Tensor:
    """x·Φ(x) = x/2·(1 + erf(x/√2)) (``approximate="tanh"``: x/2·(1 + tanh(√(2/π)(x +
    0.044715x³))), as PyTorch);  d/dx = Φ(x) + x·φ(x)."""
    if approximate not in ("none", "tanh"):
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    return _apply(_U["gelu" if approximate == "none" else "gelu_tanh"], x)


def silu(x: Tensor) -> Tensor:
    """x·sigmoid(x) (swish);  d/dx = σ(x)·(1 + x·(1 - σ(x)))."""
    return _apply(_U["silu"], x)


def clamp(x: Tensor, min: Any = None, max: Any = None) -> Tensor:
    """Limit to [min, max];  d/dx = 1 where min <= x <= max, else 0 (as PyTorch)."""
    if min is None and max is None:
        raise ValueError("clamp: at least one of min and max must be given")
    d = x.data
    lo = min.item() if isinstance(min, Tensor) else min
    hi = max.item() if isinstance(max, Tensor) else max
    if d.dtype is _OBJECT:
        return _leaf(objects.clamp(d, lo, hi))
    y = np.clip(d, lo, hi)

    def clamp_vjp(g):
        if lo is not None and hi is not None:
            keep = (d >= lo) & (d <= hi)
        elif lo is not None:
            keep = d >= lo
        else:
            keep = d <= hi
        return (g * keep,)

    return _record1(y.astype(d.dtype, copy=False), x, clamp_vjp)


def where(condition: Any, a: Any, b: Any) -> Tensor:
    """Elements of ``a`` where ``condition`` holds, else of ``b``; gradients go to the chosen side."""
    c = condition.data if isinstance(condition, Tensor) else np.asarray(condition)
    if c.dtype is _OBJECT:
        c = objects.to_bool(c)
    c = c.astype(bool, copy=False)
    ad, bd, pa, pb = _binary(a, b)
    y = _promoted(np.where(c, ad, bd), ad, bd)
    if pa is None and pb is None:
        return _result(y)

    def where_vjp(g):
        ga = None if pa is None else unbroadcast(np.where(c, g, 0), ad.shape)
        gb = None if pb is None else unbroadcast(np.where(c, 0, g), bd.shape)
        return ga, gb

    return _make(y, (pa, pb), where_vjp)


# --------------------------------------------------------------------------- comparisons (no grad)


def _compare(ufunc: np.ufunc):
    def compare(a: Any, b: Any) -> Tensor:
        y = ufunc(_operand(a), _operand(b))
        if isinstance(y, np.ndarray) and y.dtype is _OBJECT:
            y = objects.to_bool(y)
        return _leaf(np.asarray(y))

    compare.__name__ = ufunc.__name__
    compare.__doc__ = f"Elementwise {ufunc.__name__} as a bool tensor (no gradient)."
    return compare


lt = _compare(np.less)
le = _compare(np.less_equal)
gt = _compare(np.greater)
ge = _compare(np.greater_equal)
eq = _compare(np.equal)
ne = _compare(np.not_equal)
logical_and = _compare(np.logical_and)
logical_or = _compare(np.logical_or)
logical_xor = _compare(np.logical_xor)


def logical_not(x: Tensor) -> Tensor:
    return _leaf(np.logical_not(x.data))


def cast(x: Tensor, dtype: Any) -> Tensor:
    """The tensor in another dtype; the gradient is cast back to the input's dtype."""
    d = x.data
    dt = np.dtype(dtype)
    if d.dtype == dt:
        return x
    y = d.astype(dt)
    if dt.kind != "f" or d.dtype.kind != "f":
        return _leaf(y)
    src = d.dtype
    return _record1(y, x, lambda g: (g.astype(src),))


def clone(x: Tensor) -> Tensor:
    """A copy of the data that stays in the graph (the gradient passes through)."""
    return _record1(x.data.copy(), x, lambda g: (g,))
