"""Errors on screen are in a learner's words: symnn's messages as written, Python's
arithmetic and resource errors in plain words, and never an exception class name."""

from __future__ import annotations

import pytest

from tui.safety import describe


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
], ids=["message", "class-prefix", "dotted-prefix", "overflow", "zero-division", "recursion",
        "memory", "key", "empty", "newline"])
def test_describe_gives_the_message_in_words_without_a_class_name(exc, shown):
    assert describe(exc) == shown
    assert "Error" not in describe(exc)


async def test_a_notified_error_shows_no_class_name():
    from tui.app import SymnnApp
    from tui.safety import report

    app = SymnnApp(start="layers")
    async with app.run_test(size=(100, 30)) as pilot:
        report(app.screen, OverflowError("int too large to convert to float"))
        await pilot.pause()
        (shown,) = [n.message for n in app._notifications]
        assert shown == "A number too large to compute."
