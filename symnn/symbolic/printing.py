"""Printers for SymPy expressions as a learner reads them: Unicode (x², √x, σ(x), a·b) and
LaTeX (``sympy.latex``'s output with short floats). A sum or product built as typed keeps its
terms and factors in the order typed; a name's ``# $ % &`` are escaped in LaTeX, and a name
with a backslash, a brace or a control character is printed character by character, so a
name can never inject LaTeX. An exact number too long to read (10^309 as an integer, 1/10^300)
prints in scientific form with a few significant digits. The derivation renderers and the
readable reasons both print with these."""

from __future__ import annotations

import re

import sympy
from sympy.printing.latex import LatexPrinter
from sympy.printing.str import StrPrinter

__all__ = ["UnicodePrinter", "MemoLatexPrinter", "unicode", "latex"]

_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


# an exact number whose numerator or denominator has more digits than LONGEST prints in
# scientific form with SIGNIFICANT digits (1/10^300 as 1.0e-300)
LONGEST = 15
SIGNIFICANT = 6


def _too_long(expr) -> bool:
    return (isinstance(expr, sympy.Rational)
            and max(abs(expr.p), expr.q) >= 10 ** LONGEST)


class _TypedOrder:
    """Printer mix-in: an Add or Mul in ``typed`` prints its arguments in their stored order
    (the order typed) instead of SymPy's sorted order; every sub-expression is printed once
    (forms recur in many rows of a derivation)."""

    def __init__(self, settings=None, typed=()) -> None:
        super().__init__(settings)
        self._typed = typed
        self._memo: dict = {}

    def _print(self, expr, **kwargs) -> str:
        if _too_long(expr):  # 10^309 written out is 310 digits: print 1.0e+309 instead
            expr = sympy.Float(expr, SIGNIFICANT)
        if kwargs:
            return super()._print(expr, **kwargs)
        try:
            return self._memo[expr]
        except KeyError:
            text = self._memo[expr] = super()._print(expr)
            return text
        except TypeError:  # unhashable argument
            return super()._print(expr)

    # a typed sum or product prints exactly as built: its terms in order, a subtraction as
    # " - ", a negation as "-", a division as a fraction, parentheses where the tree has them
    _SEP = "·"

    def _wrap(self, text: str) -> str:
        return f"({text})"

    def _fraction(self, num: str, den: list[str]) -> str:
        bottom = self._SEP.join(den)
        return f"{num}/{self._wrap(bottom) if len(den) > 1 else bottom}"

    def _print_Add(self, expr, order=None):
        if expr not in self._typed:
            return super()._print_Add(expr, order=order)
        out = []
        for i, term in enumerate(expr.args):
            positive = _negated(term)
            if i == 0:
                out.append(self._print(term))
            elif positive is not None:
                text = self._print(positive)
                out.append(" - " + (self._wrap(text) if positive.is_Add or text.startswith("-") else text))
            else:
                text = self._print(term)
                out.append(" + " + (self._wrap(text) if text.startswith("-") else text))
        return "".join(out)

    def _print_Mul(self, expr):
        if expr not in self._typed:
            return super()._print_Mul(expr)
        args = list(expr.args)
        sign = ""
        if len(args) == 2 and args[0] is sympy.S.NegativeOne:  # a negation: -a
            sign, args = "-", args[1:]
        num = [a for a in args if not (a.is_Pow and a.exp is sympy.S.NegativeOne)]
        den = [a.base for a in args if a.is_Pow and a.exp is sympy.S.NegativeOne]
        texts = []
        for k, factor in enumerate(num):
            text = self._print(factor)
            lone = k == 0 and len(num) == 1 and not den and not sign
            if not lone and (factor.is_Add or factor.is_Mul or text.startswith("-")):
                text = self._wrap(text)
            texts.append(text)
        top = self._SEP.join(texts) if texts else "1"
        if den:
            bottom = [self._print(d) for d in den]
            bottom = [self._wrap(t) if d.is_Add or d.is_Mul or t.startswith("-") else t
                      for t, d in zip(bottom, den)]
            top = self._fraction(top, bottom)
        return sign + top


def _negated(term):
    """The positive part of a term built as a negation (-1·t, or a negative number), or None."""
    if term.is_Mul and len(term.args) == 2 and term.args[0] is sympy.S.NegativeOne:
        return term.args[1]
    if term.is_Number and term.is_negative:
        return -term
    return None


class UnicodePrinter(_TypedOrder, StrPrinter):
    """SymPy's str printer with textbook touches: x², √x, σ(x), ReLU(x), H(x), a·b, 0.8 (symnn's
    functions print themselves through ``_unicode``, from their declaration)."""

    printmethod = "_unicode"

    _default_settings = {**StrPrinter._default_settings, "full_prec": False}

    def _print_Pow(self, expr, rational=False):
        base, exp = expr.args
        if exp is sympy.S.Half:
            inner = self._print(base)
            return f"√{inner}" if base.is_Atom else f"√({inner})"
        if exp.is_Integer and exp > 1:
            b = self.parenthesize(base, sympy.printing.precedence.PRECEDENCE["Pow"], strict=True)
            return b + str(exp).translate(_SUPERSCRIPT)
        return super()._print_Pow(expr, rational=rational)

    def _print_Heaviside(self, expr):
        return f"H({self._print(expr.args[0])})"

    def _print_Max(self, expr):
        return f"max({', '.join(self._print(a) for a in expr.args)})"

    def _print_Min(self, expr):
        return f"min({', '.join(self._print(a) for a in expr.args)})"

    def _print_Abs(self, expr):
        return f"|{self._print(expr.args[0])}|"

    def _print_Piecewise(self, expr):
        """Cases as a learner reads them: {1 if x > 0, 0.01 otherwise}."""
        cases = [f"{self._print(value)} otherwise" if cond is sympy.true
                 else f"{self._print(value)} if {self._print(cond)}" for value, cond in expr.args]
        return "{" + ", ".join(cases) + "}"

    def doprint(self, expr):
        return super().doprint(expr).replace("**", "^").replace("*", "·")


def unicode(expr: sympy.Basic, typed=()) -> str:
    """One-line Unicode form of a SymPy expression (``typed``: forms kept in typed order)."""
    return UnicodePrinter(typed=typed).doprint(expr)


def latex(expr: sympy.Basic, typed=()) -> str:
    """``sympy.latex(expr)``, with forms in ``typed`` kept in typed order and floats short."""
    return MemoLatexPrinter(typed).doprint(expr)


# characters of a Scalar's name that LaTeX would read as markup: "lr%" would comment out
# the rest of its row, "a&b" add a column
_TEX_SPECIALS = re.compile(r"(?<!\\)[#$%&]")
# a name holding what a Scalar refuses (set by assigning .name, or a SymPy symbol made
# elsewhere) prints character by character, each made harmless
_TEX_UNSAFE = re.compile(r"[\\{}]|[^\S ]|[\x00-\x1f\x7f]")
_TEX_LITERAL = {"\\": r"\backslash{}", "{": r"\{", "}": r"\}", "#": r"\#", "$": r"\$",
                "%": r"\%", "&": r"\&", "_": r"\_", "^": r"\hat{}", "~": r"\sim{}"}
_SIMPLE_NAME = re.compile(r"([A-Za-z])(?:_(\d+))?\Z")


class MemoLatexPrinter(_TypedOrder, LatexPrinter):
    """SymPy's LaTeX printer with default settings, remembering what it printed.

    Output is that of ``sympy.latex``, except that # $ % & in a name are escaped and typed
    forms keep their order; repeated sub-expressions (names, upstream gradients) are
    printed once per derivation instead of once per row.
    """

    def _print_Symbol(self, expr, style="plain") -> str:
        simple = _SIMPLE_NAME.match(expr.name)
        if simple and style == "plain":  # x, u_12: what SymPy prints, without its lookups
            letter, index = simple.groups()
            return letter if index is None else f"{letter}_{{{index}}}"
        if _TEX_UNSAFE.search(expr.name):
            return "".join(_TEX_LITERAL.get(c, c if c.isprintable() else "?") for c in expr.name)
        return _TEX_SPECIALS.sub(lambda m: "\\" + m.group(), super()._print_Symbol(expr, style))

    _SEP = " \\cdot "

    def _wrap(self, text: str) -> str:
        return f"\\left({text}\\right)"

    def _fraction(self, num: str, den: list[str]) -> str:
        return f"\\frac{{{num}}}{{{self._SEP.join(den)}}}"

    def __init__(self, typed=()) -> None:
        super().__init__(None, typed)

    def doprint(self, expr) -> str:
        return self._print(expr)  # mode "plain": LatexPrinter.doprint adds nothing
