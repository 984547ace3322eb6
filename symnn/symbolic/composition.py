"""Composition rules for curvature, in the style of disciplined convex programming (DCP).

The rules, applied from the leaves up:
  * a constant or an affine expression is both convex and concave;
  * a sum of convex terms is convex; a non-negative multiple keeps the curvature, a negative
    multiple flips it;
  * h(u) is convex when h is convex and either u is affine, or h is non-decreasing and u is
    convex, or h is non-increasing and u is concave (and the mirror rules for concave h).
The atoms h: exp, log, powers (by exponent and the sign of the base), abs, max, min,
log-sum-exp ``log(c0 + c1 exp(u1) + ...)`` and the Euclidean norm ``sqrt(sum of squares of
affine terms)``. A rule that does not apply answers ``unknown``; it is a proof system, not a
guess.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from symnn.symbolic.degree import high_power
from symnn.symbolic.readable import math_text
from symnn.symbolic.sign import NEG, NONNEG, NONPOS, POS, SignOracle

__all__ = ["Step", "curvature", "CONSTANT", "AFFINE", "CONVEX", "CONCAVE", "UNKNOWN"]

CONSTANT, AFFINE, CONVEX, CONCAVE, UNKNOWN = "constant", "affine", "convex", "concave", "unknown"
_INC, _DEC, _NONE = "non-decreasing", "non-increasing", "not monotone"


@dataclass(frozen=True)
class Step:
    """One line of a reason, in plain text and in LaTeX."""

    text: str
    latex: str


def is_convex_kind(kind: str) -> bool:
    return kind in (CONSTANT, AFFINE, CONVEX)


def is_concave_kind(kind: str) -> bool:
    return kind in (CONSTANT, AFFINE, CONCAVE)


def _flip(kind: str) -> str:
    return {CONVEX: CONCAVE, CONCAVE: CONVEX}.get(kind, kind)


def _power(p: sp.Expr) -> str:
    """u raised to ``p`` as a learner reads it: u⁴, √u, 1/u, u^(3/2)."""
    return math_text(sp.Symbol("u") ** p)


def _tex_text(s: str) -> str:
    return r"\text{" + s.replace("_", r"\_") + "}"


class _Rules:
    def __init__(self, variables: set[sp.Symbol], oracle: SignOracle) -> None:
        self.variables = variables
        self.oracle = oracle
        self.steps: list[Step] = []

    def note(self, expr: sp.Expr, kind: str, why: str) -> None:
        self.steps.append(Step(
            f"{math_text(expr)} is {kind}: {why}",
            rf"{sp.latex(expr)}\ {_tex_text(f' is {kind}: {why}')}"))

    def kind(self, e: sp.Expr) -> str:
        if not (e.free_symbols & self.variables):
            return CONSTANT
        if e.is_Symbol:
            return AFFINE
        if e.is_Add:
            return self._add(e)
        if e.is_Mul:
            return self._mul(e)
        if e.is_Pow:
            return self._pow(e)
        if isinstance(e, sp.exp):
            return self._compose(e, CONVEX, _INC, [e.args[0]], "exp")
        if isinstance(e, sp.log):
            lse = self._log_sum_exp(e)
            if lse is not None:
                return lse
            split = self._split_log(e.args[0])
            if split is not None:
                kind = self.kind(split)
                if kind != UNKNOWN:
                    self.note(e, kind, f"it equals {math_text(split)} (the log of a product or "
                                       f"quotient of positive factors)")
                return kind
            return self._compose(e, CONCAVE, _INC, [e.args[0]], "log")
        if isinstance(e, sp.Abs):
            s = self.oracle.sign(e.args[0])
            mono = _INC if s <= NONNEG else _DEC if s <= NONPOS else _NONE
            return self._compose(e, CONVEX, mono, [e.args[0]], "abs")
        if isinstance(e, sp.Max):
            return self._compose(e, CONVEX, _INC, list(e.args), "max")
        if isinstance(e, sp.Min):
            return self._compose(e, CONCAVE, _INC, list(e.args), "min")
        return UNKNOWN

    def _add(self, e: sp.Expr) -> str:
        kinds = [self.kind(a) for a in e.args]
        if all(k in (CONSTANT, AFFINE) for k in kinds):
            return AFFINE
        curved = sum(k in (CONVEX, CONCAVE) for k in kinds)
        for target, test in ((CONVEX, is_convex_kind), (CONCAVE, is_concave_kind)):
            if all(test(k) for k in kinds):
                if curved > 1:
                    self.note(e, target, f"a sum of {target} terms is {target}")
                return target
        return UNKNOWN

    def _mul(self, e: sp.Expr) -> str:
        const = [a for a in e.args if not (a.free_symbols & self.variables)]
        rest = [a for a in e.args if a.free_symbols & self.variables]
        if len(rest) != 1:
            if high_power(e) is not None:  # Poly would store every coefficient
                return UNKNOWN
            poly = e.as_poly(*sorted(self.variables, key=lambda s: s.name))
            return AFFINE if poly is not None and poly.total_degree() <= 1 else UNKNOWN
        inner = self.kind(rest[0])
        if inner in (CONSTANT, AFFINE, UNKNOWN):
            return inner
        c = sp.Mul(*const)
        s = self.oracle.sign(c)
        if s <= NONNEG:
            return inner
        if s <= NONPOS:
            flipped = _flip(inner)
            word = "negative" if s == NEG else "non-positive"
            self.note(e, flipped, f"a {word} multiple of a {inner} function is {flipped}")
            return flipped
        return UNKNOWN

    def _pow(self, e: sp.Expr) -> str:
        base, p = e.args
        if p.free_symbols & self.variables:
            if not (base.free_symbols & self.variables) and self.oracle.sign(base) == POS:
                return self.kind(sp.exp(p * sp.log(base), evaluate=False))
            return UNKNOWN
        if not p.is_number or not p.is_real:
            return UNKNOWN
        if p == 1:
            return self.kind(base)
        if p == sp.Rational(1, 2) and self._is_sum_of_squares(base):
            self.note(e, CONVEX, "the Euclidean norm of affine functions is convex")
            return CONVEX
        s = self.oracle.sign(base)
        integer = p.is_integer
        if integer and p > 0 and int(p) % 2 == 0:
            mono = _INC if s <= NONNEG else _DEC if s <= NONPOS else _NONE
            return self._compose(e, CONVEX, mono, [base], f"the even power {_power(p)}")
        if p > 1 and s <= NONNEG:
            return self._compose(e, CONVEX, _INC, [base],
                                 f"{_power(p)} for u ≥ 0")
        if integer and p > 1 and s <= NONPOS:
            return self._compose(e, CONCAVE, _INC, [base],
                                 f"the odd power {_power(p)} for u ≤ 0")
        if 0 < p < 1 and s <= NONNEG:
            return self._compose(e, CONCAVE, _INC, [base],
                                 f"{_power(p)} for u ≥ 0")
        if p < 0 and s == POS:
            return self._compose(e, CONVEX, _DEC, [base],
                                 f"{_power(p)} for u > 0")
        if p < 0 and integer and s <= NONPOS and 0 not in s:
            if int(p) % 2 == 0:
                return self._compose(e, CONVEX, _INC, [base],
                                     f"{_power(p)} for u < 0")
            return self._compose(e, CONCAVE, _DEC, [base],
                                 f"{_power(p)} for u < 0")
        return UNKNOWN

    def _is_sum_of_squares(self, e: sp.Expr) -> bool:
        terms = e.args if e.is_Add else (e,)
        for t in terms:
            c, rest = t.as_independent(*self.variables, as_Add=False)
            if self.oracle.sign(c) != POS or not (rest.is_Pow and rest.exp == 2):
                return False
            if self.kind(rest.base) not in (CONSTANT, AFFINE):
                return False
        return True

    def _split_log(self, u: sp.Expr) -> sp.Expr | None:
        """log(a b / c) = log a + log b - log c and log(exp(v)) = v, for positive factors;
        None when u is a single factor (nothing to split) or a factor's sign is unknown.
        This turns log(sigmoid(z)) = log(1 / (1 + exp(-z))) into -log(1 + exp(-z))."""
        num, den = sp.fraction(sp.together(u))
        factors = ([(f, 1) for f in sp.Mul.make_args(num)]
                   + [(f, -1) for f in sp.Mul.make_args(den)])
        factors = [(f, k) for f, k in factors if f != 1]
        single = len(factors) == 1 and factors[0][1] == 1
        if not factors or (single and not isinstance(factors[0][0], (sp.exp, sp.Pow))):
            return None
        terms = []
        for f, k in factors:
            if isinstance(f, sp.exp):
                terms.append(k * f.args[0])
            elif f.is_Pow and f.exp.is_number and self.oracle.sign(f.base) == POS:
                terms.append(k * f.exp * sp.log(f.base))
            elif self.oracle.sign(f) == POS:
                terms.append(k * sp.log(f))
            else:
                return None
        return sp.Add(*terms)

    def _log_sum_exp(self, e: sp.log) -> str | None:
        arg = e.args[0]
        terms = arg.args if arg.is_Add else (arg,)
        exponents = []
        for t in terms:
            c, rest = t.as_independent(*self.variables, as_Add=False)
            if rest == 1:
                if self.oracle.sign(c) != POS:
                    return None
                continue
            if not isinstance(rest, sp.exp) or self.oracle.sign(c) != POS:
                return None
            exponents.append(rest.args[0])
        if not exponents or len(terms) < 2:
            return None
        return self._compose(e, CONVEX, _INC, exponents,
                             "log-sum-exp")

    def _compose(self, e: sp.Expr, outer: str, mono: str, args: list[sp.Expr], atom: str) -> str:
        kinds = [self.kind(a) for a in args]
        if all(k == CONSTANT for k in kinds):
            return CONSTANT
        if UNKNOWN in kinds:
            return UNKNOWN
        ok = []
        for k in kinds:
            if k in (CONSTANT, AFFINE):
                ok.append("affine")
            elif outer == CONVEX and ((mono == _INC and k == CONVEX)
                                      or (mono == _DEC and k == CONCAVE)):
                ok.append(k)
            elif outer == CONCAVE and ((mono == _INC and k == CONCAVE)
                                       or (mono == _DEC and k == CONVEX)):
                ok.append(k)
            else:
                return UNKNOWN
        several = len(args) > 1
        its = "its arguments are" if several else "its argument is"
        if all(k == "affine" for k in ok):
            self.note(e, outer, f"{atom} is {outer}, and {its} affine")
        else:
            inner = " and ".join(sorted(set(ok)))
            self.note(e, outer, f"{atom} is {outer} and {mono}"
                                f"{' in each argument' if several else ''}, and {its} {inner}")
        return outer


def curvature(expr: sp.Expr, variables: set[sp.Symbol],
              oracle: SignOracle) -> tuple[str, list[Step]]:
    """Curvature of ``expr`` in ``variables`` by composition rules: one of constant, affine,
    convex, concave, unknown, with the rules used (innermost first)."""
    rules = _Rules(set(variables), oracle)
    kind = rules.kind(expr)
    return kind, rules.steps if kind != UNKNOWN else []
