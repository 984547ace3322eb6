"""symnn.symbolic.printing: an exact number too long to read prints in scientific form with a
few significant digits; shorter ones print exactly as before."""

from __future__ import annotations

import pytest
import sympy

from symnn.symbolic.printing import latex, unicode

x = sympy.Symbol("x")


@pytest.mark.parametrize("number, text, tex", [
    (sympy.Integer(10) ** 309, "1.0e+309", r"1.0 \cdot 10^{309}"),
    (-sympy.Integer(12345678901234567890), "-1.23457e+19", r"-1.23457 \cdot 10^{19}"),
    (sympy.Rational(1, 10 ** 300), "1.0e-300", r"1.0 \cdot 10^{-300}"),
    (sympy.Rational(7, 3 * 10 ** 20), "2.33333e-20", r"2.33333 \cdot 10^{-20}"),
])
def test_a_number_too_long_to_read_prints_with_six_significant_digits(number, text, tex):
    assert unicode(number) == text
    assert latex(number) == tex
    assert unicode(2 * x + number) in (f"2·x + {text}", f"2·x - {text[1:]}")


@pytest.mark.parametrize("number, text", [
    (sympy.Integer(10 ** 14 + 1), "100000000000001"),
    (sympy.Rational(1, 3), "1/3"),
    (sympy.Rational(370370367037, 3), "370370367037/3"),
])
def test_a_number_of_fifteen_digits_or_fewer_prints_exactly(number, text):
    assert unicode(number) == text
