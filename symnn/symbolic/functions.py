"""SymPy forms of the neural-network functions SymPy lacks, made from their declarations.

For every function in :data:`symnn.unary.UNARY` that SymPy has no built-in for (sigmoid, ReLU,
Leaky ReLU, softplus, ELU, GELU, SiLU, ...) this module makes a ``sympy.Function`` subclass
of the same name from the declaration: its derivative (``fdiff``), exact values, ``rewrite``
to SymPy's own functions (``relu(x).rewrite(sympy.Max)`` is ``Max(0, x)``), ``evalf``,
textbook LaTeX (``\\sigma(x)``, ``\\operatorname{ReLU}(x)``) and code for
``sympy.lambdify`` with the "math", "numpy" and "mpmath" modules.

``abs`` is one of them: SymPy's ``Abs`` differentiates for a complex argument (with re and
im), symnn's ``abs`` is the real function with derivative sign(x), so ``sympy.diff`` of an
expression with plain symbols stays usable; ``.rewrite(sympy.Abs)`` gives SymPy's.

The derivative of ReLU is ``Heaviside(x, 0)``: 0 for x <= 0 and 1 for x > 0, the same choice
PyTorch and symnn's numeric engines make at x = 0 (SymPy's bare ``Heaviside(x)`` would be 1/2
there). Leaky ReLU's derivative is 1 for x > 0 and the slope for x <= 0, also as in PyTorch.
"""

from __future__ import annotations

import math
from functools import cache, partial
from typing import Any, ClassVar

import sympy
from mpmath.libmp import prec_to_dps
from sympy import Function, S
from sympy.core.logic import fuzzy_and

from symnn.symbolic.extrema import substitute
from symnn.unary import SYMPY_FUNCTIONS, UNARY, UnaryOp, array_value

__all__ = [
    "DeclaredFunction",
    "sympy_function",
    "sigmoid",
    "relu",
    "leaky_relu",
    "softplus",
    "elu",
    "gelu",
    "gelu_tanh",
    "silu",
    "symbol",
    "number",
    "lambdify",
    "LAMBDIFY_MODULES",
]


def symbol(name: str) -> sympy.Symbol:
    """The SymPy symbol symnn uses for a variable: ``sympy.Symbol(name)``, the one a user writes."""
    return sympy.Symbol(name)


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


class DeclaredFunction(Function):
    """A SymPy function whose mathematics comes from one :class:`symnn.unary.UnaryOp`."""

    declaration: ClassVar[UnaryOp]

    @classmethod
    def eval(cls, x, *params):
        d = cls.declaration
        if len(params) < len(d.params):
            return cls(x, *params, *(number(v) for v in d.defaults[len(params):]))
        if d.exact is not None:
            value = d.exact(x, *params)
            if value is not None:
                return value
        if x.is_Float and all(p.is_number for p in params):
            return d.elementary(x, *params).evalf(prec_to_dps(x._prec))
        return None

    def fdiff(self, argindex=1):
        d = self.declaration
        if argindex == 1 and d.derivative is not None:
            return d.derivative(*self.args[:1], self, *self.args[1:])
        u = sympy.Dummy("u")
        args = list(self.args)
        args[argindex - 1] = u
        return sympy.diff(d.elementary(*args), u).subs(u, self.args[argindex - 1])

    def _eval_evalf(self, prec):
        if all(a.is_number for a in self.args):
            return self.declaration.elementary(*self.args)._eval_evalf(prec)
        return self.func(*(a.evalf(prec_to_dps(prec)) for a in self.args))

    def _eval_is_real(self):
        return fuzzy_and(a.is_real for a in self.args)

    def _eval_is_positive(self):
        if self.declaration.sign == "positive":
            return self.args[0].is_finite and self._eval_is_real() or None
        return None

    def _eval_is_nonnegative(self):
        if self.declaration.sign in ("positive", "nonnegative"):
            return self._eval_is_real() or None
        return None

    def _latex(self, printer, exp=None):
        if self.declaration.bars:
            inner = r"\left|{%s}\right|" % printer._print(self.args[0])
            return inner if exp is None else "%s^{%s}" % (inner, exp)
        head = self.declaration.latex
        if len(self.args) > 1:
            head += "_{%s}" % ", ".join(printer._print(p) for p in self.args[1:])
        if exp is not None:
            head += "^{%s}" % exp
        return head + r"\left(%s\right)" % printer._print(self.args[0])

    def _unicode(self, printer):
        """Textbook form for symnn's Unicode printer: σ(x), ReLU(x), LeakyReLU(x, 1/100), |x|."""
        if self.declaration.bars:
            return f"|{printer._print(self.args[0])}|"
        return f"{self.declaration.unicode}({', '.join(printer._print(a) for a in self.args)})"

    def _pythoncode(self, printer):
        """Code for lambdify: mpmath gets the elementary form (its precision); NumPy and math
        call the declaration's own array and float rules, so no name is left undefined."""
        from sympy.printing.numpy import NumPyPrinter
        from sympy.printing.pycode import MpmathPrinter

        if isinstance(printer, MpmathPrinter):
            return printer._print(self.declaration.elementary(*self.args))
        entry = "array_value" if isinstance(printer, NumPyPrinter) else "scalar_value"
        call = printer._module_format(f"symnn.unary.{entry}")
        args = ", ".join(printer._print(a) for a in self.args)
        return f"{call}({self.declaration.name!r}, {args})"

    _numpycode = _mpmathcode = _pythoncode


def _rewrite_method(form):
    def rewrite(self, *args, **hints):
        return form(*args)

    return rewrite


def _make_function(d: UnaryOp) -> type[DeclaredFunction]:
    namespace: dict[str, Any] = {
        "declaration": d,
        "nargs": (1, 1 + len(d.params)) if d.params else 1,
        "__module__": __name__,
        "__doc__": f"{d.label}: {d.doc}.",
    }
    for target, form in d.rewrites:
        namespace[f"_eval_rewrite_as_{target}"] = _rewrite_method(form)
    return type(d.name, (DeclaredFunction,), namespace)


_FUNCTIONS: dict[str, type[DeclaredFunction]] = {
    d.name: _make_function(d) for d in UNARY.values() if d.sympy_name is None
}
SYMPY_FUNCTIONS.update(_FUNCTIONS)  # the declarations' forms name them (softplus' = σ)
sigmoid = _FUNCTIONS["sigmoid"]
relu = _FUNCTIONS["relu"]
leaky_relu = _FUNCTIONS["leaky_relu"]
softplus = _FUNCTIONS["softplus"]
elu = _FUNCTIONS["elu"]
gelu = _FUNCTIONS["gelu"]
gelu_tanh = _FUNCTIONS["gelu_tanh"]
silu = _FUNCTIONS["silu"]


def sympy_function(name: str) -> Any:
    """The SymPy callable of a declared op: ``sympy.exp`` for "exp", :data:`sigmoid` for
    "sigmoid"."""
    d = UNARY[name]
    return getattr(sympy, d.sympy_name) if d.sympy_name is not None else _FUNCTIONS[name]


# name -> NumPy implementation, for sympy.lambdify(..., modules=[LAMBDIFY_MODULES, "numpy"])
LAMBDIFY_MODULES: dict[str, object] = {name: partial(array_value, name) for name in _FUNCTIONS}


def lambdify(args, expr):
    """``sympy.lambdify`` to NumPy, vectorized (symnn's functions print their own code).

    Every symbol is renamed (``_a0``, ``_a1``, ...) before code is generated, so a user's
    variable named ``maximum``, ``sign`` or ``array`` can never shadow a NumPy function the
    generated code calls."""
    args = list(args)
    expr = sympy.sympify(expr, strict=True)
    others = sorted(expr.free_symbols - set(args), key=lambda s: s.name)
    # plain symbols with a prefix no symbol of f uses (Dummy arguments would make lambdify
    # rebuild f once per argument, and a max of many arguments is costly to rebuild)
    taken = {s.name for s in expr.free_symbols} | {s.name for s in args}
    prefix = "_"
    while any(n.startswith(prefix) for n in taken):
        prefix += "_"
    renamed = {s: sympy.Symbol(f"{prefix}a{i}", **s.assumptions0) for i, s in enumerate(args)}
    renamed.update({s: sympy.Symbol(f"{prefix}p{i}", **s.assumptions0)
                    for i, s in enumerate(others)})
    return sympy.lambdify([renamed[s] for s in args], substitute(expr, renamed),
                          modules=[LAMBDIFY_MODULES, "numpy"], printer=_numpy_printer())


def _numpy_printer():
    """lambdify's NumPy printer, printing Heaviside(u, h) as ``numpy.heaviside(u, h)``: SymPy's
    own rewrites it as a Piecewise and simplifies the conditions, seconds for a max of many
    arguments."""
    return _numpy_printer_class()({"fully_qualified_modules": False, "inline": True,
                                   "allow_unknown_functions": True,
                                   "user_functions": {k: k for k in LAMBDIFY_MODULES}})


@cache
def _numpy_printer_class() -> type:
    from sympy.printing.numpy import NumPyPrinter

    class Printer(NumPyPrinter):
        def _print_Heaviside(self, expr):
            u, h = expr.args
            return f"{self._module_format('numpy.heaviside')}({self._print(u)}, {self._print(h)})"

    return Printer
