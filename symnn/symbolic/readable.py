"""Readable mathematics for reasons: w⁴ - 2·w², √3/3, ∞ and (-∞, -√3/3) ∪ (√3/3, ∞) instead of
SymPy's code syntax (w**4, sqrt(3)/3, oo, Interval(...))."""

from __future__ import annotations

import sympy as sp

from symnn.symbolic.printing import UnicodePrinter

__all__ = ["math_text"]


class _ReasonPrinter(UnicodePrinter):
    """The engine's Unicode printer, plus infinities, intervals and short floats."""

    def _print_Infinity(self, expr):
        return "∞"

    def _print_NegativeInfinity(self, expr):
        return "-∞"

    def _print_ComplexInfinity(self, expr):
        return "∞"

    def _print_Float(self, expr):
        return f"{float(expr):.6g}"

    def _print_Integer(self, expr):
        """Integers beyond 12 digits as 1.234·10^50 (the first digits and the power of 10)."""
        if abs(expr) < 10**12:
            return str(expr)
        digits = str(abs(int(expr)))
        mantissa = (digits[0] + "." + digits[1:4]).rstrip("0").rstrip(".")
        return f"{'-' if expr < 0 else ''}{mantissa}·10^{len(digits) - 1}"

    def _print_MatrixBase(self, expr):
        return "[" + "; ".join(", ".join(self._print(v) for v in expr.row(i))
                               for i in range(expr.rows)) + "]"

    def _print_Interval(self, expr):
        left = "(" if expr.left_open or expr.start.is_infinite else "["
        right = ")" if expr.right_open or expr.end.is_infinite else "]"
        return f"{left}{self._print(expr.start)}, {self._print(expr.end)}{right}"

    def _print_Union(self, expr):
        return " ∪ ".join(self._print(a) for a in expr.args)

    def _print_Reals(self, expr):
        return "(-∞, ∞)"

    def _print_Relational(self, expr):
        op = {"<=": "≤", ">=": "≥", "!=": "≠", "==": "="}.get(expr.rel_op, expr.rel_op)
        return f"{self._print(expr.lhs)} {op} {self._print(expr.rhs)}"


def math_text(obj: object) -> str:
    """One line of readable mathematics for a SymPy object (an expression, set or relation)."""
    if not isinstance(obj, (sp.Basic, sp.MatrixBase)):
        obj = sp.sympify(obj, strict=True)  # numbers only: strict refuses text
    return _ReasonPrinter().doprint(obj)
