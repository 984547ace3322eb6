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

Arithmetic, powers and max/min are declared here; the elementwise functions (exp, log,
sigmoid, ReLU, ELU, GELU, SiLU, ...) are made from their one declaration in
:mod:`symnn.unary`, which the tensor backend, the parser and the printers read too.
Numeric conventions follow PyTorch: max/min split the gradient equally on ties, and
out-of-domain inputs give nan or inf instead of raising (1/0 = inf, (-8)**0.5 = nan).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from symnn.unary import UNARY, UnaryOp
from symnn.unary import ieee_div as _ieee_div

__all__ = ["Op", "OPS"]

_INF = math.inf
_NAN = math.nan


@dataclass(frozen=True, eq=False)
class Op:
    """One operation: name, number of inputs, numeric rule, SymPy form and how it is shown.

    ``params`` names extra number arguments that are not graph inputs (the exponent of
    ``powc``, the slope of ``leaky_relu``) with their defaults. ``method`` is the Scalar
    method name to install (``None``: none); binary ops may also give ``rmethod``, the
    reflected method (``__radd__``). ``label`` is the short name drawn in graphs.
    ``variants`` lists ``(approximate, op name)`` pairs: the method then takes PyTorch's
    ``approximate=`` keyword and applies the named op (``x.gelu(approximate="tanh")``).
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
    variants: tuple[tuple[str, str], ...] = ()
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

_MINUS_ONE = (-1.0,)
_ONE_ONE = (1.0, 1.0)
_ONE_MINUS_ONE = (1.0, -1.0)
_ONE_ZERO = (1.0, 0.0)
_ZERO_ONE = (0.0, 1.0)
_HALF_HALF = (0.5, 0.5)


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


def _const_form(value):
    from symnn.symbolic.functions import number

    return number(value)


OPS: dict[str, Op] = {}

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
    Op("max", 2, _max, lambda a, b: _sp().Max(a, b), method="max", label="max",
       doc="larger of a and b; ties split the gradient equally"),
    Op("min", 2, _min, lambda a, b: _sp().Min(a, b), method="min", label="min",
       doc="smaller of a and b; ties split the gradient equally"),
)



def _from_unary(u: UnaryOp) -> Op:
    """The scalar-engine op of a declared elementwise function (symnn.unary)."""
    variants = tuple((v.variant_of[1], v.name) for v in UNARY.values()
                     if v.variant_of is not None and v.variant_of[0] == u.name)
    return Op(u.name, 1, u.scalar, _sympy_form(u.name), params=u.params, method=u.method,
              label=u.label, doc=u.doc, variants=variants)


def _sympy_form(name: str):
    def form(*args):
        from symnn.symbolic.functions import sympy_function

        return sympy_function(name)(*args)

    form.__name__ = name
    return form


for _op in _BUILTIN + tuple(_from_unary(u) for u in UNARY.values()):
    OPS[_op.name] = _op
del _op
