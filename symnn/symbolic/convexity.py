"""Is a function convex, concave, affine, or neither on a domain? With a reason and, when it is
not convex, a counterexample.

``convexity(f, variables=None, domain=None)`` combines three tools:

1. **Composition rules** (disciplined convex programming): a sum of convex functions is convex,
   a convex non-decreasing function of a convex function is convex, abs / max / relu of an
   affine function is convex, and so on (``symnn.symbolic.composition``).
2. **Second derivatives**: f'' (one variable) or the Hessian (several), with its sign decided
   by SymPy on the domain: assumptions, inequality solving, principal minors, eigenvalues.
   A piecewise function of one variable (abs, max, relu, ...) is checked piece by piece, with
   the jumps of slope at the break points.
3. **The chord test**: a seeded numeric search for a, b, t with
   f(t a + (1 - t) b) > t f(a) + (1 - t) f(b), confirmed in exact / 30-digit arithmetic.

A proof is required for ``convex``, ``concave`` and ``affine``; ``neither`` needs
counterexamples against both convexity and concavity; otherwise the answer is ``unknown``, never
a guess. ``convex`` is never answered when a counterexample was found.

The default domain is all real values of every symbol. A domain restricts symbols, e.g.
``"x > 0"`` for log(x) or ``"p > 0, p < 1"`` for a probability (see ``symnn.symbolic.domain``).

SymPy can take minutes on a short input, so the whole analysis has a time limit
(``time_limit``, :data:`TIME_LIMIT` seconds by default; see ``symnn.symbolic.budget``): reading
f and the first checks get at most half of it, so the chord test always has the other half, and
the proofs the time that is left. When a stage runs out, the reason says "gave up after N s:
<the stage that was hard>", and the verdict rests on the chord test alone: ``neither`` when it
refutes both, otherwise ``unknown``.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial

import sympy as sp
from sympy.core.function import AppliedUndef

from symnn.symbolic.budget import Budget, BudgetExceeded, stage
from symnn.symbolic.chord import ChordSearch, Counterexample
from symnn.symbolic.composition import (AFFINE, CONCAVE, CONSTANT, CONVEX, Step, curvature,
                                        is_concave_kind, is_convex_kind)
from symnn.symbolic.degree import MAX_EXACT_DEGREE, check_float_range, high_power
from symnn.symbolic.domain import Domain, DomainError, parse_domain
from symnn.symbolic.extrema import substitute
from symnn.symbolic.functions import DeclaredFunction
from symnn.symbolic.readable import math_text
from symnn.symbolic.sign import (ANY, NEG, NONNEG, NONPOS, NONZERO, POS, SOLVER_ERRORS, ZERO,
                                 SignOracle, sign_words)

__all__ = ["convexity", "ConvexityResult", "Counterexample", "DomainError", "VERDICTS",
           "TIME_LIMIT"]

VERDICTS = ("convex", "concave", "affine", "neither", "unknown")

# Hessians larger than this are not analysed symbolically (2^n - 1 principal minors)
_MAX_SYMBOLIC_VARS = 4
# a constant Hessian (a quadratic) is checked exactly up to this many variables
_MAX_CONSTANT_HESSIAN_VARS = 12
_SIMPLIFY_MAX_OPS = 200
#: seconds one analysis may take, the chord test included
TIME_LIMIT = 10.0
# once the chord test has refuted both convexity and concavity, a proof only explains: it
# gets at most this many seconds (within the time limit)
_EXPLAIN_LIMIT = 2.0
# an explanation is not started with less time than this left
_EXPLAIN_MIN = 0.1
# reading f (and the domain) and the chord test may take this long whatever the time limit
# (usually well under a second each), so even a tiny limit gets the numeric answer
_READ_FLOOR = 1.0
_CHORD_FLOOR = 2.0


class _Clock:
    """A share of the analysis' time limit, ``seconds`` from ``start``: each stage runs under a
    budget for the time left, and the first stage that runs out is kept for the reason. A
    cancellation is passed on."""

    def __init__(self, seconds: float | None, start: float | None = None) -> None:
        self.seconds = seconds
        start = time.monotonic() if start is None else start
        self.deadline = None if seconds is None else start + seconds
        self.gave_up: BudgetExceeded | None = None

    @property
    def left(self) -> float | None:
        """Seconds left (None without a limit)."""
        return None if self.deadline is None else max(0.0, self.deadline - time.monotonic())

    def budget(self, what: str) -> Budget:
        """A budget for work that must raise when the time is up (reading f)."""
        left = self.left
        if left is not None and left <= 0:
            raise BudgetExceeded(self.seconds, what)
        return Budget(left, what)

    def run(self, what: str, fn: Callable, *args):
        """fn(*args) within the time left; None when time ran out."""
        limit = None if self.deadline is None else self.deadline - time.monotonic()
        if limit is not None and limit <= 0:
            self.gave_up = self.gave_up or BudgetExceeded(self.seconds, what)
            return None
        try:
            with Budget(limit, what):
                return fn(*args)
        except BudgetExceeded as exc:
            if exc.cancelled:
                raise
            self.gave_up = self.gave_up or BudgetExceeded(self.seconds, exc.what)
            return None


@dataclass
class ConvexityResult:
    """The verdict (convex, concave, affine, neither, unknown), the reason as text
    (``reason``) and LaTeX (``reason_latex`` / ``to_latex()``), and, when f is not convex, a
    ``counterexample`` (``value > chord``); ``concavity_counterexample`` breaks concavity."""

    verdict: str
    expression: sp.Expr
    variables: tuple[str, ...]
    domain: Domain
    steps: list[Step] = field(default_factory=list)
    counterexample: Counterexample | None = None
    concavity_counterexample: Counterexample | None = None
    method: str = ""

    @property
    def reason(self) -> str:
        return "\n".join(s.text for s in self.steps)

    @property
    def reason_latex(self) -> str:
        return " \\\\\n".join(s.latex for s in self.steps)

    def to_latex(self) -> str:
        return self.reason_latex

    @property
    def is_convex(self) -> bool:
        return self.verdict in ("convex", "affine")

    @property
    def is_concave(self) -> bool:
        return self.verdict in ("concave", "affine")

    def to_dict(self) -> dict:
        ce = self.counterexample
        return {"verdict": self.verdict, "reason": self.reason,
                "counterexample": ce.to_dict() if ce is not None else None,
                "expression": sp.sstr(self.expression), "variables": list(self.variables),
                "domain": self.domain.describe(self.variables), "latex": self.reason_latex}

    def __str__(self) -> str:
        return f"{self.verdict}\n{self.reason}"


# --- preparing the expression ---------------------------------------------------------------

def _to_expr(f: object) -> sp.Expr:
    if isinstance(f, str):
        from symnn.symbolic.parser import parse

        return parse(f)
    if isinstance(f, sp.Basic):
        return f
    if isinstance(f, (int, float)) and not isinstance(f, bool):
        return sp.Float(f) if isinstance(f, float) else sp.Integer(f)
    raise TypeError(f"convexity() needs a SymPy expression or text, got {type(f).__name__}")


def _real(e: sp.Expr) -> sp.Expr:
    """e with real symbols of the same names."""
    return substitute(e, {s: sp.Symbol(s.name, real=True) for s in e.free_symbols})


def _elementary(e: sp.Expr) -> sp.Expr:
    """Real symbols, and the activations written with exp, log, Max and Min."""
    def rewrite(node: sp.Basic) -> sp.Expr | None:
        if isinstance(node, DeclaredFunction):
            return node.declaration.elementary(*node.args)  # its first rewrite in symnn.unary
        return None

    return substitute(e, {s: sp.Symbol(s.name, real=True) for s in e.free_symbols},
                      rewrite=rewrite)


def _simplify(e: sp.Expr) -> sp.Expr:
    if sp.count_ops(e) > _SIMPLIFY_MAX_OPS:
        return sp.cancel(e)
    return sp.factor(sp.simplify(e))


def _is_smooth(e: sp.Expr) -> bool:
    return not e.has(sp.Abs, sp.Max, sp.Min, sp.Piecewise, sp.Heaviside, sp.sign, sp.floor,
                     sp.ceiling)


def _tex_text(s: str) -> str:
    return r"\text{" + s.replace("_", r"\_").replace("%", r"\%") + "}"


def _step(text: str, latex_math: str = "", latex_tail: str = "") -> Step:
    parts = [p for p in (latex_math, _tex_text(latex_tail) if latex_tail else "") if p]
    return Step(text, r"\ ".join(parts) if parts else _tex_text(text))


# --- the analysis ---------------------------------------------------------------------------

@dataclass
class _Proof:
    convex: bool = False
    concave: bool = False
    steps: list[Step] = field(default_factory=list)
    method: str = ""
    # points (rows of variable values) near which f is strictly not convex / not concave
    not_convex_near: list[tuple[float, ...]] = field(default_factory=list)
    not_concave_near: list[tuple[float, ...]] = field(default_factory=list)
    # proved without numbers: f'' < 0 (> 0) on an interval of the domain, so f is not convex
    # (concave) even where its values overflow floats (exp(1000)*(x^2 - x^4))
    not_convex: bool = False
    not_concave: bool = False


class _Analysis:
    def __init__(self, expr: sp.Expr, variables: list[sp.Symbol], parameters: list[sp.Symbol],
                 domain: Domain) -> None:
        self.expr = expr
        self.variables = variables
        self.parameters = parameters
        self.domain = domain
        self.oracle = SignOracle(domain)
        self.where = domain.describe([s.name for s in variables + parameters])
        # above this power, no Poly, factoring or second derivatives (see symbolic.degree)
        self.high_power = high_power(expr)

    # a requirement of the natural domain: log needs u > 0, sqrt needs u >= 0, 1/u needs u != 0
    def requirements(self) -> list[tuple[sp.Expr, frozenset, str]]:
        reqs = []
        for node in sp.preorder_traversal(self.expr):
            if isinstance(node, sp.log):
                reqs.append((node.args[0], POS, "log needs a positive argument"))
            elif node.is_Pow and node.exp.is_number and node.base.free_symbols:
                p = node.exp
                if not p.is_integer:
                    if p > 0:
                        reqs.append((node.base, NONNEG, "a fractional power needs a "
                                                        "non-negative base"))
                    else:
                        reqs.append((node.base, POS, "a negative fractional power needs a "
                                                     "positive base"))
                elif p < 0:
                    reqs.append((node.base, NONZERO, "division needs a non-zero denominator"))
        return reqs

    def undefined(self) -> Step | None:
        """A step saying where f breaks a rule of its natural domain (log needs a positive
        argument, ...) inside the given domain, or None."""
        for u, need, why in self.requirements():
            if self.oracle.sign(u) <= need:
                continue
            point = self._violation(u, need)
            if point is not None:
                at = ", ".join(f"{s.name} = {math_text(v)}" for s, v in point.items())
                u_text = math_text(u)
                hint = {POS: f"{u_text} > 0", NONNEG: f"{u_text} >= 0",
                        NONZERO: f"{u_text} > 0 (or {u_text} < 0)"}[need]
                return _step(
                    f"f is not defined on the whole domain ({self.where}): at {at}, "
                    f"{u_text} breaks the rule that {why}. Give a domain on which f is "
                    f"defined, e.g. {hint}.")
        return None

    def undefined_numeric(self, search: ChordSearch) -> Step | None:
        """A step naming a sample point of the domain where f is not a real number."""
        bad = search.undefined_point()
        if bad is not None:
            at = ", ".join(f"{n} = {v:.6g}" for n, v in zip(search.names, bad))
            return _step(f"f is not a finite real number at {at}, inside the domain "
                         f"({self.where}); give a domain on which f is defined.")
        return None

    def _violation(self, u: sp.Expr, need: frozenset) -> dict | None:
        syms = sorted(u.free_symbols, key=lambda s: s.name)
        if len(syms) == 1 and not self.domain.constraints:
            (x,) = syms
            interior = self.oracle._interior(x)
            cond = {POS: u <= 0, NONNEG: u < 0, NONZERO: sp.Eq(u, 0)}[need]
            try:
                bad = sp.solveset(cond, x, interior)
            except SOLVER_ERRORS:
                return None
            if bad is sp.S.EmptySet or not isinstance(bad, sp.Set):
                return None
            point = _a_point_of(bad)
            return {x: point} if point is not None else None
        return None

    # -- proofs ----------------------------------------------------------------------------
    def affine(self) -> bool:
        if not self.variables or not (self.expr.free_symbols & set(self.variables)):
            return True
        if self.high_power is not None:  # a surviving power above 100 is not affine
            return False
        poly = self.expr.as_poly(*self.variables)
        return poly is not None and poly.total_degree() <= 1

    def composition(self) -> _Proof | None:
        kind, steps = curvature(self.expr, set(self.variables), self.oracle)
        if kind not in (CONVEX, CONCAVE, AFFINE, CONSTANT):
            return None
        proof = _Proof(convex=is_convex_kind(kind), concave=is_concave_kind(kind),
                       method="composition")
        proof.steps = [_step("By the composition rules (disciplined convex programming):")]
        proof.steps += steps
        return proof

    def _nonzero_on_domain(self, e: sp.Expr) -> bool:
        _, den = sp.fraction(sp.together(e))
        if not (den.free_symbols & set(self.variables)):
            return True
        s = self.oracle.sign(den)
        return s in (POS, NEG, NONZERO)

    def explanation(self, smooth: bool) -> Callable[[], _Proof | None] | None:
        """The proof attempt that explains a "neither" (where f bends each way), if any."""
        if smooth:
            one = len(self.variables) == 1
            return partial(self.second_derivative if one else self.hessian, True)
        return self.piecewise if len(self.variables) == 1 else None

    def second_derivative(self, explain_only: bool = False) -> _Proof | None:
        """f'' and its sign on the domain; with ``explain_only`` (f is already known to be
        neither), only the regions where f'' < 0 and f'' > 0, for the reason text."""
        if self.high_power is not None:
            return None
        (x,) = self.variables
        with stage(f"simplifying f''({x.name})"):
            f2 = _simplify(sp.diff(self.expr, x, 2))
        with stage(f"deciding the sign of f''({x.name}) = {_short(f2, 'a long expression')}"):
            if not self._nonzero_on_domain(f2):
                return None
            s = ANY if explain_only else self.oracle.sign(f2)
        proof = _Proof(method="second derivative")
        name = x.name
        head = f"f''({name}) = {math_text(f2)}"
        head_tex = rf"f''({sp.latex(x)}) = {sp.latex(f2)}"
        if s <= NONNEG or s <= NONPOS:
            word = sign_words(s)
            proof.convex, proof.concave = s <= NONNEG, s <= NONPOS
            kind = "affine" if s == ZERO else "convex" if proof.convex else "concave"
            tail = f"is {word} for every {name} in the domain ({self.where}), so f is {kind}."
            proof.steps.append(_step(f"{head}, which {tail}", head_tex, f" which {tail}"))
            return proof
        with stage(f"solving f''({name}) < 0 and f''({name}) > 0"):
            neg = self._region(f2 < 0, x)
            pos = self._region(f2 > 0, x)
        lines, lines_tex = [], []
        for region, rel, kind, near in ((neg, "<", "convex", proof.not_convex_near),
                                        (pos, ">", "concave", proof.not_concave_near)):
            if region is None:
                continue
            setattr(proof, f"not_{kind}", True)
            lines.append(f"f''({name}) {rel} 0 for {name} in {_set_text(region)}, so f is not "
                         f"{kind}")
            lines_tex.append(rf"f''({sp.latex(x)}) {rel} 0 \text{{ for }} {sp.latex(x)} \in "
                             rf"{sp.latex(region)}\text{{, so $f$ is not {kind}}}")
            near += [(p,) for p in _points_inside(region)]
        if not lines:
            return None
        proof.steps.append(Step(f"{head}. " + "; ".join(lines) + ".",
                                head_tex + r".\ " + r";\ ".join(lines_tex)))
        return proof

    def _region(self, cond: sp.Rel, x: sp.Symbol) -> sp.Set | None:
        if sp.count_ops(cond) > 60 or self.parameters or self.domain.constraints:
            return None
        try:
            region = sp.solve_univariate_inequality(cond, x, relational=False,
                                                    domain=self.oracle._interior(x))
        except SOLVER_ERRORS:
            return None
        if not isinstance(region, sp.Set) or region is sp.S.EmptySet or region.is_FiniteSet:
            return None
        return region

    def hessian(self, constant_only: bool = False) -> _Proof | None:
        n = len(self.variables)
        if n > _MAX_CONSTANT_HESSIAN_VARS or self.high_power is not None:
            return None
        H = sp.hessian(self.expr, self.variables)
        if any(h.free_symbols for h in H):
            if n > _MAX_SYMBOLIC_VARS or constant_only:
                return None
            with stage("simplifying the Hessian"):
                H = H.applyfunc(_simplify)
        if not all(self._nonzero_on_domain(h) for h in H):
            return None
        proof = _Proof(method="Hessian")
        names = ", ".join(s.name for s in self.variables)
        head = f"The Hessian of f is H = {_short(H, f'a {n}x{n} matrix')}"
        head_tex = rf"H = \nabla^2 f = {sp.latex(H)}"
        if all(not (h.free_symbols) for h in H):
            psd, nsd = bool(H.is_positive_semidefinite), bool((-H).is_positive_semidefinite)
            proof.convex, proof.concave = psd, nsd
            if n <= _MAX_SYMBOLIC_VARS:
                eig = H.eigenvals()
                ev = ", ".join(math_text(sp.nsimplify(v)) for v, mult in eig.items()
                               for _ in range(mult))
            else:
                import numpy as np

                ev = ", ".join(f"{v:.4g}" for v in np.linalg.eigvalsh(
                    np.array(H.tolist(), dtype=float)))
            if psd or nsd:
                kind = "affine" if psd and nsd else "convex" if psd else "concave"
                sd = ("zero" if psd and nsd else "positive semidefinite" if psd
                      else "negative semidefinite")
                tail = f"a constant matrix with eigenvalues {ev}: {sd}, so f is {kind}."
            else:
                tail = (f"a constant matrix with eigenvalues {ev}, of both signs: f is neither "
                        f"convex nor concave.")
            proof.steps.append(_step(f"{head}, {tail}", head_tex, f", {tail}"))
            return proof
        minors = []
        for k in range(1, n + 1):
            for rows in itertools.combinations(range(n), k):
                label = ", ".join(str(r + 1) for r in rows)
                with stage(f"the sign of the principal minor of the Hessian on rows {label}"):
                    m = _simplify(H.extract(list(rows), list(rows)).det())
                    minors.append((k, rows, m, self.oracle.sign(m)))
        psd = all(s <= NONNEG for _, _, _, s in minors)
        nsd = all(s <= (NONPOS if k % 2 else NONNEG) for k, _, _, s in minors)
        if not (psd or nsd):
            return None
        proof.convex, proof.concave = psd, nsd
        listed = "; ".join(
            f"rows {tuple(r + 1 for r in rows)}: {_short(m, 'a long expression')} "
            f"({sign_words(s)})"
            for _, rows, m, s in minors)
        if psd:
            rule = (f"all principal minors are non-negative on the domain ({self.where}), so H "
                    f"is positive semidefinite and f is {'affine' if nsd else 'convex'} in "
                    f"{names}.")
        else:
            rule = (f"the principal minors of order k have sign (-1)^k or are zero on the "
                    f"domain ({self.where}), so H is negative semidefinite and f is concave in "
                    f"{names}.")
        minors_tex = r",\ ".join(
            rf"\Delta_{{{''.join(str(r + 1) for r in rows)}}} = {sp.latex(m)}"
            f"\\ ({_tex_text(sign_words(s))})" for _, rows, m, s in minors)
        proof.steps.append(Step(f"{head}. Principal minors: {listed}. So {rule}",
                                rf"{head_tex},\ {minors_tex}.\ {_tex_text(rule)}"))
        return proof

    def piecewise(self) -> _Proof | None:
        (x,) = self.variables
        if self.parameters or self.domain.constraints or self.high_power is not None:
            return None
        try:
            with stage("splitting f into smooth pieces"):
                pw = sp.piecewise_fold(self.expr.rewrite(sp.Piecewise))
                if not isinstance(pw, sp.Piecewise):
                    return None
                pairs = pw.as_expr_set_pairs(self.oracle._interior(x))
        except SOLVER_ERRORS:
            return None
        pieces = []
        for expr, where in pairs:
            for part in (where.args if isinstance(where, sp.Union) else (where,)):
                if isinstance(part, sp.Interval) and part.measure != 0:
                    pieces.append((part, expr))
        if not pieces or any(not _is_smooth(e) for _, e in pieces):
            return None
        pieces.sort(key=lambda p: p[0].inf)
        convex = concave = True
        lines = []
        for interval, e in pieces:
            f2 = _simplify(sp.diff(e, x, 2))
            oracle = SignOracle(Domain(intervals={x.name: interval}))
            s = oracle.sign(f2)
            if not (s <= NONNEG or s <= NONPOS):
                return None
            convex &= s <= NONNEG
            concave &= s <= NONPOS
            lines.append(f"on {_set_text(interval)}: f = {math_text(e)}, f'' = "
                         f"{math_text(f2)} ({sign_words(s)})")
        proof = _Proof(method="piecewise")
        for (left_i, left), (right_i, right) in zip(pieces, pieces[1:]):
            c = left_i.sup
            if c != right_i.inf:
                return None
            jump_value = sp.simplify(right.subs(x, c) - left.subs(x, c))
            if jump_value != 0:
                lines.append(f"at {x.name} = {math_text(c)} f jumps by {math_text(jump_value)}")
                convex = concave = False
                proof.not_convex_near.append((float(c),))
                proof.not_concave_near.append((float(c),))
                continue
            dl = sp.simplify(sp.diff(left, x).subs(x, c))
            dr = sp.simplify(sp.diff(right, x).subs(x, c))
            jump = sp.simplify(dr - dl)
            if not jump.is_number:
                return None
            lines.append(f"at {x.name} = {math_text(c)} the slope goes from {math_text(dl)} to "
                         f"{math_text(dr)}")
            if jump < 0:
                convex = False
                proof.not_convex_near.append((float(c),))
            if jump > 0:
                concave = False
                proof.not_concave_near.append((float(c),))
        for interval, e in pieces:
            f2 = sp.diff(e, x, 2)
            if f2.is_number and f2 < 0:
                proof.not_convex_near += [(p,) for p in _points_inside(interval)]
            if f2.is_number and f2 > 0:
                proof.not_concave_near += [(p,) for p in _points_inside(interval)]
        proof.convex, proof.concave = convex, concave
        if convex or concave:
            kind = "affine" if convex and concave else "convex" if convex else "concave"
            rule = (f"each piece is {kind}, f is continuous and the slope never "
                    f"{'drops' if convex else 'rises'} at a break point, so f is {kind}.")
        else:
            rule = "so f is neither convex nor concave."
        text = "f is piecewise smooth: " + "; ".join(lines) + f"; {rule}"
        proof.steps.append(_step(text))
        return proof


def _short(obj: object, summary: str, limit: int = 100) -> str:
    """Readable text of obj, or a summary when it is too long to read in a sentence (the LaTeX
    reason keeps the full form)."""
    text = math_text(obj)
    return text if len(text) <= limit else f"{summary} (in full in the LaTeX reason)"


def _set_text(s: sp.Set) -> str:
    """(-∞, 1) or [2, 3] or (0, 1) ∪ (2, ∞): the usual interval notation."""
    return math_text(s)


def _a_point_of(s: sp.Set) -> sp.Expr | None:
    if isinstance(s, sp.FiniteSet):
        return next(iter(s))
    if isinstance(s, sp.Union):
        return _a_point_of(s.args[0])
    if isinstance(s, sp.Interval):
        lo, hi = s.inf, s.sup
        if lo == -sp.oo and hi == sp.oo:
            return sp.Integer(0)
        if lo == -sp.oo:
            return hi - 1
        if hi == sp.oo:
            return lo + 1
        return (lo + hi) / 2
    return None


def _points_inside(s: sp.Set) -> list[float]:
    """A few points strictly inside a region of the real line."""
    out = []
    for part in (s.args if isinstance(s, sp.Union) else (s,)):
        if isinstance(part, sp.Interval):
            p = _a_point_of(part)
            if p is not None:
                out.append(float(p))
    return out


def _local_pairs(centres: list[tuple[float, ...]], d: int, n_params: int):
    """Pairs of points close around each centre, along each axis and random directions."""
    import numpy as np

    rng = np.random.default_rng(1)
    firsts, seconds = [], []
    for c in centres:
        c = np.asarray(c, dtype=float)
        dirs = [np.eye(d)[i] for i in range(d)] + list(rng.normal(size=(4, d)))
        for v in dirs:
            v = v / np.linalg.norm(v)
            for h in (1e-3, 1e-2, 0.1, 0.5):
                firsts.append(np.concatenate([c - h * v, np.zeros(n_params)]))
                seconds.append(np.concatenate([c + h * v, np.zeros(n_params)]))
    if not firsts:
        return None
    return np.array(firsts), np.array(seconds)


def _variables(expr: sp.Expr, variables: object) -> tuple[list[sp.Symbol], list[sp.Symbol]]:
    """The variables (sorted by name) and the remaining symbols (parameters). Every named
    variable must be a symbol of f: a misspelt name would otherwise make f look constant in it,
    hence "affine"."""
    by_name = {s.name: s for s in expr.free_symbols}
    used = ", ".join(sorted(by_name)) or "none"
    if variables is None:
        chosen = sorted(by_name)
    else:
        if isinstance(variables, str):
            variables = [v.strip() for v in variables.split(",")]
        elif isinstance(variables, sp.Symbol):
            variables = [variables]
        chosen = []
        for v in variables:
            name = v if isinstance(v, str) else getattr(v, "name", None)
            if not name:
                raise ValueError(f"variable {v!r} is not a symbol or a name")
            if name not in by_name:
                raise ValueError(f"variables: {name!r} is not a symbol of f (its symbols: "
                                 f"{used}); name them one by one, e.g. ['x', 'y'] or 'x, y'")
            chosen.append(name)
        if not chosen:
            raise ValueError(f"variables is empty: name at least one symbol of f (its symbols: "
                             f"{used}), or leave it out to use them all")
        chosen = sorted(set(chosen))
    vars_ = [by_name[n] for n in chosen]
    params = sorted((s for n, s in by_name.items() if n not in chosen), key=lambda s: s.name)
    return vars_, params


def convexity(f: object, variables: Iterable[str | sp.Symbol] | str | None = None,
              domain: object = None, *, seed: int = 0,
              time_limit: float | None = TIME_LIMIT) -> ConvexityResult:
    """Decide whether ``f`` is convex, concave, affine or neither on ``domain``.

    ``f`` is a SymPy expression or text (read by ``symnn.parse``). ``variables`` defaults to all
    its symbols, in sorted name order; other symbols are parameters, and the verdict must hold
    for every parameter value in the domain. ``domain`` defaults to all real numbers for every
    symbol; give text such as ``"x > 0"`` or ``"p > 0, p < 1"`` (comma-joined conditions), a
    SymPy relational or a list of them, or ``{name: (low, high)}``. The chord test uses
    ``seed``, so the same call gives the same counterexample. The analysis, chord test
    included, stops after about ``time_limit`` seconds (None: no limit; the chord test gets
    at least 2 s) and the reason then says what was hard; reading f (or the domain) beyond
    half the limit (at least 1 s) raises ``symnn.symbolic.budget.BudgetExceeded``
    (DomainError). A number beyond floating point (``10^309``) raises ValueError.
    """
    if time_limit is not None and not time_limit > 0:
        raise ValueError(f"time_limit must be a positive number of seconds, got {time_limit}")
    start = time.monotonic()
    # reading f and the first checks take at most half the time: the chord test has the rest
    half = None if time_limit is None else time_limit / 2
    reading = _Clock(None if half is None else max(half, _READ_FLOOR), start)
    with reading.budget("reading f"):
        original = _to_expr(f)
        check_float_range(original)
        original = _real(original)
        expr = _elementary(original)
    vars_, params = _variables(expr, variables)
    try:
        with reading.budget("solving the domain's conditions"):
            dom = parse_domain(domain)
    except BudgetExceeded as exc:
        if exc.cancelled:
            raise
        raise DomainError(f"the domain could not be read: {exc}") from None
    known = {s.name for s in vars_ + params}
    unknown_names = (set(dom.intervals) | {s.name for c in dom.constraints
                                           for s in c.free_symbols}) - known
    if unknown_names:
        raise DomainError(f"the domain mentions {', '.join(sorted(unknown_names))}, which "
                          f"f does not use (f uses {', '.join(sorted(known)) or 'no symbol'})")
    names = tuple(s.name for s in vars_)
    unknown_functions = sorted({sp.sstr(a) for a in expr.atoms(AppliedUndef)})
    if unknown_functions:
        return ConvexityResult("unknown", original, names, dom, [_step(
            f"f contains {', '.join(unknown_functions)}, a function symnn knows nothing about, "
            f"so neither a proof nor a numeric test is possible.")], method="domain")
    analysis = _Analysis(expr, vars_, params, dom)
    result = ConvexityResult("unknown", original, names, dom)
    var_text = ", ".join(names) if names else "no variable"
    param_text = (f", with parameters {', '.join(s.name for s in params)}" if params else "")
    result.steps.append(_step(
        f"f({var_text}) = {math_text(original)} on {analysis.where}{param_text}.",
        rf"f({var_text}) = {sp.latex(original)}\ \text{{on }} {dom.describe_latex(names)}"))
    if expr != original and math_text(expr) != math_text(original):  # not f said twice
        result.steps.append(_step(
            f"Written with exp, log, max and min: f = {math_text(expr)}.",
            rf"f = {sp.latex(expr)}"))

    if analysis.high_power is not None:
        result.steps.append(_step(
            f"f contains {math_text(analysis.high_power)}, a power above {MAX_EXACT_DEGREE}: "
            f"exact polynomial algebra (factoring, second derivatives) is skipped at such "
            f"degrees, so only the composition rules and the chord test apply."))

    first = _Clock(half, start)
    undefined = first.run("finding where f is defined", analysis.undefined)
    # the chord test: the time left, and never less than _CHORD_FLOOR
    now = time.monotonic()
    numeric = _Clock(None if time_limit is None else
                     round(max(start + time_limit - now, _CHORD_FLOOR), 1), now)
    search = numeric.run("compiling f for the numeric chord test", ChordSearch, expr, vars_,
                         params, dom, seed)
    if undefined is None and search is not None:
        undefined = numeric.run("looking for points where f is undefined",
                                analysis.undefined_numeric, search)
    if undefined is not None:
        result.steps.append(undefined)
        result.method = "domain"
        return result

    if first.run("checking whether f is affine", analysis.affine):
        result.verdict, result.method = "affine", "polynomial degree"
        result.steps.append(_step(
            "f is a polynomial of degree at most 1 in the variables: affine, hence both convex "
            "and concave (every chord lies on the graph)."))
        return result

    # the chord test first: when it refutes both convexity and concavity, no proof is
    # attempted (only a cheap explanation), which keeps hard "neither" cases fast
    if search is not None and not search.usable:
        result.steps.append(_step("f cannot be evaluated numerically, so the chord test was "
                                  "skipped; only a proof can settle the question."))
    against_convex, against_concave = (search is not None and numeric.run(
        "the numeric chord test", _chord_test, search)) or (None, None)
    clock = _Clock(time_limit, start)  # the proofs: what is left of the time
    smooth = _is_smooth(expr)
    explainer, unexplained = None, False
    if against_convex is not None and against_concave is not None:
        proof = None
        explain = analysis.explanation(smooth)
        left = clock.left
        if explain is not None and left is not None and left < _EXPLAIN_MIN:
            unexplained = True
        elif explain is not None:
            explainer = _Clock(_EXPLAIN_LIMIT if left is None
                               else round(min(_EXPLAIN_LIMIT, left), 1))
            proof = explainer.run("explaining", explain)
    else:
        proof = clock.run("applying the composition rules", analysis.composition)
        if proof is None and smooth and clock.gave_up is None:
            proof = (clock.run("the second derivative", analysis.second_derivative)
                     if len(vars_) == 1 else clock.run("the Hessian", analysis.hessian))
        if ((proof is None or not (proof.convex or proof.concave)) and not smooth
                and len(vars_) == 1 and clock.gave_up is None):
            proof = clock.run("splitting f into pieces", analysis.piecewise) or proof
    proof = proof or _Proof()

    # the proof may point at places where f bends the wrong way: search there too
    hints = proof.not_convex_near + proof.not_concave_near
    if (hints and not params and search is not None
            and (against_convex is None or against_concave is None)):
        a, b = _local_pairs(hints, len(vars_), len(params))
        against_convex = against_convex or numeric.run(
            "the chord test near the bends", search.search, a, b, "convexity")
        against_concave = against_concave or numeric.run(
            "the chord test near the bends", search.search, a, b, "concavity")

    steps = list(proof.steps)
    convex = proof.convex and against_convex is None
    concave = proof.concave and against_concave is None
    if (proof.convex and against_convex) or (proof.concave and against_concave):
        steps.append(_step("The numeric chord test contradicts the symbolic argument above "
                           "(the function may not be differentiable everywhere), so the "
                           "counterexample wins."))
    for gave_up in (first.gave_up, numeric.gave_up, clock.gave_up):
        if gave_up is not None:
            steps.append(_step(f"The analysis {gave_up} (a time limit; give more time with "
                               f"time_limit, or --time-limit on the command line)."))
    if explainer is not None and explainer.gave_up is not None:
        share = f" of the {time_limit:g} s" if time_limit is not None else ""
        steps.append(_step(f"The explanation {explainer.gave_up} (it gets at most "
                           f"{_EXPLAIN_LIMIT:g} s{share}); the chord test below settles the "
                           f"verdict."))
    elif unexplained:
        steps.append(_step(f"The explanation gave up after {time_limit:g} s: the chord test "
                           f"used the time up; it settles the verdict below."))
    result.steps.extend(steps)
    result.method = proof.method
    if convex and concave:
        result.verdict = "affine"
    elif convex:
        result.verdict = "convex"
    elif concave:
        result.verdict = "concave"
    elif ((against_convex is not None or proof.not_convex)
          and (against_concave is not None or proof.not_concave)):
        result.verdict = "neither"
        result.method = result.method or "chord test"
    if against_convex is not None and result.verdict in ("neither", "unknown"):
        result.counterexample = against_convex
        result.steps.append(_step(f"Not convex: {against_convex}.", against_convex.to_latex(),
                                  ""))
    if against_concave is not None and result.verdict in ("neither", "unknown"):
        result.concavity_counterexample = against_concave
        result.steps.append(_step(f"Not concave: {against_concave}.",
                                  against_concave.to_latex(), ""))
    if result.verdict == "unknown":
        result.steps.append(_step(
            "No proof of convexity or concavity was found, and the chord test did not settle "
            "the question, so the answer is unknown."))
    return result


def _chord_test(search: ChordSearch) -> tuple[Counterexample | None, Counterexample | None]:
    """Counterexamples to convexity and to concavity from the seeded chord search."""
    a, b = search.pairs()
    return search.search(a, b, "convexity"), search.search(a, b, "concavity")
