"""Loss surfaces: presets from the optimization literature and any typed function.

A :class:`Surface` holds a SymPy expression and its gradient and Hessian, derived by SymPy and
turned into NumPy functions, so an optimizer run evaluates exact derivatives quickly.
Variables are ordered by name (``x`` before ``y``), as in ``sn.convexity``. Deriving them for a
typed function runs under a time limit (``max`` of 64 arguments would take minutes) and refuses
numbers beyond floating point.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from symnn.symbolic.budget import Budget, stage
from symnn.symbolic.degree import check_float_range
from symnn.symbolic.extrema import derivatives, substitute
from symnn.symbolic.functions import lambdify, symbol

__all__ = ["Surface", "PRESETS", "surface", "preset_names", "TIME_LIMIT"]

#: seconds SymPy may spend deriving the gradient and Hessian of a typed function
TIME_LIMIT = 10.0


@dataclass
class Surface:
    """f(variables) with exact gradient and Hessian; ``start`` is a suggested starting point,
    ``window`` the plotting range per variable, ``minima`` the known minimizers (presets)."""

    name: str
    expr: sp.Expr
    variables: tuple[sp.Symbol, ...]
    start: tuple[float, ...]
    window: tuple[tuple[float, float], ...]
    minima: tuple[tuple[float, ...], ...] = ()
    description: str = ""
    # optimizer name -> a learning rate that makes progress here (presets; see default_lr)
    lrs: dict[str, float] = field(default_factory=dict)
    _f: object = field(init=False, repr=False)
    _g: object = field(init=False, repr=False)
    _h: object = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # derivatives of the real-valued copy (|x|'' is 2 DiracDelta(x) only for real x)
        real = {v: sp.Symbol(v.name, real=True) for v in self.variables}
        expr = substitute(self.expr, real)
        args = [real[v] for v in self.variables]
        # kinks (abs, relu, max) give DiracDelta terms: the Hessian is taken where it exists
        with stage("differentiating f (its gradient and Hessian)"):
            grad, hess = derivatives(expr, args)
        self._f = lambdify(args, expr)
        self._g = lambdify(args, grad)
        self._h = lambdify(args, hess)
        try:
            self.value(self.start), self.gradient(self.start), self.hessian(self.start)
        except (NameError, TypeError, AttributeError) as exc:
            raise ValueError(f"cannot evaluate {self.name} numerically: {exc}") from None

    @property
    def dim(self) -> int:
        return len(self.variables)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.variables)

    def _check(self, point: Sequence[float] | np.ndarray) -> np.ndarray:
        x = np.asarray(point, dtype=np.float64).reshape(-1)
        if x.shape[0] != self.dim:
            raise ValueError(f"{self.name} has {self.dim} variable(s) {', '.join(self.names)}; "
                             f"got a point with {x.shape[0]} coordinate(s)")
        return x

    def value(self, point: Sequence[float] | np.ndarray) -> float:
        """f at a point (NaN or inf when it overflows; never raises for finite input)."""
        with np.errstate(all="ignore"):
            return float(np.real(self._f(*self._check(point))))

    def values(self, points: np.ndarray) -> np.ndarray:
        """f at each row of an (n, d) array of points (NaN or inf where it overflows)."""
        pts = np.asarray(points, dtype=np.float64).reshape(-1, self.dim)
        with np.errstate(all="ignore"):
            out = np.asarray(self._f(*pts.T))
            return np.broadcast_to(np.real(out).astype(float), pts.shape[:1]).copy()

    def gradient(self, point: Sequence[float] | np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            return np.asarray(self._g(*self._check(point)), dtype=np.float64).reshape(-1)

    def hessian(self, point: Sequence[float] | np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            return np.asarray(self._h(*self._check(point)), dtype=np.float64).reshape(
                self.dim, self.dim)

    def grid(self, n: int = 121, window: tuple[tuple[float, float], ...] | None = None,
             ) -> tuple[np.ndarray, ...]:
        """Values on a regular grid over the window: (xs, f) in 1-D, (X, Y, Z) in 2-D."""
        window = window or self.window
        axes = [np.linspace(lo, hi, n) for lo, hi in window]
        with np.errstate(all="ignore"):
            if self.dim == 1:
                return axes[0], np.broadcast_to(self._f(axes[0]), axes[0].shape).astype(float)
            if self.dim == 2:
                X, Y = np.meshgrid(*axes)
                return X, Y, np.broadcast_to(self._f(X, Y), X.shape).astype(float)
        raise ValueError(f"a grid needs 1 or 2 variables; {self.name} has {self.dim}")


def _plain_lrs(lr: float, momentum: float) -> dict[str, float]:
    """Learning rates for the optimizers without adaptive step sizes on a steep preset (each
    makes progress in 60 steps from the preset's start without diverging); the adaptive ones
    (Adam, RMSprop, Adagrad, Adadelta) keep their defaults."""
    return {"gd": lr, "sgd": lr, "momentum": momentum, "nesterov": momentum}


def _xy() -> tuple[sp.Symbol, sp.Symbol]:
    return symbol("x"), symbol("y")


def _bowl() -> Surface:
    x, y = _xy()
    return Surface("bowl", x**2 + y**2, (x, y), (1.5, 1.0), ((-2, 2), (-2, 2)), ((0.0, 0.0),),
                   "x^2 + y^2: round, convex, one minimum at the origin")


def _ill_conditioned() -> Surface:
    x, y = _xy()
    return Surface("ill_conditioned", x**2 + 25 * y**2, (x, y), (2.0, 1.0), ((-2.5, 2.5),
                   (-1.5, 1.5)), ((0.0, 0.0),),
                   "x^2 + 25 y^2: a narrow valley (condition number 25); plain descent zig-zags",
                   _plain_lrs(0.03, momentum=0.003))


def _rosenbrock() -> Surface:
    x, y = _xy()
    return Surface("rosenbrock", (1 - x) ** 2 + 100 * (y - x**2) ** 2, (x, y), (-1.5, 2.0),
                   ((-2, 2), (-1, 3)), ((1.0, 1.0),),
                   "(1-x)^2 + 100 (y-x^2)^2: a curved valley, minimum at (1, 1)",
                   _plain_lrs(0.001, momentum=0.001))


def _beale() -> Surface:
    x, y = _xy()
    R = sp.Rational
    expr = ((R(3, 2) - x + x * y) ** 2 + (R(9, 4) - x + x * y**2) ** 2
            + (R(21, 8) - x + x * y**3) ** 2)
    return Surface("beale", expr, (x, y), (1.0, 1.5), ((-4.5, 4.5), (-4.5, 4.5)), ((3.0, 0.5),),
                   "Beale's function: flat plateaus and steep ridges, minimum at (3, 0.5)",
                   _plain_lrs(0.03, momentum=0.003))


def _himmelblau() -> Surface:
    x, y = _xy()
    return Surface("himmelblau", (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2, (x, y),
                   (0.0, 0.0), ((-5, 5), (-5, 5)),
                   ((3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186),
                    (3.584428, -1.848126)),
                   "Himmelblau's function: four minima of equal height; the start picks one",
                   _plain_lrs(0.01, momentum=0.001))


def _saddle() -> Surface:
    x, y = _xy()
    return Surface("saddle", x**2 - y**2, (x, y), (1.0, 0.01), ((-2, 2), (-2, 2)), (),
                   "x^2 - y^2: a saddle point at the origin, unbounded below along y")


def _w_shaped() -> Surface:
    w = symbol("w")
    expr = w**4 - 2 * w**2 + w / 2
    roots = sorted(float(sp.re(r)) for r in sp.Poly(sp.diff(expr, w), w).nroots()
                   if abs(sp.im(r)) < 1e-12)
    minima = tuple((r,) for r in roots if float(sp.diff(expr, w, 2).subs(w, r)) > 0)
    return Surface("w_shaped", expr, (w,), (0.5,), ((-1.8, 1.8),), minima,
                   "w^4 - 2w^2 + w/2: a W-shaped loss with a deeper left minimum; "
                   "the start decides which one descent reaches")


PRESETS = {
    "bowl": _bowl,
    "ill_conditioned": _ill_conditioned,
    "rosenbrock": _rosenbrock,
    "beale": _beale,
    "himmelblau": _himmelblau,
    "saddle": _saddle,
    "w_shaped": _w_shaped,
}


def preset_names() -> list[str]:
    return list(PRESETS)


def surface(spec: object, name: str | None = None,
            time_limit: float | None = TIME_LIMIT) -> Surface:
    """A Surface from a preset name, typed text (read by ``symnn.parse``), a SymPy expression
    or a Surface. A typed function starts at 1 in every variable and is plotted on [-2, 2].
    Raises ``symnn.symbolic.budget.BudgetExceeded`` when deriving takes over ``time_limit``
    seconds, and ValueError for a number beyond floating point."""
    if isinstance(spec, Surface):
        return spec
    if isinstance(spec, str) and spec.strip().lower() in PRESETS:
        return PRESETS[spec.strip().lower()]()
    if not isinstance(spec, (str, sp.Basic)):
        raise TypeError(f"cannot make a loss surface from {type(spec).__name__}; give a preset "
                        f"name ({', '.join(PRESETS)}), text or a SymPy expression")
    with Budget(time_limit, "reading f"):
        if isinstance(spec, str):
            from symnn.symbolic.parser import parse

            expr = parse(spec)
            label = name or spec.strip()
        else:
            expr, label = spec, name or sp.sstr(spec)
        check_float_range(expr)
        expr = substitute(expr, {s: symbol(s.name) for s in expr.free_symbols})
        variables = tuple(sorted(expr.free_symbols, key=lambda s: s.name))
        if not variables:
            raise ValueError(f"{label} has no variable to optimize")
        d = len(variables)
        return Surface(label, expr, variables, (1.0,) * d, ((-2.0, 2.0),) * d)
