"""Printers for derivations: Unicode text, LaTeX (``align*`` or a full document), DOT.

Each renderer is a small class walking the same step list; adding a format is a new class.
All mathematics inside a row is printed by :mod:`symnn.symbolic.printing` (``sympy.latex``'s
output, with terms in the order typed and floats in their shortest form). Names are printed
as they are; a Scalar name cannot hold ``\\``, ``{`` or ``}``, and ``# $ % &`` are escaped, so
a name can never inject LaTeX. A renderer reads a derivation's steps and a graph's nodes
through their attributes, so this module imports neither the node nor the derivation.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from symnn.scalar.ops import OPS
from symnn.scalar.traversal import topological_order
from symnn.symbolic.printing import MemoLatexPrinter, UnicodePrinter, latex, unicode

if TYPE_CHECKING:  # pragma: no cover
    from symnn.scalar.derivation import Derivation, Step
    from symnn.scalar.node import Scalar

__all__ = ["TextRenderer", "LatexRenderer", "to_dot", "format_number", "HEADER_LIMIT"]

# The header shows the output's formula, as typed, while it is at most this many tree nodes.
HEADER_LIMIT = 400

# A step shows the closed form of the upstream gradient and of the product only while they
# are at most this many tree nodes; longer ones are written as d out/d node (the number is
# always shown), which keeps big graphs readable and fast to print.
CLOSED_FORM_LIMIT = 40

_CONST = OPS["const"]


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


class LatexRenderer:
    """An ``align*`` block, one row per step; optionally wrapped in a complete document."""

    def _tex(self, expr) -> str:
        """``sympy.latex(expr)`` (same output), memoized: forms recur in many rows."""
        return self._printer.doprint(expr)

    def render(self, d: Derivation, standalone: bool = False) -> str:
        self._printer = MemoLatexPrinter(d.typed)
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


def format_number(x: float | None) -> str:
    """A float as a short readable string (6 significant digits)."""
    if x is None:
        return "?"
    if math.isnan(x) or math.isinf(x):
        return str(x)
    text = f"{x:.6g}"
    return "0" if text == "-0" else text


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
