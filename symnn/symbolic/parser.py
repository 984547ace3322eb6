"""The safe expression parser: typed math -> SymPy, through a whitelist and nothing else.

The text is split by a small tokenizer and read by a recursive-descent parser that builds
SymPy objects directly; no text ever reaches ``eval``, ``exec``, ``sympify`` or
``parse_expr``. Accepted: numbers (``2``, ``0.5``, ``1e-3``), names (ASCII letters, digits
and ``_``, starting with a letter; ``pi`` and ``e`` are the constants), ``+ - * / ^ **``,
parentheses, and calls to ``ln``, ``max``, ``min`` and every function declared in
:data:`symnn.unary.UNARY` (``exp log sqrt abs tanh sin cos sigmoid relu leaky_relu softplus
elu gelu gelu_tanh silu``; a number parameter such as leaky_relu's slope follows x). Grammar (``^`` binds tighter than unary minus and is right-associative)::

    expr  := term (("+" | "-") term)*
    term  := unary (("*" | "/") unary)*
    unary := ("+" | "-")* power
    power := atom (("^" | "**") unary)?
    atom  := NUMBER | NAME | NAME "(" expr ("," expr)* ")" | "(" expr ")"

:func:`parse_tree` returns the text as typed (a tree of :class:`ParseNode`: a sum keeps its
terms in order, ``x*x`` names x twice, 0.5 stays the text ``0.5``), which is what
``sn.graph`` builds a Scalar graph from; :func:`parse` turns that tree into SymPy.
Anything else raises :class:`ParseError` with the 0-based position of the offending
character and what was expected there. Text longer than ``MAX_LENGTH`` characters or nested
deeper than ``MAX_DEPTH`` levels is refused before any SymPy work is done.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial

import sympy

from symnn.symbolic.extrema import extremum
from symnn.symbolic.functions import symbol, sympy_function
from symnn.unary import UNARY

__all__ = ["parse", "parse_tree", "ParseNode", "ParseError", "FUNCTIONS", "MAX_LENGTH", "MAX_DEPTH"]

MAX_LENGTH = 2000
MAX_DEPTH = 40
MAX_NUMBER_DIGITS = 60
# the largest integer power computed exactly while parsing (about this many decimal digits)
MAX_POWER_DIGITS = 1000


class ParseError(ValueError):
    """Bad input for :func:`parse`: ``.position`` is the 0-based index of the offending
    character (``len(text)`` for an unexpected end), ``.text`` the input, ``.message`` what
    was expected. ``pointer()`` echoes the text with a caret under the position."""

    def __init__(self, message: str, position: int, text: str = "") -> None:
        super().__init__(f"{message} (at position {position})")
        self.message = message
        self.position = position
        self.text = text

    def pointer(self) -> str:
        """Two lines: the text (control characters shown as ?) and a caret at the position."""
        shown = "".join(c if c.isprintable() else "?" for c in self.text[:200])
        caret = " " * min(self.position, len(shown)) + "^"
        return f"{shown}\n{caret}"


@dataclass(frozen=True)
class ParseNode:
    """One node of the typed expression, in the order typed.

    ``kind`` is ``number`` (``text`` as typed, ``-0.5`` for a negated number), ``name``,
    ``constant`` (``pi``, ``e``), ``neg`` (``-a``), ``sum`` and ``product`` (``args`` in order,
    ``ops[i]`` the ``+``/``-`` or ``*``/``/`` typed before ``args[i + 1]``), ``power``
    (``args``: base, exponent) or ``call`` (``text`` the function name as typed, ``args``).
    ``pos`` is the 0-based position of its first character (of the operator for
    sums, products and powers).
    """

    kind: str
    pos: int
    text: str = ""
    args: tuple[ParseNode, ...] = ()
    ops: tuple[str, ...] = ()
    op_pos: tuple[int, ...] = ()

    def names(self) -> set[str]:
        """The variable names in this tree (walked without recursion, so any depth)."""
        found, stack = set(), [self]
        while stack:
            node = stack.pop()
            if node.kind == "name":
                found.add(node.text)
            stack.extend(node.args)
        return found


def _declared() -> dict[str, dict]:
    """One entry per declared elementwise op (symnn.unary): its number parameters follow x."""
    return {
        name: {"arity": (1, 1 + len(d.params)), "build": sympy_function(name),
               "params": tuple(p for p, _ in d.params)}
        for name, d in UNARY.items()
    }


FUNCTIONS: dict[str, dict] = {
    **_declared(),
    "ln": {"arity": (1, 1), "build": sympy.log, "params": ()},
    "max": {"arity": (2, 64), "build": partial(extremum, sympy.Max), "params": ()},
    "min": {"arity": (2, 64), "build": partial(extremum, sympy.Min), "params": ()},
}
_CONSTANTS = {"pi": sympy.pi, "e": sympy.E}
_UNDEFINED = (sympy.S.ComplexInfinity, sympy.S.NaN, sympy.S.Infinity, sympy.S.NegativeInfinity)


@dataclass(frozen=True)
class _Token:
    kind: str  # "num", "name", "op", "end"
    text: str
    pos: int


_OPS = {"+", "-", "*", "/", "^", "(", ")", ","}


def _describe(ch: str) -> str:
    if ch.isprintable() and ch != " ":
        return f"character {ch!r} (U+{ord(ch):04X})"
    return f"character U+{ord(ch):04X}"


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in " \t":
            i += 1
            continue
        if ch.isascii() and (ch.isdigit() or (ch == "." and i + 1 < n and text[i + 1].isdigit())):
            start = i
            while i < n and text[i].isascii() and text[i].isdigit():
                i += 1
            if i < n and text[i] == ".":
                i += 1
                while i < n and text[i].isascii() and text[i].isdigit():
                    i += 1
            if i < n and text[i] in "eE":
                j = i + 1
                if j < n and text[j] in "+-":
                    j += 1
                if j < n and text[j].isascii() and text[j].isdigit():
                    i = j
                    while i < n and text[i].isascii() and text[i].isdigit():
                        i += 1
            if i - start > MAX_NUMBER_DIGITS:
                raise ParseError(
                    f"number too long (more than {MAX_NUMBER_DIGITS} characters)", start, text
                )
            if i < n and text[i] == ".":
                raise ParseError("expected an operator after the number, found '.'", i, text)
            tokens.append(_Token("num", text[start:i], start))
            continue
        if ch.isascii() and ch.isalpha():
            start = i
            while i < n and text[i].isascii() and (text[i].isalnum() or text[i] == "_"):
                i += 1
            tokens.append(_Token("name", text[start:i], start))
            continue
        if ch == "*" and i + 1 < n and text[i + 1] == "*":
            tokens.append(_Token("op", "^", i))
            i += 2
            continue
        if ch in _OPS:
            tokens.append(_Token("op", ch, i))
            i += 1
            continue
        if ch == "_":
            raise ParseError("names must start with a letter, not '_'", i, text)
        if ch in "'\"":
            raise ParseError("strings are not allowed; expected a number, name or operator", i, text)
        if ch == ".":
            raise ParseError("attribute access is not allowed; expected an operator", i, text)
        if not ch.isascii():
            raise ParseError(
                f"unexpected {_describe(ch)}; only ASCII letters, digits, spaces and "
                "+ - * / ^ ( ) , are allowed",
                i,
                text,
            )
        raise ParseError(f"unexpected {_describe(ch)}; expected a number, name or operator", i, text)
    tokens.append(_Token("end", "", n))
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokenize(text)
        self.i = 0
        self.depth = 0

    # -- helpers --
    @property
    def tok(self) -> _Token:
        return self.tokens[self.i]

    def error(self, message: str, pos: int | None = None) -> ParseError:
        return ParseError(message, self.tok.pos if pos is None else pos, self.text)

    def found(self) -> str:
        t = self.tok
        return "the end of the input" if t.kind == "end" else repr(t.text)

    def enter(self, pos: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"expression nested too deeply (more than {MAX_DEPTH} levels)", pos)

    def is_op(self, *ops: str) -> bool:
        return self.tok.kind == "op" and self.tok.text in ops

    # -- grammar (builds the tree as typed) --
    def parse(self) -> ParseNode:
        if self.tok.kind == "end":
            raise self.error("expected an expression, found nothing")
        tree = self.expr()
        if self.tok.kind != "end":
            if self.is_op(")"):
                raise self.error("unbalanced ')': no matching '('")
            raise self.error(f"expected an operator or the end of the input, found {self.found()}")
        return tree

    def chain(self, kind: str, ops: tuple[str, str], operand) -> ParseNode:
        start = self.tok.pos
        args, typed, where = [operand()], [], []
        while self.is_op(*ops):
            typed.append(self.tok.text)
            where.append(self.tok.pos)
            self.i += 1
            args.append(operand())
        if not typed:
            return args[0]
        return ParseNode(kind, start, args=tuple(args), ops=tuple(typed), op_pos=tuple(where))

    def expr(self) -> ParseNode:
        self.enter(self.tok.pos)
        tree = self.chain("sum", ("+", "-"), self.term)
        self.depth -= 1
        return tree

    def term(self) -> ParseNode:
        return self.chain("product", ("*", "/"), self.unary)

    def unary(self) -> ParseNode:
        sign, start = 1, self.tok.pos
        while self.is_op("+", "-"):
            if self.tok.text == "-":
                sign = -sign
            self.i += 1
        value = self.power()
        if sign > 0:
            return value
        if value.kind == "number":  # -0.5 is a number, as typed
            return ParseNode("number", start, "-" + value.text)
        return ParseNode("neg", start, args=(value,))

    def power(self) -> ParseNode:
        base = self.atom()
        if self.is_op("^"):
            op_pos = self.tok.pos
            self.i += 1
            self.enter(op_pos)
            exponent = self.unary()
            self.depth -= 1
            return ParseNode("power", op_pos, args=(base, exponent))
        return base

    def atom(self) -> ParseNode:
        t = self.tok
        if t.kind == "num":
            self.i += 1
            if not all(c.isdigit() for c in t.text) and math.isinf(float(t.text)):
                raise ParseError(f"number {t.text!r} is too large", t.pos, self.text)
            return ParseNode("number", t.pos, t.text)
        if t.kind == "name":
            self.i += 1
            if t.text in FUNCTIONS:
                return self.call(t)
            if self.is_op("("):
                raise self.error(
                    f"unknown function {t.text!r}; expected one of {', '.join(FUNCTIONS)}",
                    t.pos,
                )
            return ParseNode("constant" if t.text in _CONSTANTS else "name", t.pos, t.text)
        if self.is_op("("):
            self.i += 1
            inner = self.expr()
            if not self.is_op(")"):
                raise self.error(f"expected ')' to close the '(' at position {t.pos}, found {self.found()}")
            self.i += 1
            return inner
        if t.kind == "end":
            raise self.error("expected a number, name or '(' but the input ended")
        if self.is_op(")"):
            raise self.error("expected a number, name or '(' before ')'")
        raise self.error(f"expected a number, name or '(', found {self.found()}")

    def call(self, name: _Token) -> ParseNode:
        spec = FUNCTIONS[name.text]
        if not self.is_op("("):
            raise self.error(f"expected '(' after the function name {name.text!r}, found {self.found()}")
        open_pos = self.tok.pos
        self.i += 1
        self.enter(open_pos)
        args = [self.expr()]
        while self.is_op(","):
            self.i += 1
            args.append(self.expr())
        if not self.is_op(")"):
            raise self.error(
                f"expected ',' or ')' in the call to {name.text!r} opened at position "
                f"{open_pos}, found {self.found()}"
            )
        self.i += 1
        self.depth -= 1
        low, high = spec["arity"]
        if not low <= len(args) <= high:
            want = str(low) if low == high else f"{low} to {high}" if high < 64 else f"at least {low}"
            raise ParseError(
                f"{name.text}() takes {want} argument(s), got {len(args)}", name.pos, self.text
            )
        return ParseNode("call", name.pos, name.text, args=tuple(args))


class _SympyBuilder:
    """A parse tree -> SymPy, refusing what has no real value (with the typed position)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def error(self, message: str, pos: int) -> ParseError:
        return ParseError(message, pos, self.text)

    def build(self, node: ParseNode) -> sympy.Expr:
        kind = node.kind
        if kind == "number":
            return self.number(node.text)
        if kind == "name":
            return symbol(node.text)
        if kind == "constant":
            return _CONSTANTS[node.text]
        if kind == "neg":
            return -self.build(node.args[0])
        if kind == "sum":
            left = self.build(node.args[0])
            for op, arg in zip(node.ops, node.args[1:]):
                right = self.build(arg)
                left = left + right if op == "+" else left - right
            return left
        if kind == "product":
            left = self.build(node.args[0])
            for op, pos, arg in zip(node.ops, node.op_pos, node.args[1:]):
                right = self.build(arg)
                if op == "*":
                    left = left * right
                else:
                    if right.is_zero:
                        raise self.error("division by zero", pos)
                    left = left / right
                self.check(left, pos)
            return left
        if kind == "power":
            base, exponent = (self.build(a) for a in node.args)
            self.guard_power(base, exponent, node.pos)
            result = base**exponent
            self.check(result, node.pos)
            return result
        return self.call(node)

    def number(self, text: str) -> sympy.Expr:
        sign = -1 if text.startswith("-") else 1
        digits = text.lstrip("-")
        if all(c.isdigit() for c in digits):
            return sign * sympy.Integer(int(digits))
        from symnn.symbolic.functions import number

        return sign * number(float(digits))

    def call(self, node: ParseNode) -> sympy.Expr:
        args = [self.build(a) for a in node.args]
        for param, arg, typed in zip(FUNCTIONS[node.text]["params"], args[1:], node.args[1:]):
            if not arg.is_number:
                raise self.error(f"the {param} of {node.text} must be a number", typed.pos)
        try:
            result = FUNCTIONS[node.text]["build"](*args)
        except (ValueError, TypeError) as exc:  # e.g. max() of a non-real number
            raise self.error(f"{node.text}() cannot take these arguments: {exc}", node.pos) from None
        self.check(result, node.pos)
        return result

    def guard_power(self, base, exponent, pos: int) -> None:
        """Refuse number powers whose exact value would be astronomically large."""
        if not (base.is_Number and exponent.is_Number) or exponent.is_zero or not base.is_finite:
            return
        log_base = _log10_abs(base)
        if log_base in (None, 0.0) or not exponent.is_finite:
            return
        log_exp = _log10_abs(exponent)
        # digits of the result ~ |exponent| * |log10 base|; compare in logs to avoid overflow
        if log_exp is not None and log_exp + math.log10(abs(log_base)) > math.log10(MAX_POWER_DIGITS):
            raise self.error("power too large to compute exactly", pos)

    def check(self, result, pos: int) -> None:
        """Refuse undefined results (1/0, log(0)), non-real numbers (sqrt(-1), log(-1)) and
        numbers too large for SymPy to evaluate (exp(exp(exp(1000))), whose every later sign
        or LaTeX query would raise OverflowError)."""
        if result in _UNDEFINED:
            raise self.error("the expression is undefined here (division by zero or log(0))", pos)
        if result.is_number and not result.is_Rational:
            try:
                result.evalf(2)
            except (OverflowError, ValueError):
                raise self.error("number too large to evaluate", pos) from None
        if result.is_number and result.is_extended_real is False:
            raise self.error(
                f"the expression is not a real number here ({result}); symnn works with reals", pos
            )


def _log10_abs(n) -> float | None:
    """log10 |n| for a SymPy number, exact-ish for huge integers; None for zero."""
    if n.is_zero:
        return None
    if n.is_Rational:
        return math.log10(abs(int(n.p))) - math.log10(int(n.q))
    return math.log10(abs(float(n)))


def parse_tree(text: str) -> ParseNode:
    """Typed math -> its parse tree, as typed (nothing evaluated, nothing reordered); raises
    :class:`ParseError`. ``sn.graph`` builds its Scalar graph from this tree.

    The parts without names (``10^309``, ``log(0)``, a divisor ``0``) are checked as
    :func:`parse` checks them; nothing with a name is handed to SymPy, so the time is linear
    in the text (``max`` of 64 names included).
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_tree() expects a str, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ParseError(f"expression longer than {MAX_LENGTH} characters", MAX_LENGTH, text)
    tree = _Parser(text).parse()
    builder = _SympyBuilder(text)
    if not _check_constants(tree, builder):
        builder.build(tree)
    return tree


def _check_constants(node: ParseNode, builder: _SympyBuilder) -> bool:
    """Check every largest name-free part of ``node`` with SymPy; True if ``node`` has a name."""
    if node.kind == "name":
        return True
    named = [_check_constants(a, builder) for a in node.args]
    if not any(named):
        return False
    for arg, has_name in zip(node.args, named):
        if not has_name:
            builder.build(arg)
    if node.kind == "product":
        for op, pos, arg, has_name in zip(node.ops, node.op_pos, node.args[1:], named[1:]):
            if op == "/" and not has_name and builder.build(arg).is_zero:
                raise builder.error("division by zero", pos)
    if node.kind == "call" and node.text == "leaky_relu" and len(node.args) == 2 and named[1]:
        raise builder.error("the slope of leaky_relu must be a number", node.args[1].pos)
    return True


def parse(text: str) -> sympy.Expr:
    """Typed math -> SymPy expression, through the whitelist; raises :class:`ParseError`.

    >>> parse("sigmoid(w*x + b)")
    sigmoid(b + w*x)
    """
    if not isinstance(text, str):
        raise TypeError(f"parse() expects a str, got {type(text).__name__}")
    return _SympyBuilder(text).build(parse_tree(text))
