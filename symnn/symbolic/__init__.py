"""Symbolic tools: the safe expression parser, the convexity checker and calculus helpers."""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "parse": "symnn.symbolic.parser",
    "ParseError": "symnn.symbolic.parser",
    "convexity": "symnn.symbolic.convexity",
    "ConvexityResult": "symnn.symbolic.convexity",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'symnn.symbolic' has no attribute {name!r}")
