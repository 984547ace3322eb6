"""SymPy forms of symnn's functions (sigmoid, ReLU, ..., ELU, GELU, SiLU): derivatives, numbers,
printing, rewrites and lambdify, the table-wide claims parametrized over symnn.unary.UNARY."""

import math

import numpy as np
import pytest
import sympy

import symnn as sn
from symnn.symbolic.functions import (DeclaredFunction, elu, gelu, lambdify, leaky_relu, number,
                                      relu, sigmoid, silu, softplus, symbol, sympy_function)
from symnn.unary import UNARY

x = symbol("x")
# a few points per op, away from kinks; log and sqrt need positive ones
POINTS = (-2.3, -0.4, 0.6, 1.7)
POSITIVE = (0.3, 1.1, 2.9)
# non-default parameters, so a parameter that is ignored somewhere shows up
PARAMS = {"leaky_relu": (0.2,), "elu": (0.7,)}


def _points(name):
    return POSITIVE if name in ("log", "sqrt") else POINTS


def _applied(name):
    """op(x, params) as SymPy, and the float params."""
    params = PARAMS.get(name, UNARY[name].defaults)
    return sympy_function(name)(x, *(number(p) for p in params)), params


def _scalar(name, v, params):
    return UNARY[name].scalar(v, *params)


def test_symbols_are_the_plain_symbols_a_user_writes():
    assert x == sympy.Symbol("x") and x.is_real is None


@pytest.mark.parametrize("name", sorted(UNARY))
@pytest.mark.parametrize("module", ["math", "numpy", "mpmath"])
def test_every_op_lambdifies_with_every_module_to_its_scalar_value(name, module):
    f, params = _applied(name)
    g = sympy.lambdify([x], 2 * f + x, module)
    for v in _points(name):
        want = 2 * _scalar(name, v, params)[0] + v
        assert float(g(v)) == pytest.approx(want, rel=1e-12, abs=1e-14), (name, module, v)


@pytest.mark.parametrize("name", sorted(UNARY))
def test_every_op_differentiates_with_a_plain_symbol_to_its_scalar_derivative(name):
    f, params = _applied(name)
    w = sympy.Symbol("w")
    d = sympy.diff(f.subs(x, 3 * w), w)
    assert d != 0
    for v in _points(name):
        want = 3 * _scalar(name, 3 * v, params)[1][0]
        assert float(d.subs(w, v).evalf()) == pytest.approx(want, rel=1e-10, abs=1e-14), (name, v)


@pytest.mark.parametrize("name", sorted(UNARY))
def test_every_op_evalf_at_a_number_matches_its_scalar_value(name):
    f, params = _applied(name)
    for v in _points(name):
        assert float(f.subs(x, sympy.Integer(1) * number(v)).evalf(30)) == pytest.approx(
            _scalar(name, v, params)[0], rel=1e-13, abs=1e-15)


@pytest.mark.parametrize("name", sorted(n for n, d in UNARY.items() if d.sympy_name is None))
def test_every_declared_function_rewrites_to_each_target_without_itself(name):
    f, params = _applied(name)
    d = UNARY[name]
    for target, _ in d.rewrites:
        rewritten = f.rewrite(getattr(sympy, target, None) or sympy_function(target))
        assert not rewritten.has(type(f)), (name, target, rewritten)
        for v in _points(name):
            assert float(rewritten.subs(x, v).evalf()) == pytest.approx(
                _scalar(name, v, params)[0], rel=1e-12, abs=1e-14), (name, target, v)


@pytest.mark.parametrize("name", sorted(n for n, d in UNARY.items() if d.sympy_name is None))
def test_every_declared_function_prints_latex_and_parses_back_from_str(name):
    f, _ = _applied(name)
    latex = sympy.latex(f)
    assert latex.startswith(UNARY[name].latex) or UNARY[name].bars
    assert latex.endswith(r"\left(x\right)") or latex == r"\left|{x}\right|"
    assert isinstance(f, DeclaredFunction)
    assert sn.parse(str(f)) == f


def test_relu_rewrites_to_max_and_piecewise_and_softplus_to_log():
    assert relu(x).rewrite(sympy.Max) == sympy.Max(0, x)
    assert relu(x).rewrite(sympy.Piecewise) == sympy.Piecewise((x, x > 0), (0, True))
    assert softplus(x).rewrite(sympy.log) == sympy.log(1 + sympy.exp(x))
    assert sigmoid(x).rewrite(sympy.exp) == 1 / (1 + sympy.exp(-x))
    assert silu(x).rewrite(sigmoid) == x * sigmoid(x)
    assert gelu(x).rewrite(sympy.erf) == x / 2 * (1 + sympy.erf(x / sympy.sqrt(2)))


def test_parsed_expression_lambdifies_where_it_raised_name_error():
    e = sn.parse("relu(x) + sigmoid(x) + softplus(x) + leaky_relu(x, 0.1) + gelu(x) + silu(x)")
    for module in ("math", "numpy", "mpmath"):
        f = sympy.lambdify([sympy.Symbol("x")], e, module)
        v = -0.8
        want = 0 + 1 / (1 + math.exp(0.8)) + math.log1p(math.exp(-0.8)) - 0.08 \
            + -0.8 * 0.5 * (1 + math.erf(-0.8 / math.sqrt(2))) + -0.8 / (1 + math.exp(0.8))
        assert float(f(v)) == pytest.approx(want, rel=1e-12), module


def test_evalf_keeps_a_symbolic_argument_and_evaluates_inside_it():
    assert sigmoid(x / 4).evalf() == sigmoid(0.25 * x)
    assert str((elu(x, sympy.Rational(1, 2)) + 1).evalf(5)) == "elu(x, 0.5) + 1.0"


@pytest.mark.parametrize(
    "f,df",
    [
        (sigmoid(x), sigmoid(x) * (1 - sigmoid(x))),
        (relu(x), sympy.Heaviside(x, 0)),
        (leaky_relu(x, sympy.Rational(1, 5)), sympy.Piecewise((1, x > 0), (sympy.Rational(1, 5), True))),
        (softplus(x), sigmoid(x)),
        (elu(x, 2), sympy.Piecewise((1, x > 0), (2 * sympy.exp(x), True))),
        (silu(x), sigmoid(x) * (1 + x * (1 - sigmoid(x)))),
    ],
    ids=["sigmoid", "relu", "leaky_relu", "softplus", "elu", "silu"],
)
def test_derivatives(f, df):
    assert sympy.diff(f, x) == df


def test_relu_and_leaky_relu_derivatives_at_zero_match_pytorch():
    assert sympy.diff(relu(x), x).subs(x, 0) == 0
    assert sympy.diff(leaky_relu(x, sympy.Rational(1, 5)), x).subs(x, 0) == sympy.Rational(1, 5)


@pytest.mark.parametrize("v", [-2.5, -0.1, 0.0, 0.7, 3.0])
def test_numeric_values_by_evalf_and_lambdify_agree_with_the_formulas(v):
    s = 1 / (1 + math.exp(-v))
    sp = math.log1p(math.exp(v))
    expected = {sigmoid: s, relu: max(v, 0.0), softplus: sp}
    for f, want in expected.items():
        assert float(f(sympy.Float(v)).evalf()) == pytest.approx(want, rel=1e-12, abs=1e-15)
        assert float(lambdify([x], f(x))(v)) == pytest.approx(want, rel=1e-12, abs=1e-15)
    lr = leaky_relu(x, sympy.Rational(1, 10))
    assert float(lambdify([x], lr)(v)) == pytest.approx(v if v > 0 else 0.1 * v, abs=1e-15)


def test_lambdify_vectorizes_over_numpy_arrays():
    f = lambdify([x], sigmoid(x) + relu(x) + softplus(x))
    v = np.array([-1.0, 0.0, 2.0])
    expected = 1 / (1 + np.exp(-v)) + np.maximum(v, 0) + np.log1p(np.exp(v))
    np.testing.assert_allclose(f(v), expected, rtol=1e-12)


def test_latex_is_textbook_notation():
    assert sympy.latex(sigmoid(x)) == r"\sigma\left(x\right)"
    assert sympy.latex(relu(x)) == r"\operatorname{ReLU}\left(x\right)"
    assert sympy.latex(softplus(x)) == r"\operatorname{softplus}\left(x\right)"
    assert sympy.latex(sigmoid(x) ** 2) == r"\sigma^{2}\left(x\right)"


def test_exact_values_at_special_points():
    assert sigmoid(sympy.S.Zero) == sympy.S.Half
    assert softplus(sympy.S.Zero) == sympy.log(2)
    assert relu(sympy.Integer(-3)) == 0 and relu(sympy.Integer(3)) == 3


def test_number_keeps_short_decimals_exact():
    assert number(2.0) == 2 and number(0.01) == sympy.Rational(1, 100)
    assert isinstance(number(0.123456789), sympy.Float)
    assert number(math.inf) == sympy.oo
