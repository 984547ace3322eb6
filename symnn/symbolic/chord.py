"""The numeric chord test: search the domain for two points whose chord lies below the graph.

f is convex when f(t a + (1 - t) b) <= t f(a) + (1 - t) f(b) for all a, b in the domain and
t in (0, 1). This module samples pairs (random at several scales, a grid in one dimension,
close pairs, and pairs along directions of negative curvature of the Hessian), keeps the worst
violation and confirms it with exact or 30-digit arithmetic, so a reported counterexample is
never a rounding artefact. The search is seeded, hence repeatable.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from symnn.symbolic.degree import high_power
from symnn.symbolic.domain import Domain
from symnn.symbolic.functions import lambdify

__all__ = ["Counterexample", "ChordSearch", "ChordGap", "chord_gap"]

_T_VALUES = np.array([0.5, 0.25, 0.75, 0.1, 0.9])


@dataclass(frozen=True)
class Counterexample:
    """Two points a, b and a weight t with the point m = t a + (1 - t) b, the chord value
    t f(a) + (1 - t) f(b) and the function value f(m). ``breaks`` says which inequality fails:
    "convexity" (value > chord) or "concavity" (value < chord). Coordinates follow the sorted
    variable names; ``parameters`` holds the values given to the other symbols, if any."""

    a: tuple[float, ...]
    b: tuple[float, ...]
    t: float
    chord: float
    value: float
    variables: tuple[str, ...]
    breaks: str = "convexity"
    parameters: dict[str, float] = field(default_factory=dict)

    @property
    def point(self) -> tuple[float, ...]:
        return tuple(self.t * x + (1 - self.t) * y for x, y in zip(self.a, self.b))

    def _fmt_point(self, p: tuple[float, ...]) -> str:
        inner = ", ".join(f"{v:.6g}" for v in p)
        return inner if len(p) == 1 else f"({inner})"

    def __str__(self) -> str:
        rel = ">" if self.breaks == "convexity" else "<"
        params = "".join(f", {k} = {v:.6g}" for k, v in self.parameters.items())
        return (f"a = {self._fmt_point(self.a)}, b = {self._fmt_point(self.b)}, t = {self.t:.6g}"
                f"{params}: f(t a + (1 - t) b) = {self.value:.6g} {rel} "
                f"t f(a) + (1 - t) f(b) = {self.chord:.6g}")

    def to_latex(self) -> str:
        rel = ">" if self.breaks == "convexity" else "<"
        return (rf"a = {self._fmt_point(self.a)},\ b = {self._fmt_point(self.b)},\ "
                rf"t = {self.t:.6g}:\ f(ta + (1-t)b) = {self.value:.6g} {rel} "
                rf"t f(a) + (1-t) f(b) = {self.chord:.6g}")

    def to_dict(self) -> dict:
        return {"a": list(self.a), "b": list(self.b), "t": self.t, "chord": self.chord,
                "value": self.value, "breaks": self.breaks, "variables": list(self.variables),
                "parameters": dict(self.parameters)}


def _sample_interval(interval: sp.Set, n: int, rng: np.random.Generator) -> np.ndarray:
    """Points at several scales inside an interval (open ends are never hit)."""
    if interval == sp.S.Reals:
        parts = [rng.uniform(-3, 3, n), rng.uniform(-12, 12, n), rng.uniform(-0.3, 0.3, n),
                 rng.choice([-1.0, 1.0], n) * 10 ** rng.uniform(-3, 3, n)]
        return np.concatenate(parts)[rng.permutation(4 * n)[:n]]
    lo, hi = float(interval.inf), float(interval.sup)
    if np.isinf(lo) or np.isinf(hi):
        offsets = np.concatenate([rng.uniform(0, 4, n), 10 ** rng.uniform(-4, 3, n)])
        offsets = offsets[rng.permutation(2 * n)[:n]]
        offsets = np.where(offsets == 0, 1e-3, offsets)
        return lo + offsets if np.isfinite(lo) else hi - offsets
    u = np.concatenate([rng.uniform(0, 1, n), rng.beta(0.3, 0.3, n)])[rng.permutation(2 * n)[:n]]
    u = np.clip(u, 1e-6, 1 - 1e-6)
    return lo + (hi - lo) * u


class ChordSearch:
    """Searches for chord violations of f on a domain; f is a SymPy expression in
    ``variables`` (the coordinates) and ``parameters`` (held fixed within a pair)."""

    def __init__(self, expr: sp.Expr, variables: list[sp.Symbol], parameters: list[sp.Symbol],
                 domain: Domain, seed: int = 0, n_pairs: int = 2500) -> None:
        self.expr = expr
        self.variables = variables
        self.parameters = parameters
        self.domain = domain
        self.names = [s.name for s in variables + parameters]
        self.rng = np.random.default_rng(seed)
        self.n_pairs = n_pairs
        # exact rationals in a huge power would build a huge integer: use 30-digit floats
        self._exact = high_power(expr) is None
        self._fn = lambdify(variables + parameters, expr)
        self._hess_fn = None
        try:
            self._eval(np.full((2, len(self.names)), 0.5))  # fixed probe: keeps the seeded draws
            self.usable = True
        except (NameError, TypeError, AttributeError, ValueError):
            self.usable = False  # a function NumPy cannot evaluate: no numeric search

    def _eval(self, pts: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = self._fn(*pts.T)
            out = np.asarray(out)
            if np.iscomplexobj(out):
                out = np.where(np.abs(out.imag) > 1e-12, np.nan, out.real)
            return np.broadcast_to(out.astype(float), pts.shape[:1]).copy()

    def _points(self, n: int) -> np.ndarray:
        cols = [_sample_interval(self.domain.interval(nm), n, self.rng) for nm in self.names]
        return np.stack(cols, axis=1) if cols else np.zeros((n, 0))

    def pairs(self, negative_curvature: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """Candidate pairs (a, b), each row holding variables then parameters."""
        d, n = len(self.variables), self.n_pairs
        a, b = self._points(n), self._points(n)
        b[:, d:] = a[:, d:]  # parameters are shared within a pair
        close = self._points(n)
        scale = 10 ** self.rng.uniform(-3, 0, (n, 1))
        near = close.copy()
        near[:, :d] += scale * self.rng.normal(size=(n, d))
        firsts, seconds = [a, close], [b, near]
        if d == 1 and not self.parameters:
            grid = np.unique(np.concatenate([self._points(40)[:, 0], np.linspace(-4, 4, 33)]))
            ga, gb = np.meshgrid(grid, grid)
            firsts.append(ga.reshape(-1, 1))
            seconds.append(gb.reshape(-1, 1))
        if negative_curvature:
            extra = self._curvature_pairs(close)
            if extra is not None:
                firsts.append(extra[0])
                seconds.append(extra[1])
        return np.concatenate(firsts), np.concatenate(seconds)

    def _curvature_pairs(self, base: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """Pairs x0 -+ h v along the eigenvectors of the Hessian at sample points x0."""
        d = len(self.variables)
        if d == 0 or self.expr.has(sp.Piecewise, sp.Abs, sp.Max, sp.Min, sp.Heaviside):
            return None
        if self._hess_fn is None:
            try:
                hess = sp.hessian(self.expr, self.variables)
                self._hess_fn = lambdify(self.variables + self.parameters, hess)
            except (TypeError, ValueError, NotImplementedError):
                return None
        pts = base[:300]
        firsts, seconds = [], []
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for x0 in pts:
                try:
                    h = np.asarray(self._hess_fn(*x0), dtype=float)
                except (TypeError, ValueError, ZeroDivisionError, OverflowError):
                    continue
                if not np.all(np.isfinite(h)):
                    continue
                w, v = np.linalg.eigh((h + h.T) / 2)
                for k in (0, d - 1):
                    for step in (1e-2, 1e-1, 0.5):
                        p, q = x0.copy(), x0.copy()
                        p[:d] -= step * v[:, k]
                        q[:d] += step * v[:, k]
                        firsts.append(p)
                        seconds.append(q)
        if not firsts:
            return None
        return np.array(firsts), np.array(seconds)

    def undefined_point(self) -> np.ndarray | None:
        """A sample point of the domain where f is not a real number, if one is found. A NaN
        in floating point (inf - inf after an overflow) is confirmed in exact arithmetic."""
        if not self.usable:
            return None
        pts = self._points(2000)
        pts = pts[self.domain.contains(self.names, pts)]
        bad = pts[np.isnan(self._eval(pts))]
        order = np.argsort(np.abs(bad).max(axis=1, initial=0), kind="stable")
        for point in bad[order[:5]]:
            if not self._finite_exactly(point):
                return point
        return None

    def _finite_exactly(self, point: np.ndarray) -> bool:
        syms = self.variables + self.parameters
        at = (lambda v: sp.Rational(float(v))) if self._exact else (lambda v: sp.Float(v, 30))
        try:
            value = self.expr.xreplace({s: at(v) for s, v in zip(syms, point)}).evalf(30)
        except (TypeError, ValueError, ZeroDivisionError):
            return False
        return bool(value.is_real and value.is_finite)

    def search(self, a: np.ndarray, b: np.ndarray, breaks: str) -> Counterexample | None:
        """The worst confirmed violation of convexity (``breaks="convexity"``) or concavity."""
        if not self.usable:
            return None
        keep = self.domain.contains(self.names, a) & self.domain.contains(self.names, b)
        a, b = a[keep], b[keep]
        if len(a) == 0:
            return None
        # counterexamples with small coordinates read better: look among those first
        small = np.maximum(np.abs(a[:, :len(self.variables)]).max(axis=1, initial=0),
                           np.abs(b[:, :len(self.variables)]).max(axis=1, initial=0)) <= 4
        for subset in (small, np.ones_like(small)):
            if subset.any():
                found = self._search(a[subset], b[subset], breaks)
                if found is not None:
                    return found
        return None

    def _search(self, a: np.ndarray, b: np.ndarray, breaks: str) -> Counterexample | None:
        with np.errstate(all="ignore"):
            return self._search_quiet(a, b, breaks)

    def _search_quiet(self, a: np.ndarray, b: np.ndarray, breaks: str) -> Counterexample | None:
        fa, fb = self._eval(a), self._eval(b)
        best: list[tuple[float, int, float]] = []
        for t in _T_VALUES:
            m = t * a + (1 - t) * b
            fm = self._eval(m)
            chord = t * fa + (1 - t) * fb
            gap = (fm - chord) if breaks == "convexity" else (chord - fm)
            scale = 1.0 + np.abs(fa) + np.abs(fb) + np.abs(fm)
            rel = gap / scale
            rel[~(np.isfinite(rel) & np.isfinite(fm) & np.isfinite(fa) & np.isfinite(fb))] = -1
            top = np.argsort(rel)[-4:]
            best += [(float(rel[i]), int(i), float(t)) for i in top if rel[i] > 1e-10]
        best.sort(reverse=True)
        for _, i, t in best[:8]:
            found = self._confirm(a[i], b[i], t, breaks)
            if found is not None:
                return found
        return None

    def _confirm(self, a: np.ndarray, b: np.ndarray, t: float,
                 breaks: str) -> Counterexample | None:
        """Re-check a candidate with rounded coordinates in exact / 30-digit arithmetic."""
        syms = self.variables + self.parameters
        for digits in (3, 6, None):
            ra = [self._rational(v, digits) for v in a]
            rb = [self._rational(v, digits) for v in b]
            if not (self.domain.contains(self.names, np.array([[float(v) for v in ra]]))[0]
                    and self.domain.contains(self.names, np.array([[float(v) for v in rb]]))[0]):
                continue
            rt = sp.Rational(str(t))
            m = [rt * x + (1 - rt) * y for x, y in zip(ra, rb)]
            at = (lambda v: v) if self._exact else (lambda v: sp.Float(v, 30))
            try:
                fa = self.expr.xreplace({s: at(v) for s, v in zip(syms, ra)}).evalf(30)
                fb = self.expr.xreplace({s: at(v) for s, v in zip(syms, rb)}).evalf(30)
                fm = self.expr.xreplace({s: at(v) for s, v in zip(syms, m)}).evalf(30)
                if not all(v.is_real and v.is_finite for v in (fa, fb, fm)):
                    continue
                chord = rt * fa + (1 - rt) * fb
                gap = (fm - chord) if breaks == "convexity" else (chord - fm)
                scale = 1 + abs(fa) + abs(fb) + abs(fm)
                if not (gap > sp.Float("1e-20", 30) * scale):
                    continue
            except (TypeError, ValueError, ZeroDivisionError):
                continue
            d = len(self.variables)
            return Counterexample(
                a=tuple(float(v) for v in ra[:d]), b=tuple(float(v) for v in rb[:d]), t=float(t),
                chord=float(chord), value=float(fm),
                variables=tuple(s.name for s in self.variables), breaks=breaks,
                parameters={s.name: float(v) for s, v in zip(self.parameters, ra[d:])})
        return None

    @staticmethod
    def _rational(v: float, digits: int | None) -> sp.Rational:
        if digits is None:
            return sp.Rational(float(v))
        return sp.Rational(f"{float(v):.{digits}g}")


@dataclass(frozen=True)
class ChordGap:
    """Where f rises furthest above the chord from a to b: the point ``point`` = a + s (b - a),
    f's ``value`` there and the ``chord``'s value (value > chord: f is not convex)."""

    s: float
    point: tuple[float, ...]
    value: float
    chord: float

    @property
    def gap(self) -> float:
        return self.value - self.chord


def chord_gap(f, a, b, n: int = 81) -> ChordGap | None:
    """The largest rise of f above its chord between points a and b, read off f's values at
    ``n`` points of the segment; None when f stays on or below the chord (or f(a), f(b) are not
    finite). ``f`` maps an (n, d) array of points to n values (``Surface.values``)."""
    a = np.atleast_1d(np.asarray(a, dtype=float))
    b = np.atleast_1d(np.asarray(b, dtype=float))
    s = np.linspace(0.0, 1.0, n)
    points = a[None, :] + s[:, None] * (b - a)[None, :]
    with np.errstate(all="ignore"):
        values = np.asarray(f(points), dtype=float).reshape(-1)
    fa, fb = values[0], values[-1]
    if not (np.isfinite(fa) and np.isfinite(fb)) or np.array_equal(a, b):
        return None
    chord = fa + s * (fb - fa)
    gap = np.where(np.isfinite(values), values - chord, -np.inf)
    i = int(np.argmax(gap))
    if not gap[i] > 1e-9 * (1 + abs(chord[i])):
        return None
    return ChordGap(float(s[i]), tuple(float(v) for v in points[i]), float(values[i]),
                    float(chord[i]))
