"""Printers for derivations: Unicode text, LaTeX (``align*`` or a full document), DOT.

Each renderer is a small class walking the same step list; adding a format is a new class.
All mathematics inside a LaTeX row is ``sympy.latex`` of the step's expression, with two
differences that keep what was typed: a formula built as typed (``Derivation.typed``) keeps its
terms and factors in the order typed, and a float prints in its shortest form (0.8, not
0.800000000000000). Names are printed as they are; a Scalar name cannot hold ``\\``, ``{`` or
``}``, and ``# $ % &`` are escaped, so a name can never inject LaTeX.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import sympy
from sympy.printing.latex import LatexPrinter
from sympy.printing.str import StrPrinter

from symnn.scalar.derivation import format_number
from symnn.scalar.node import Scalar, topological_order
from symnn.scalar.ops import OPS

if TYPE_CHECKING:  # pragma: no cover
    from symnn.scalar.derivation import Derivation, Step

__all__ = ["TextRenderer", "LatexRenderer", "UnicodePrinter", "to_dot", "unicode"]

# The header shows the output's formula, as typed, while it is at most this many tree nodes.
HEADER_LIMIT = 400

# A step shows the closed form of the upstream gradient and of the product only while they
# are at most this many tree nodes; longer ones are written as d out/d node (the number is
# always shown), which keeps big graphs readable and fast to print.
CLOSED_FORM_LIMIT = 40

_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_CONST = OPS["const"]


class _TypedOrder:
    """Printer mix-in: an Add or Mul in ``typed`` prints its arguments in their stored order
    (the order typed) instead of SymPy's sorted order; every sub-expression is printed once
    (forms recur in many rows of a derivation)."""

    def __init__(self, settings=None, typed=()) -> None:
        super().__init__(settings)
        self._typed = typed
        self._memo: dict = {}

    def _print(self, expr, **kwargs) -> str:
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
    return _MemoLatexPrinter(typed).doprint(expr)


def _group(text: str, expr) -> str:
    """Parenthesize a printed sum/product so it reads unambiguously inside a product."""
    if (expr.is_Atom and not (expr.is_Number and expr.is_negative)) or expr.is_Function or expr.is_Pow:
        return text
    return f"({text})"


class TextRenderer:
    """Readable Unicode text: a header, optional definitions, one line per step, the result."""

    def render(self, d: Derivation) -> str:
        printer = UnicodePrinter(typed=d.typed)
        memo: dict = {}

        def text(expr) -> str:
            try:
                return memo[expr]
            except KeyError:
                out = memo[expr] = printer.doprint(expr)
                return out

        self._u = text
        out = self._header(d)
        lines = [out, ""]
        if d.definitions:
            lines.append("where")
            for sym, expr in d.definitions:
                lines.append(f"  {self._u(sym)} = {self._u(expr)}")
            lines.append("")
        lines.append("Backward pass (chain rule, one edge per line):")
        for n, step in enumerate(d.steps, 1):
            lines.append(f"{n:>3}. {self.step(d, step)}")
        lines.extend(self._result(d))
        return "\n".join(lines)

    def _label(self, form) -> str:
        text = self._u(form)
        return text if form.is_Symbol else f"({text})"

    def _partial(self, d: Derivation, form) -> str:
        return f"∂{self._u(d.output_symbol)}/∂{self._label(form)}"

    def _header(self, d: Derivation) -> str:
        head = self._u(d.output_symbol)
        full = d.typed_output(HEADER_LIMIT)
        if full is not None:
            head += " = " + unicode(full, typed=d.typed_header)
        elif d.output.parents:
            head += " = (large expression)"
        if d.value is not None:
            head += f" = {format_number(d.value)}"
        return head

    def step(self, d: Derivation, step: Step) -> str:
        target = self._partial(d, step.parent_form)
        op = "=" if step.first and step.last else "+="
        local = self._u(step.local)
        if step.node is d.output:  # the first edge: d out/d out = 1 needs no writing
            text = f"{target} {op} {local}"
            if step.local_value is not None and not step.local.is_Number:
                text += f"   [{format_number(step.local_value)}]"
            return text
        chain = f"{self._partial(d, step.node_form)} · ∂{self._label(step.node_form)}/∂{self._label(step.parent_form)}"
        up = (
            _group(self._u(step.upstream), step.upstream)
            if step.upstream_size <= CLOSED_FORM_LIMIT
            else self._partial(d, step.node_form)
        )
        text = f"{target} {op} {chain} = {up} · {_group(local, step.local)}"
        if step.product_size <= CLOSED_FORM_LIMIT and step.upstream_size <= CLOSED_FORM_LIMIT:
            text += f" = {self._u(step.product)}"
        if step.product_value is not None:
            text += (
                f"   [{format_number(step.upstream_value)} × "
                f"{format_number(step.local_value)} = {format_number(step.product_value)}]"
            )
        return text

    def _result(self, d: Derivation) -> list[str]:
        lines = ["", "Gradients:"]
        targets = [d.wrt] if d.wrt is not None else _variable_leaves(d)
        for leaf in targets:
            line = self._partial(d, d.forms.get(leaf, leaf.symbol))
            if d.gradient_sizes.get(leaf, 1) <= CLOSED_FORM_LIMIT:
                line += f" = {self._u(d.gradient(leaf))}"
            if d.numeric_gradients:
                line += f" = {format_number(d.numeric_gradients.get(leaf, 0.0))}"
            lines.append("  " + line)
        return lines


def _variable_leaves(d: Derivation) -> list[Scalar]:
    found = [n for n in d.gradient_sizes if not n.parents and n.op is not _CONST]
    return sorted(found, key=lambda n: str(d.forms[n]))


# characters of a Scalar's name that LaTeX would read as markup: "lr%" would comment out
# the rest of its row, "a&b" add a column
_TEX_SPECIALS = re.compile(r"(?<!\\)[#$%&]")
_SIMPLE_NAME = re.compile(r"([A-Za-z])(?:_(\d+))?\Z")


class _MemoLatexPrinter(_TypedOrder, LatexPrinter):
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


class LatexRenderer:
    """An ``align*`` block, one row per step; optionally wrapped in a complete document."""

    def _tex(self, expr) -> str:
        """``sympy.latex(expr)`` (same output), memoized: forms recur in many rows."""
        return self._printer.doprint(expr)

    def render(self, d: Derivation, standalone: bool = False) -> str:
        self._printer = _MemoLatexPrinter(d.typed)
        rows = []
        for sym, expr in d.definitions:
            rows.append(f"{self._tex(sym)} &= {self._tex(expr)}")
        for step in d.steps:
            rows.append(self.step(d, step))
        for line in self._result(d):
            rows.append(line)
        if not rows:  # nothing to differentiate: the output is a constant or a lone leaf
            full = d.typed_output(HEADER_LIMIT)
            shown = "\\dots" if full is None else latex(full, d.typed_header)
            rows.append(f"{self._tex(d.output_symbol)} &= {shown}")
        body = "\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}"
        if not standalone:
            return body
        return (
            "\\documentclass{article}\n"
            "\\usepackage[margin=1.5cm,landscape]{geometry}\n"
            "\\usepackage{amsmath,amssymb}\n"
            "\\allowdisplaybreaks\n"
            "\\begin{document}\n"
            f"\\section*{{Derivation of ${self._tex(d.output_symbol)}$}}\n"
            f"{body}\n"
            "\\end{document}\n"
        )

    def _paren(self, form) -> str:
        text = self._tex(form)
        plain = form.is_Symbol or (form.is_Number and not form.is_negative)
        return text if plain else f"\\left({text}\\right)"

    def _partial(self, d: Derivation, form) -> str:
        return f"\\frac{{\\partial {self._tex(d.output_symbol)}}}{{\\partial {self._paren(form)}}}"

    def step(self, d: Derivation, step: Step) -> str:
        op = "&=" if step.first and step.last else "&\\mathrel{+}="
        if step.node is d.output:  # the first edge: d out/d out = 1 needs no writing
            row = f"{self._partial(d, step.parent_form)} {op} {self._tex(step.local)}"
            if step.local_value is not None and not step.local.is_Number:
                row += f" = {_latex_number(step.local_value)}"
            return row
        chain = (
            f"{self._partial(d, step.node_form)} \\cdot "
            f"\\frac{{\\partial {self._paren(step.node_form)}}}{{\\partial {self._paren(step.parent_form)}}}"
        )
        closed = step.upstream_size <= CLOSED_FORM_LIMIT
        up = self._paren(step.upstream) if closed else self._partial(d, step.node_form)
        row = f"{self._partial(d, step.parent_form)} {op} {chain} = {up} \\cdot {self._paren(step.local)}"
        if closed and step.product_size <= CLOSED_FORM_LIMIT:
            row += f" = {self._tex(step.product)}"
        if step.product_value is not None:
            row += (
                f" = {_latex_number(step.upstream_value, True)} \\cdot "
                f"{_latex_number(step.local_value, True)} = {_latex_number(step.product_value)}"
            )
        return row

    def _result(self, d: Derivation) -> list[str]:
        rows = []
        targets = [d.wrt] if d.wrt is not None else _variable_leaves(d)
        for leaf in targets:
            row = f"{self._partial(d, d.forms.get(leaf, leaf.symbol))} &= "
            parts = []
            if d.gradient_sizes.get(leaf, 1) <= CLOSED_FORM_LIMIT:
                parts.append(self._tex(d.gradient(leaf)))
            if d.numeric_gradients:
                parts.append(_latex_number(d.numeric_gradients.get(leaf, 0.0)))
            if parts:
                rows.append(row + " = ".join(parts))
        return rows


def _latex_number(x: float | None, factor: bool = False) -> str:
    """A number in LaTeX (``1.5 \\cdot 10^{-7}``); negative factors get parentheses."""
    text = format_number(x)
    if text in ("inf", "-inf"):
        return "-\\infty" if text.startswith("-") else "\\infty"
    if text == "nan":
        return "\\mathrm{NaN}"
    if "e" in text:
        mant, exp = text.split("e")
        return f"{mant} \\cdot 10^{{{int(exp)}}}"
    return f"\\left({text}\\right)" if factor and text.startswith("-") else text


def _dot_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _record_escape(text: str) -> str:
    """A field of a record label: besides quotes, { } | < > would split or nest fields."""
    return "".join("\\" + c if c in '{}|<>' else c for c in _dot_escape(text))


def to_dot(root: Scalar, forms: dict | None = None) -> str:
    """Graphviz DOT text: one box per node (label, value, grad), one arrow per input edge."""
    order = topological_order(root)
    ids = {node: f"n{i}" for i, node in enumerate(order)}
    lines = ["digraph scalar_graph {", "  rankdir=LR;", '  node [shape=record, fontname="Helvetica"];']
    for node in order:
        if node.op is _CONST:
            title = format_number(node.value)
        elif node.name is not None:
            title = node.name
        elif not node.parents:
            title = node.symbol.name
        elif forms is not None and node in forms and forms[node].is_Symbol:
            title = forms[node].name
        else:
            title = ""
        fields = [title]
        if node.value is not None:
            fields.append(f"value {format_number(node.value)}")
        if node.op is not _CONST:
            fields.append(f"grad {format_number(node.grad)}")
        label = " | ".join(_record_escape(f) for f in fields)
        lines.append(f'  {ids[node]} [label="{{{label}}}"];')
        if node.parents:  # micrograd style: an op circle feeds each computed node
            op_id = f"{ids[node]}_op"
            lines.append(f'  {op_id} [label="{_dot_escape(node.op.label)}", shape=circle];')
            lines.append(f"  {op_id} -> {ids[node]};")
            for p in node.parents:
                lines.append(f"  {ids[p]} -> {op_id};")
    lines.append("}")
    return "\n".join(lines) + "\n"
