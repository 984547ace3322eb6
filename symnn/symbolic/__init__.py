"""Symbolic tools: the safe expression parser, the convexity checker and calculus helpers."""

from __future__ import annotations

from symnn._lazy import lazy_exports

_EXPORTS = {
    "parse": "symnn.symbolic.parser",
    "ParseError": "symnn.symbolic.parser",
    "convexity": "symnn.symbolic.convexity",
    "ConvexityResult": "symnn.symbolic.convexity",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
