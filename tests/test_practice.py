"""symnn.practice: questions over a derivation's steps, judged by value, with hints and a score."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import symnn as sn
from symnn.practice import RULES, PracticeSession


def _perceptron():
    x, w, b, y = (sn.Scalar(v, name=n) for n, v in (("x", 2.0), ("w", -3.0), ("b", 1.0),
                                                       ("y", 1.0)))
    z = (w * x + b).named("z")
    return ((z.sigmoid().named("yhat") - y) ** 2).named("L")


def _go_to(session: PracticeSession, op: str, kind: str = "local") -> None:
    """Reveal questions until the current one is ``kind`` on an edge out of an ``op`` node."""
    while not (session.current.step.node.op.name == op and session.current.kind == kind):
        session.reveal()


@pytest.mark.parametrize("answer", ["x", "3", "3.0", "6/2", "x^2/x", "(x + x)/2"])
def test_each_edge_of_x_times_x_takes_the_other_factor_in_any_form(answer):
    x = sn.Scalar(3.0, name="x")
    session = PracticeSession((x * x).named("s").derivation(), kinds=("local",))
    assert len(session.questions) == 2  # two edges from the product into x
    assert session.answer(answer).verdict == "correct"
    assert session.answer(answer).verdict == "correct"
    assert session.done and session.score_text() == "score 2 of 2 (2 at the first try)"


@pytest.mark.parametrize("answer", ["2*x", "x + x", "x*2", "(x^2)/x * 2"])
def test_a_formula_equal_as_a_function_is_accepted(answer):
    x = sn.Scalar(3.0, name="x")
    session = PracticeSession((x ** 2).named("s").derivation(), kinds=("local",))
    assert session.answer(answer).verdict == "correct"


@pytest.mark.parametrize("answer", ["x^2", "2", "x", "2*x + 1", "3*x - 3"])
def test_a_formula_that_only_agrees_somewhere_or_nowhere_is_refused(answer):
    x = sn.Scalar(3.0, name="x")
    session = PracticeSession((x ** 2).named("s").derivation(), kinds=("local",))
    # 3*x - 3 equals 2*x at x = 3, the current value, but not as a function
    feedback = session.answer(answer)
    assert feedback.verdict == "try again" and "power rule" in feedback.hint


def test_sigmoid_edge_accepts_the_named_and_the_written_out_form_and_numbers():
    for answer in ("yhat*(1 - yhat)", "sigmoid(z)*(1 - sigmoid(z))", "0.006648", "0.00665"):
        session = PracticeSession(_perceptron().derivation(), kinds=("local",))
        _go_to(session, "sigmoid")
        assert session.answer(answer).verdict == "correct", answer


def test_a_wrong_answer_gets_the_rule_then_a_second_try_then_the_answer():
    session = PracticeSession(_perceptron().derivation(), kinds=("local",))
    _go_to(session, "sigmoid")
    skipped = session.revealed
    first = session.answer("yhat")
    assert first.verdict == "try again" and first.hint == RULES["sigmoid"]
    assert "σ(1 − σ)" in first.hint and not first.moves_on
    second = session.answer("1 - yhat")
    assert second.verdict == "revealed" and second.moves_on
    assert second.answer == "yhat·(1 - yhat) = 0.00664806"
    assert session.correct == 0 and session.revealed == skipped + 1


def test_the_product_question_names_the_chain_rule_and_spots_half_answers():
    session = PracticeSession(_perceptron().derivation())
    _go_to(session, "sigmoid", "product")
    step = session.current.step
    alone = session.answer(f"{step.local_value}")
    assert alone.verdict == "try again" and "local derivative alone" in alone.message
    assert alone.hint.startswith("chain rule")
    right = session.answer(f"{step.upstream_value} * {step.local_value}")
    assert right.verdict == "correct" and session.first_try == 0


def test_numbers_need_three_significant_digits_and_the_right_sign():
    session = PracticeSession(_perceptron().derivation(), kinds=("local",))
    _go_to(session, "sigmoid")  # 0.00664806
    assert "three significant digits" in session.answer("0.0066").message
    session = PracticeSession(_perceptron().derivation(), kinds=("local",))
    _go_to(session, "sigmoid")
    assert "sign is off" in session.answer("-0.00664806").message


@pytest.mark.parametrize("text,words", [
    ("", "type a formula"), ("2*(", "could not read"), ("q + 1", "q is not a name"),
    ("__import__('os').system('x')", "could not read"),
])
def test_unreadable_text_costs_no_try(text, words):
    session = PracticeSession(_perceptron().derivation())
    feedback = session.answer(text)
    assert feedback.verdict == "unreadable" and words in feedback.message
    assert session.tries == 0 and session.position == 0


def test_a_symbolic_graph_is_practised_with_formulas():
    session = PracticeSession(sn.graph("sin(w*x)").derivation(), kinds=("local",))
    assert session.answer("cos(w*x)").verdict == "correct"
    assert session.answer("x").verdict == "correct"  # ∂(w·x)/∂w
    assert session.answer("x").verdict == "try again"  # ∂(w·x)/∂x is w, not x
    assert session.answer("w").verdict == "correct"


def test_the_session_walks_every_step_in_order_and_ends():
    d = _perceptron().derivation()
    session = PracticeSession(d)
    assert len(session.questions) == 2 * len(d.steps)
    indices = []
    while not session.done:
        indices.append(session.current.index)
        session.reveal()
    assert indices == sorted(indices) and session.answered_through() == len(d.steps)
    assert session.answer("1").verdict == "unreadable"
    assert session.score_text() == f"score 0 of {2 * len(d.steps)} (0 at the first try)"


ANSWER_TEXT = st.lists(st.sampled_from(
    list("xyzwbLhat0123456789.+-*/^()e, ") + ["sigmoid(", "yhat", "log(", "exp(", "max(",
                                                "\x00", "é", "**", "1e308", "pi"]),
    max_size=20).map("".join)


@settings(max_examples=200, deadline=None)
@given(st.lists(ANSWER_TEXT, min_size=1, max_size=12))
def test_any_answers_keep_the_session_consistent(answers):
    session = PracticeSession(_perceptron().derivation())
    for text in answers:
        before = session.position
        feedback = session.answer(text)
        assert feedback.verdict in ("correct", "try again", "revealed", "unreadable")
        assert session.position == before + feedback.moves_on
        assert session.correct + session.revealed == session.position


def test_names_the_parser_cannot_read_are_typed_without_superscripts():
    x = sn.Scalar(0.5, name="x_0")
    w = sn.Scalar(2.0, name="W^(1)_0,0")
    a = (w * x).named("z^(1)_0").sigmoid().named("a^(1)_0")
    session = PracticeSession(a.derivation(), kinds=("local",))
    assert session.answer("a1_0*(1 - a1_0)").verdict == "correct"  # sigmoid' = a(1 - a)
    assert session.answer("x_0").verdict == "correct"  # ∂(W·x)/∂W
    feedback = session.answer("q")
    assert "W1_0_0" in feedback.message and "z1_0" in feedback.message


def test_questions_print_the_nodes_as_typed():
    session = PracticeSession(sn.graph("(sigmoid(w*x+b) - y)^2", w=1, x=2, b=0, y=1)
                              .derivation(), kinds=("local",))
    assert session.current.prompt == "local derivative ∂L/∂(σ(w·x + b) - y) = ?"
