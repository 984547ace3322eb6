"""Checking an optimizer's settings by name and kind before the optimizer sees them.

Each setting must be one the optimizer's constructor takes, and of the kind its default is: a
switch (true/false, or 1/0 as the app types it), a number, or as many numbers as the default
tuple (Adam's ``betas=0.9,0.999``). A wrong one is refused with a sentence naming the setting,
what it must be and what was given, instead of a Python error from inside the optimizer.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Mapping
from typing import Any

__all__ = ["check_options"]

_COUNTS = {2: "two", 3: "three", 4: "four"}
_NOT_OPTIONS = ("self", "params", "lr", "record")  # lr has its own field; record is descend's


def _is_number(value: Any) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value))


def _shown(value: Any) -> str:
    """A value written as it is typed: ``0.9,0.999``, ``true``, ``0.5``."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (tuple, list)):
        return ",".join(_shown(v) for v in value)
    if isinstance(value, (int, float)):
        return f"{value:g}"
    return repr(value)


def _settings(cls: type) -> dict[str, Any]:
    """The settings ``cls`` takes besides the learning rate, with their defaults."""
    return {name: p.default for name, p in inspect.signature(cls.__init__).parameters.items()
            if name not in _NOT_OPTIONS and p.default is not inspect.Parameter.empty}


def check_options(label: str, cls: type, options: Mapping[str, Any]) -> dict[str, Any]:
    """``options`` checked against ``cls``'s settings (``label`` is the optimizer's name as the
    learner typed it); a switch given as 1 or 0 becomes True or False. Raises ValueError such
    as "adam.betas must be two numbers such as 0.9,0.999; got 0.9"."""
    known = _settings(cls)
    out: dict[str, Any] = {}
    for key, value in options.items():
        if key not in known:
            raise ValueError(f"{label} has no setting {key!r}; its settings: "
                             f"{', '.join(known)}")
        default, what = known[key], f"{label}.{key}"
        if isinstance(default, bool):
            if _is_number(value) and value in (0, 1):
                value = bool(value)
            if not isinstance(value, bool):
                raise ValueError(f"{what} must be true or false (1 or 0); got {_shown(value)}")
        elif isinstance(default, tuple):
            if not (isinstance(value, (tuple, list)) and len(value) == len(default)
                    and all(_is_number(v) for v in value)):
                count = _COUNTS.get(len(default), str(len(default)))
                raise ValueError(f"{what} must be {count} numbers such as {_shown(default)}; "
                                 f"got {_shown(value)}")
            value = tuple(value)
        elif not _is_number(value):
            raise ValueError(f"{what} must be a number such as {_shown(default)}; "
                             f"got {_shown(value)}")
        out[key] = value
    return out
