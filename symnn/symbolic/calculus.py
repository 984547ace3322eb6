"""Calculus behind learning: secant slopes converging to the tangent, the product and chain
rules shown on a typed function, the gradient vector and the Hessian.

Every function takes a SymPy expression or text (read by ``symnn.parse``). Secant slopes are
computed in exact rational arithmetic, so the table shows the limit, not rounding error. Each
runs under a time limit (``time_limit`` seconds, :data:`TIME_LIMIT` by default) and raises
``symnn.symbolic.budget.BudgetExceeded`` ("gave up after N s: ...") when SymPy needs longer.
"""

from __future__ import annotations

import functools
import re

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import sympy as sp

from symnn.symbolic.budget import Budget

__all__ = ["secant_slopes", "SecantTable", "derivative", "product_rule", "chain_rule",
           "RuleDemo", "gradient", "hessian"]

DEFAULT_STEPS = ("1", "0.1", "0.01", "0.001", "0.0001", "0.00001", "0.000001")
#: seconds each helper may spend in SymPy
TIME_LIMIT = 10.0


def _time_limited(what: str):
    """Give a helper a ``time_limit`` keyword: its SymPy work runs under a Budget."""
    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, time_limit: float | None = TIME_LIMIT, **kwargs):
            with Budget(time_limit, what):
                return fn(*args, **kwargs)

        return wrapper

    return decorate


def _expr(f: object) -> sp.Expr:
    if isinstance(f, str):
        from symnn.symbolic.parser import parse

        return parse(f)
    if isinstance(f, sp.Basic):
        return f
    raise TypeError(f"expected a SymPy expression or text, got {type(f).__name__}")


def _symbol(expr: sp.Expr, variable: str | sp.Symbol | None) -> sp.Symbol:
    syms = {s.name: s for s in expr.free_symbols}
    if variable is None:
        if len(syms) != 1:
            raise ValueError(f"{sp.sstr(expr)} has variables {sorted(syms) or 'none'}; say "
                             f"which one to differentiate with respect to")
        return next(iter(syms.values()))
    name = variable if isinstance(variable, str) else variable.name
    return syms.get(name, sp.Symbol(name, real=True))


def _symbols(expr: sp.Expr, variables: Iterable[str | sp.Symbol] | None) -> list[sp.Symbol]:
    if variables is None:
        return sorted(expr.free_symbols, key=lambda s: s.name)
    return [_symbol(expr, v) for v in variables]


@_time_limited("differentiating f")
def derivative(f: object, variable: str | sp.Symbol | None = None) -> sp.Expr:
    """The derivative function df/dx as a SymPy expression."""
    expr = _expr(f)
    return sp.diff(expr, _symbol(expr, variable))


@dataclass(frozen=True)
class SecantTable:
    """Secant slopes (f(x0 + h) - f(x0)) / h for shrinking h, beside the tangent slope f'(x0)."""

    expression: sp.Expr
    variable: sp.Symbol
    at: sp.Expr
    tangent: float
    tangent_exact: sp.Expr
    rows: tuple[tuple[float, float, float], ...]  # (h, secant slope, slope - tangent)

    def __str__(self) -> str:
        x = self.variable.name
        lines = [f"f({x}) = {sp.sstr(self.expression)},  {x}0 = {sp.sstr(self.at)},  "
                 f"tangent slope f'({x}0) = {sp.sstr(self.tangent_exact)} = {self.tangent:.10g}",
                 f"{'h':>10}  {'secant slope':>18}  {'secant - tangent':>18}"]
        lines += [f"{h:>10.0e}  {s:>18.10g}  {e:>18.3e}" for h, s, e in self.rows]
        return "\n".join(lines)

    def to_latex(self) -> str:
        x = sp.latex(self.variable)
        rows = " \\\\\n".join(f"{sp.latex(sp.Float(h, 3))} & {s:.10g} & {e:.3e}"
                              for h, s, e in self.rows)
        return (f"\\frac{{f({x}_0 + h) - f({x}_0)}}{{h}} \\to f'({x}_0) = "
                f"{sp.latex(self.tangent_exact)}\n"
                "\\begin{array}{rrr}\nh & \\text{secant slope} & \\text{error} \\\\\n"
                f"{rows}\n\\end{{array}}")


@_time_limited("computing the secant slopes")
def secant_slopes(f: object, at: float | str, variable: str | sp.Symbol | None = None,
                  steps: Sequence[float | str] = DEFAULT_STEPS) -> SecantTable:
    """Average slopes over [x0, x0 + h] for shrinking h: they approach the tangent slope f'(x0).

    The slopes are computed exactly (x0 and h as rationals), so the difference to the tangent
    shrinks like h (the f''(x0) h / 2 term of Taylor's formula) all the way down.
    """
    expr = _expr(f)
    x = _symbol(expr, variable)
    x0 = sp.Rational(str(at))
    fx0 = expr.subs(x, x0)
    tangent_exact = sp.simplify(sp.diff(expr, x).subs(x, x0))
    tangent = float(tangent_exact.evalf(30))
    rows = []
    for step in steps:
        h = sp.Rational(str(step))
        if h == 0:
            raise ValueError("secant step h must be non-zero")
        slope = ((expr.subs(x, x0 + h) - fx0) / h).evalf(30)
        rows.append((float(h), float(slope), float((slope - tangent_exact).evalf(30))))
    return SecantTable(expr, x, x0, tangent, tangent_exact, tuple(rows))


@dataclass(frozen=True)
class RuleDemo:
    """A differentiation rule shown on a function: its parts, the rule with them filled in,
    the result, and ``agrees``: whether the result equals SymPy's own derivative."""

    rule: str
    expression: sp.Expr
    variable: sp.Symbol
    parts: tuple[tuple[str, sp.Expr], ...]
    assembled: sp.Expr
    result: sp.Expr
    agrees: bool
    formula: str
    formula_latex: str

    def __str__(self) -> str:
        x = self.variable.name
        lines = [f"{self.rule} for f({x}) = {sp.sstr(self.expression)}:  {self.formula}"]
        lines += [f"  {name} = {sp.sstr(value)}" for name, value in self.parts]
        lines.append(f"  f'({x}) = {sp.sstr(self.assembled)}")
        lines.append(f"        = {sp.sstr(self.result)}")
        return "\n".join(lines)

    def to_latex(self) -> str:
        rows = [self.formula_latex]
        rows += [f"{_latex_name(name)} &= {sp.latex(value)}" for name, value in self.parts]
        rows.append(f"f'({sp.latex(self.variable)}) &= {sp.latex(self.assembled)} "
                    f"= {sp.latex(self.result)}")
        return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"


def _latex_name(name: str) -> str:
    """u1 -> u_{1}, g2'(u2) -> g_{2}^{\\prime}(u_{2})."""
    return re.sub(r"([a-z])(\d+)", r"\1_{\2}", name).replace("'", "^{\\prime}")


@_time_limited("applying the product rule")
def product_rule(f: object, variable: str | sp.Symbol | None = None) -> RuleDemo:
    """(u v)' = u' v + u v' on a product: u is the first factor that depends on the variable,
    v the product of the others."""
    expr = _expr(f)
    x = _symbol(expr, variable)
    if not expr.is_Mul:
        raise ValueError(f"{sp.sstr(expr)} is not a product; the product rule needs u*v")
    const = sp.Mul(*[a for a in expr.args if x not in a.free_symbols])
    factors = [a for a in expr.args if x in a.free_symbols]
    if len(factors) < 2:
        raise ValueError(f"{sp.sstr(expr)} has fewer than two factors depending on {x.name}")
    u, v = const * factors[0], sp.Mul(*factors[1:])
    du, dv = sp.diff(u, x), sp.diff(v, x)
    assembled = sp.Add(sp.Mul(du, v, evaluate=False), sp.Mul(u, dv, evaluate=False),
                       evaluate=False)
    result = sp.simplify(du * v + u * dv)
    agrees = sp.simplify(result - sp.diff(expr, x)) == 0
    return RuleDemo("product rule", expr, x, (("u", u), ("v", v), ("u'", du), ("v'", dv)),
                    assembled, result, agrees, "(u v)' = u' v + u v'",
                    "(u v)^{\\prime} &= u^{\\prime} v + u v^{\\prime}")


def _outer_inner(expr: sp.Expr, x: sp.Symbol) -> tuple[sp.Expr, sp.Expr, sp.Symbol] | None:
    """Split expr = g(h(x)): the outer function g(u) and the inner h, or None."""
    u = sp.Dummy("u", real=True)
    if isinstance(expr, sp.Function) and len(expr.args) >= 1:
        inner = expr.args[0]
        if inner != x and x in inner.free_symbols and all(
                x not in a.free_symbols for a in expr.args[1:]):
            return expr.func(u, *expr.args[1:]), inner, u
    if expr.is_Pow:
        base, exp = expr.args
        if base != x and x in base.free_symbols and x not in exp.free_symbols:
            return u**exp, base, u
    if expr.is_Mul or expr.is_Add:
        rest = [a for a in expr.args if x in a.free_symbols]
        if len(rest) == 1:
            split = _outer_inner(rest[0], x)
            if split is not None:
                outer, inner, uu = split
                others = [a for a in expr.args if x not in a.free_symbols]
                combine = sp.Mul if expr.is_Mul else sp.Add
                return combine(*others, outer), inner, uu
    return None


@_time_limited("applying the chain rule")
def chain_rule(f: object, variable: str | sp.Symbol | None = None) -> RuleDemo:
    """(g(h(x)))' = g'(h(x)) h'(x) on a composite function, one link per nesting level."""
    expr = _expr(f)
    x = _symbol(expr, variable)
    links: list[tuple[sp.Expr, sp.Expr]] = []  # (outer derivative at the inner value, inner)
    current = expr
    parts: list[tuple[str, sp.Expr]] = []
    while True:
        split = _outer_inner(current, x)
        if split is None:
            break
        outer, inner, u = split
        d_outer = sp.diff(outer, u).subs(u, inner)
        k = len(links) + 1
        parts += [(f"u{k}", inner), (f"g{k}'(u{k})", d_outer)]
        links.append((d_outer, inner))
        current = inner
    if not links:
        raise ValueError(f"{sp.sstr(expr)} is not a composition g(h({x.name})); the chain "
                         f"rule needs a function applied to an expression in {x.name}")
    d_last = sp.diff(current, x)
    parts.append((f"u{len(links)}'", d_last))
    assembled = sp.Mul(*[d for d, _ in links], d_last, evaluate=False)
    result = sp.simplify(sp.Mul(*[d for d, _ in links]) * d_last)
    agrees = sp.simplify(result - sp.diff(expr, x)) == 0
    return RuleDemo("chain rule", expr, x, tuple(parts), assembled, result, agrees,
                    "(g(h(x)))' = g'(h(x)) h'(x)",
                    "(g(h(x)))^{\\prime} &= g^{\\prime}(h(x))\\, h^{\\prime}(x)")


def _numeric(matrix: sp.Matrix, syms: list[sp.Symbol],
             at: Mapping[str, float] | Sequence[float]) -> np.ndarray:
    values = at if isinstance(at, Mapping) else dict(zip([s.name for s in syms], at))
    missing = [s.name for s in syms if s.name not in values]
    if missing:
        raise ValueError(f"no value given for {', '.join(missing)}")
    subs = {s: sp.Rational(str(values[s.name])) for s in syms}
    return np.array(matrix.xreplace(subs).evalf(30).tolist(), dtype=float)


@_time_limited("differentiating f (the gradient)")
def gradient(f: object, variables: Iterable[str | sp.Symbol] | None = None,
             at: Mapping[str, float] | Sequence[float] | None = None,
             ) -> sp.Matrix | np.ndarray:
    """The gradient (vector of partial derivatives, variables in sorted name order by
    default) as a SymPy column; with ``at`` (a mapping or values in variable order), a NumPy
    vector."""
    expr = _expr(f)
    syms = _symbols(expr, variables)
    grad = sp.Matrix([sp.diff(expr, s) for s in syms])
    return grad if at is None else _numeric(grad, syms, at).reshape(-1)


@_time_limited("differentiating f twice (the Hessian)")
def hessian(f: object, variables: Iterable[str | sp.Symbol] | None = None,
            at: Mapping[str, float] | Sequence[float] | None = None,
            ) -> sp.Matrix | np.ndarray:
    """The Hessian matrix of second partial derivatives; with ``at``, a NumPy array."""
    expr = _expr(f)
    syms = _symbols(expr, variables)
    H = sp.hessian(expr, syms)
    return H if at is None else _numeric(H, syms, at)

