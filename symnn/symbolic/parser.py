"""The safe expression parser: typed math -> SymPy, through a whitelist and nothing else.

The text is split by a small tokenizer and read by a recursive-descent parser that builds
SymPy objects directly; no text ever reaches ``eval``, ``exec``, ``sympify`` or
``parse_expr``. Accepted: numbers (``2``, ``0.5``, ``1e-3``), names (ASCII letters, digits
and ``_``, starting with a letter; ``pi`` and ``e`` are the constants), ``+ - * / ^ **``,
parentheses, and calls to ``exp log ln sqrt abs sigmoid tanh relu leaky_relu softplus sin
cos max min``. Grammar (``^`` binds tighter than unary minus and is right-associative)::

    expr  := term (("+" | "-") term)*
    term  := unary (("*" | "/") unary)*
    unary := ("+" | "-")* power
    power := atom (("^" | "**") unary)?
    atom  := NUMBER | NAME | NAME "(" expr ("," expr)* ")" | "(" expr ")"

Anything else raises :class:`ParseError` with the 0-based position of the offending
character and what was expected there. Text longer than ``MAX_LENGTH`` characters or nested
deeper than ``MAX_DEPTH`` levels is refused before any SymPy work is done.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import sympy

from symnn.symbolic.functions import leaky_relu, relu, sigmoid, softplus, symbol

__all__ = ["parse", "ParseError", "FUNCTIONS", "MAX_LENGTH", "MAX_DEPTH"]

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




def _fn1(f):
    return {"arity": (1, 1), "build": f}


FUNCTIONS: dict[str, dict] = {
    "exp": _fn1(sympy.exp),
    "log": _fn1(sympy.log),
    "ln": _fn1(sympy.log),
    "sqrt": _fn1(sympy.sqrt),
    "abs": _fn1(sympy.Abs),
    "sigmoid": _fn1(sigmoid),
    "tanh": _fn1(sympy.tanh),
    "relu": _fn1(relu),
    "softplus": _fn1(softplus),
    "sin": _fn1(sympy.sin),
    "cos": _fn1(sympy.cos),
    "leaky_relu": {"arity": (1, 2), "build": leaky_relu},
    "max": {"arity": (2, 64), "build": sympy.Max},
    "min": {"arity": (2, 64), "build": sympy.Min},
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

    # -- grammar --
    def parse(self) -> sympy.Expr:
        if self.tok.kind == "end":
            raise self.error("expected an expression, found nothing")
        expr = self.expr()
        if self.tok.kind != "end":
            if self.is_op(")"):
                raise self.error("unbalanced ')': no matching '('")
            raise self.error(f"expected an operator or the end of the input, found {self.found()}")
        return expr

    def expr(self) -> sympy.Expr:
        self.enter(self.tok.pos)
        left = self.term()
        while self.is_op("+", "-"):
            op = self.tok.text
            self.i += 1
            right = self.term()
            left = left + right if op == "+" else left - right
        self.depth -= 1
        return left

    def term(self) -> sympy.Expr:
        left = self.unary()
        while self.is_op("*", "/"):
            op_tok = self.tok
            self.i += 1
            right = self.unary()
            if op_tok.text == "*":
                left = left * right
            else:
                if right.is_zero:
                    raise self.error("division by zero", op_tok.pos)
                left = left / right
            self.check(left, op_tok.pos)
        return left

    def unary(self) -> sympy.Expr:
        sign = 1
        while self.is_op("+", "-"):
            if self.tok.text == "-":
                sign = -sign
            self.i += 1
        value = self.power()
        return -value if sign < 0 else value

    def power(self) -> sympy.Expr:
        base = self.atom()
        if self.is_op("^"):
            op_tok = self.tok
            self.i += 1
            self.enter(op_tok.pos)
            exponent = self.unary()
            self.depth -= 1
            self.guard_power(base, exponent, op_tok.pos)
            result = base**exponent
            self.check(result, op_tok.pos)
            return result
        return base

    def atom(self) -> sympy.Expr:
        t = self.tok
        if t.kind == "num":
            self.i += 1
            return self.number(t)
        if t.kind == "name":
            self.i += 1
            if t.text in FUNCTIONS:
                return self.call(t)
            if self.is_op("("):
                raise self.error(
                    f"unknown function {t.text!r}; expected one of {', '.join(FUNCTIONS)}",
                    t.pos,
                )
            if t.text in _CONSTANTS:
                return _CONSTANTS[t.text]
            return symbol(t.text)
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

    def number(self, t: _Token) -> sympy.Expr:
        if all(c.isdigit() for c in t.text):
            return sympy.Integer(int(t.text))
        value = float(t.text)
        if math.isinf(value):
            raise ParseError(f"number {t.text!r} is too large", t.pos, self.text)
        from symnn.symbolic.functions import number

        return number(value)

    def call(self, name: _Token) -> sympy.Expr:
        spec = FUNCTIONS[name.text]
        if not self.is_op("("):
            raise self.error(f"expected '(' after the function name {name.text!r}, found {self.found()}")
        open_pos = self.tok.pos
        self.i += 1
        self.enter(open_pos)
        args = [self.expr()]
        arg_pos = [open_pos + 1]
        while self.is_op(","):
            self.i += 1
            arg_pos.append(self.tok.pos)
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
        if name.text == "leaky_relu" and len(args) == 2 and not args[1].is_number:
            raise ParseError("the slope of leaky_relu must be a number", arg_pos[1], self.text)
        try:
            result = spec["build"](*args)
        except (ValueError, TypeError) as exc:  # e.g. max() of a non-real number
            raise ParseError(f"{name.text}() cannot take these arguments: {exc}", name.pos, self.text) from None
        self.check(result, name.pos)
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
            raise ParseError("power too large to compute exactly", pos, self.text)

    def check(self, result, pos: int) -> None:
        """Refuse undefined results (1/0, log(0)), non-real numbers (sqrt(-1), log(-1)) and
        numbers too large for SymPy to evaluate (exp(exp(exp(1000))), whose every later sign
        or LaTeX query would raise OverflowError)."""
        if result in _UNDEFINED:
            raise ParseError(
                "the expression is undefined here (division by zero or log(0))", pos, self.text
            )
        if result.is_number and not result.is_Rational:
            try:
                result.evalf(2)
            except (OverflowError, ValueError):
                raise ParseError("number too large to evaluate", pos, self.text) from None
        if result.is_number and result.is_extended_real is False:
            raise ParseError(
                f"the expression is not a real number here ({result}); symnn works with reals",
                pos,
                self.text,
            )


def _log10_abs(n) -> float | None:
    """log10 |n| for a SymPy number, exact-ish for huge integers; None for zero."""
    if n.is_zero:
        return None
    if n.is_Rational:
        return math.log10(abs(int(n.p))) - math.log10(int(n.q))
    return math.log10(abs(float(n)))


def parse(text: str) -> sympy.Expr:
    """Typed math -> SymPy expression, through the whitelist; raises :class:`ParseError`.

    >>> parse("sigmoid(w*x + b)")
    sigmoid(b + w*x)
    """
    if not isinstance(text, str):
        raise TypeError(f"parse() expects a str, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ParseError(f"expression longer than {MAX_LENGTH} characters", MAX_LENGTH, text)
    return _Parser(text).parse()
