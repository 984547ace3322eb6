"""Errors on screen are in a learner's words: symnn's messages as written, Python's
arithmetic and resource errors in plain words, and never an exception class name."""

from __future__ import annotations

import re

import pytest

from tui.safety import MAX_LENGTH, describe


class DomainError(ValueError):
    """Stands for a library error class whose name must not reach the screen."""


@pytest.mark.parametrize("exc, shown", [
    (ValueError("expected a number after '='"), "expected a number after '='"),
    (DomainError("DomainError: the condition sin(x)>0 is not supported"),
     "the condition sin(x)>0 is not supported"),
    (ValueError("numpy.linalg.LinAlgError: Singular matrix"), "Singular matrix"),
    (OverflowError("int too large to convert to float"), "A number too large to compute."),
    (ZeroDivisionError("float division by zero"), "A division by zero."),
    (RecursionError("maximum recursion depth exceeded"),
     "An expression nested too deeply to compute."),
    (MemoryError(), "Not enough memory for this."),
    (KeyError("w"), "unknown name 'w'"),
    (RuntimeError(""), "Something went wrong here (no details were given)."),
    (ValueError("two\nlines"), "two lines"),
    (ValueError("the backward pass raised ZeroDivisionError: float division by zero"),
     "the backward pass raised a division by zero: float division by zero"),
    (RuntimeError("gradcheck failed: output 0 raised symnn.nn.CheckpointError: bad file"),
     "gradcheck failed: output 0 raised an error: bad file"),
    (ValueError("Error(s) in loading state_dict for Linear: a Terror"),
     "Error(s) in loading state_dict for Linear: a Terror"),
    (OverflowError("f contains the number 1.00e+309"), "A number too large to compute."),
], ids=["message", "class-prefix", "dotted-prefix", "overflow", "zero-division", "recursion",
        "memory", "key", "empty", "newline", "class-inside", "dotted-class-inside",
        "error-as-a-word", "overflow-with-a-message"])
def test_describe_gives_the_message_in_words_without_a_class_name(exc, shown):
    assert describe(exc) == shown
    assert not re.search(r"\w+Error\b", describe(exc))


def test_library_errors_are_described_by_their_message():
    import symnn as sn
    from symnn.symbolic.degree import NumberRangeError
    from symnn.symbolic.domain import DomainError as LibraryDomainError

    for call, error in ((lambda: sn.convexity("x^2", domain="sin(x)>0"), LibraryDomainError),
                        (lambda: sn.convexity("10^309*x^2"), NumberRangeError),
                        (lambda: sn.parse("x +"), sn.ParseError)):
        with pytest.raises(error) as info:
            call()
        assert describe(info.value) == " ".join(str(info.value).split())


def test_a_message_that_cannot_be_printed_is_described_not_raised():
    class Unprintable(Exception):
        def __str__(self):
            raise RuntimeError("no text")

    assert describe(Unprintable()) == "Something went wrong here (no details were given)."


def test_a_very_long_message_is_cut_to_a_notification():
    shown = describe(ValueError("bad value " + "x" * 5000))
    assert len(shown) == MAX_LENGTH and shown.startswith("bad value x") and shown.endswith("…")


async def test_a_notified_error_shows_no_class_name():
    from tui.app import SymnnApp
    from tui.safety import report

    app = SymnnApp(start="layers")
    async with app.run_test(size=(100, 30)) as pilot:
        report(app.screen, OverflowError("int too large to convert to float"))
        await pilot.pause()
        (shown,) = [n.message for n in app._notifications]
        assert shown == "A number too large to compute."
