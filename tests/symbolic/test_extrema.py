"""Max and min of many arguments: built, renamed, differentiated and compiled without SymPy
comparing every pair of arguments again, and still the same function."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from symnn.symbolic.budget import Budget
from symnn.symbolic.extrema import derivatives, extremum, substitute
from symnn.symbolic.functions import lambdify

NAMES = sp.symbols("a0:64", real=True)


def values(expr, symbols, point):
    return float(expr.xreplace(dict(zip(symbols, map(sp.Float, point)))))


@pytest.mark.parametrize("kind", [sp.Max, sp.Min])
def test_a_max_of_many_terms_keeps_its_values_and_drops_repeats_and_extra_numbers(kind):
    x = NAMES[:12]
    terms = [v**2 - k for k, v in enumerate(x)] + [x[0] ** 2, sp.Integer(3), sp.Rational(7, 2)]
    with Budget(5, "building"):
        fast = extremum(kind, *terms)
    assert len(fast.args) == 13  # the repeated x0^2 dropped, 3 and 7/2 reduced to one number
    assert (sp.Rational(7, 2) if kind is sp.Max else 3) in fast.args
    rng = np.random.default_rng(0)
    for point in rng.normal(0, 2, (20, 12)):
        expected = (max if kind is sp.Max else min)(
            [float(t.xreplace(dict(zip(x, point)))) for t in terms])
        assert values(fast, x, point) == pytest.approx(expected, rel=1e-12)


def test_a_max_of_few_arguments_is_sympys_own_which_drops_a_bounded_argument():
    x = NAMES[0]
    assert extremum(sp.Max, x, x + 1, 2) == sp.Max(x + 1, 2)


def test_renaming_the_symbols_of_max_of_64_names_takes_no_pairwise_comparisons():
    f = extremum(sp.Max, *NAMES)
    plain = {s: sp.Symbol(s.name) for s in NAMES}
    with Budget(2, "renaming"):  # xreplace rebuilds Max(...) comparing 2016 pairs: seconds
        renamed = substitute(f, plain)
    assert isinstance(renamed, sp.Max) and set(renamed.args) == set(plain.values())


def test_lambdify_of_max_of_64_names_picks_the_largest_and_prints_heaviside_as_numpy():
    f = extremum(sp.Max, *NAMES)
    with Budget(3, "compiling"):
        fn = lambdify(NAMES, f)
        step = lambdify([NAMES[0]], sp.Heaviside(NAMES[0]) + 2 * sp.Heaviside(NAMES[0], 0))
    point = np.arange(64.0)[::-1]
    assert fn(*point) == 63.0
    assert [step(v) for v in (-1.0, 0.0, 2.0)] == [0.0, 0.5, 3.0]  # H(0) = 1/2; H(0, 0) = 0


@pytest.mark.parametrize("kind", [sp.Max, sp.Min])
def test_the_gradient_of_max_of_many_terms_agrees_with_sympy_and_finite_differences(kind):
    x = NAMES[:5]
    f = extremum(kind, *[v**2 * (k + 1) - v for k, v in enumerate(x)]) + x[0] * x[1]
    grad, hess = derivatives(f, x)
    f_num = lambdify(x, f)
    grad_num, hess_num = lambdify(x, grad), lambdify(x, hess)
    rng = np.random.default_rng(1)
    for point in rng.normal(0, 1.5, (5, 5)):
        g = np.asarray(grad_num(*point), dtype=float).reshape(-1)
        exact = [values(sp.diff(f, v), x, point) for v in x]  # SymPy's own Max.fdiff
        h = 1e-6
        fd = [(f_num(*(point + h * e)) - f_num(*(point - h * e))) / (2 * h) for e in np.eye(5)]
        assert g == pytest.approx(exact, abs=1e-9)
        assert g == pytest.approx(fd, abs=1e-5)
        hd = [(np.asarray(grad_num(*(point + h * e)), dtype=float).reshape(-1)
               - np.asarray(grad_num(*(point - h * e)), dtype=float).reshape(-1)) / (2 * h)
              for e in np.eye(5)]
        assert np.asarray(hess_num(*point), dtype=float) == pytest.approx(np.array(hd).T,
                                                                          abs=1e-4)


def test_the_gradient_and_hessian_of_max_of_32_names_come_in_seconds():
    names = NAMES[:32]
    with Budget(8, "differentiating"):  # SymPy's diff compares 465 pairs per partial: minutes
        grad, hess = derivatives(extremum(sp.Max, *names), names)
    point = np.arange(32.0)
    g = np.asarray(lambdify(names, grad)(*point), dtype=float).reshape(-1)
    assert g.tolist() == [0.0] * 31 + [1.0]  # the indicator of the largest argument
    assert not np.asarray(lambdify(names, hess)(*point), dtype=float).any()
