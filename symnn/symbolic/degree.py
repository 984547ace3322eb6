"""The degree guard of the symbolic analyses.

Polynomial algebra (``Poly``, ``factor``, ``simplify``, inequality solving) costs more than
linearly in the degree, and ``Poly`` stores every coefficient: ``x^(10^10)``, nine typed
characters, would allocate ten billion of them. The convexity checker therefore skips that
algebra for an expression with a power above :data:`MAX_EXACT_DEGREE` and relies on the
composition rules and the chord test, which only look at the structure and at values.
"""

from __future__ import annotations

import sympy as sp

__all__ = ["MAX_EXACT_DEGREE", "high_power"]

#: the largest |exponent| of a non-constant base that exact polynomial algebra is tried on
MAX_EXACT_DEGREE = 100


def high_power(e: sp.Basic) -> sp.Pow | None:
    """The power in ``e`` with the largest numeric |exponent| above ``MAX_EXACT_DEGREE`` whose
    base is not constant, or None when there is none."""
    powers = [p for p in e.atoms(sp.Pow)
              if p.exp.is_Number and abs(p.exp) > MAX_EXACT_DEGREE and p.base.free_symbols]
    return max(powers, key=lambda p: (abs(p.exp), sp.default_sort_key(p)), default=None)
