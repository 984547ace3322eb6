"""Deciding the sign of an expression on a domain, for the convexity checker.

Signs are sets of possible values of sign(g) over the domain's interior: {1} positive,
{0, 1} non-negative, {-1, 0, 1} unknown, and so on. Three tools are tried in turn: SymPy's
assumptions after rewriting each symbol through a positive parameter that sweeps its interval
(x in (a, b) becomes (a + b u) / (1 + u) with u > 0), inequality solving for one symbol, and
the structure of the expression (products multiply signs, even powers are non-negative, a sum of
non-negative terms is non-negative).
"""

from __future__ import annotations

import sympy as sp

from symnn.symbolic.degree import high_power
from symnn.symbolic.domain import Domain

__all__ = ["SignOracle", "SOLVER_ERRORS", "POS", "NEG", "ZERO", "NONNEG", "NONPOS", "ANY",
           "sign_words"]

POS = frozenset({1})
NEG = frozenset({-1})
ZERO = frozenset({0})
NONNEG = frozenset({0, 1})
NONPOS = frozenset({-1, 0})
NONZERO = frozenset({-1, 1})
ANY = frozenset({-1, 0, 1})

_WORDS = {POS: "positive", NEG: "negative", ZERO: "zero", NONNEG: "non-negative",
          NONPOS: "non-positive", NONZERO: "non-zero", ANY: "of unknown sign"}

# expressions larger than this are not handed to the univariate inequality solver (it can be
# very slow on big transcendental expressions); the other tools still apply
_SOLVER_MAX_OPS = 60


# SymPy's solvers fail on inputs they cannot handle with many exception types (including
# RecursionError); for these best-effort tools a failure only means "no answer from this tool"
SOLVER_ERRORS = (NotImplementedError, ValueError, TypeError, AttributeError, RecursionError,
                  sp.polys.polyerrors.PolynomialError)


def sign_words(s: frozenset) -> str:
    """``{0, 1}`` -> ``"non-negative"`` and so on."""
    return _WORDS[s]


def _from_assumptions(g: sp.Expr) -> frozenset | None:
    if g.is_zero:
        return ZERO
    if g.is_positive:
        return POS
    if g.is_negative:
        return NEG
    if g.is_nonnegative:
        return NONNEG
    if g.is_nonpositive:
        return NONPOS
    return None


class SignOracle:
    """Answers "what sign can g take on the interior of this domain?" for SymPy expressions
    whose symbols are real and named as in the domain."""

    def __init__(self, domain: Domain) -> None:
        self.domain = domain
        self._cache: dict[sp.Expr, frozenset] = {}

    # -- substitution of each symbol by a positive sweep of its interval -------------------
    def _sweep(self, sym: sp.Symbol) -> sp.Expr:
        interval = self.domain.interval(sym.name)
        u = sp.Symbol(f"_{sym.name}_u", positive=True)
        if interval == sp.S.Reals:
            return sp.Symbol(sym.name, real=True)
        lo, hi = interval.inf, interval.sup
        if lo == -sp.oo:
            return hi - u
        if hi == sp.oo:
            return lo + u
        return (lo + hi * u) / (1 + u)

    def _swept(self, g: sp.Expr) -> sp.Expr:
        return g.xreplace({s: self._sweep(s) for s in g.free_symbols})

    def _interior(self, sym: sp.Symbol) -> sp.Set:
        interval = self.domain.interval(sym.name)
        if interval == sp.S.Reals:
            return interval
        return sp.Interval.open(interval.inf, interval.sup)

    def _univariate(self, g: sp.Expr) -> frozenset | None:
        (sym,) = g.free_symbols
        if sp.count_ops(g) > _SOLVER_MAX_OPS or self.domain.constraints:
            return None
        interior = self._interior(sym)
        try:
            neg = sp.solve_univariate_inequality(g < 0, sym, relational=False, domain=interior)
            pos = sp.solve_univariate_inequality(g > 0, sym, relational=False, domain=interior)
        except SOLVER_ERRORS:
            return None
        if not isinstance(neg, sp.Set) or not isinstance(pos, sp.Set):
            return None
        out = set()
        if neg is not sp.S.EmptySet:
            out.add(-1)
        if pos is not sp.S.EmptySet:
            out.add(1)
        if pos.union(neg) != interior:
            out.add(0)
        return frozenset(out) if out else ZERO

    def sign(self, g: sp.Expr) -> frozenset:
        """The set of signs g can take on the domain's interior (ANY when undecided)."""
        g = sp.sympify(g, strict=True)  # expressions and numbers only: strict refuses text
        if g in self._cache:
            return self._cache[g]
        self._cache[g] = ANY  # guards against factor() giving back an equivalent form
        result = self._sign(g)
        self._cache[g] = result
        return result

    def _sign(self, g: sp.Expr) -> frozenset:
        if g.is_number:
            if g.is_zero:
                return ZERO
            value = sp.re(g.evalf(30))
            return POS if value > 0 else NEG if value < 0 else ZERO
        weak = None
        exact = high_power(g) is None  # no factoring or solving at huge degrees
        factored = sp.factor(g) if exact else g
        for form in (g, factored) if exact else (g,):
            found = _from_assumptions(self._swept(form))
            if found in (POS, NEG, ZERO):
                return found
            weak = weak or found
        if exact and len(g.free_symbols) == 1:
            found = self._univariate(g)
            if found is not None:
                return found
        structural = self._structural(factored)
        if structural != ANY:
            return structural
        return weak if weak is not None else ANY

    def _structural(self, g: sp.Expr) -> frozenset:
        if g.is_Mul:
            signs = [self.sign(a) for a in g.args]
            out = {1}
            for s in signs:
                out = {a * b for a in out for b in s}
            return frozenset(out)
        if g.is_Pow:
            base, exp = g.args
            b = self.sign(base)
            if exp.is_integer and exp.is_number:
                n = int(exp)
                if n % 2 == 0:
                    s = {abs(v) for v in b}
                else:
                    s = set(b)
                if n < 0:
                    s.discard(0)  # a negative power is never zero where it is defined
                return frozenset(s) if s else ANY
            if b <= NONNEG:
                return POS if exp.is_negative or b == POS else NONNEG
            return ANY
        if g.is_Add:
            signs = [self.sign(a) for a in g.args]
            if all(s <= NONNEG for s in signs):
                return POS if any(s == POS for s in signs) else (
                    ZERO if all(s == ZERO for s in signs) else NONNEG)
            if all(s <= NONPOS for s in signs):
                return NEG if any(s == NEG for s in signs) else (
                    ZERO if all(s == ZERO for s in signs) else NONPOS)
            return ANY
        if isinstance(g, sp.exp):
            return POS
        if isinstance(g, sp.log):
            return self.sign(g.args[0] - 1)
        if isinstance(g, sp.Abs):
            inner = self.sign(g.args[0])
            return POS if 0 not in inner else NONNEG
        return ANY
