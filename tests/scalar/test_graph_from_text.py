"""``sn.graph``: typed text (or a SymPy expression) -> a Scalar graph that can be stepped through."""

import math
import subprocess
import sys
from pathlib import Path

import pytest
import sympy

import symnn as sn
from symnn.scalar import Scalar

X, W, B = (sympy.Symbol(n, real=True) for n in "xwb")


def test_graph_gives_values_to_named_leaves_and_computes_by_hand():
    out = sn.graph("sigmoid(w*x + b)", x=2, w=-3, b=1)
    s = 1 / (1 + math.exp(5.0))
    assert out.value == pytest.approx(s, rel=1e-15)
    out.backward()
    leaves = out.leaves()
    assert sorted(leaves) == ["b", "w", "x"]
    assert leaves["w"].grad == pytest.approx(2 * s * (1 - s), rel=1e-14)
    assert leaves["x"].grad == pytest.approx(-3 * s * (1 - s), rel=1e-14)
    assert leaves["b"].grad == pytest.approx(s * (1 - s), rel=1e-14)


def test_names_without_values_become_symbolic_leaves():
    out = sn.graph("sigmoid(w*x + b)", x=2, w=-3)
    assert out.value is None
    assert out.leaves()["b"].value is None
    assert out.derivative("b").xreplace({X: 2, W: -3}) == sympy.diff(
        sn.parse("sigmoid(w*x + b)"), B
    ).xreplace({X: 2, W: -3})


def test_graph_reads_like_the_text_subtraction_and_division():
    out = sn.graph("x - w / b", x=1, w=6, b=3)
    assert out.op.name == "sub"
    assert out.parents[1].op.name == "div"
    assert out.value == -1.0


@pytest.mark.parametrize(
    "text,values,expected",
    [
        ("max(x, w, b)", dict(x=1, w=5, b=3), 5.0),
        ("min(x, w, b)", dict(x=1, w=5, b=3), 1.0),
        ("leaky_relu(x, 0.2)", dict(x=-2), -0.4),
        ("relu(x) + abs(w)", dict(x=-1, w=-2), 2.0),
        ("sqrt(x) + x^-1", dict(x=4), 2.25),
        ("2^x", dict(x=3), 8.0),
        ("x^w", dict(x=2, w=3), 8.0),
        ("-x", dict(x=2), -2.0),
        ("pi * x", dict(x=1), math.pi),
        ("e^x", dict(x=1), math.e),
        ("ln(x) + exp(w) + softplus(b) + tanh(0) + sin(0) + cos(0)", dict(x=1, w=0, b=0),
         0 + 1 + math.log(2) + 0 + 0 + 1),
    ],
)
def test_every_whitelisted_function_builds_its_op(text, values, expected):
    assert sn.graph(text, **values).value == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize(
    "text,values",
    [
        ("x*w - max(x, b)^2 / (1 + abs(w))", dict(x=0.3, w=-1.2, b=0.1)),
        ("sigmoid(w*x + b) * log(1 + x^2) - leaky_relu(b - x, 0.1)", dict(x=0.3, w=-1.2, b=0.1)),
        ("softplus(x*w)^3 - sqrt(1 + b^2) + 2^(x*b)", dict(x=0.3, w=-1.2, b=0.1)),
    ],
)
def test_graph_gradients_equal_sympy_diff_of_the_parsed_text(text, values):
    out = sn.graph(text, **values)
    out.backward()
    subs = {sympy.Symbol(k, real=True): v for k, v in values.items()}
    for name, leaf in out.leaves().items():
        expected = float(sympy.diff(sn.parse(text), sympy.Symbol(name, real=True)).evalf(subs=subs))
        assert leaf.grad == pytest.approx(expected, rel=1e-12)


def test_graph_accepts_a_sympy_expression():
    out = sn.graph(W * X + 1, x=2, w=3)
    assert out.value == 7.0


def test_value_for_a_name_not_in_the_text_is_refused():
    with pytest.raises(ValueError, match="not in the expression: y"):
        sn.graph("x + 1", x=1, y=2)


def test_graph_of_bad_text_raises_parse_error():
    with pytest.raises(sn.ParseError) as info:
        sn.graph("x +* 1", x=1)
    assert info.value.position == 3


def test_shared_subexpressions_become_one_node():
    out = sn.graph("exp(w*x) + sin(w*x)", x=1, w=2)
    (a,) = out.parents[0].parents
    (b,) = out.parents[1].parents
    assert a is b and isinstance(a, Scalar)


@pytest.mark.parametrize("name", ["scalar_neuron.py", "scalar_from_text.py", "scalar_custom_op.py"])
def test_scalar_examples_run(name):
    path = Path(__file__).resolve().parents[2] / "examples" / name
    out = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip()
