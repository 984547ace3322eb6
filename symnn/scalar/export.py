"""A derivation as a LaTeX document a learner can print: the setup, the forward pass, then
the backward steps, written to a new file that never replaces an existing one.

The document states what the steps start from (the output's definition, the leaf values and
each computed node with its value) before the backward pass that ``Derivation.to_latex``
prints, so it can be checked by hand from top to bottom.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import sympy

from symnn.scalar.forward import forward_order, reading_order
from symnn.scalar.render import HEADER_LIMIT
from symnn.symbolic.printing import latex

if TYPE_CHECKING:  # pragma: no cover
    from symnn.scalar.derivation import Derivation

__all__ = ["derivation_document", "forward_latex", "write_new_file"]

_BEGIN = "\\begin{align*}"


def _num(x: float) -> str:
    text = f"{x:.6g}"
    return "0" if text == "-0" else text.replace("inf", "\\infty").replace("nan", "\\mathrm{NaN}")


def forward_latex(d: Derivation, source: str | None = None) -> str:
    """LaTeX for the output's definition, the leaf values and the forward pass (each computed
    node's form, its definition in its inputs when it has a name, and its value)."""
    output = d.output
    lines = []
    if source:
        shown = "".join(c if c.isprintable() else " " for c in source).replace("|", "/")
        lines.append(f"\\noindent Source: \\verb|{shown}|\n")
    typed = d.typed_output(HEADER_LIMIT)  # as typed, as the backward pass and the app show it
    definition = (latex(typed, d.typed_header) if typed is not None
                  else latex(output.expr, d.typed))
    lines.append(f"\\[ {latex(d.output_symbol)} = {definition} \\]\n")
    known = [f"{sympy.latex(sympy.Symbol(name))} = {_num(leaf.value)}"
             for name, leaf in reading_order(output) if leaf.value is not None]
    if known:
        lines.append("\\noindent Leaf values: $" + ",\\ ".join(known) + "$\n")
    rows = []
    for node in forward_order(output):
        if node not in d.forms or node.value is None:
            continue
        form = d.output_symbol if node is output else d.forms[node]
        definition = d.definition(node)
        if definition != form:  # a named node (z, yhat): its definition too
            rows.append(f"{latex(form, d.typed)} &= {latex(definition, d.typed)} = "
                        f"{_num(node.value)}")
        else:
            rows.append(f"{latex(form, d.typed)} &= {_num(node.value)}")
    if rows:
        lines.append("\\subsection*{Forward pass}\n" + _BEGIN + "\n" + " \\\\\n".join(rows)
                     + "\n\\end{align*}\n")
    lines.append("\\subsection*{Backward pass}\n")
    return "".join(lines)


def derivation_document(d: Derivation, source: str | None = None) -> str:
    """A standalone LaTeX document: ``forward_latex`` followed by the backward steps."""
    text = d.to_latex(standalone=True)
    head, found, rest = text.partition(_BEGIN)
    return head + forward_latex(d, source) + found + rest if found else text


def write_new_file(text: str, directory: str | os.PathLike, stem: str = "symnn-derivation",
                   suffix: str = ".tex") -> Path:
    """Write ``text`` to the first free name ``stem.tex``, ``stem-2.tex``, ... in
    ``directory`` and return its full path. The file appears complete or not at all (written
    beside it, then hard-linked to the free name, which never replaces an existing file)."""
    directory = Path(directory).resolve()
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".symnn-", suffix=suffix)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # an ordinary file, not mkstemp's private 0600
        for n in range(1, 10_000):
            path = directory / (f"{stem}{suffix}" if n == 1 else f"{stem}-{n}{suffix}")
            try:
                os.link(tmp, path)
            except FileExistsError:
                continue
            return path
    finally:
        Path(tmp).unlink(missing_ok=True)
    raise FileExistsError(f"{directory} holds {stem}{suffix} to {stem}-9999{suffix} already; "
                          "remove some or export elsewhere")
