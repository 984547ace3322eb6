"""A user adds ops to the scalar engine's public op table, checks them, and derives with them."""

from __future__ import annotations

import math

import pytest
import sympy

from symnn.scalar import OPS, Op, Scalar, apply, register_op
from symnn.symbolic.functions import symbol
from symnn.testing.scalar_ops import check_op


def _logaddexp(a, b):
    m = max(a, b)
    value = m + math.log(math.exp(a - m) + math.exp(b - m))
    return value, (math.exp(a - value), math.exp(b - value))


def _swish(a, beta):
    s = 1.0 / (1.0 + math.exp(-beta * a))
    return a * s, (s + beta * a * s * (1.0 - s),)


USER_OPS = [
    Op(name="user_sinh", arity=1, numeric=lambda a: (math.sinh(a), (math.cosh(a),)),
       sympy=sympy.sinh, method="user_sinh"),
    Op(name="user_logaddexp", arity=2, numeric=_logaddexp,
       sympy=lambda a, b: sympy.log(sympy.exp(a) + sympy.exp(b))),
    Op(name="user_swish", arity=1, numeric=_swish,
       sympy=lambda a, beta: a / (1 + sympy.exp(-beta * a)), params=(("beta", 1.0),)),
]

# the classic slip: d sinh = -cosh
WRONG = Op(name="user_sinh_wrong", arity=1, numeric=lambda a: (math.sinh(a), (-math.cosh(a),)),
           sympy=sympy.sinh)


@pytest.fixture(scope="module", autouse=True)
def registered():
    for op in USER_OPS:
        register_op(op, replace=True)
    yield
    for op in USER_OPS:
        OPS.pop(op.name, None)
        if op.method and op.method in Scalar.__dict__:
            delattr(Scalar, op.method)


@pytest.mark.parametrize("op", USER_OPS, ids=lambda op: op.name)
def test_user_ops_agree_with_their_sympy_forms_and_finite_differences(op):
    points = [0.3, -1.2, 2.0] if op.arity == 1 else [(0.3, -1.2), (2.0, 1.5)]
    check_op(op, points, params={"beta": 1.7} if op.params else None)


def test_check_op_names_a_wrong_local_derivative():
    with pytest.raises(AssertionError) as info:
        check_op(WRONG, [0.5])
    message = str(info.value)
    assert "op 'user_sinh_wrong': 1 disagreement(s)" in message
    assert f"is {-math.cosh(0.5)!r} from the numeric rule" in message
    assert "disagrees with the SymPy form and the finite difference" in message


def test_a_registered_op_becomes_a_method_and_backward_uses_its_derivative():
    x = Scalar(0.5, name="x")
    y = x.user_sinh()
    assert y.value == math.sinh(0.5)
    y.backward()
    assert x.grad == math.cosh(0.5)


def test_user_ops_in_a_derivation_three_ways():
    w, x = Scalar(0.8, name="w"), Scalar(-0.4, name="x")
    loss = (apply("user_logaddexp", w * x, x) + apply("user_swish", w, beta=2.0)).user_sinh()
    loss.backward()
    # recorded chain rule == sympy.diff of the whole expression == finite difference
    ws, xs = symbol("w"), symbol("x")
    at = {ws: 0.8, xs: -0.4}
    assembled = loss.derivative(w)
    direct = sympy.diff(loss.expr, ws)
    assert float(assembled.subs(at)) == pytest.approx(float(direct.subs(at)), rel=1e-12)

    def f(wv):
        return (apply("user_logaddexp", Scalar(wv) * -0.4, -0.4)
                + apply("user_swish", Scalar(wv), beta=2.0)).user_sinh().value

    finite = (f(0.8 + 1e-6) - f(0.8 - 1e-6)) / 2e-6
    assert w.grad == pytest.approx(float(direct.subs(at)), rel=1e-12)
    assert w.grad == pytest.approx(finite, rel=1e-7)


def test_a_user_op_is_shown_in_text_and_latex_derivations():
    x = Scalar(0.5, name="x")
    d = x.user_sinh().derivation(wrt=x)
    assert "sinh(x)" in str(d) and "cosh(x)" in str(d)
    assert r"\cosh{\left(x \right)}" in d.to_latex()


def test_check_op_names_an_unknown_op_and_lists_the_registered_ones():
    with pytest.raises(ValueError, match=r"unknown op 'sinhh'; registered: .*\bsigmoid\b"):
        check_op("sinhh", [0.5])
