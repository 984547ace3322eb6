"""The safe parser: what it accepts, and the hostile or malformed text it must refuse."""

import builtins
import os

import pytest
import sympy

import symnn as sn
from symnn.symbolic.functions import leaky_relu, relu, sigmoid, softplus, sympy_function
from symnn.symbolic.parser import MAX_DEPTH, MAX_LENGTH, ParseError, parse

x, y, w, b = (sympy.Symbol(n) for n in "xywb")

ACCEPTED = [
    ("x", x),
    ("2", sympy.Integer(2)),
    ("0.5", sympy.Rational(1, 2)),
    (".25*x", x / 4),
    ("1e-3", sympy.Rational(1, 1000)),
    ("2.5E2", sympy.Integer(250)),
    ("x + y", x + y),
    ("x - y", x - y),
    ("x * y", x * y),
    ("x / y", x / y),
    ("x^2", x**2),
    ("x**2", x**2),
    ("-x^2", -(x**2)),
    ("(-x)^2", x**2),
    ("2^3^2", sympy.Integer(512)),
    ("x^-2", x**-2),
    ("--x", x),
    ("+x", x),
    ("1 - 2 - 3", sympy.Integer(-4)),
    ("8 / 4 / 2", sympy.Integer(1)),
    ("w*x + b", w * x + b),
    ("sigmoid(w*x + b)", sigmoid(w * x + b)),
    ("exp(x)", sympy.exp(x)),
    ("log(x)", sympy.log(x)),
    ("ln(x)", sympy.log(x)),
    ("sqrt(x)", sympy.sqrt(x)),
    ("abs(x)", sympy_function("abs")(x)),
    ("tanh(x)", sympy.tanh(x)),
    ("relu(x)", relu(x)),
    ("leaky_relu(x)", leaky_relu(x, sympy.Rational(1, 100))),
    ("leaky_relu(x, 0.2)", leaky_relu(x, sympy.Rational(1, 5))),
    ("softplus(x)", softplus(x)),
    ("sin(x) + cos(y)", sympy.sin(x) + sympy.cos(y)),
    ("max(x, y)", sympy.Max(x, y)),
    ("min(x, y, 0)", sympy.Min(x, y, 0)),
    ("e^x", sympy.exp(x)),
    ("pi", sympy.pi),
    ("  x\t+ y ", x + y),
    ("x_1 + x2", sympy.Symbol("x_1") + sympy.Symbol("x2")),
]


@pytest.mark.parametrize("text,expected", ACCEPTED, ids=[t for t, _ in ACCEPTED])
def test_accepted_input_builds_the_expected_sympy_expression(text, expected):
    assert parse(text) == expected


def test_parse_is_exported_at_top_level_and_names_are_the_plain_symbols_a_user_writes():
    assert sn.parse is parse and sn.ParseError is ParseError
    e = parse("w*x^2 + b")
    assert all(s.assumptions0 == sympy.Symbol("q").assumptions0 for s in e.free_symbols)
    assert sympy.diff(e, sympy.Symbol("w")) == sympy.Symbol("x") ** 2


def test_parsed_sigmoid_differentiates_and_prints_as_sigma():
    e = parse("sigmoid(x)")
    assert sympy.diff(e, x) == sigmoid(x) * (1 - sigmoid(x))
    assert sympy.latex(e) == r"\sigma\left(x\right)"


def test_parsed_relu_differentiates_to_heaviside_zero_at_zero():
    d = sympy.diff(parse("relu(x)"), x)
    assert d == sympy.Heaviside(x, 0)
    assert d.subs(x, 0) == 0 and d.subs(x, 1) == 1


# text, position of the offending character, a word the message must contain
HOSTILE = [
    ("__import__('os').system('echo hacked')", 0, "letter"),
    ("x.__class__", 1, "attribute"),
    ("lambda: 1", 6, "':'"),
    ("x;y", 1, "';'"),
    ("x = 1", 2, "'='"),
    ("1e999999", 0, "too large"),
    ("(" * (MAX_DEPTH + 5) + "x" + ")" * (MAX_DEPTH + 5), MAX_DEPTH, "nested"),
    ("x" + "^x" * (MAX_DEPTH + 5), 2 * MAX_DEPTH - 1, "nested"),
    ("x" * (MAX_LENGTH + 1), MAX_LENGTH, "longer"),
    ("((x)", 4, "')'"),
    ("x)", 1, "unbalanced"),
    ("", 0, "expected an expression"),
    ("   ", 3, "expected an expression"),
    ("x**", 3, "ended"),
    ("x +", 3, "ended"),
    ("ｘ", 0, "U+FF58"),
    ("x\u200b+ 1", 1, "U+200B"),
    ("𝑥 + 1", 0, "U+1D465"),
    ("x − 1", 2, "U+2212"),
    ("foo(x)", 0, "unknown function"),
    ("eval(x)", 0, "unknown function"),
    ("exp", 3, "'('"),
    ("exp x", 4, "'('"),
    ("max(x)", 0, "at least 2"),
    ("sigmoid(x, y)", 0, "1 argument"),
    ("leaky_relu(x, y)", 14, "slope"),
    ("2x", 1, "operator"),
    ("x y", 2, "operator"),
    ("1..2", 2, "'.'"),
    ("x,y", 1, "','"),
    ("x // 2", 3, "'/'"),
    ("x/0", 1, "division by zero"),
    ("log(0)", 0, "undefined"),
    ("9^9^9^9", 3, "too large"),
    ("[x]", 0, "'['"),
    ("x if y else 1", 2, "operator"),
    ("1" * 80, 0, "too long"),
    ("exp(x", 5, "')'"),
    ("*x", 0, "'*'"),
    ("()", 1, "')'"),
    ("x\n+1", 1, "U+000A"),
    ("'x'", 0, "string"),
    ("sqrt(-1)", 0, "not a real number"),
    ("log(-1)", 0, "not a real number"),
    ("(-8)^(1/3)", 4, "not a real number"),
    ("max(x, sqrt(-1))", 7, "not a real number"),
    ("2^(10^999)", 1, "too large"),
    ("(10^999)^(10^999)", 8, "too large"),
    ("exp(exp(exp(1000)))", 0, "too large"),
    ("x * sigmoid(exp(exp(exp(9))))", 4, "too large"),
]


@pytest.mark.parametrize("text,position,word", HOSTILE, ids=[repr(t[:30]) for t, _, _ in HOSTILE])
def test_hostile_or_malformed_text_raises_parse_error_at_its_position(text, position, word):
    with pytest.raises(ParseError) as info:
        parse(text)
    assert info.value.position == position, info.value
    assert word in info.value.message
    assert info.value.text == text


def test_hostile_text_has_no_side_effect(tmp_path, monkeypatch):
    marker = tmp_path / "touched"
    calls = []
    monkeypatch.setattr(builtins, "__import__", _spy(builtins.__import__, calls))
    for text in [
        f"__import__('pathlib').Path('{marker}').touch()",
        f"open('{marker}', 'w')",
        "exec('import os')",
    ]:
        with pytest.raises(ParseError):
            parse(text)
    monkeypatch.undo()
    assert not marker.exists()
    assert "pathlib" not in calls and "os" not in calls
    assert os.path.exists(tmp_path)


def _spy(real_import, calls):
    def spy(name, *args, **kwargs):
        calls.append(name)
        return real_import(name, *args, **kwargs)

    return spy


def test_parse_never_passes_text_to_eval_exec_or_sympify(monkeypatch):
    import sys

    sympify_module = sys.modules["sympy.core.sympify"]
    real_sympify = sympify_module.sympify

    def forbidden(*args, **kwargs):
        raise AssertionError("parse must not call eval/exec")

    def text_forbidden(a, *args, **kwargs):
        assert not isinstance(a, str), f"sympify called on text {a!r}"
        return real_sympify(a, *args, **kwargs)

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    monkeypatch.setattr(sympy, "sympify", text_forbidden)
    monkeypatch.setattr(sympify_module, "sympify", text_forbidden)
    expected = sigmoid(w * x + b) ** 2 - sympy.Max(x, 1) + sympy.Rational(1, 2)
    assert parse("sigmoid(w*x + b)^2 - max(x, 1) + 0.5") == expected


def test_parse_error_pointer_puts_a_caret_under_the_position():
    with pytest.raises(ParseError) as info:
        parse("w*x + $b")
    assert info.value.pointer() == "w*x + $b\n      ^"


def test_deep_but_allowed_nesting_parses():
    depth = MAX_DEPTH - 2
    assert parse("(" * depth + "x" + ")" * depth) == x


def test_non_string_input_is_a_type_error():
    with pytest.raises(TypeError):
        parse(42)
