"""Numbers as short text for the screens, and the one ``name=value`` reader they share.

Reading typed values is the library's job (``symnn.assignments``); the names here keep the
screens' imports short.
"""

from __future__ import annotations

from functools import partial

from symnn.assignments import AssignmentError, format_assignments, parse_assignments

ValuesError = AssignmentError
format_values = format_assignments
#: ``"x=2, sgd.momentum=0.9"`` -> ``{"x": 2.0, "sgd.momentum": 0.9}`` (values may be 1/2, pi)
parse_values = partial(parse_assignments, dotted=True)

__all__ = ["ValuesError", "format_values", "parse_values", "fmt"]


def fmt(x: float | None, digits: int = 6) -> str:
    """A number as short text (``digits`` significant digits); ``?`` when unknown."""
    if x is None:
        return "?"
    text = f"{x:.{digits}g}"
    return "0" if text == "-0" else text
