"""How to install an optional part of symnn, in words that work from PyPI and from a checkout."""

from __future__ import annotations


def install_hint(extra: str) -> str:
    """The pip command for the extra ``extra`` (``plot``, ``torch``, ...): from PyPI, or, in a
    source checkout (where ``symnn[plot]`` would fetch symnn from PyPI instead), the editable
    form run in the checkout."""
    return f"pip install 'symnn[{extra}]' (from a source checkout: pip install -e '.[{extra}]')"
