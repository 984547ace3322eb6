"""Calculus helpers: secants converge to the tangent, product and chain rules agree with
SymPy's derivative, gradient and Hessian of typed functions."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from symnn.symbolic.calculus import (chain_rule, derivative, gradient, hessian, product_rule,
                                     secant_slopes)
from symnn.symbolic.functions import symbol

x, y = symbol("x"), symbol("y")


def test_secant_slopes_of_square_are_exactly_two_x0_plus_h():
    table = secant_slopes("x**2", at=3)
    assert table.tangent == 6.0
    for h, slope, error in table.rows:
        assert slope == pytest.approx(6 + h, rel=1e-12)  # ((3+h)^2 - 9)/h = 6 + h
        assert error == pytest.approx(h, rel=1e-9)


def test_secant_error_shrinks_with_h_for_a_transcendental_function():
    table = secant_slopes("exp(x)", at=0)
    errors = [abs(e) for _, _, e in table.rows]
    assert all(later < earlier for earlier, later in zip(errors, errors[1:]))
    assert errors[-1] < 1e-6 and table.tangent == 1.0
    assert "secant slope" in str(table) and r"\begin{array}" in table.to_latex()


def test_secant_with_several_variables_needs_the_variable():
    with pytest.raises(ValueError, match="say which one"):
        secant_slopes("x*y", at=1)


def test_product_rule_parts_and_agreement():
    demo = product_rule("x**2*sin(x)")
    parts = dict(demo.parts)
    assert parts["u"] == x**2 and parts["v"] == sp.sin(x)
    assert parts["u'"] == 2 * x and parts["v'"] == sp.cos(x)
    assert demo.agrees
    assert sp.simplify(demo.result - (2 * x * sp.sin(x) + x**2 * sp.cos(x))) == 0


def test_product_rule_refuses_a_non_product():
    with pytest.raises(ValueError, match="not a product"):
        product_rule("sin(x) + x")


def test_chain_rule_through_sigmoid_matches_sympy():
    demo = chain_rule("log(sigmoid(w*x + b))", "w")
    w = symbol("w")
    assert demo.agrees
    assert [name for name, _ in demo.parts][:2] == ["u1", "g1'(u1)"]
    expected = sp.diff(sp.log(1 / (1 + sp.exp(-(w * x + symbol("b"))))), w)
    value = {w: 0.3, x: 1.5, symbol("b"): -0.2}
    assert float(demo.result.subs(value).evalf()) == pytest.approx(
        float(expected.subs(value).evalf()), rel=1e-12)
    assert "u_{1}" in demo.to_latex()


def test_chain_rule_refuses_a_bare_variable():
    with pytest.raises(ValueError, match="not a composition"):
        chain_rule("x")


def test_gradient_and_hessian_symbolic_and_at_a_point():
    g = gradient("x**2*y + y")
    assert list(g) == [2 * x * y, x**2 + 1]
    np.testing.assert_array_equal(gradient("x**2*y + y", at=[1, 2]), [4.0, 2.0])
    np.testing.assert_array_equal(hessian("x**2*y", at={"x": 1, "y": 2}), [[4.0, 2.0], [2.0, 0.0]])
    assert derivative("x**3") == 3 * x**2


def test_gradient_at_needs_every_value():
    with pytest.raises(ValueError, match="y"):
        gradient("x*y", at={"x": 1})


def test_every_helper_gives_up_after_its_time_limit_with_a_clear_message():
    from symnn.symbolic.budget import BudgetExceeded

    hard = sp.Max(*sp.symbols("a0:48"))  # SymPy's derivative of a wide max takes minutes
    with pytest.raises(BudgetExceeded, match=r"gave up after 0\.3 s: differentiating f"):
        gradient(hard, time_limit=0.3)
    with pytest.raises(BudgetExceeded, match="gave up after 0.3 s"):
        hessian(hard, time_limit=0.3)
    assert gradient("x**2*y", time_limit=5).shape == (2, 1)  # ordinary work is unaffected
