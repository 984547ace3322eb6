"""Argument types shared by the subcommands: each parses one command-line word or raises
``argparse.ArgumentTypeError`` naming what was expected and what was given."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable


def _integer_from(low: int, expected: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = low - 1
        if value < low:
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
        return value

    return parse


#: an integer >= 1 (epochs, batch size, patience, sample count)
positive_int = _integer_from(1, "a positive integer")
#: an integer >= 0, as ``sn.manual_seed`` and NumPy's generators accept
seed = _integer_from(0, "a non-negative integer")


def positive_float(text: str) -> float:
    """A finite number > 0 (a learning rate); nan and inf are refused."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value
