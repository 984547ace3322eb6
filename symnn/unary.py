"""Every elementwise function of symnn, declared once: exp, log, ..., sigmoid, ReLU, ELU, GELU, SiLU.

A :class:`UnaryOp` holds everything symnn knows about one function ``y = f(x)``:

* ``scalar(a, *params) -> (value, (dy/da,))`` on plain floats with ``math`` (the scalar engine
  stores both in forward; backward multiplies floats);
* ``forward(x, *params)`` and ``vjp(g, x, y, *params) = g * dy/dx`` on NumPy float arrays (the
  tensor backend's tape);
* the SymPy side: a SymPy built-in (``sympy_name="exp"``) or, for the functions SymPy lacks
  (and for |x|, whose SymPy derivative assumes a complex argument), the closed forms that ``symnn.symbolic.functions`` turns into a ``sympy.Function`` (its
  derivative, exact values, ``rewrite`` targets, ``evalf``, LaTeX and lambdify printers);
* how it is shown (``label``, ``latex``, ``unicode``) and the Scalar method name.

The scalar engine's op table, both tensor paths (float arrays and object arrays of Scalars),
the parser's whitelist, graph building, convexity's rewrites and the printers all read
:data:`UNARY`, so adding a function is one entry here. Numeric conventions follow PyTorch:
relu'(0) = 0, |x|'(0) = 0, leaky_relu'(0) = slope, elu'(0) = alpha, softplus is linear above
20, and out-of-domain inputs give nan or inf instead of raising (log(0) = -inf, sqrt(-1) = nan).
The SymPy parts are written with the lazy namespace ``sp`` (SymPy), so importing this module
never imports SymPy; a form that needs another declared function (softplus' = σ) takes it
from :data:`SYMPY_FUNCTIONS`, which ``symnn.symbolic.functions`` fills as it makes them, so
this module never imports the symbolic side.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["UnaryOp", "UNARY", "SYMPY_FUNCTIONS", "scalar_value", "array_value", "zeros_cached",
           "ieee_div"]

_INF = math.inf
_NAN = math.nan
_ONE = (1.0,)
_ZERO = (0.0,)
_MINUS_ONE = (-1.0,)
_SQRT_HALF = math.sqrt(0.5)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_TANH_K = math.sqrt(2.0 / math.pi)  # GELU's tanh approximation: tanh(k (x + c x^3))
_TANH_C = 0.044715


class _Lazy:
    """A module imported on first use, so the scalar engine loads neither NumPy nor SymPy
    until a tensor or a symbolic form needs them; the import then replaces this stand-in in
    the module's globals, so later calls pay nothing."""

    def __init__(self, module: str, bound_as: str) -> None:
        self._module = module
        self._bound_as = bound_as

    def __getattr__(self, name: str) -> Any:
        module = importlib.import_module(self._module)
        globals()[self._bound_as] = module
        return getattr(module, name)


np = _Lazy("numpy", "np")
sp = _Lazy("sympy", "sp")

# name -> symnn's SymPy function made from the declaration below (sigmoid, relu, ...), filled
# by symnn.symbolic.functions when it makes them; the SymPy forms here run on expressions
# that hold those functions, so the table is full by the time a form asks for one
SYMPY_FUNCTIONS: dict[str, Any] = {}


def _declared(name: str) -> Any:
    """symnn's SymPy function ``name``, for a form that uses another declared function."""
    try:
        return SYMPY_FUNCTIONS[name]
    except KeyError:
        raise RuntimeError(f"symnn's SymPy function {name!r} is made by symnn.symbolic.functions; "
                           "import it before using the SymPy forms of symnn.unary") from None


@dataclass(frozen=True, eq=False)
class UnaryOp:
    """One elementwise function ``y = f(x; params)``: numbers, arrays, SymPy, display.

    ``params`` are number arguments with defaults (leaky_relu's slope, elu's alpha).
    ``rewrites`` maps a ``rewrite`` target name to a SymPy closed form ``(x, *params) -> expr``;
    the first is the elementary form used by ``evalf``, mpmath code and convexity.
    ``derivative(x, y, *params)`` is dy/dx in SymPy (``y`` is the function itself); None means
    differentiate the elementary form. ``exact(x, *params)`` gives an exact value for special
    arguments (or None). ``variant_of=("gelu", "tanh")`` makes this op what
    ``x.gelu(approximate="tanh")`` computes. ``forward``/``vjp`` may take keyword-only options
    that have no SymPy form (softplus's ``beta`` and ``threshold``, as in PyTorch).
    """

    name: str
    doc: str
    scalar: Callable[..., tuple[float, tuple[float]]]
    forward: Callable[..., Any]
    vjp: Callable[..., Any]
    params: tuple[tuple[str, float], ...] = ()
    sympy_name: str | None = None
    rewrites: tuple[tuple[str, Callable[..., Any]], ...] = ()
    derivative: Callable[..., Any] | None = None
    exact: Callable[..., Any] | None = None
    sign: str | None = None  # "positive" or "nonnegative" for every real argument
    label: str = ""
    latex: str = ""
    unicode: str = ""
    method: str | None = None
    variant_of: tuple[str, str] | None = None
    bars: bool = False  # shown as |x| rather than f(x)

    def __post_init__(self) -> None:
        if not self.label:
            object.__setattr__(self, "label", self.name)
        if not self.unicode:
            object.__setattr__(self, "unicode", self.label)
        if not self.latex:
            object.__setattr__(self, "latex", r"\operatorname{%s}" % self.label)
        if self.sympy_name is None and not self.rewrites:
            raise ValueError(f"{self.name}: a function SymPy lacks needs at least one rewrite")

    @property
    def defaults(self) -> tuple[float, ...]:
        return tuple(d for _, d in self.params)

    def elementary(self, x: Any, *params: Any) -> Any:
        """The SymPy closed form in SymPy's own functions (Max, Piecewise, exp, erf, ...)."""
        return self.rewrites[0][1](x, *params)

    def method_call(self) -> tuple[str, dict[str, str]]:
        """``(method name, keywords)`` that compute this op on a Scalar: ``("gelu",
        {"approximate": "tanh"})`` for a variant, ``("exp", {})`` otherwise."""
        if self.variant_of is not None:
            base, value = self.variant_of
            return base, {"approximate": value}
        return self.method or self.name, {}


def scalar_value(name: str, x: float, *params: float) -> float:
    """The value of op ``name`` at a float, by its scalar rule (used by lambdify's "math")."""
    return UNARY[name].scalar(float(x), *(float(p) for p in params))[0]


def array_value(name: str, x: Any, *params: float) -> Any:
    """The value of op ``name`` on an array or number, by its NumPy rule (lambdify's "numpy")."""
    a = np.asarray(x, dtype=np.float64)
    y = UNARY[name].forward(a, *(float(p) for p in params))
    return y if y.ndim else y[()]


_ZEROS: dict[tuple, Any] = {}


def zeros_cached(shape: tuple[int, ...], dtype: Any) -> Any:
    """A read-only zero array, reused across calls (``np.maximum(x, zeros)`` is ~3x faster
    than ``np.maximum(x, 0)``)."""
    key = (shape, dtype)
    z = _ZEROS.get(key)
    if z is None:
        if len(_ZEROS) >= 32:
            _ZEROS.clear()
        z = np.zeros(shape, dtype)
        z.flags.writeable = False
        _ZEROS[key] = z
    return z


def _erf_array(x: Any) -> Any:
    """erf elementwise in x's dtype: SciPy's when it is installed, else ``math.erf`` per element."""
    try:
        from scipy.special import erf
    except ImportError:
        arr = np.asarray(x)
        dtype = arr.dtype if np.issubdtype(arr.dtype, np.floating) else np.float64
        out = np.asarray(np.frompyfunc(math.erf, 1, 1)(arr), dtype=dtype)
        return out if out.ndim else out[()]  # a scalar in, a NumPy scalar out
    return erf(x)


# ---- scalar rules: plain floats, math only; slow paths only for special values ----------


def ieee_div(a: float, b: float) -> float:
    """a / b with IEEE semantics for b == 0 (inf with the right sign, nan for 0/0)."""
    if b != 0.0:
        return a / b
    if a == 0.0 or a != a:
        return _NAN
    return math.copysign(_INF, a) * math.copysign(1.0, b)


def _exp(a):
    try:
        v = math.exp(a)
    except OverflowError:
        v = _INF
    return v, (v,)


def _log(a):
    if a > 0.0:
        return math.log(a), (1.0 / a,)
    if a == 0.0:
        return -_INF, (ieee_div(1.0, a),)
    return _NAN, (_NAN,)


def _sqrt(a):
    if a > 0.0:
        s = math.sqrt(a)
        return s, (0.5 / s,)
    if a == 0.0:
        return 0.0, (_INF,)
    return _NAN, (_NAN,)


def _abs(a):
    if a > 0.0:
        return a, _ONE
    if a < 0.0:
        return -a, _MINUS_ONE
    if a == 0.0:
        return 0.0, _ZERO
    return a, (_NAN,)  # NaN stays NaN, as in the NumPy backend


def _sigmoid_float(a: float) -> float:
    if a >= 0.0:
        return 1.0 / (1.0 + math.exp(-a))
    e = math.exp(a)
    return e / (1.0 + e)


def _sigmoid(a):
    s = _sigmoid_float(a)
    return s, (s * (1.0 - s),)


def _tanh(a):
    t = math.tanh(a)
    return t, (1.0 - t * t,)


def _relu(a):
    if a > 0.0:
        return a, _ONE
    return (0.0 if a == a else a), _ZERO  # NaN stays NaN, as in the NumPy backend


def _leaky_relu(a, slope):
    if a > 0.0:
        return a, _ONE
    return a * slope, (slope,)


def _softplus(a):
    if a > 20.0:  # PyTorch's threshold: linear above it
        return a, _ONE
    e = math.exp(a)
    return math.log1p(e), (e / (1.0 + e),)


def _sin(a):
    if a - a != 0.0:  # ±inf (math raises) or nan
        return _NAN, (_NAN,)
    return math.sin(a), (math.cos(a),)


def _cos(a):
    if a - a != 0.0:
        return _NAN, (_NAN,)
    return math.cos(a), (-math.sin(a),)


def _elu(a, alpha):
    if a > 0.0:
        return a, _ONE
    return alpha * math.expm1(a), (alpha * math.exp(a),)


def _gelu(a):
    cdf = 0.5 * (1.0 + math.erf(a * _SQRT_HALF))
    if a != a or abs(a) == _INF:
        return a * cdf, (cdf,)
    return a * cdf, (cdf + a * _INV_SQRT_2PI * math.exp(-0.5 * a * a),)


def _gelu_tanh(a):
    inner = _TANH_K * (a + _TANH_C * a * a * a) if abs(a) < 1e100 else _TANH_K * a
    t = math.tanh(inner)
    d_inner = _TANH_K * (1.0 + 3.0 * _TANH_C * a * a) if abs(a) < 1e100 else 0.0
    return 0.5 * a * (1.0 + t), (0.5 * (1.0 + t) + 0.5 * a * (1.0 - t * t) * d_inner,)


def _silu(a):
    s = _sigmoid_float(a)
    return a * s, (s * (1.0 + a * (1.0 - s)),)


# ---- NumPy rules: forward, and the vector-Jacobian product g * dy/dx ---------------------


def _np_sigmoid(x):
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-x))


def _np_relu(x):
    return np.maximum(x, zeros_cached(x.shape, x.dtype))


def _np_relu_vjp(g, x, y):
    mask = np.greater(y, 0, out=np.empty(y.shape, g.dtype), casting="unsafe")
    return np.multiply(mask, g, out=mask)


def _np_leaky_relu(x, slope):
    if 0 <= slope <= 1:  # max(x, slope·x) avoids np.where, which is slow on mixed masks
        return np.maximum(x, x * slope)
    return np.where(x > 0, x, x * slope)


def _np_leaky_relu_vjp(g, x, y, slope):
    factor = np.greater(x, 0, out=np.empty(x.shape, g.dtype), casting="unsafe")
    factor *= 1 - slope
    factor += slope
    return np.multiply(factor, g, out=factor)


def _np_softplus(x, *, beta=1.0, threshold=20.0):
    bx = x * beta if beta != 1.0 else x
    with np.errstate(over="ignore"):
        return np.where(bx > threshold, x, np.log1p(np.exp(bx)) / beta)


def _np_softplus_vjp(g, x, y, *, beta=1.0, threshold=20.0):
    bx = x * beta if beta != 1.0 else x
    return np.where(bx > threshold, g, g * _np_sigmoid(bx))


def _np_elu(x, alpha):
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


def _np_elu_vjp(g, x, y, alpha):
    return g * np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0)))


def _np_gelu(x):
    return 0.5 * x * (1 + _erf_array(x * _SQRT_HALF))


def _np_gelu_vjp(g, x, y):
    cdf = 0.5 * (1 + _erf_array(x * _SQRT_HALF))
    with np.errstate(over="ignore", invalid="ignore"):
        pdf = _INV_SQRT_2PI * np.exp(-0.5 * x * x)
    return g * (cdf + x * pdf)


def _np_gelu_tanh(x):
    with np.errstate(over="ignore", invalid="ignore"):
        return 0.5 * x * (1 + np.tanh(_TANH_K * (x + _TANH_C * x * x * x)))


def _np_gelu_tanh_vjp(g, x, y):
    with np.errstate(over="ignore", invalid="ignore"):
        t = np.tanh(_TANH_K * (x + _TANH_C * x * x * x))
        d = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * (_TANH_K * (1 + 3 * _TANH_C * x * x))
    return g * d


def _np_silu(x):
    return x * _np_sigmoid(x)


def _np_silu_vjp(g, x, y):
    s = _np_sigmoid(x)
    return g * (s * (1 + x * (1 - s)))


# ---- SymPy closed forms of the functions SymPy lacks -------------------------------------


def _leaky_max(x, slope):
    """leaky_relu as max(x, slope x) (slope <= 1), min(x, slope x) (slope > 1), or a
    Piecewise when the slope is not a number."""
    if slope.is_number and slope > 1:
        return sp.Min(x, slope * x)
    if slope.is_number:
        return sp.Max(x, slope * x)
    return sp.Piecewise((x, x > 0), (slope * x, True))


def _elu_piecewise(x, alpha):
    return sp.Piecewise((x, x > 0), (alpha * (sp.exp(x) - 1), True))


def _gelu_erf(x):
    return x / 2 * (1 + sp.erf(x / sp.sqrt(2)))


def _gelu_tanh_form(x):
    c = sp.Rational(44715, 10**6)
    return x / 2 * (1 + sp.tanh(sp.sqrt(2 / sp.pi) * (x + c * x**3)))


def _real_number(x) -> bool:
    return bool(x.is_number and x.is_extended_real)


def _relu_exact(x):
    if _real_number(x):
        return x if x > 0 else sp.S.Zero
    if x.is_extended_nonnegative:
        return x
    if x.is_extended_nonpositive:
        return sp.S.Zero
    return None


def _leaky_exact(x, slope):
    if _real_number(x) and slope.is_number:
        return x if x > 0 else slope * x
    if x.is_extended_positive:
        return x
    return None


def _abs_exact(x):
    """SymPy's own |x| where it simplifies to something without |.| (numbers, x**2, ...)."""
    value = sp.Abs(x)
    return None if value.has(sp.Abs) else value


def _sigmoid_exact(x):
    return {sp.S.Zero: sp.S.Half, sp.S.Infinity: sp.S.One, sp.S.NegativeInfinity: sp.S.Zero}.get(x)


def _zero_at_zero(x, *params):
    return sp.S.Zero if x == 0 else None


def _elu_exact(x, alpha):
    if _real_number(x) and not x.is_Float:
        return _elu_piecewise(x, alpha)
    return None


_UNARY_LIST = (
    UnaryOp("exp", "e ** x", _exp, lambda x: np.exp(x), lambda g, x, y: g * y, sympy_name="exp", method="exp"),
    UnaryOp("log", "natural logarithm", _log, lambda x: np.log(x), lambda g, x, y: g / x, sympy_name="log",
            method="log"),
    UnaryOp("sqrt", "square root", _sqrt, lambda x: np.sqrt(x), lambda g, x, y: g / (2 * y),
            sympy_name="sqrt", label="√", method="sqrt"),
    UnaryOp(
        "abs", "absolute value |x|; derivative sign(x), 0 at 0", _abs, lambda x: np.abs(x),
        lambda g, x, y: g * np.sign(x),
        rewrites=(("Abs", lambda x: sp.Abs(x)),
                  ("Piecewise", lambda x: sp.Piecewise((x, x >= 0), (-x, True))),
                  ("Max", lambda x: sp.Max(x, -x))),
        derivative=lambda x, y: sp.sign(x), exact=_abs_exact, sign="nonnegative", label="|·|",
        bars=True, method="abs",
    ),
    UnaryOp("tanh", "hyperbolic tangent", _tanh, lambda x: np.tanh(x), lambda g, x, y: g * (1 - y * y),
            sympy_name="tanh", method="tanh"),
    UnaryOp("sin", "sine", _sin, lambda x: np.sin(x), lambda g, x, y: g * np.cos(x), sympy_name="sin",
            method="sin"),
    UnaryOp("cos", "cosine", _cos, lambda x: np.cos(x), lambda g, x, y: g * -np.sin(x), sympy_name="cos",
            method="cos"),
    UnaryOp(
        "sigmoid", "1 / (1 + exp(-x)); derivative σ(x) (1 - σ(x))", _sigmoid, _np_sigmoid,
        lambda g, x, y: g * (y * (1 - y)),
        rewrites=(("exp", lambda x: 1 / (1 + sp.exp(-x))),),
        derivative=lambda x, y: y * (1 - y), exact=_sigmoid_exact, sign="positive",
        label="σ", latex=r"\sigma", method="sigmoid",
    ),
    UnaryOp(
        "relu", "max(0, x); derivative 0 at x = 0", _relu, _np_relu, _np_relu_vjp,
        rewrites=(("Max", lambda x: sp.Max(0, x)),
                  ("Piecewise", lambda x: sp.Piecewise((x, x > 0), (0, True)))),
        derivative=lambda x, y: sp.Heaviside(x, 0), exact=_relu_exact, sign="nonnegative",
        label="ReLU", method="relu",
    ),
    UnaryOp(
        "leaky_relu", "x for x > 0, slope x otherwise", _leaky_relu, _np_leaky_relu,
        _np_leaky_relu_vjp, params=(("slope", 0.01),),
        rewrites=(("Max", _leaky_max),
                  ("Piecewise", lambda x, s: sp.Piecewise((x, x > 0), (s * x, True)))),
        derivative=lambda x, y, s: sp.Piecewise((1, x > 0), (s, True)), exact=_leaky_exact,
        label="LeakyReLU", method="leaky_relu",
    ),
    UnaryOp(
        "softplus", "log(1 + exp(x)), linear above 20; derivative σ(x)", _softplus,
        _np_softplus, _np_softplus_vjp,
        rewrites=(("log", lambda x: sp.log(1 + sp.exp(x))), ("exp", lambda x: sp.log(1 + sp.exp(x)))),
        derivative=lambda x, y: _declared("sigmoid")(x),
        exact=lambda x: sp.log(2) if x == 0 else None, sign="positive",
        method="softplus",
    ),
    UnaryOp(
        "elu", "x for x > 0, alpha (exp(x) - 1) otherwise", _elu, _np_elu, _np_elu_vjp,
        params=(("alpha", 1.0),),
        rewrites=(("Piecewise", _elu_piecewise), ("exp", _elu_piecewise)),
        derivative=lambda x, y, a: sp.Piecewise((1, x > 0), (a * sp.exp(x), True)),
        exact=_elu_exact, label="ELU", method="elu",
    ),
    UnaryOp(
        "gelu", "x Φ(x) = x/2 (1 + erf(x/√2)), Φ the standard normal CDF", _gelu, _np_gelu,
        _np_gelu_vjp, rewrites=(("erf", _gelu_erf),),
        derivative=lambda x, y: (1 + sp.erf(x / sp.sqrt(2))) / 2
        + x * sp.exp(-x**2 / 2) / sp.sqrt(2 * sp.pi),
        exact=_zero_at_zero, label="GELU", method="gelu",
    ),
    UnaryOp(
        "gelu_tanh", "x/2 (1 + tanh(√(2/π) (x + 0.044715 x³))), GELU's tanh approximation",
        _gelu_tanh, _np_gelu_tanh, _np_gelu_tanh_vjp, rewrites=(("tanh", _gelu_tanh_form),),
        exact=_zero_at_zero, label="GELU_tanh", latex=r"\operatorname{GELU}_{\tanh}",
        variant_of=("gelu", "tanh"),
    ),
    UnaryOp(
        "silu", "x σ(x) (also called swish); derivative σ(x) (1 + x (1 - σ(x)))", _silu,
        _np_silu, _np_silu_vjp,
        rewrites=(("exp", lambda x: x / (1 + sp.exp(-x))),
                  ("sigmoid", lambda x: x * _declared("sigmoid")(x))),
        derivative=lambda x, y: _declared("sigmoid")(x) * (1 + x * (1 - _declared("sigmoid")(x))),
        exact=_zero_at_zero, label="SiLU", method="silu",
    ),
)

UNARY: dict[str, UnaryOp] = {op.name: op for op in _UNARY_LIST}
