"""SymPy forms of sigmoid, ReLU, Leaky ReLU and softplus: derivatives, numbers, printing, NumPy."""

import math

import numpy as np
import pytest
import sympy

from symnn.symbolic.functions import lambdify, leaky_relu, number, relu, sigmoid, softplus, symbol

x = symbol("x")


def test_symbols_are_real_so_abs_differentiates_to_sign():
    assert x.is_real
    assert sympy.diff(sympy.Abs(x), x) == sympy.sign(x)


@pytest.mark.parametrize(
    "f,df",
    [
        (sigmoid(x), sigmoid(x) * (1 - sigmoid(x))),
        (relu(x), sympy.Heaviside(x, 0)),
        (leaky_relu(x, sympy.Rational(1, 5)), sympy.Piecewise((1, x > 0), (sympy.Rational(1, 5), True))),
        (softplus(x), sigmoid(x)),
    ],
    ids=["sigmoid", "relu", "leaky_relu", "softplus"],
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
