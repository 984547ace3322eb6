"""Symbolic tools: the safe expression parser, the convexity checker and calculus helpers, the
printers that show an expression as a learner reads it, and the time budget that bounds an
analysis."""

from __future__ import annotations

from symnn._lazy import lazy_exports

_EXPORTS = {
    "parse": "symnn.symbolic.parser",
    "ParseError": "symnn.symbolic.parser",
    "ConvexityResult": "symnn.symbolic.convexity",
    "chord_gap": "symnn.symbolic.chord",
    "ChordGap": "symnn.symbolic.chord",
    "Budget": "symnn.symbolic.budget",
    "BudgetExceeded": "symnn.symbolic.budget",
    "number": "symnn.symbolic.functions",
    "unicode": "symnn.symbolic.printing",
    "latex": "symnn.symbolic.printing",
    "math_text": "symnn.symbolic.readable",
}

# the convexity checker is this submodule (convexity(f) is sn.convexity): a package's name
# for its submodule is rebound to the module whenever the submodule is imported, so a
# function of the same name here would depend on the order of imports
_SUBMODULES = {"convexity"}

__all__ = sorted(set(_EXPORTS) | _SUBMODULES)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, _SUBMODULES)
