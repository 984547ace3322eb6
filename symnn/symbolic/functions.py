"""SymPy forms of the neural-network functions SymPy lacks: sigmoid, ReLU, Leaky ReLU, softplus.

Each is a ``sympy.Function`` that differentiates (``fdiff``), evaluates numbers, prints as a
textbook would (``\\sigma(x)``, ``\\operatorname{ReLU}(x)``) and turns into NumPy code through
:func:`lambdify`. Symbols are real (``symbol``), so ``diff(abs(x))`` is ``sign(x)``.

The derivative of ReLU is ``Heaviside(x, 0)``: 0 for x <= 0 and 1 for x > 0, the same choice
PyTorch and symnn's numeric engines make at x = 0 (SymPy's bare ``Heaviside(x)`` would be 1/2
there). Leaky ReLU's derivative is 1 for x > 0 and the slope for x <= 0, also as in PyTorch.
"""

from __future__ import annotations

import math

import numpy as np
import sympy
from sympy import Function, Heaviside, Piecewise, S

__all__ = [
    "sigmoid",
    "relu",
    "leaky_relu",
    "softplus",
    "symbol",
    "number",
    "lambdify",
    "LAMBDIFY_MODULES",
]


def symbol(name: str) -> sympy.Symbol:
    """The SymPy symbol symnn uses for a variable: real-valued, so |x|' = sign(x)."""
    return sympy.Symbol(name, real=True)


def number(value: float) -> sympy.Number:
    """A float as a readable SymPy number: 2.0 -> 2, 0.01 -> 1/100, 0.123456789 -> Float."""
    if math.isnan(value):
        return S.NaN
    if math.isinf(value):
        return S.Infinity if value > 0 else S.NegativeInfinity
    if float(value).is_integer():
        return sympy.Integer(int(value))
    text = repr(float(value))
    digits = text.lstrip("-").replace(".", "").lstrip("0").split("e")[0]
    if len(digits) <= 4:
        return sympy.Rational(text)
    return sympy.Float(value)


def _with_power(head: str, exp: str | None) -> str:
    """``\\sigma^{2}`` for sigmoid(x)**2, as SymPy writes ``\\sin^{2}``."""
    return head if exp is None else f"{head}^{{{exp}}}"


class sigmoid(Function):
    """Logistic sigmoid: sigma(x) = 1 / (1 + exp(-x)); sigma'(x) = sigma(x) (1 - sigma(x))."""

    nargs = 1

    @classmethod
    def eval(cls, x):
        if x is S.Zero:
            return S.Half
        if x is S.Infinity:
            return S.One
        if x is S.NegativeInfinity:
            return S.Zero
        if x.is_Float:
            return sympy.Float(1 / (1 + math.exp(-float(x)))) if x > -700 else S.Zero
        return None

    def fdiff(self, argindex=1):
        return self * (1 - self)

    def _eval_rewrite_as_exp(self, x, **kwargs):
        return 1 / (1 + sympy.exp(-x))

    def _eval_evalf(self, prec):
        return self.rewrite(sympy.exp)._eval_evalf(prec)

    def _eval_is_real(self):
        return self.args[0].is_real

    def _eval_is_positive(self):
        return self.args[0].is_real

    def _latex(self, printer, exp=None):
        return _with_power(r"\sigma", exp) + r"\left(%s\right)" % printer._print(self.args[0])


class relu(Function):
    """Rectified linear unit: relu(x) = max(0, x); relu'(x) = Heaviside(x, 0) (0 at x = 0)."""

    nargs = 1

    @classmethod
    def eval(cls, x):
        if x.is_number and x.is_extended_real:
            return x if x > 0 else S.Zero
        if x.is_extended_nonnegative:
            return x
        if x.is_extended_nonpositive:
            return S.Zero
        return None

    def fdiff(self, argindex=1):
        return Heaviside(self.args[0], 0)

    def _eval_rewrite_as_Max(self, x, **kwargs):
        return sympy.Max(0, x)

    def _eval_rewrite_as_Piecewise(self, x, **kwargs):
        return Piecewise((x, x > 0), (0, True))

    def _eval_evalf(self, prec):
        return self.rewrite(sympy.Max)._eval_evalf(prec)

    def _eval_is_real(self):
        return self.args[0].is_real

    def _eval_is_nonnegative(self):
        return self.args[0].is_real

    def _latex(self, printer, exp=None):
        head = _with_power(r"\operatorname{ReLU}", exp)
        return head + r"\left(%s\right)" % printer._print(self.args[0])


class leaky_relu(Function):
    """Leaky ReLU: x for x > 0, slope * x otherwise; derivative 1 for x > 0, slope otherwise."""

    nargs = (1, 2)

    @classmethod
    def eval(cls, x, slope=None):
        if slope is None:
            return cls(x, sympy.Rational(1, 100))
        if x.is_number and x.is_extended_real and slope.is_number:
            return x if x > 0 else slope * x
        if x.is_extended_positive:
            return x
        return None

    def fdiff(self, argindex=1):
        x, slope = self.args
        if argindex == 1:
            return Piecewise((1, x > 0), (slope, True))
        return Piecewise((0, x > 0), (x, True))

    def _eval_rewrite_as_Piecewise(self, x, slope, **kwargs):
        return Piecewise((x, x > 0), (slope * x, True))

    def _eval_evalf(self, prec):
        return self.rewrite(Piecewise)._eval_evalf(prec)

    def _eval_is_real(self):
        return self.args[0].is_real

    def _latex(self, printer, exp=None):
        x, slope = self.args
        head = _with_power(r"\operatorname{LeakyReLU}_{%s}" % printer._print(slope), exp)
        return head + r"\left(%s\right)" % printer._print(x)


class softplus(Function):
    """Softplus: log(1 + exp(x)), a smooth ReLU; softplus'(x) = sigma(x)."""

    nargs = 1

    @classmethod
    def eval(cls, x):
        if x is S.Zero:
            return sympy.log(2)
        if x.is_Float:
            v = float(x)
            return sympy.Float(v + math.log1p(math.exp(-v)) if v > 0 else math.log1p(math.exp(v)))
        return None

    def fdiff(self, argindex=1):
        return sigmoid(self.args[0])

    def _eval_rewrite_as_log(self, x, **kwargs):
        return sympy.log(1 + sympy.exp(x))

    def _eval_evalf(self, prec):
        return self.rewrite(sympy.log)._eval_evalf(prec)

    def _eval_is_real(self):
        return self.args[0].is_real

    def _eval_is_positive(self):
        return self.args[0].is_real

    def _latex(self, printer, exp=None):
        head = _with_power(r"\operatorname{softplus}", exp)
        return head + r"\left(%s\right)" % printer._print(self.args[0])


def _np_sigmoid(x):
    x = np.asarray(x, dtype=float)
    return np.exp(-np.logaddexp(0.0, -x))


def _np_relu(x):
    return np.maximum(np.asarray(x, dtype=float), 0.0)


def _np_leaky_relu(x, slope=0.01):
    x = np.asarray(x, dtype=float)
    return np.where(x > 0, x, slope * x)


def _np_softplus(x):
    return np.logaddexp(0.0, np.asarray(x, dtype=float))


# name -> NumPy implementation, for sympy.lambdify(..., modules=[LAMBDIFY_MODULES, "numpy"])
LAMBDIFY_MODULES: dict[str, object] = {
    "sigmoid": _np_sigmoid,
    "relu": _np_relu,
    "leaky_relu": _np_leaky_relu,
    "softplus": _np_softplus,
}


def lambdify(args, expr):
    """``sympy.lambdify`` that knows sigmoid, relu, leaky_relu and softplus (NumPy-vectorized).

    Every symbol is renamed (``_a0``, ``_a1``, ...) before code is generated, so a user's
    variable named ``maximum``, ``sign`` or ``array`` can never shadow a NumPy function the
    generated code calls."""
    args = list(args)
    renamed = {s: sympy.Dummy(f"a{i}", **s.assumptions0) for i, s in enumerate(args)}
    expr = sympy.sympify(expr, strict=True)
    others = expr.free_symbols - set(args)
    renamed.update({s: sympy.Dummy(f"p{i}", **s.assumptions0) for i, s in enumerate(others)})
    return sympy.lambdify([renamed[s] for s in args], expr.xreplace(renamed),
                          modules=[LAMBDIFY_MODULES, "numpy"])
