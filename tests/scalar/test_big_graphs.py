"""Deep, wide and shared graphs: the symbolic side is linear in the graph and never recurses.

Timings are in benchmarks/derivation_speed.py; these tests check that each operation finishes
with the right result at depths where recursion (Python's limit is 1,000 frames) would fail.
"""

from __future__ import annotations

import math
import sys

import pytest
import sympy

from symnn.scalar import Scalar

DEPTH = 100_000


def chain(n: int, x: Scalar) -> Scalar:
    """n nodes past x: sin and + 0.5 alternately."""
    y = x
    for i in range(n):
        y = y.sin() if i % 2 else y + 0.5
    return y


def dag_value(expr: sympy.Expr, values: dict) -> float:
    """A SymPy expression's value, each shared sub-expression worked out once (no recursion)."""
    done: dict = {}
    stack = [expr]
    while stack:
        e = stack[-1]
        if e in done:
            stack.pop()
            continue
        todo = [a for a in e.args if a not in done]
        if todo:
            stack.extend(todo)
            continue
        stack.pop()
        if e.is_Symbol:
            done[e] = values[e.name]
        elif e.is_Number:
            done[e] = float(e)
        else:
            done[e] = float(e.func(*(sympy.Float(done[a]) for a in e.args)).evalf())
    return done[expr]


def test_a_chain_100000_deep_gives_its_derivative_and_derivation_without_recursion():
    assert sys.getrecursionlimit() < DEPTH
    x = Scalar(0.3, name="x")
    y = chain(DEPTH, x)
    y.backward()
    derivative = y.derivative("x")
    cosines = [a for a in derivative.args if isinstance(a, sympy.cos)]
    assert isinstance(derivative, sympy.Mul) and len(cosines) == DEPTH // 2
    d = y.derivation("x")
    assert len(d.steps) == DEPTH
    assert d.numeric_gradients[x] == pytest.approx(x.grad, rel=1e-12)
    assert y.expr.func is sympy.sin  # built, unevaluated, in linear time


def test_a_chain_10000_deep_prints_as_text_and_latex_with_one_row_per_step():
    y = chain(10_000, Scalar(0.3, name="x"))
    d = y.derivation("x")
    text, tex = str(d), d.to_latex()
    assert text.count("∂L/∂") >= 10_000
    assert tex.count(" \\\\\n") == len(d.definitions) + len(d.steps)  # + 1 result row - 1


def test_a_sum_of_10000_leaves_is_one_add_and_its_gradient_is_one():
    leaves = [Scalar(float(i), name=f"a_{i}") for i in range(10_000)]
    out = leaves[0]
    for leaf in leaves[1:]:
        out = out + leaf
    assert isinstance(out.expr, sympy.Add) and len(out.expr.args) == 10_000
    assert out.derivative("a_5") == 1
    d = out.derivation("a_5")
    assert len(d.steps) == 10_000 - 5  # the additions after a_5, as typed, then a_5 itself
    assert str(d).splitlines()[-1] == "  ∂L/∂a_5 = 1"


def test_each_node_used_twice_20_levels_deep_gives_a_shared_derivative_with_the_right_value():
    x = Scalar(0.7, name="x")
    y = x
    for _ in range(20):
        y = y.sin() * y + y
    y.backward()
    derivative = y.derivative("x")  # 2^20 paths: built once per node, shared
    assert dag_value(derivative, {"x": 0.7}) == pytest.approx(x.grad, rel=1e-9)
    assert math.isfinite(x.grad)
    assert len(str(y.derivation("x"))) < 200_000


def test_tanh_nested_10000_deep_builds_every_symbolic_form():
    """SymPy's own simplification of tanh(tanh(...)) grows about 4x per level; symnn stops
    simplifying after a few nested functions, so every form is built in linear time."""
    x = Scalar(0.2, name="x")
    y = x
    for _ in range(10_000):
        y = y.tanh()
    y.backward()
    assert y.expr.func is sympy.tanh
    derivative = y.derivative("x")
    assert isinstance(derivative, sympy.Mul) and len(derivative.args) == 10_000
    d = y.derivation("x")
    assert d.numeric_gradients[x] == pytest.approx(x.grad, rel=1e-12)
    assert len(str(d).splitlines()) > 10_000 and d.to_latex().count(" \\\\\n") > 10_000
