"""Domains for the convexity checker: typed conditions such as ``"x > 0"`` or ``"p > 0, p < 1"``.

A domain is a list of comparisons joined by commas; a chained comparison (``"0 < p < 1"``) counts
as two. Each side of a comparison is read by the whitelist parser ``symnn.parse``, so a domain
string is never evaluated as Python. A condition on one symbol becomes an interval for that
symbol; a condition on several symbols must be linear (a half-space), so the domain stays
convex, as convexity requires. With no condition a symbol ranges over all real numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from symnn.symbolic.degree import MAX_EXACT_DEGREE, high_power
from symnn.symbolic.functions import lambdify

__all__ = ["Domain", "DomainError", "parse_domain", "MAX_CONDITIONS", "MAX_DOMAIN_LENGTH"]

#: the most conditions, and the longest text, a typed domain may have
MAX_CONDITIONS = 50
MAX_DOMAIN_LENGTH = 2000
# functions whose conditions hold on infinitely many separate intervals (sin(x) > 0)
_PERIODIC = (sp.sin, sp.cos, sp.tan, sp.cot, sp.sec, sp.csc)

# longest operators first so that "<=" is not read as "<" followed by "="
_COMPARISON = re.compile(r"<=|>=|=<|=>|≤|≥|<|>")
_OPS = {
    "<": sp.StrictLessThan, ">": sp.StrictGreaterThan,
    "<=": sp.LessThan, "=<": sp.LessThan, "≤": sp.LessThan,
    ">=": sp.GreaterThan, "=>": sp.GreaterThan, "≥": sp.GreaterThan,
}


class DomainError(ValueError):
    """A domain that cannot be read or is not a convex set; ``position`` is a 0-based index
    into the domain text (or None when the problem is not tied to one place)."""

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.position = position


@dataclass(frozen=True)
class Domain:
    """The set on which a function is studied: one interval per named symbol (all reals when a
    symbol is not mentioned) and possibly linear conditions joining several symbols."""

    intervals: Mapping[str, sp.Set] = field(default_factory=dict)
    constraints: tuple[sp.Rel, ...] = ()
    text: str = ""

    def interval(self, name: str) -> sp.Set:
        """The interval of values allowed for the symbol ``name`` (all reals by default)."""
        return self.intervals.get(name, sp.S.Reals)

    @property
    def is_default(self) -> bool:
        return not self.intervals and not self.constraints

    def describe(self, names: Iterable[str]) -> str:
        """Plain-text description, e.g. ``"x > 0"`` or ``"all real x, y (the default)"``."""
        names = list(names)
        if self.is_default:
            return f"all real {', '.join(names)} (the default domain)" if names else "all reals"
        parts = [_interval_text(n, self.intervals[n]) for n in sorted(self.intervals)]
        parts += [sp.sstr(c) for c in self.constraints]
        free = [n for n in names if n not in self.intervals]
        if free:
            parts.append(f"{', '.join(free)} real")
        return ", ".join(parts)

    def describe_latex(self, names: Iterable[str]) -> str:
        names = list(names)
        if self.is_default:
            return r"\mathbb{R}" if len(names) <= 1 else rf"\mathbb{{R}}^{{{len(names)}}}"
        parts = [rf"{sp.latex(sp.Symbol(n))} \in {sp.latex(self.intervals[n])}"
                 for n in sorted(self.intervals)]
        parts += [sp.latex(c) for c in self.constraints]
        return r",\ ".join(parts)

    def window(self, name: str, default: tuple[float, float] = (-2.0, 2.0),
               span: float = 4.0) -> tuple[float, float]:
        """A finite range of ``name`` inside the domain for plots and chords: the interval itself
        when bounded, ``span`` wide from a finite end, ``default`` on all reals; open ends are
        moved inwards by a thousandth of the range (``1/x`` on x > 0 never touches its pole)."""
        interval = self.interval(name)
        lo, hi = float(interval.inf), float(interval.sup)
        if np.isinf(lo) and np.isinf(hi):
            lo, hi = default
        elif np.isinf(lo):
            lo = hi - span
        elif np.isinf(hi):
            hi = lo + span
        inset = (hi - lo) * 1e-3
        if interval.left_open and np.isfinite(float(interval.inf)):
            lo += inset
        if interval.right_open and np.isfinite(float(interval.sup)):
            hi -= inset
        return lo, hi

    def contains(self, names: list[str], values: np.ndarray) -> np.ndarray:
        """Boolean mask over rows of ``values`` (shape (n, len(names))): inside the domain?"""
        values = np.asarray(values, dtype=float)
        mask = np.ones(values.shape[0], dtype=bool)
        for j, name in enumerate(names):
            mask &= _in_interval(self.interval(name), values[:, j])
        for cond in self.constraints:
            syms = sorted(cond.free_symbols, key=lambda s: s.name)
            missing = [s.name for s in syms if s.name not in names]
            if missing:
                continue
            fn = lambdify(syms, cond.lhs - cond.rhs)
            diff = np.broadcast_to(
                np.asarray(fn(*[values[:, names.index(s.name)] for s in syms]), float),
                mask.shape)
            mask &= _REL_TEST[type(cond)](diff)
        return mask


_REL_TEST = {
    sp.StrictLessThan: lambda d: d < 0,
    sp.LessThan: lambda d: d <= 0,
    sp.StrictGreaterThan: lambda d: d > 0,
    sp.GreaterThan: lambda d: d >= 0,
}


def _in_interval(interval: sp.Set, v: np.ndarray) -> np.ndarray:
    if interval == sp.S.Reals:
        return np.ones(v.shape, dtype=bool)
    lo, hi = float(interval.inf), float(interval.sup)
    ok = (v > lo) if interval.left_open else (v >= lo)
    return ok & ((v < hi) if interval.right_open else (v <= hi))


def _interval_text(name: str, interval: sp.Set) -> str:
    lo, hi = interval.inf, interval.sup
    left = "<" if interval.left_open else "<="
    right = "<" if interval.right_open else "<="
    if lo == -sp.oo and hi == sp.oo:
        return f"{name} real"
    if lo == -sp.oo:
        return f"{name} {right} {sp.sstr(hi)}"
    if hi == sp.oo:
        return f"{name} {'>' if interval.left_open else '>='} {sp.sstr(lo)}"
    if lo == hi:
        return f"{name} = {sp.sstr(lo)}"
    return f"{sp.sstr(lo)} {left} {name} {right} {sp.sstr(hi)}"


def _split_top_level(text: str) -> list[tuple[int, str]]:
    """Split at commas (and semicolons) outside parentheses; keep each piece's offset."""
    pieces, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch in ",;" and depth == 0:
            pieces.append((start, text[start:i]))
            start = i + 1
    pieces.append((start, text[start:]))
    return pieces


def _parse_side(text: str, offset: int) -> sp.Expr:
    from symnn.symbolic.parser import ParseError, parse

    stripped = text.strip()
    lead = len(text) - len(text.lstrip())
    if not stripped:
        raise DomainError(f"missing expression at position {offset}", offset)
    try:
        return parse(stripped)
    except ParseError as exc:
        pos = getattr(exc, "position", None)
        where = offset + lead + (pos or 0)
        raise DomainError(f"cannot read {stripped!r} at position {where}: {exc}", where) from exc


def _conditions_from_text(text: str) -> list[sp.Rel]:
    if len(text) > MAX_DOMAIN_LENGTH:
        raise DomainError(f"the domain is {len(text)} characters long; at most "
                          f"{MAX_DOMAIN_LENGTH} are read", MAX_DOMAIN_LENGTH)
    pieces = _split_top_level(text)
    if len(pieces) > MAX_CONDITIONS:
        raise DomainError(f"the domain has {len(pieces)} conditions; at most {MAX_CONDITIONS} "
                          f"are read", pieces[MAX_CONDITIONS][0])
    conditions: list[sp.Rel] = []
    for offset, piece in pieces:
        if not piece.strip():
            raise DomainError(f"empty condition at position {offset} in domain {text!r}", offset)
        if "==" in piece or re.search(r"(?<![<>=!])=(?![<>=])", piece):
            pos = offset + piece.index("=")
            raise DomainError(
                f"a domain condition must be an inequality (<, <=, >, >=); found '=' at "
                f"position {pos}", pos)
        ops = list(_COMPARISON.finditer(piece))
        if not ops:
            raise DomainError(
                f"condition {piece.strip()!r} at position {offset} has no comparison "
                f"(<, <=, >, >=)", offset)
        bounds = [0] + [m.end() for m in ops]
        ends = [m.start() for m in ops] + [len(piece)]
        sides = [_parse_side(piece[b:e], offset + b) for b, e in zip(bounds, ends)]
        for m, lhs, rhs in zip(ops, sides, sides[1:]):
            rel = _OPS[m.group()](lhs, rhs, evaluate=False)
            conditions.append(rel)
    return conditions


def _realify(expr: sp.Expr) -> sp.Expr:
    return expr.xreplace({s: sp.Symbol(s.name, real=True) for s in expr.free_symbols})


def _bound(value: object) -> sp.Expr:
    """An interval end: a number, a SymPy number, or text read by ``symnn.parse``."""
    if isinstance(value, str):
        expr = _parse_side(value, 0)
    elif isinstance(value, (int, float, sp.Basic)) and not isinstance(value, bool):
        expr = sp.sympify(value, strict=True)  # a number; strict refuses text
    else:
        raise DomainError(f"interval end {value!r} is not a number")
    if not expr.is_number:
        raise DomainError(f"interval end {sp.sstr(expr)} is not a number")
    return expr


def parse_domain(domain: object = None) -> Domain:
    """Read a domain: None (all reals), text such as ``"x > 0, y >= -1"``, a SymPy relational,
    a list of those, or a mapping ``{name: Interval | (low, high)}``."""
    if domain is None:
        return Domain()
    if isinstance(domain, Domain):
        return domain
    text = ""
    if isinstance(domain, str):
        text = domain.strip()
        if not text:
            return Domain()
        conditions = _conditions_from_text(text)
    elif isinstance(domain, sp.Rel):
        conditions = [domain]
    elif isinstance(domain, Mapping):
        intervals: dict[str, sp.Set] = {}
        for key, value in domain.items():
            name = key if isinstance(key, str) else getattr(key, "name", None)
            if name is None:
                raise DomainError(f"domain key {key!r} is not a symbol or a name")
            if isinstance(value, tuple) and len(value) == 2:
                lo = -sp.oo if value[0] is None else _bound(value[0])
                hi = sp.oo if value[1] is None else _bound(value[1])
                value = sp.Interval(lo, hi, left_open=True, right_open=True)
            if not isinstance(value, sp.Interval) and value != sp.S.Reals:
                raise DomainError(f"domain of {name} must be an interval, got {value}")
            intervals[name] = value
        return Domain(intervals=intervals, text=str(domain))
    elif isinstance(domain, Iterable):
        conditions = []
        for item in domain:
            if isinstance(item, str):
                conditions.extend(_conditions_from_text(item))
            elif isinstance(item, sp.Rel):
                conditions.append(item)
            else:
                raise DomainError(f"domain condition {item!r} is not a comparison")
        text = ", ".join(sp.sstr(c) for c in conditions)
    else:
        raise DomainError(f"cannot use {domain!r} as a domain")
    return _build(conditions, text or ", ".join(sp.sstr(c) for c in conditions))


def _build(conditions: list[sp.Rel], text: str) -> Domain:
    intervals: dict[str, sp.Set] = {}
    constraints: list[sp.Rel] = []
    if len(conditions) > 2 * MAX_CONDITIONS:  # a chained comparison counts twice
        raise DomainError(f"the domain has {len(conditions)} conditions; at most "
                          f"{2 * MAX_CONDITIONS} are read")
    for cond in conditions:
        if not isinstance(cond, sp.Rel) or isinstance(cond, (sp.Eq, sp.Ne)):
            raise DomainError(f"domain condition {cond} is not an inequality")
        rel = type(cond)(_realify(cond.lhs), _realify(cond.rhs), evaluate=False)
        syms = sorted(rel.free_symbols, key=lambda s: s.name)
        if not syms:
            raise DomainError(f"domain condition {sp.sstr(cond)} mentions no variable")
        if len(syms) == 1:
            sym = syms[0]
            periodic = [f for f in rel.atoms(*_PERIODIC) if sym in f.free_symbols]
            if periodic:
                raise DomainError(
                    f"domain condition {sp.sstr(cond)} uses {sp.sstr(periodic[0])}, a periodic "
                    f"function: such a condition usually holds on infinitely many separate "
                    f"intervals, which is not a convex set; give one interval, such as "
                    f"0 < {sym.name} < pi")
            big = high_power(rel)
            if big is not None:  # the inequality solver would factor a polynomial that large
                raise DomainError(
                    f"domain condition {sp.sstr(cond)} has the power {sp.sstr(big)}, above "
                    f"{MAX_EXACT_DEGREE}; give the interval it means, such as {sym.name} > 1")
            try:
                solved = sp.solve_univariate_inequality(rel, sym, relational=False)
            except (NotImplementedError, ValueError, TypeError) as exc:
                raise DomainError(f"cannot solve domain condition {sp.sstr(cond)}: {exc}") from exc
            current = intervals.get(sym.name, sp.S.Reals).intersect(solved)
            if current is sp.S.EmptySet:
                raise DomainError(f"the domain of {sym.name} is empty after {sp.sstr(cond)}")
            if not (isinstance(current, sp.Interval) or current == sp.S.Reals):
                raise DomainError(
                    f"domain condition {sp.sstr(cond)} gives {current}, which is not an "
                    f"interval; convexity needs a convex domain")
            intervals[sym.name] = current
        else:
            diff = sp.expand(rel.lhs - rel.rhs)
            poly = (diff.as_poly(*syms) if diff.is_polynomial(*syms) and high_power(diff) is None
                    else None)
            if poly is None or poly.total_degree() > 1:
                raise DomainError(
                    f"domain condition {sp.sstr(cond)} joins several variables and is not "
                    f"linear; only linear conditions keep the domain convex")
            constraints.append(rel)
    return Domain(intervals=intervals, constraints=tuple(constraints), text=text)
