"""A scalar graph written back as text the expression parser reads: what the stepper's
``f =`` field shows for a graph that was not typed (a weight sent from the network view), so
it can be read and edited like a typed one.

One operator is written per node, with parentheses exactly where the parser's precedence
needs them, so ``sn.graph(text, **values)`` builds the same nodes in the same order. Leaf
names the parser cannot read (``W^(1)_0,1``) are spelt with letters, digits and ``_``
(``W1_0_1``), each leaf keeping a name of its own.
"""

from __future__ import annotations

import math
import re

from symnn.scalar import forward_order
from symnn.unary import UNARY

# binding strength of what a node is written as: a sum binds loosest, a leaf tightest
_SUM, _PRODUCT, _UNARY, _POWER, _ATOM = range(5)
_INFIX = {"add": ("+", _SUM), "sub": ("-", _SUM), "mul": ("*", _PRODUCT),
          "div": ("/", _PRODUCT)}


# words the parser reads as constants or functions, not as names
_RESERVED = frozenset({"e", "pi", "ln", "max", "min", *UNARY})


class NotTypeable(ValueError):
    """The graph holds something the parser cannot read back (an infinite constant)."""


def typeable_name(name: str) -> str:
    """``name`` spelt for the parser: ``W^(1)_0,1`` -> ``W1_0_1``, ``yhat`` unchanged."""
    parts = [p for p in re.split(r"[^A-Za-z0-9]+", re.sub(r"[\^(){}]", "", name)) if p]
    text = "_".join(parts) or "v"
    return text if text[0].isalpha() else "v" + text


def _number(value: float) -> str:
    if not math.isfinite(value):
        raise NotTypeable(f"the graph holds the number {value}, which cannot be typed")
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def typed_text(output) -> tuple[str, dict[str, float], dict]:
    """``(text, values, names)``: the graph of ``output`` as parser text, the leaves' values
    under their typed names (leaves without a value are left out: they stay symbolic), and
    each leaf's typed name. Raises NotTypeable for a graph the parser cannot express."""
    names: dict = {}
    taken: set[str] = set()
    values: dict[str, float] = {}
    written: dict = {}  # node -> (text, binding strength)
    for node in forward_order(output) or [output]:
        for leaf in [p for p in node.parents if not p.parents] + ([node] if not node.parents
                                                                  else []):
            if leaf in written:
                continue
            if leaf.is_constant:
                text = _number(leaf.value)
                written[leaf] = (f"({text})", _ATOM) if leaf.value < 0 else (text, _ATOM)
                continue
            base = typeable_name(leaf.name) if leaf.name else "v"
            name, k = base, 1
            while name in taken or name in _RESERVED:
                k += 1
                name = f"{base}_{k}"
            taken.add(name)
            names[leaf] = name
            if leaf.value is not None:
                values[name] = leaf.value
            written[leaf] = (name, _ATOM)
        if node.parents:
            written[node] = _write(node, [written[p] for p in node.parents])
    return written[output][0], values, names


def _write(node, args: list[tuple[str, int]]) -> tuple[str, int]:
    """One node as text from its inputs' texts, parenthesizing an input that binds looser
    than its place needs (the right side of ``-`` and ``/`` needs strictly tighter)."""
    op = node.op.name

    def wrap(arg: tuple[str, int], need: int) -> str:
        return arg[0] if arg[1] >= need else f"({arg[0]})"

    if op in _INFIX:
        symbol, strength = _INFIX[op]
        left = wrap(args[0], strength)
        right = wrap(args[1], strength + 1)
        spaced = f" {symbol} " if strength == _SUM else symbol
        return f"{left}{spaced}{right}", strength
    if op == "neg":
        return f"-{wrap(args[0], _POWER)}", _UNARY
    if op == "powc":
        return f"{wrap(args[0], _ATOM)}^{_exponent(node.arg[0])}", _POWER
    if op == "pow":
        return f"{wrap(args[0], _ATOM)}^{wrap(args[1], _ATOM)}", _POWER
    defaults = tuple(float(d) for _, d in node.op.params)
    params = [_number(p) for p in node.arg] if tuple(node.arg) != defaults else []
    inner = ", ".join([a[0] for a in args] + params)
    return f"{op}({inner})", _ATOM


def _exponent(p: float) -> str:
    text = _number(p)
    return text if p >= 0 else f"({text})"
