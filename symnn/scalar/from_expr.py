"""Typed text (or a SymPy expression) -> a Scalar graph, so anything typed can be stepped through.

``graph("sigmoid(w*x + b)", x=2, w=-3)`` builds the graph from the safe parser's tree, as
typed: every operator and function typed is one node of the op of the same name, in the order
typed (``w*x + b`` adds ``w*x`` and then ``b``; ``a - b`` is a subtraction, ``a/b`` a
division, ``-a`` a negation; a sum of n terms is n - 1 additions, left to right); every name
is one leaf, so ``x*x`` is a product with two edges into ``x``; every number typed is its own
constant node with the value typed (0.5 stays 0.5). Nothing is merged, reordered or
simplified: SymPy only prints the nodes' formulas. ``x^2`` (a number exponent) is the ``powc``
op, ``e^x`` is ``exp``, ``max(a, b, c)`` is ``max(max(a, b), c)``.

A SymPy expression is walked as SymPy stores it (its canonical order, ``x - y`` as a
subtraction, ``x / y`` a division).
"""

from __future__ import annotations

import math

import sympy

from symnn.scalar.node import Scalar, constant
from symnn.scalar.ops import OPS
from symnn.scalar.registry import apply
from symnn.symbolic.functions import sympy_function
from symnn.unary import UNARY

__all__ = ["graph"]


def _unary_map() -> dict[type, str]:
    """SymPy function -> op name, for every declared elementwise op (symnn.unary); a SymPy
    expression built by hand may hold SymPy's own Abs."""
    return {**{sympy_function(name): name for name in UNARY}, sympy.Abs: "abs"}


def graph(text: str | sympy.Expr, **values: float) -> Scalar:
    """The output Scalar of ``text`` (safe-parsed) or of a SymPy expression.

    ``values`` give leaves their numbers (``x=2``); leaves without a value are symbolic.
    Leaves are named after their symbols, so ``out.leaves()`` maps names to them. A value for
    a name that does not occur raises ``ValueError`` (a typo would otherwise go unnoticed).
    Text gives the graph as typed (see the module docstring).
    """
    if isinstance(text, str):
        from symnn.symbolic.parser import parse_tree

        return _TreeBuilder(values, text).build(parse_tree(text))
    if isinstance(text, sympy.Basic):
        expr = text
    else:
        raise TypeError(f"graph() expects text or a SymPy expression, got {type(text).__name__}")
    names = {s.name for s in expr.free_symbols}
    _check_names(values, names)
    leaves = {name: Scalar(values.get(name), name=name) for name in sorted(names)}
    return _Builder(leaves).build(expr)


def _check_names(values: dict[str, float], names: set[str]) -> None:
    unknown = sorted(set(values) - names)
    if unknown:
        raise ValueError(
            f"values given for names not in the expression: {', '.join(unknown)} "
            f"(names: {', '.join(sorted(names)) or 'none'})"
        )


# parser function name -> op name (sqrt, abs, ... are the op of the same name)
_CALLS = {"ln": "log"}


class _TreeBuilder:
    """The parser's tree -> Scalar nodes, one node per operator or function typed."""

    def __init__(self, values: dict[str, float], text: str) -> None:
        self.values = values
        self.text = text
        self.leaves: dict[str, Scalar] = {}

    def build(self, tree) -> Scalar:
        _check_names(self.values, tree.names())
        return self.node(tree)

    def node(self, t) -> Scalar:
        out = self.make(t)
        if out.value is not None and not math.isfinite(out.value) and not out.leaves():
            from symnn.symbolic.parser import ParseError

            raise ParseError(
                "this number is too large for a float (beyond ±1.8e308), which the graph "
                "computes with; write it smaller",
                t.pos,
                self.text,
            )
        return out

    def make(self, t) -> Scalar:
        kind = t.kind
        if kind == "name":
            leaf = self.leaves.get(t.text)
            if leaf is None:
                leaf = self.leaves[t.text] = Scalar(self.values.get(t.text), name=t.text)
            return leaf
        if kind == "number":
            return constant(float(t.text))
        if kind == "constant":
            return constant(math.pi if t.text == "pi" else math.e)
        if kind == "neg":
            return -self.node(t.args[0])
        if kind in ("sum", "product"):
            out = self.node(t.args[0])
            for op, arg in zip(t.ops, t.args[1:]):
                right = self.node(arg)
                out = _BINARY[op](out, right)
            return out
        if kind == "power":
            base, exponent = t.args
            if base.kind == "constant" and base.text == "e":
                return self.node(exponent).exp()
            if exponent.kind == "number":
                return self.node(base) ** float(exponent.text)
            return apply("pow", self.node(base), self.node(exponent))
        args = [self.node(a) for a in t.args]
        name = _CALLS.get(t.text, t.text)
        if name in ("max", "min"):
            out = args[0]
            for a in args[1:]:
                out = apply(name, out, a)
            return out
        if name in UNARY and len(args) > 1:  # number parameters: leaky_relu's slope, elu's alpha
            params = {p: a.value for (p, _), a in zip(UNARY[name].params, args[1:])}
            return apply(name, args[0], **params)
        return apply(name, *args)


_BINARY = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
}


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
            op = OPS[self.unary[e.func]]
            x, *params = e.args
            for (pname, _), p in zip(op.params, params):
                if not p.is_number:
                    raise ValueError(f"{op.name}'s {pname} must be a number to build a graph")
            return apply(op, m[x], **{pname: float(p) for (pname, _), p in zip(op.params, params)})
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
