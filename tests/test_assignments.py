"""symnn.assignments: one reader for ``name=value`` lists (app fields and ``derive --at``)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symnn.assignments import (
    AssignmentError,
    format_assignments,
    parse_assignments,
    unknown_names,
)


@pytest.mark.parametrize("text,expected", [
    ("x=2, w=-3", {"x": 2.0, "w": -3.0}),
    ("a = 1e-3; b=4", {"a": 1e-3, "b": 4.0}),
    ("", {}),
    ("   ", {}),
    ("x=1/2", {"x": 0.5}),
    ("x=pi", {"x": math.pi}),
    ("x=-2^-3", {"x": -0.125}),
    ("x=sqrt(2)/2", {"x": math.sqrt(2) / 2}),
    ("m=max(1, 2), n=3", {"m": 2.0, "n": 3.0}),
    ("w1=.5, b_2=-0", {"w1": 0.5, "b_2": 0.0}),
])
def test_values_are_numbers_or_constant_expressions(text, expected):
    assert parse_assignments(text) == expected


def test_dotted_names_only_when_asked():
    assert parse_assignments("sgd.momentum=0.9", dotted=True) == {"sgd.momentum": 0.9}
    with pytest.raises(AssignmentError, match="not a variable name"):
        parse_assignments("sgd.momentum=0.9")


@pytest.mark.parametrize("text,position,words", [
    ("x=2,x=3", 4, "x is given twice"),
    ("x=1e308*10", 2, "too large"),
    ("x=10^309", 2, "overflow"),
    ("x=2, w", 5, "NAME=VALUE"),
    ("x=2, 3=4", 5, "not a variable name"),
    ("x=abc", 2, "not a number"),
    ("x=y+1", 2, "uses the name y"),
    ("x=nan", 2, "finite"),
    ("x=-inf", 2, "finite"),
    ("x=", 2, "no value"),
    ("x=2,", 4, "NAME=VALUE"),
    ("x=1/0", 3, "division by zero"),
    ("x=sqrt(-1)", 2, "not a real number"),
    ("x=__import__('os')", 2, "names must start with a letter"),
])
def test_bad_text_is_refused_at_the_offending_part(text, position, words):
    with pytest.raises(AssignmentError) as exc:
        parse_assignments(text)
    assert exc.value.position == position and words in str(exc.value)


def test_format_reads_back_as_the_same_floats():
    values = {"x": 2.0, "b": 0.1, "c": 1 / 3, "d": -1e-300}
    assert format_assignments(values) == "x=2, b=0.1, c=0.3333333333333333, d=-1e-300"
    assert parse_assignments(format_assignments(values)) == values


def test_names_not_in_the_expression_are_named_and_pointed_at():
    unknown_names({"x": 1.0}, {"x", "y"})
    with pytest.raises(AssignmentError) as exc:
        unknown_names({"x": 1.0, "q": 2.0, "r": 3.0}, {"x", "y"}, "x=1, q=2, r=3")
    assert exc.value.position == 5
    assert "q, r are not in the expression (its names: x, y)" in str(exc.value)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("xw_1.2e=,;()+-*/^ pisqrt9\x00é")), max_size=40))
def test_any_text_gives_values_or_one_error_type(text):
    try:
        values = parse_assignments(text)
    except AssignmentError as exc:
        assert 0 <= exc.position <= len(text)
    else:
        assert all(math.isfinite(v) for v in values.values())
