"""Reading typed leaf values such as ``x=2, w=-3`` (input parsing only; no mathematics)."""

from __future__ import annotations

import re


class ValuesError(ValueError):
    """Bad ``name=number`` text; ``position`` is the 0-based index of the offending part."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.position = position


_NAME = re.compile(r"[A-Za-z_][A-Za-z_0-9]*(\.[A-Za-z_][A-Za-z_0-9]*)?\Z")  # x, or sgd.momentum


def parse_values(text: str) -> dict[str, float]:
    """``"x=2, w=-3.5"`` -> ``{"x": 2.0, "w": -3.5}``; commas or semicolons separate pairs."""
    values: dict[str, float] = {}
    start = 0
    for part in re.split(r"[,;]", text):
        offset = start + len(part) - len(part.lstrip())
        start += len(part) + 1
        item = part.strip()
        if not item:
            continue
        if "=" not in item:
            raise ValuesError(f"expected name=number, got {item!r}", offset)
        name, _, number = item.partition("=")
        name, number = name.strip(), number.strip()
        if not _NAME.match(name):
            raise ValuesError(f"{name!r} is not a name", offset)
        try:
            value = float(number)
        except ValueError:
            raise ValuesError(f"{number!r} is not a number", offset + item.index("=") + 1) from None
        if value != value or value in (float("inf"), float("-inf")):
            raise ValuesError(f"{name} must be a finite number", offset)
        values[name] = value
    return values


def format_values(values: dict[str, float]) -> str:
    """The inverse of ``parse_values``: ``{"x": 2.0}`` -> ``"x=2"``."""
    return ", ".join(f"{name}={value:g}" for name, value in values.items())


def fmt(x: float | None, digits: int = 6) -> str:
    """A number as short text (``digits`` significant digits); ``?`` when unknown."""
    if x is None:
        return "?"
    text = f"{x:.{digits}g}"
    return "0" if text == "-0" else text
