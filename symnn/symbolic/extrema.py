"""Max and min of many arguments without SymPy comparing every pair again.

SymPy builds ``Max(a0, ..., a31)`` by comparing every pair of arguments (about 0.4 s for 32
names), and it compares them again whenever the expression is rebuilt: a renaming of its
symbols, lambdify's dummy symbols, every partial derivative ``Heaviside(a1 - Max(a0, a2, ...))``.
Arguments that were compared once need no second look: a renaming keeps them apart, and leaving
one out keeps the rest apart. So here they are rebuilt unevaluated:

- :func:`extremum`: max or min of many arguments, built without comparing every pair;
- :func:`substitute`: ``expr.xreplace(mapping)`` that rebuilds every Max and Min unevaluated;
- :func:`derivatives`: gradient and Hessian with d max(a, b, c)/da = H(a - max(b, c)).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import sympy as sp
from sympy.core.operations import ShortCircuit

__all__ = ["extremum", "substitute", "derivatives"]

# up to this many arguments SymPy compares every pair (about 35 ms for 8)
_COMPARED = 8


def extremum(kind: type, *args: sp.Expr) -> sp.Expr:
    """``kind(*args)``, kind being ``sympy.Max`` or ``sympy.Min``. Up to 8 arguments (or only
    numbers), SymPy's own, which also drops an argument that another one bounds (max(x, x + 1)
    is x + 1). Beyond that SymPy would compare every pair, seconds for 64 arguments, so the
    arguments are kept as typed, with nested maxima flattened, repeats dropped and the
    numbers among them reduced to one: the same function, perhaps not in its shortest form."""
    args = tuple(sp.sympify(a, strict=True) for a in args)
    if len(args) <= _COMPARED or all(a.is_number for a in args):
        return kind(*args)
    try:
        flat = list(kind._new_args_filter(args))  # refuses complex numbers, as SymPy does
    except ShortCircuit:
        return kind.zero
    numbers = [a for a in flat if a.is_number]
    kept = list(dict.fromkeys(a for a in flat if not a.is_number))
    if numbers:
        kept.append(kind(*numbers))
    return kept[0] if len(kept) == 1 else kind(*kept, evaluate=False)


def _rebuild(expr: sp.Basic, mapping: Mapping[sp.Basic, sp.Basic] | None = None,
             swap: Mapping[type, type] | None = None,
             rewrite: Callable[[sp.Basic], sp.Basic | None] | None = None) -> sp.Basic:
    """Rebuild ``expr`` bottom-up (no recursion): a node found in ``mapping`` is replaced
    whole; a node of a class in ``swap`` is rebuilt (unevaluated) as that class; then
    ``rewrite(node)``, when not None, replaces the rebuilt node. A Max or Min whose arguments
    changed is rebuilt by :func:`extremum`."""
    mapping, swap = mapping or {}, swap or {}
    done: dict[sp.Basic, sp.Basic] = {}
    stack: list[tuple[sp.Basic, bool]] = [(expr, False)]
    while stack:
        node, args_done = stack.pop()
        if node in done:
            continue
        if not args_done:
            if node in mapping:
                done[node] = mapping[node]
                continue
            if node.args:
                stack.append((node, True))
                stack.extend((a, False) for a in node.args if a not in done)
                continue
            new = node
        else:
            args = tuple(done[a] for a in node.args)
            kind = swap.get(type(node))
            if kind is not None:
                new = kind(*args, evaluate=False)
            elif args == node.args:
                new = node
            elif isinstance(node, _Largest):
                new = node.func(*args, evaluate=False)
            elif isinstance(node, (sp.Max, sp.Min)):
                new = extremum(node.func, *args)
            else:
                new = node.func(*args)
        if rewrite is not None:
            new = rewrite(new) or new
        done[node] = new
    return done[expr]


def substitute(expr: sp.Basic, mapping: Mapping[sp.Basic, sp.Basic] | None = None, *,
               rewrite: Callable[[sp.Basic], sp.Basic | None] | None = None) -> sp.Basic:
    """``expr.xreplace(mapping)`` for a renaming of symbols, then ``rewrite`` (bottom-up, as
    ``expr.replace`` does) on every node it does not return None for; linear in the size of
    ``expr``, and a max of many arguments is not compared pair by pair again."""
    if not mapping and rewrite is None:
        return expr
    return _rebuild(expr, mapping, rewrite=rewrite)


class _Largest(sp.Function):
    """Max while differentiating: its partial derivative names the other arguments without
    comparing them, d max(a, b, c)/da = H(a - max(b, c)), as SymPy's Max.fdiff does."""

    @classmethod
    def eval(cls, *args):
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        i = argindex - 1
        others = self.args[:i] + self.args[i + 1:]
        rest = others[0] if len(others) == 1 else type(self)(*others)
        return sp.Heaviside(self._gap(self.args[i], rest))

    @staticmethod
    def _gap(arg: sp.Expr, rest: sp.Expr) -> sp.Expr:
        return arg - rest


class _Smallest(_Largest):
    """Min while differentiating: d min(a, b, c)/da = H(min(b, c) - a)."""

    @staticmethod
    def _gap(arg: sp.Expr, rest: sp.Expr) -> sp.Expr:
        return rest - arg


class _Step(sp.Function):
    """Heaviside while taking the Hessian: constant on each side of its jump, so its
    derivative where it exists is 0 (the DiracDelta at the jump is left out)."""

    @classmethod
    def eval(cls, *args):
        return None

    def _eval_derivative(self, s: sp.Symbol) -> sp.Expr:
        return sp.S.Zero


_STAND_INS = {sp.Max: _Largest, sp.Min: _Smallest}
_BACK = {_Largest: sp.Max, _Smallest: sp.Min, _Step: sp.Heaviside}


def _without_deltas(e: sp.Expr) -> sp.Expr:
    return e.replace(sp.DiracDelta, lambda *a: sp.S.Zero) if e.has(sp.DiracDelta) else e


def derivatives(expr: sp.Expr, variables: Sequence[sp.Symbol]) -> tuple[sp.Matrix, sp.Matrix]:
    """The gradient of ``expr`` in ``variables`` and its Hessian where it exists: at a kink
    (abs, relu, max) the DiracDelta terms are left out, so the Hessian of max(a, b) is 0 away
    from a = b. Max and Min are differentiated without comparing their arguments, and the
    Heaviside steps of the gradient count as constant in the Hessian."""
    form = _rebuild(expr, swap=_STAND_INS)
    n = len(variables)
    grad = [sp.diff(form, v) for v in variables]
    steps = [_rebuild(g, swap={sp.Heaviside: _Step}) for g in grad]
    hess = sp.zeros(n, n)
    for i in range(n):
        for j in range(i, n):  # symmetric where it exists
            hess[i, j] = hess[j, i] = _without_deltas(sp.diff(steps[i], variables[j]))
    back = lambda e: _rebuild(e, swap=_BACK)  # noqa: E731
    return sp.Matrix([back(g) for g in grad]), hess.applyfunc(back)
