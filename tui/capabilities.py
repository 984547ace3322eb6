"""Which parts of symnn's public API are importable right now (the app never assumes)."""

from __future__ import annotations

import importlib


def has(dotted: str) -> bool:
    """True when ``symnn.<dotted>`` resolves (e.g. ``"lab.descend"``, ``"nn.Conv2d"``). A
    name its package declares in ``__all__`` counts without being imported, so checking
    ``parse`` does not load SymPy before the screen needs it."""
    *packages, name = dotted.split(".")
    try:
        obj = importlib.import_module("symnn")
        for part in packages:
            obj = getattr(obj, part)
        return name in getattr(obj, "__all__", ()) or hasattr(obj, name)
    except Exception:  # an absent or half-built module must not break the app
        return False


def missing(needs: tuple[str, ...]) -> list[str]:
    """The names among ``needs`` that symnn does not provide yet, as ``sn.<name>``."""
    return [f"sn.{name}" for name in needs if not has(name)]
