"""Which parts of symnn's public API are importable right now (the app never assumes)."""

from __future__ import annotations

import importlib


def has(dotted: str) -> bool:
    """True when ``symnn.<dotted>`` resolves (e.g. ``"lab.descend"``, ``"nn.Conv2d"``)."""
    try:
        obj = importlib.import_module("symnn")
        for part in dotted.split("."):
            obj = getattr(obj, part)
    except Exception:  # an absent or half-built module must not break the app
        return False
    return True


def missing(needs: tuple[str, ...]) -> list[str]:
    """The names among ``needs`` that symnn does not provide yet, as ``sn.<name>``."""
    return [f"sn.{name}" for name in needs if not has(name)]
