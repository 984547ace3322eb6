"""Typed text (or a SymPy expression) -> a Scalar graph, so anything typed can be stepped through.

``graph("sigmoid(w*x + b)", x=2, w=-3)`` parses with the safe parser, then walks the SymPy
tree: names with a value become numeric leaves, names without one symbolic leaves (value
None), numbers become constants, and every function or operator becomes the op-table op of
the same name. ``x - y`` (SymPy's ``x + (-1)*y``) becomes a subtraction and ``x / y`` (SymPy's
``x * y**-1``) a division, so the graph reads like the text.
"""

from __future__ import annotations

import math

import sympy

from symnn.scalar.node import Scalar, constant
from symnn.scalar.ops import OPS, apply
from symnn.symbolic import functions as F

__all__ = ["graph"]


def _unary_map() -> dict[type, str]:
    return {
        sympy.exp: "exp",
        sympy.log: "log",
        sympy.Abs: "abs",
        sympy.tanh: "tanh",
        sympy.sin: "sin",
        sympy.cos: "cos",
        F.sigmoid: "sigmoid",
        F.relu: "relu",
        F.softplus: "softplus",
    }


def graph(text: str | sympy.Expr, **values: float) -> Scalar:
    """The output Scalar of ``text`` (safe-parsed) or of a SymPy expression.

    ``values`` give leaves their numbers (``x=2``); leaves without a value are symbolic.
    Leaves are named after their symbols, so ``out.leaves()`` maps names to them. A value for
    a name that does not occur raises ``ValueError`` (a typo would otherwise go unnoticed).
    """
    if isinstance(text, str):
        from symnn.symbolic.parser import parse

        expr = parse(text)
    elif isinstance(text, sympy.Basic):
        expr = text
    else:
        raise TypeError(f"graph() expects text or a SymPy expression, got {type(text).__name__}")
    names = {s.name for s in expr.free_symbols}
    unknown = sorted(set(values) - names)
    if unknown:
        raise ValueError(
            f"values given for names not in the expression: {', '.join(unknown)} "
            f"(names: {', '.join(sorted(names)) or 'none'})"
        )
    leaves = {name: Scalar(values.get(name), name=name) for name in sorted(names)}
    return _Builder(leaves).build(expr)


class _Builder:
    def __init__(self, leaves: dict[str, Scalar]) -> None:
        self.leaves = leaves
        self.unary = _unary_map()
        self.memo: dict[sympy.Basic, Scalar] = {}

    def build(self, expr: sympy.Basic) -> Scalar:
        """Iterative post-order over the SymPy tree; shared subtrees become shared nodes."""
        stack: list[tuple[sympy.Basic, bool]] = [(expr, False)]
        while stack:
            node, ready = stack.pop()
            if node in self.memo:
                continue
            if ready or not node.args:
                self.memo[node] = self.convert(node)
            else:
                stack.append((node, True))
                stack.extend((a, False) for a in node.args if a not in self.memo)
        return self.memo[expr]

    def convert(self, e: sympy.Basic) -> Scalar:
        m = self.memo
        if e.is_Symbol:
            return self.leaves[e.name]
        if e.is_Number or e in (sympy.pi, sympy.E):
            value = float(e)
            if math.isnan(value):
                raise ValueError(f"cannot build a graph for the undefined number {e}")
            return constant(value)
        if e.is_Add:
            return self.fold(e.args, add=True)
        if e.is_Mul:
            return self.fold(e.args, add=False)
        if e.is_Pow:
            base, exp = e.args
            if exp.is_Number:
                if exp == sympy.S.Half:
                    return m[base].sqrt()
                if exp == -1:
                    return 1.0 / m[base]
                return m[base] ** float(exp)
            return m[base] ** m[exp]
        if e.func in self.unary:
            return apply(self.unary[e.func], m[e.args[0]])
        if e.func is F.leaky_relu:
            x, slope = e.args
            if not slope.is_number:
                raise ValueError("leaky_relu's slope must be a number to build a graph")
            return m[x].leaky_relu(float(slope))
        if e.func in (sympy.Max, sympy.Min):
            name = "max" if e.func is sympy.Max else "min"
            args = [m[a] for a in e.args]
            out = args[0]
            for a in args[1:]:
                out = apply(OPS[name], out, a)
            return out
        raise ValueError(f"no scalar op for {type(e).__name__} (in {e})")

    def fold(self, args, add: bool) -> Scalar:
        """Chain an n-ary Add/Mul into binary nodes, turning -1*y into subtraction, y**-1 into
        division."""
        m = self.memo
        plus, minus = [], []
        for a in args:
            if add and a.is_Mul and a.args[0] == -1:
                rest = a / -1  # SymPy re-evaluates -(-1*y) to y; build it if needed
                minus.append(rest)
            elif not add and a.is_Pow and a.args[1] == -1:
                minus.append(a.args[0])
            else:
                plus.append(m[a])
        minus_nodes = [m[b] if b in m else self.build(b) for b in minus]
        if not plus:
            out = -minus_nodes[0] if add else 1.0 / minus_nodes[0]
            minus_nodes = minus_nodes[1:]
        else:
            out = plus[0]
            for p in plus[1:]:
                out = out + p if add else out * p
        for b in minus_nodes:
            out = out - b if add else out / b
        return out
