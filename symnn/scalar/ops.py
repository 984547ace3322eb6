"""The op table: every operation of the scalar engine, declared once.

An :class:`Op` holds the op's name, its numeric rule and its SymPy form:

* ``numeric(*values, *params) -> (value, local_derivatives)`` works on plain floats with
  ``math`` and returns the result together with the tuple of local partial derivatives
  (one per input). The forward pass stores both on the node; backward then only multiplies
  and adds floats (``parent.grad += local * upstream``).
* ``sympy(*exprs, *params) -> sympy.Expr`` is the same operation on SymPy expressions. It is
  called only when a derivation, an expression or LaTeX is asked for; symbolic local
  derivatives are ``diff`` of this one-op form, and the chain rule assembles the rest.

Adding an op is one :func:`register_op` call: the op becomes a ``Scalar`` method (if
``method`` is given), can be applied with :func:`apply`, and appears in derivations::

    import math, sympy
    from symnn.scalar import Op, register_op

    register_op(Op(
        name="sinh", arity=1,
        numeric=lambda a: (math.sinh(a), (math.cosh(a),)),
        sympy=sympy.sinh,
        method="sinh",
    ))
    Scalar(0.5, name="x").sinh()       # a node whose derivation shows cosh(x)

Numeric conventions follow PyTorch: relu'(0) = 0, |x|'(0) = 0, leaky_relu'(0) = slope,
max/min split the gradient equally on ties, softplus is linear above 20, and out-of-domain
inputs give nan or inf instead of raising (log(0) = -inf, sqrt(-1) = nan, 1/0 = inf).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from symnn.scalar.node import Scalar

__all__ = ["Op", "OPS", "register_op", "apply"]

_INF = math.inf
_NAN = math.nan


@dataclass(frozen=True, eq=False)
class Op:
    """One operation: name, number of inputs, numeric rule, SymPy form and how it is shown.

    ``params`` names extra number arguments that are not graph inputs (the exponent of
    ``powc``, the slope of ``leaky_relu``) with their defaults. ``method`` is the Scalar
    method name to install (``None``: none); binary ops may also give ``rmethod``, the
    reflected method (``__radd__``). ``label`` is the short name drawn in graphs.
    """

    name: str
    arity: int
    numeric: Callable[..., tuple[float, tuple[float, ...]]]
    sympy: Callable[..., Any]
    params: tuple[tuple[str, float], ...] = ()
    method: str | None = None
    rmethod: str | None = None
    label: str = ""
    doc: str = ""
    _local_forms: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.arity not in (0, 1, 2):
            raise ValueError(f"Op {self.name!r}: arity must be 0, 1 or 2, got {self.arity}")
        if not self.label:
            object.__setattr__(self, "label", self.name)

    def local_forms(self, params: tuple[float, ...] = ()) -> tuple[tuple[Any, ...], list[Any]]:
        """``(dummies, [d op / d input_i])``: symbolic local derivatives in placeholder symbols.

        Computed once per parameter set by differentiating this single op's SymPy form.
        """
        forms = self._local_forms.get(params)
        if forms is None:
            import sympy

            from symnn.symbolic.functions import number

            dummies = tuple(sympy.Dummy(f"a{i}", real=True) for i in range(self.arity))
            out = self.sympy(*dummies, *(number(p) for p in params))
            forms = (dummies, [sympy.diff(out, d) for d in dummies])
            self._local_forms[params] = forms
        return forms


# ---- numeric helpers (plain floats; the slow paths only run on special values) ----------

_ONE = (1.0,)
_ZERO = (0.0,)
_MINUS_ONE = (-1.0,)
_ONE_ONE = (1.0, 1.0)
_ONE_MINUS_ONE = (1.0, -1.0)
_ONE_ZERO = (1.0, 0.0)
_ZERO_ONE = (0.0, 1.0)
_HALF_HALF = (0.5, 0.5)


def _ieee_div(a: float, b: float) -> float:
    """a / b with IEEE semantics for b == 0 (inf with the right sign, nan for 0/0)."""
    if b != 0.0:
        return a / b
    if a == 0.0 or a != a:
        return _NAN
    return math.copysign(_INF, a) * math.copysign(1.0, b)


def _ieee_pow(a: float, p: float) -> float:
    """a ** p with IEEE results instead of exceptions (overflow inf, 0**-1 inf, (-8)**0.5 nan)."""
    try:
        return math.pow(a, p)
    except OverflowError:
        odd = a < 0 and p.is_integer() and int(p) % 2 == 1
        return -_INF if odd else _INF
    except ValueError:
        if a == 0.0:  # zero to a negative power
            odd = p.is_integer() and int(p) % 2 == 1
            return math.copysign(_INF, a) if odd else _INF
        return _NAN


def _add(a, b):
    return a + b, _ONE_ONE


def _sub(a, b):
    return a - b, _ONE_MINUS_ONE


def _mul(a, b):
    return a * b, (b, a)


def _div(a, b):
    if b == 0.0:
        v = _ieee_div(a, b)
        return v, (_ieee_div(1.0, b), -_ieee_div(v, b))
    v = a / b
    return v, (1.0 / b, -v / b)


def _neg(a):
    return -a, _MINUS_ONE


def _powc(a, p):
    if p == 0.0:  # a**0 is the constant 1: derivative 0 also at a = 0 (not 0 * inf)
        return 1.0, (0.0,)
    try:
        return math.pow(a, p), (p * math.pow(a, p - 1.0),)
    except (OverflowError, ValueError):
        return _ieee_pow(a, p), (p * _ieee_pow(a, p - 1.0),)


def _pow(a, b):
    v = _ieee_pow(a, b)
    if a > 0.0:
        db = v * math.log(a)
    elif a == 0.0 and b >= 0.0:
        db = 0.0
    else:
        db = _NAN
    da = 0.0 if b == 0.0 else b * _ieee_pow(a, b - 1.0)  # a**0 = 1: not 0 * inf at a = 0
    return v, (da, db)


def _exp(a):
    try:
        v = math.exp(a)
    except OverflowError:
        v = _INF
    return v, (v,)


def _log(a):
    if a > 0.0:
        return math.log(a), (1.0 / a,)
    if a == 0.0:
        return -_INF, (_ieee_div(1.0, a),)
    return _NAN, (_NAN,)


def _sqrt(a):
    if a > 0.0:
        s = math.sqrt(a)
        return s, (0.5 / s,)
    if a == 0.0:
        return 0.0, (_INF,)
    return _NAN, (_NAN,)


def _abs(a):
    if a > 0.0:
        return a, _ONE
    if a < 0.0:
        return -a, _MINUS_ONE
    if a == 0.0:
        return 0.0, _ZERO
    return a, (_NAN,)  # NaN stays NaN, as in the NumPy backend


def _sigmoid(a):
    if a >= 0.0:
        s = 1.0 / (1.0 + math.exp(-a))
    else:
        e = math.exp(a)
        s = e / (1.0 + e)
    return s, (s * (1.0 - s),)


def _tanh(a):
    t = math.tanh(a)
    return t, (1.0 - t * t,)


def _relu(a):
    if a > 0.0:
        return a, _ONE
    return (0.0 if a == a else a), _ZERO  # NaN stays NaN, as in the NumPy backend


def _leaky_relu(a, slope):
    if a > 0.0:
        return a, _ONE
    return a * slope, (slope,)


def _softplus(a):
    if a > 20.0:  # PyTorch's threshold: linear above it
        return a, _ONE
    e = math.exp(a)
    return math.log1p(e), (e / (1.0 + e),)


def _sin(a):
    return math.sin(a), (math.cos(a),)


def _cos(a):
    return math.cos(a), (-math.sin(a),)


def _max(a, b):
    if a > b:
        return a, _ONE_ZERO
    if b > a:
        return b, _ZERO_ONE
    return (b if b != b else a), _HALF_HALF  # a tie, or a NaN, which wins as in np.maximum


def _min(a, b):
    if a < b:
        return a, _ONE_ZERO
    if b < a:
        return b, _ZERO_ONE
    return (b if b != b else a), _HALF_HALF  # a tie, or a NaN, which wins as in np.minimum


# ---- SymPy forms (imported lazily: the numeric path never touches SymPy) ----------------


def _sp():
    import sympy

    return sympy


def _fn(name):
    from symnn.symbolic import functions

    return getattr(functions, name)


def _const_form(value):
    from symnn.symbolic.functions import number

    return number(value)


OPS: dict[str, Op] = {}


def register_op(op: Op, *, replace: bool = False) -> Op:
    """Add ``op`` to the table and install its Scalar method(s); returns the op.

    Raises ``ValueError`` if the name (or method name) is taken, unless ``replace=True``.
    """
    if op.name in OPS and not replace:
        raise ValueError(f"an op named {op.name!r} is already registered")
    from symnn.scalar.node import install_op

    install_op(op, replace=replace)
    OPS[op.name] = op
    return op


def apply(op: Op | str, *inputs: Any, **params: float) -> Scalar:
    """Apply an op (or a registered op's name) to Scalars or numbers: ``apply("max", a, b)``."""
    from symnn.scalar.node import apply_op

    if isinstance(op, str):
        try:
            op = OPS[op]
        except KeyError:
            raise ValueError(f"unknown op {op!r}; registered: {', '.join(sorted(OPS))}") from None
    return apply_op(op, inputs, params)


_BUILTIN = (
    Op("const", 0, lambda: (0.0, ()), _const_form, label="const",
       doc="a number used in an expression (no gradient of interest)"),
    Op("add", 2, _add, lambda a, b: a + b, method="__add__", rmethod="__radd__", label="+",
       doc="a + b"),
    Op("sub", 2, _sub, lambda a, b: a - b, method="__sub__", rmethod="__rsub__", label="−",
       doc="a - b"),
    Op("mul", 2, _mul, lambda a, b: a * b, method="__mul__", rmethod="__rmul__", label="×",
       doc="a * b"),
    Op("div", 2, _div, lambda a, b: a / b, method="__truediv__", rmethod="__rtruediv__",
       label="÷", doc="a / b"),
    Op("neg", 1, _neg, lambda a: -a, method="__neg__", label="−", doc="-a"),
    Op("powc", 1, _powc, lambda a, p: a**p, params=(("exponent", 2.0),), label="^",
       doc="a ** p for a number p"),
    Op("pow", 2, _pow, lambda a, b: a**b, label="^", doc="a ** b for two Scalars"),
    Op("exp", 1, _exp, lambda a: _sp().exp(a), method="exp", doc="e ** a"),
    Op("log", 1, _log, lambda a: _sp().log(a), method="log", doc="natural logarithm"),
    Op("sqrt", 1, _sqrt, lambda a: _sp().sqrt(a), method="sqrt", label="√", doc="square root"),
    Op("abs", 1, _abs, lambda a: _sp().Abs(a), method="abs", label="|·|",
       doc="absolute value; derivative sign(a), 0 at 0"),
    Op("sigmoid", 1, _sigmoid, lambda a: _fn("sigmoid")(a), method="sigmoid", label="σ",
       doc="1 / (1 + exp(-a))"),
    Op("tanh", 1, _tanh, lambda a: _sp().tanh(a), method="tanh", doc="hyperbolic tangent"),
    Op("relu", 1, _relu, lambda a: _fn("relu")(a), method="relu", label="ReLU",
       doc="max(0, a); derivative 0 at a = 0"),
    Op("leaky_relu", 1, _leaky_relu, lambda a, s: _fn("leaky_relu")(a, s),
       params=(("slope", 0.01),), method="leaky_relu", label="LeakyReLU",
       doc="a for a > 0, slope * a otherwise"),
    Op("softplus", 1, _softplus, lambda a: _fn("softplus")(a), method="softplus",
       doc="log(1 + exp(a))"),
    Op("sin", 1, _sin, lambda a: _sp().sin(a), method="sin", doc="sine"),
    Op("cos", 1, _cos, lambda a: _sp().cos(a), method="cos", doc="cosine"),
    Op("max", 2, _max, lambda a, b: _sp().Max(a, b), method="max", label="max",
       doc="larger of a and b; ties split the gradient equally"),
    Op("min", 2, _min, lambda a, b: _sp().Min(a, b), method="min", label="min",
       doc="smaller of a and b; ties split the gradient equally"),
)

for _op in _BUILTIN:
    OPS[_op.name] = _op
del _op
