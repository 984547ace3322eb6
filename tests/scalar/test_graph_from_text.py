"""``sn.graph``: typed text (or a SymPy expression) -> a Scalar graph that can be stepped through."""

import math
import subprocess
import sys
from pathlib import Path

import pytest
import sympy

import symnn as sn
from symnn.scalar import Scalar, topological_order

X, W, B = (sympy.Symbol(n) for n in "xwb")


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
        ("elu(w*x - b, 0.7) * gelu(x + w) - silu(b*w) + gelu_tanh(x - b)", dict(x=0.3, w=-1.2, b=0.1)),
    ],
)
def test_graph_gradients_equal_sympy_diff_of_the_parsed_text(text, values):
    out = sn.graph(text, **values)
    out.backward()
    # SymPy differentiates abs(w) for complex w unless w is known real: diff the real copy
    real = {sympy.Symbol(k): sympy.Symbol(k, real=True) for k in values}
    subs = {real[sympy.Symbol(k)]: v for k, v in values.items()}
    for name, leaf in out.leaves().items():
        d = sympy.diff(sn.parse(text).xreplace(real), real[sympy.Symbol(name)])
        expected = float(d.evalf(subs=subs))
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


def shape(node: Scalar) -> str:
    """The graph under ``node`` written out: op(parent, ...), leaves by name, constants by value."""
    if node.is_constant:
        return repr(node.value)
    if not node.parents:
        return node.name
    params = f"[{', '.join(repr(a) for a in node.arg)}]" if node.arg else ""
    return f"{node.op.name}{params}({', '.join(shape(p) for p in node.parents)})"


def edges_into(root: Scalar, name: str) -> int:
    leaf = root.leaves()[name]
    return sum(p is leaf for n in topological_order(root) for p in n.parents)


AS_TYPED = [
    ("x*x", "mul(x, x)", {"x"}, 2),
    ("x*x + x", "add(mul(x, x), x)", {"x"}, 4),
    ("w*x + b", "add(mul(w, x), b)", {"w", "x", "b"}, 4),
    ("b + w*x", "add(b, mul(w, x))", {"b", "w", "x"}, 4),
    ("w*x + b - (y - yhat)", "sub(add(mul(w, x), b), sub(y, yhat))",
     {"w", "x", "b", "y", "yhat"}, 8),
    ("a - b", "sub(a, b)", {"a", "b"}, 2),
    ("a/b", "div(a, b)", {"a", "b"}, 2),
    ("-a", "neg(a)", {"a"}, 1),
    ("--a", "a", {"a"}, 0),
    ("-(x*y)", "neg(mul(x, y))", {"x", "y"}, 3),
    ("-0.5*x", "mul(-0.5, x)", {"x"}, 2),
    ("0.5*x", "mul(0.5, x)", {"x"}, 2),
    ("x + 1 + 2", "add(add(x, 1.0), 2.0)", {"x"}, 4),
    ("2*x*3", "mul(mul(2.0, x), 3.0)", {"x"}, 4),
    ("x - x", "sub(x, x)", {"x"}, 2),
    ("x^2", "powc[2.0](x)", {"x"}, 1),
    ("x^0.5", "powc[0.5](x)", {"x"}, 1),
    ("sqrt(x)", "sqrt(x)", {"x"}, 1),
    ("2^x", "pow(2.0, x)", {"x"}, 2),
    ("e^x", "exp(x)", {"x"}, 1),
    ("exp(w*x) + sin(w*x)", "add(exp(mul(w, x)), sin(mul(w, x)))", {"w", "x"}, 8),
    ("max(a, b, c)", "max(max(a, b), c)", {"a", "b", "c"}, 4),
    ("leaky_relu(x, 0.2) * ln(x)", "mul(leaky_relu[0.2](x), log(x))", {"x"}, 4),
]


@pytest.mark.parametrize("text,expected,nodes,edges", AS_TYPED, ids=[t for t, *_ in AS_TYPED])
def test_the_graph_is_the_text_as_typed(text, expected, nodes, edges):
    """Every operator typed is one node, in the order typed; a name reused is one leaf with
    one edge per use; numbers keep the value typed. ``edges``: all edges of the graph."""
    out = sn.graph(text)
    assert shape(out) == expected
    assert sum(len(n.parents) for n in topological_order(out)) == edges
    assert set(out.leaves()) == set(nodes)


def test_reuse_adds_one_edge_per_use_and_the_gradient_adds_up_over_them():
    out = sn.graph("x*x + x", x=3)
    assert edges_into(out, "x") == 3
    out.backward()
    assert out.leaves()["x"].grad == 2 * 3 + 1
    steps = [s for s in out.derivation("x").steps if s.parent.name == "x"]
    assert len(steps) == 3 and [s.first for s in steps] == [True, False, False]


def test_a_60_term_sum_is_59_additions_left_to_right_with_no_extra_node():
    text = " + ".join(f"a{i}*x{i}" for i in range(60))
    out = sn.graph(text)
    order = topological_order(out)
    assert sum(n.op is not None and n.op.name == "add" for n in order) == 59
    assert len(order) == 120 + 60 + 59
    node = out
    for i in reversed(range(1, 60)):
        assert shape(node.parents[1]) == f"mul(a{i}, x{i})"
        node = node.parents[0]
    assert shape(node) == "mul(a0, x0)"


def test_a_sympy_expression_is_walked_in_sympys_order():
    out = sn.graph(W * X + B)
    assert shape(out) == "add(b, mul(w, x))"


@pytest.mark.parametrize("name", ["scalar_neuron.py", "scalar_from_text.py", "scalar_custom_op.py"])
def test_scalar_examples_run(name):
    path = Path(__file__).resolve().parents[2] / "examples" / name
    out = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip()
