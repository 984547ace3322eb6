"""The size guards of the symbolic analyses: the degree guard and the number range.

Polynomial algebra (``Poly``, ``factor``, ``simplify``, inequality solving) costs more than
linearly in the degree, and ``Poly`` stores every coefficient: ``x^(10^10)``, nine typed
characters, would allocate ten billion of them. The convexity checker therefore skips that
algebra for an expression with a power above :data:`MAX_EXACT_DEGREE` and relies on the
composition rules and the chord test, which only look at the structure and at values.

A number beyond the largest float (about 1.8e308), such as ``10^309`` or the exponent of
``x^(10^999)``, cannot be evaluated numerically at all: :func:`check_float_range` refuses it with
a message saying so, instead of an overflow deep inside NumPy.
"""

from __future__ import annotations

import sys

import sympy as sp

__all__ = ["MAX_EXACT_DEGREE", "high_power", "check_float_range", "NumberRangeError"]

#: the largest |exponent| of a non-constant base that exact polynomial algebra is tried on
MAX_EXACT_DEGREE = 100


def high_power(e: sp.Basic) -> sp.Pow | None:
    """The power in ``e`` with the largest numeric |exponent| above ``MAX_EXACT_DEGREE`` whose
    base is not constant, or None when there is none."""
    powers = [p for p in e.atoms(sp.Pow)
              if p.exp.is_Number and abs(p.exp) > MAX_EXACT_DEGREE and p.base.free_symbols]
    return max(powers, key=lambda p: (abs(p.exp), sp.default_sort_key(p)), default=None)


class NumberRangeError(ValueError):
    """A number in a typed function is too large (or too small) for floating point."""


def check_float_range(e: sp.Basic, what: str = "f") -> None:
    """Raise NumberRangeError when ``e`` holds a number whose magnitude exceeds the largest
    float (its values, gradients and plots could not be computed)."""
    for number in e.atoms(sp.Number):
        if number.is_finite is False:
            continue
        parts = (number.p, number.q) if number.is_Rational else (number,)
        if any(abs(part) > sys.float_info.max for part in parts):
            raise NumberRangeError(
                f"{what} contains the number {str(sp.Float(number, 3)).lower()}, outside the "
                f"range of floating-point numbers (about 2.2e-308 to 1.8e308), so its values "
                f"cannot be computed; rescale {what} or use a number of ordinary size")
