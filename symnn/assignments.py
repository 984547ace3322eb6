"""Reading ``name=value`` lists such as ``x=2, w=-3, b=1/2`` (leaf values, options).

One reader for the command line (``symnn derive --at``) and the app (leaf values, optimizer
options). A value is a number written as a learner would (``0.5``, ``1e-3``, ``1/2``, ``pi``,
``2^-3``): it goes through the whitelist parser ``sn.parse`` and is evaluated to a float, so no
text ever reaches ``eval``. Pairs are separated by commas or semicolons outside parentheses, so
``x=max(1, 2)`` is one pair.
"""

from __future__ import annotations

import math
import re

__all__ = ["AssignmentError", "parse_assignments", "format_assignments", "unknown_names"]

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_DOTTED = re.compile(r"[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)?\Z")  # sgd.momentum
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\Z")


class AssignmentError(ValueError):
    """Bad ``name=value`` text: ``.position`` is the 0-based index of the offending part,
    ``.message`` says what was wrong (without the position)."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


def _pairs(text: str) -> list[tuple[str, int]]:
    """The pieces between top-level commas or semicolons, each with its start position."""
    pieces, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch in ",;" and depth == 0:
            pieces.append((text[start:i], start))
            start = i + 1
    pieces.append((text[start:], start))
    return pieces


def _number(name: str, text: str, position: int) -> float:
    """The value ``text`` (at ``position`` in the whole input) as a finite float."""
    shown = text.strip()
    if _PLAIN_NUMBER.match(shown):
        value = float(shown)
    else:
        from symnn.symbolic.parser import ParseError, parse

        try:
            expr = parse(text)
        except ParseError as exc:
            raise AssignmentError(f"the value of {name}: {exc.message}",
                                  position + exc.position) from None
        if {s.name.lower() for s in expr.free_symbols} <= {"nan", "inf", "infinity"}:
            if expr.free_symbols:
                raise AssignmentError(f"the value of {name} must be a finite number, not "
                                      f"{shown!r}", position)
        if expr.free_symbols:
            names = ", ".join(sorted(s.name for s in expr.free_symbols))
            raise AssignmentError(f"the value of {name}, {shown!r}, is not a number (it uses "
                                  f"the name {names})", position + len(text) - len(text.lstrip()))
        try:
            value = float(expr)
        except OverflowError:
            value = math.inf
        except (TypeError, ValueError):
            raise AssignmentError(f"the value of {name}, {shown!r}, is not a real number",
                                  position) from None
    if math.isnan(value):
        raise AssignmentError(f"the value of {name}, {shown!r}, is not a number", position)
    if math.isinf(value):
        raise AssignmentError(f"the value of {name}, {shown!r}, is too large for a "
                              f"floating-point number (overflow beyond ±1.8e308)", position)
    return value


def parse_assignments(text: str, *, dotted: bool = False) -> dict[str, float]:
    """``"x=2, w=-3.5, b=1/2"`` -> ``{"x": 2.0, "w": -3.5, "b": 0.5}``.

    Names start with a letter (``dotted=True`` also allows ``sgd.momentum``); each value is a
    number or a constant expression (``1/2``, ``pi``, ``sqrt(2)``). A name given twice, a
    value with a variable in it, and an overflowing or undefined value raise
    :class:`AssignmentError` pointing at the offending part.
    """
    if not isinstance(text, str):
        raise TypeError(f"expected text such as 'x=2, w=-3', got {type(text).__name__}")
    names = _DOTTED if dotted else _NAME
    values: dict[str, float] = {}
    pieces = _pairs(text) if text.strip() else []
    for piece, start in pieces:
        item = piece.strip()
        if not item:
            raise AssignmentError("expected NAME=VALUE between the separators (a comma or "
                                  "semicolon too many?)", start)
        offset = start + len(piece) - len(piece.lstrip())
        if "=" not in item:
            raise AssignmentError(f"expected NAME=VALUE pairs such as x=2, got {item!r}", offset)
        name, _, value_text = item.partition("=")
        name = name.strip()
        value_at = offset + item.index("=") + 1
        if not names.match(name):
            raise AssignmentError(f"{name!r} is not a variable name (a name starts with a letter, "
                                  f"e.g. x, w1, b_2)", offset)
        if not value_text.strip():
            raise AssignmentError(f"{name} has no value after '='", value_at)
        if name in values:
            raise AssignmentError(f"{name} is given twice", offset)
        values[name] = _number(name, value_text, value_at)
    return values


def format_assignments(values: dict[str, float]) -> str:
    """The inverse of :func:`parse_assignments`: ``{"x": 2.0, "b": 0.1}`` -> ``"x=2, b=0.1"``."""
    return ", ".join(f"{name}={_shortest(value)}" for name, value in values.items())


def _shortest(value: float) -> str:
    """The shortest text that reads back as the same float: 2.0 -> ``2``, 0.1 -> ``0.1``."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def unknown_names(values: dict[str, float], names: set[str], text: str = "",
                  what: str = "the expression") -> None:
    """Raise :class:`AssignmentError` naming the given names that ``what`` does not use (a
    typo would otherwise go unnoticed), pointing at the first of them in ``text``."""
    unknown = [name for name in values if name not in names]
    if not unknown:
        return
    found = re.search(rf"(?<![A-Za-z0-9_.]){re.escape(unknown[0])}\s*=", text)
    them = "it" if len(unknown) == 1 else "them"
    raise AssignmentError(
        f"{', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not in {what} "
        f"(its names: {', '.join(sorted(names)) or 'none'}); remove {them} from the values",
        found.start() if found else 0)
