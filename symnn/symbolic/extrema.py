"""Max and min of many arguments without SymPy comparing every pair again.

SymPy builds ``Max(a0, ..., a31)`` by comparing every pair of arguments (about 0.4 s for 32
names), and it compares them again whenever the expression is rebuilt: a renaming of its
symbols, lambdify's dummy symbols, every partial derivative ``Heaviside(a1 - Max(a0, a2, ...))``.
Arguments that were compared once need no second look: a renaming keeps them apart, and leaving
one out keeps the rest apart. So here they are rebuilt unevaluated:

- :func:`extremum`: max or min of distinct names, built without comparisons;
- :func:`substitute`: ``expr.xreplace(mapping)`` that rebuilds every Max and Min unevaluated;
- :func:`derivatives`: gradient and Hessian with d max(a, b, c)/da = H(a - max(b, c)).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import sympy as sp

__all__ = ["extremum", "substitute", "derivatives"]

# a symbol known to have a sign could be ordered against another (a positive one against a
# negative one); extremum compares such symbols as SymPy does
_SIGNS = ("positive", "negative", "zero", "nonnegative", "nonpositive", "extended_positive",
          "extended_negative", "extended_nonnegative", "extended_nonpositive")


def extremum(kind: type, *args: sp.Expr) -> sp.Expr:
    """``kind(*args)`` (kind is ``sympy.Max`` or ``sympy.Min``), without SymPy's pairwise
    comparisons when the arguments are distinct symbols with the same assumptions (no pair of
    them can be ordered, so nothing would be removed)."""
    if (len(args) > 2 and all(isinstance(a, sp.Symbol) for a in args)
            and len(set(args)) == len(args)
            and len({frozenset(a.assumptions0.items()) for a in args}) == 1
            and not any(args[0].assumptions0.get(k) is not None for k in _SIGNS)):
        return kind(*args, evaluate=False)
    return kind(*args)


def _rebuild(expr: sp.Basic, mapping: Mapping[sp.Basic, sp.Basic] | None = None,
             swap: Mapping[type, type] | None = None) -> sp.Basic:
    """Rebuild ``expr`` bottom-up (no recursion): each node found in ``mapping`` is replaced
    whole, each Max / Min (or stand-in) takes the class ``swap`` gives it, and every Max and
    Min is rebuilt unevaluated."""
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
            elif not node.args:
                done[node] = node
            else:
                stack.append((node, True))
                stack.extend((a, False) for a in node.args if a not in done)
            continue
        args = tuple(done[a] for a in node.args)
        kind = swap.get(type(node))
        if kind is not None:
            done[node] = kind(*args, evaluate=False)
        elif args == node.args:
            done[node] = node
        elif isinstance(node, (sp.Max, sp.Min, _Largest)):
            done[node] = node.func(*args, evaluate=False)
        else:
            done[node] = node.func(*args)
    return done[expr]


def substitute(expr: sp.Basic, mapping: Mapping[sp.Basic, sp.Basic]) -> sp.Basic:
    """``expr.xreplace(mapping)`` for a renaming of symbols, keeping every Max and Min as it
    was (unevaluated): linear in the size of ``expr``."""
    return _rebuild(expr, mapping) if mapping else expr


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
