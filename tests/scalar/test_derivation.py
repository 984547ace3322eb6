"""The symbolic side: expressions, chain-rule derivatives, derivations and their printers."""

import math
import shutil
import subprocess

import pytest
import sympy
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import symnn as sn
from symnn.scalar import Derivation, Op, Scalar, constant, register_op
from symnn.scalar.ops import OPS
from symnn.symbolic.printing import latex
from symnn.symbolic.functions import lambdify, sigmoid

X, Y, Z = sympy.symbols("x y z")  # the plain symbols a user writes, as in L.expr
REAL = {s: sympy.Symbol(s.name, real=True) for s in (X, Y, Z)}

# ---- random expression trees ---------------------------------------------------------

UNARY = ["neg", "exp", "sigmoid", "tanh", "sin", "cos", "softplus", "relu", "abs",
         "leaky_relu", "square", "cube", "sqrt1p", "log1p", "inv1p"]
BINARY = ["add", "sub", "mul", "div1p", "max", "min", "rsub_const", "mul_const", "pow1p"]
KINKED = {"relu", "abs", "leaky_relu", "max", "min"}

leaf = st.sampled_from(["x", "y", "z"]) | st.floats(-2, 2, allow_nan=False).map(lambda c: ("c", round(c, 3)))
trees = st.recursive(
    leaf,
    lambda kids: st.tuples(st.sampled_from(UNARY), kids)
    | st.tuples(st.sampled_from(BINARY), kids, kids),
    max_leaves=7,
)
points = st.tuples(*(st.floats(-1.5, 1.5, allow_nan=False) for _ in range(3)))


def build(tree, env, kinks):
    """The Scalar for ``tree``; ``kinks`` collects the inputs of non-smooth ops."""
    if isinstance(tree, str):
        return env[tree]
    if tree[0] == "c":
        return constant(tree[1])
    op, *kids = tree
    a = build(kids[0], env, kinks)
    b = build(kids[1], env, kinks) if len(kids) > 1 else None
    if op in KINKED:
        kinks.append(a.value if b is None else a.value - b.value)
    return {
        "neg": lambda: -a, "exp": lambda: (a * 0.5).exp(), "sigmoid": a.sigmoid,
        "tanh": a.tanh, "sin": a.sin, "cos": a.cos, "softplus": a.softplus, "relu": a.relu,
        "abs": a.abs, "leaky_relu": lambda: a.leaky_relu(0.1), "square": lambda: a**2,
        "cube": lambda: a**3, "sqrt1p": lambda: (a * a + 1).sqrt(),
        "log1p": lambda: (a * a + 1).log(), "inv1p": lambda: 1 / (a * a + 1),
        "add": lambda: a + b, "sub": lambda: a - b, "mul": lambda: a * b,
        "div1p": lambda: a / (b * b + 1), "max": lambda: a.max(b), "min": lambda: a.min(b),
        "pow1p": lambda: (a * a + 1) ** (b * 0.5),
        "rsub_const": lambda: 2 - a * b, "mul_const": lambda: 3 * a + b,
    }[op]()


def make(tree, point):
    env = {n: Scalar(v, name=n) for n, v in zip("xyz", point)}
    kinks = []
    out = build(tree, env, kinks)
    return out, env, kinks


def at(expr, point):
    return float(lambdify((X, Y, Z), expr)(*point))


@settings(max_examples=25, deadline=None)
@given(trees, points)
def test_recorded_derivative_equals_sympy_diff_of_the_expression(tree, point):
    out, env, kinks = make(tree, point)
    assume(all(abs(k) > 1e-6 for k in kinks))
    for name, sym in zip("xyz", (X, Y, Z)):
        recorded = out.derivative(env[name])
        # SymPy differentiates |u| for complex u unless u is known real: the reference
        # differentiates the real-valued copy (the recorded one never needs to)
        reference = sympy.diff(out.expr.xreplace(REAL), REAL[sym]).xreplace({v: k for k, v in REAL.items()})
        assert at(recorded, point) == pytest.approx(at(reference, point), rel=1e-9, abs=1e-12)


@settings(max_examples=25, deadline=None)
@given(trees, points)
def test_backward_equals_recorded_derivative_and_central_difference(tree, point):
    out, env, kinks = make(tree, point)
    assume(all(abs(k) > 1e-3 for k in kinks))
    out.backward()
    h = 1e-6
    for i, name in enumerate("xyz"):
        recorded = at(out.derivative(env[name]), point)
        assert env[name].grad == pytest.approx(recorded, rel=1e-9, abs=1e-12)
        plus = list(point)
        minus = list(point)
        plus[i] += h
        minus[i] -= h
        fd = (make(tree, plus)[0].value - make(tree, minus)[0].value) / (2 * h)
        assert env[name].grad == pytest.approx(fd, rel=1e-5, abs=1e-6)


def test_derivative_is_assembled_from_steps_not_sympy_diff(monkeypatch):
    x = Scalar(2.0, name="x")
    w = Scalar(name="w")
    out = (w * x).sigmoid()
    monkeypatch.setattr(sympy.Expr, "diff", _no_whole_diff(sympy.Expr.diff))
    d = out.derivative("w")
    s = sigmoid(sympy.Symbol("w") * X)
    assert sympy.simplify(d - X * s * (1 - s)) == 0


def _no_whole_diff(real):
    def guarded(self, *symbols, **kwargs):
        assert not self.free_symbols - {s for s in self.free_symbols if s.is_Dummy}, (
            f"diff called on an expression in leaf symbols: {self}"
        )
        return real(self, *symbols, **kwargs)

    return guarded


# ---- symbolic leaves and naming ----------------------------------------------------------


def test_symbolic_leaves_give_fully_symbolic_gradients():
    w, x, b = Scalar(name="w"), Scalar(name="x"), Scalar(name="b")
    L = ((w * x + b).sigmoid() - 1) ** 2
    W = sympy.Symbol("w")
    Bs = sympy.Symbol("b")
    s = sigmoid(W * X + Bs)
    assert L.value is None
    assert L.expr == (s - 1) ** 2
    assert sympy.simplify(L.derivative(w) - 2 * (s - 1) * s * (1 - s) * X) == 0


def test_unnamed_leaves_get_automatic_symbols_and_constants_stay_numbers():
    a = Scalar(3.0)
    out = a * 2 + 1
    name = a.symbol.name
    assert name.startswith("v_")
    assert out.expr == 2 * a.symbol + 1
    assert out.leaves() == {name: a}


def test_leaves_with_the_same_name_are_refused():
    out = Scalar(1.0, name="x") + Scalar(2.0, name="x")
    with pytest.raises(ValueError, match="both named 'x'"):
        out.leaves()


def test_derivative_by_unknown_name_lists_the_leaves():
    out = Scalar(1.0, name="x") * Scalar(2.0, name="y")
    with pytest.raises(ValueError, match=r"no leaf named 'w'.*x, y"):
        out.derivative("w")


def test_derivative_with_respect_to_unrelated_leaf_is_zero():
    out = Scalar(1.0, name="x") * 2
    assert out.derivative(Scalar(1.0, name="q")) == 0


# ---- derivation steps ----------------------------------------------------------------------


def neuron():
    x = Scalar(2.0, name="x")
    w = Scalar(-3.0, name="w")
    b = Scalar(1.0, name="b")
    z = (w * x + b).named("z")
    y = z.sigmoid().named("y")
    L = ((y - 1) ** 2).named("L")
    return L, x, w, b, z, y


def test_derivation_steps_run_backward_from_output_to_leaves():
    L, x, w, b, z, y = neuron()
    d = L.derivation()
    order = [(s.node, s.parent) for s in d.steps]
    assert order[0][0] is L
    assert order.index((y, z)) < order.index((z, b))
    assert {s.parent for s in d.steps} >= {x, w, b, z, y}
    assert all(not s.parent.is_constant for s in d.steps)


def test_derivation_step_records_local_upstream_product_and_numbers():
    L, x, w, b, z, y = neuron()
    d = L.derivation()
    Ysym, Zsym = sympy.Symbol("y"), sympy.Symbol("z")
    (step,) = [s for s in d.steps if s.node is y and s.parent is z]
    assert step.local == Ysym * (1 - Ysym)  # sigma'(z) written with y's own name
    assert sympy.expand(step.upstream) == 2 * Ysym - 2
    assert "∂L/∂(y - 1) = 2·(y - 1)" in str(d)  # the power rule on the base as built
    assert step.product == step.upstream * step.local
    yv = 1 / (1 + math.exp(5.0))
    assert step.local_value == pytest.approx(yv * (1 - yv), rel=1e-14)
    assert step.upstream_value == pytest.approx(2 * (yv - 1), rel=1e-14)
    assert step.product_value == pytest.approx(2 * (yv - 1) * yv * (1 - yv), rel=1e-14)
    assert step.node_form == Ysym and step.parent_form == Zsym


def test_derivation_numbers_equal_backward_and_leave_grads_untouched():
    L, x, w, b, z, y = neuron()
    d = L.derivation()
    assert (x.grad, w.grad) == (0.0, 0.0)
    L.backward()
    for leaf in (x, w, b):
        assert d.numeric_gradients[leaf] == leaf.grad


def test_derivation_wrt_keeps_only_steps_on_paths_to_that_leaf():
    L, x, w, b, z, y = neuron()
    d = L.derivation(wrt="w")
    assert all(s.parent is not b and s.parent is not x for s in d.steps)
    assert d.steps[-1].parent is w
    Y = sympy.Symbol("y")
    assert sympy.simplify(d.result - X * (2 * Y - 2) * Y * (1 - Y)) == 0


def test_derivation_gradient_in_named_forms_agrees_with_leaf_form_derivative():
    L, x, w, b, z, y = neuron()
    d = L.derivation()
    Ysym = sympy.Symbol("y")
    Zsym = sympy.Symbol("z")
    W, B = sympy.Symbol("w"), sympy.Symbol("b")
    named = d.gradient(w).xreplace({Ysym: sigmoid(Zsym)}).xreplace({Zsym: W * X + B})
    assert sympy.simplify(named - L.derivative(w)) == 0


def test_long_unnamed_subexpressions_get_automatic_names_with_definitions():
    x = Scalar(1.0, name="x")
    h = x
    for _ in range(8):
        h = (h * 1.5 + 1).tanh()
    d = h.derivation()
    assert d.definitions
    sym, expr = d.definitions[0]
    assert sym.name.startswith("u_")
    assert "u_1 = " in str(d)


def test_text_rendering_is_unicode_math():
    L, *_ = neuron()
    text = str(L.derivation())
    assert "∂L/∂z = ∂L/∂y · ∂y/∂z" in text
    assert "y·(1 - y)" in text
    assert "L = (σ(w·x + b) - 1)²" in text  # as built: w*x, then + b


def test_latex_rows_are_sympy_latex_of_the_step_expressions():
    L, *_ = neuron()
    d = L.derivation()
    tex = d.to_latex()
    assert tex.startswith("\\begin{align*}") and tex.endswith("\\end{align*}")
    rows = tex.split(" \\\\\n")
    assert len(rows) == len(d.steps) + 3  # a row per step, then dL/dleaf for b, w, x
    for step, row in zip(d.steps, rows):
        assert sympy.latex(step.local) in row
        assert sympy.latex(step.product) in row


def test_latex_result_row_with_wrt_holds_the_assembled_gradient():
    L, *_ = neuron()
    d = L.derivation(wrt="w")
    last = d.to_latex().split(" \\\\\n")[-1]
    assert sympy.latex(d.result) in last
    assert "\\frac{\\partial L}{\\partial w} &=" in last


def test_repr_latex_is_the_align_block():
    L, *_ = neuron()
    d = L.derivation()
    assert d._repr_latex_() == d.to_latex()


def test_standalone_latex_is_a_complete_document():
    L, *_ = neuron()
    doc = L.derivation().to_latex(standalone=True)
    assert doc.startswith("\\documentclass")
    assert "\\usepackage{amsmath,amssymb}" in doc and doc.rstrip().endswith("\\end{document}")


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not installed")
def test_standalone_latex_compiles_with_pdflatex(tmp_path):
    L, *_ = neuron()
    (tmp_path / "d.tex").write_text(L.derivation(wrt="w").to_latex(standalone=True))
    run = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "d.tex"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stdout[-2000:]
    assert (tmp_path / "d.pdf").exists()


def test_dot_output_has_a_node_per_scalar_and_edges_through_op_circles():
    L, x, w, b, z, y = neuron()
    L.backward()
    dot = L.to_dot()
    assert dot.startswith("digraph") and dot.rstrip().endswith("}")
    assert '[label="{z | value -5 | grad' in dot
    assert 'label="σ", shape=circle' in dot
    assert dot.count("->") == 8 + 5  # 8 input edges into 5 op circles, 5 op -> result edges
    assert L.derivation().to_dot() == dot


def test_derivation_of_symbolic_graph_has_no_numbers():
    w = Scalar(name="w")
    d = (w * w).derivation()
    assert all(s.local_value is None and s.product_value is None for s in d.steps)
    assert d.value is None
    assert "[" not in str(d)


# ---- adding an op ------------------------------------------------------------------------


def test_register_op_adds_a_method_usable_in_backward_and_derivations():
    op = Op(
        name="sinh_test",
        arity=1,
        numeric=lambda a: (math.sinh(a), (math.cosh(a),)),
        sympy=sympy.sinh,
        method="sinh_test",
        doc="hyperbolic sine",
    )
    register_op(op)
    try:
        x = Scalar(0.5, name="x")
        y = x.sinh_test() * x
        y.backward()
        assert x.grad == pytest.approx(math.cosh(0.5) * 0.5 + math.sinh(0.5), rel=1e-15)
        assert y.derivative(x) == sympy.cosh(X) * X + sympy.sinh(X)
        assert any(s.local == sympy.cosh(X) for s in y.derivation().steps)
        assert sn.scalar.apply("sinh_test", 0.0).value == 0.0
    finally:
        del OPS["sinh_test"]
        delattr(Scalar, "sinh_test")


def test_register_op_refuses_a_taken_name():
    with pytest.raises(ValueError, match="already registered"):
        register_op(Op("exp", 1, lambda a: (a, (1.0,)), sympy.exp))


def test_derivation_class_is_exported():
    assert sn.Derivation is Derivation


@settings(max_examples=20, deadline=None)
@given(trees, points)
def test_renderers_print_every_random_derivation_with_sympys_own_latex(tree, point):
    out, env, _ = make(tree, point)
    d = out.derivation()
    tex = d.to_latex()
    text = str(d)
    leaves = [n for n in d.gradient_sizes if not n.parents and not n.is_constant]
    rows = len(d.definitions) + len(d.steps) + len(leaves)
    assert tex.count(" \\\\\n") == max(rows, 1) - 1
    for step in d.steps:
        assert latex(step.local, d.typed) in tex
    assert text.count("\n") >= len(d.steps)


def test_to_text_is_the_same_text_as_str():
    x, w = Scalar(2.0, name="x"), Scalar(-3.0, name="w")
    d = ((w * x).sigmoid() - 1).derivation()
    assert d.to_text() == str(d) and "Backward pass" in d.to_text()


def test_dot_escapes_record_separators_in_a_name_so_the_box_keeps_its_fields():
    x = Scalar(2.0, name='a|b<d> "e"')
    y = x * 3
    y.backward()
    dot = y.derivation().to_dot()
    assert r'[label="{a\|b\<d\> \"e\" | value 2 | grad 3}"];' in dot


@pytest.mark.parametrize("name", [r"\write18{touch pwned}", r"\input{/etc/passwd}", "a{b}", "a}", "x\ny"])
def test_names_that_latex_would_run_as_commands_are_refused(name):
    with pytest.raises(ValueError, match="not allowed"):
        Scalar(1.0, name=name)
    with pytest.raises(ValueError, match="not allowed"):
        (Scalar(1.0, name="x") * 2).named(name)
    with pytest.raises(ValueError, match="not allowed"):
        Scalar(name=name)


@pytest.mark.parametrize("name, shown", [
    (r"\write18{touch pwned}", r"\backslash{}write18\{touch pwned\}"),
    (r"a}\end{align*}", r"a\}\backslash{}end\{align*\}"),
    ("x\ny", "x?y"),
])
def test_a_name_assigned_after_construction_is_printed_harmlessly_in_latex(name, shown):
    # the constructor refuses such names; assigning .name directly skips that check
    x = Scalar(2.0, name="x")
    x.name = name
    y = x * x
    y.backward()
    tex = y.derivation().to_latex()
    assert shown in tex
    assert r"\write18" not in tex
    assert tex.count(r"\end{align*}") == 1 and tex.rstrip().endswith(r"\end{align*}")


def test_latex_escapes_name_characters_that_latex_reads_as_markup():
    lr, w = Scalar(0.1, name="lr%"), Scalar(2.0, name="w&b")
    y = (lr * w).tanh()
    y.backward()
    tex = y.derivation().to_latex()
    assert r"lr\%" in tex and r"w\&b" in tex
    assert "%" not in tex.replace(r"\%", "") and tex.count("&") == tex.count(r"\&") + tex.count("&=")


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not installed")
def test_standalone_latex_with_markup_characters_in_names_compiles(tmp_path):
    x, w = Scalar(2.0, name="x#1"), Scalar(-0.5, name="$w")
    y = (w * x).sigmoid().named("y%")
    y.backward()
    (tmp_path / "d.tex").write_text(y.derivation().to_latex(standalone=True))
    run = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "d.tex"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stdout[-2000:]


SWEEP = [
    "x*1", "x/1", "x + 0", "x - 0", "x^1", "1*x*1", "-(-x)", "(x + 0)*1 - 0",
    "max(x, x)", "min(x, 1) + max(1, x)", "x*x + x", "x - x", "x/x", "(x*1)^2/1",
    "sigmoid(w*x + b)", "relu(w*x + b)*1 + 0", "abs(x)/1", "sqrt(x^2)", "exp(log(x))",
    " + ".join(f"a{i}*x" for i in range(30)),
]


@pytest.mark.parametrize("text", SWEEP)
def test_no_step_is_a_node_that_is_its_own_parent(text, assert_no_degenerate_step):
    names = sn.graph(text).leaves()
    out = sn.graph(text, **{name: 0.7 for name in names})
    assert out.parents
    assert_no_degenerate_step(out.derivation())


def test_derivative_accepts_a_name_a_leaf_and_a_plain_sympy_symbol_and_equals_sympy_diff():
    w, x, b = Scalar(0.4, name="w"), Scalar(-1.3, name="x"), Scalar(0.2, name="b")
    L = ((w * x + b).gelu() - 1).abs().named("L") + (w * x).elu(0.5) * b.silu()
    W = sympy.Symbol("w")
    by_name, by_leaf, by_symbol = L.derivative("w"), L.derivative(w), L.derivative(W)
    assert by_name == by_leaf == by_symbol
    reference = sympy.diff(L.expr, W)  # plain symbols: what a user writes
    at = {sympy.Symbol("w"): 0.4, sympy.Symbol("x"): -1.3, sympy.Symbol("b"): 0.2}
    assert float(reference.subs(at).evalf()) == pytest.approx(float(by_name.subs(at).evalf()), rel=1e-12)
    L.backward()
    assert w.grad == pytest.approx(float(reference.subs(at).evalf()), rel=1e-12)


@pytest.mark.parametrize(
    ("text", "shown", "tex"),
    [
        ("w*x + b - (y - 0.3)", "w·x + b - (y - 0.3)", r"w \cdot x + b - \left(y - 0.3\right)"),
        ("1 - (-x)*(-x)", "1 - (-x)·(-x)", r"1 - \left(-x\right) \cdot \left(-x\right)"),
        ("a - -b", "a - (-b)", r"a - \left(-b\right)"),
        ("a/b/c", "a/(b·c)", r"\frac{a}{b \cdot c}"),
        ("x*x + x", "x·x + x", r"x \cdot x + x"),
        ("0.5*x - 1e-3", "0.5·x - 0.001", r"0.5 \cdot x - 0.001"),
    ],
)
def test_the_formula_prints_as_typed_in_text_and_latex(text, shown, tex):
    d = sn.graph(text).derivation()
    assert str(d).splitlines()[0] == f"L = {shown}"
    assert latex(d.typed_output(400), d.typed_header) == tex
