"""Practice mode: the learner gives each backward step before it is shown, and is scored.

A :class:`PracticeSession` walks a derivation's steps and asks, for each edge
``node -> parent``, the local derivative ``∂node/∂parent`` (a formula or a number) and then
the edge's contribution ``upstream · local``. Answers go through the whitelist parser
(``sn.parse``; nothing is evaluated as Python) and are accepted when they equal the right
answer: a number agrees with the value at the current point (to 0.5 %); a formula must be the
same function, checked by evaluating both at the current values and at random points of the
leaves (so ``2*x`` and ``x + x`` both pass, ``x^2`` for ``2*x`` does not). A wrong answer gets
a hint naming the rule (product rule, chain rule, sigmoid' = σ(1 - σ), ...) and a second try;
then the answer is shown. Text that cannot be read costs no try.
"""

from __future__ import annotations

import functools
import math
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import sympy

    from symnn.scalar.derivation import Derivation, Step
    from symnn.scalar.node import Scalar

__all__ = ["PracticeSession", "Question", "Feedback", "RULES"]

#: digits a number answer must match: accepted within this relative error
NUMBER_RTOL = 5e-3
#: random points (besides the current values) at which a formula answer must agree
RANDOM_POINTS = 4
TRIES = 2

#: the rule behind each op's local derivative, named in hints
RULES = {
    "add": "sum rule: ∂(a + b)/∂a = 1 and ∂(a + b)/∂b = 1",
    "sub": "difference rule: ∂(a − b)/∂a = 1 and ∂(a − b)/∂b = −1",
    "mul": "product rule: ∂(a·b)/∂a = b, the other factor",
    "div": "quotient rule: ∂(a/b)/∂a = 1/b and ∂(a/b)/∂b = −a/b²",
    "neg": "∂(−a)/∂a = −1",
    "powc": "power rule: ∂(aⁿ)/∂a = n·aⁿ⁻¹",
    "pow": "power rule: ∂(a^b)/∂a = b·a^(b−1), and ∂(a^b)/∂b = a^b·log(a)",
    "exp": "exp' = exp: ∂exp(a)/∂a = exp(a)",
    "log": "log' = 1/a: ∂log(a)/∂a = 1/a",
    "sqrt": "∂√a/∂a = 1/(2√a)",
    "abs": "∂|a|/∂a = sign(a) (0 at a = 0)",
    "sigmoid": "sigmoid' = σ(1 − σ): ∂σ(a)/∂a = σ(a)·(1 − σ(a))",
    "tanh": "tanh' = 1 − tanh²: ∂tanh(a)/∂a = 1 − tanh(a)²",
    "relu": "ReLU'(a) = 1 where a > 0, else 0",
    "leaky_relu": "LeakyReLU'(a) = 1 where a > 0, else the slope",
    "softplus": "softplus' = σ: ∂softplus(a)/∂a = σ(a)",
    "sin": "sin' = cos",
    "cos": "cos' = −sin",
    "max": "∂max(a, b)/∂a = 1 where a is the larger (½ on a tie), else 0",
    "min": "∂min(a, b)/∂a = 1 where a is the smaller (½ on a tie), else 0",
}
CHAIN_RULE = ("chain rule: this edge adds upstream × local to ∂{out}/∂{parent}, where "
              "upstream = ∂{out}/∂{node} is already known")


@dataclass(frozen=True)
class Question:
    """One thing to answer: ``kind`` is "local" (∂node/∂parent) or "product" (this edge's
    contribution to ∂out/∂parent); ``step`` is the derivation step it belongs to."""

    index: int  # the step's position in ``derivation.steps``
    step: Step
    kind: str
    prompt: str


@dataclass(frozen=True)
class Feedback:
    """What an answer earned. ``verdict``: "correct", "try again" (a hint, one more try),
    "revealed" (the answer shown) or "unreadable" (no try used). ``answer`` is the right
    answer as text when it is shown."""

    verdict: str
    message: str
    hint: str = ""
    answer: str = ""

    @property
    def moves_on(self) -> bool:
        """Whether the session went on to the next question."""
        return self.verdict in ("correct", "revealed")


class PracticeSession:
    """Questions over ``derivation``'s steps, in order; ``answer(text)`` scores each one.

    ``kinds``: which questions each step asks ("local", "product" or both, in that order).
    ``seed`` fixes the random points at which formulas are compared.
    """

    def __init__(self, derivation: Derivation, kinds: tuple[str, ...] = ("local", "product"),
                 seed: int = 0) -> None:
        from symnn.symbolic.printing import unicode

        bad = [k for k in kinds if k not in ("local", "product")]
        if bad or not kinds:
            raise ValueError(f"kinds must be 'local' and/or 'product', got {kinds!r}")
        self.derivation = derivation
        self._unicode = functools.partial(unicode, typed=derivation.typed)  # as typed
        self._rng = random.Random(seed)
        self._symbols = self._display_symbols()
        self._typed = _typable_names(self._symbols)
        self._points: list[dict] | None = None
        self.questions = [Question(i, step, kind, self._prompt(step, kind))
                          for i, step in enumerate(derivation.steps) for kind in kinds]
        self.position = 0
        self.tries = 0
        self.correct = 0
        self.first_try = 0
        self.revealed = 0

    # ---- state ---------------------------------------------------------------------

    @property
    def current(self) -> Question | None:
        """The question waiting for an answer (None when every question is done)."""
        return self.questions[self.position] if self.position < len(self.questions) else None

    @property
    def done(self) -> bool:
        return self.position >= len(self.questions)

    @property
    def answered(self) -> int:
        return self.correct + self.revealed

    def score_text(self) -> str:
        """``score 3 of 4 (2 at the first try)``."""
        return (f"score {self.correct} of {self.answered} "
                f"({self.first_try} at the first try)")

    def answered_through(self) -> int:
        """How many steps are fully answered: steps before the current question's step."""
        current = self.current
        return len(self.derivation.steps) if current is None else current.index

    # ---- answering -----------------------------------------------------------------

    def answer(self, text: str) -> Feedback:
        """Judge ``text`` for the current question (never raises on any text)."""
        question = self.current
        if question is None:
            return Feedback("unreadable", "Every question has been answered: " +
                            self.score_text() + ".")
        try:
            expr, problem = self._read(text)
        except Exception:  # whatever the text, the session goes on
            expr, problem = None, "that answer could not be read"
        if problem:
            return Feedback("unreadable", problem + " (no try used)")
        try:
            right, why = self._judge(question, expr)
        except Exception:
            right, why = False, ""
        if right:
            self.correct += 1
            self.first_try += self.tries == 0
            return self._advance("correct", "Right" + (" at the first try." if self.tries == 0
                                                      else " at the second try."), question)
        self.tries += 1
        if self.tries < TRIES:
            return Feedback("try again", (why + " " if why else "") + "Not yet: one more try.",
                            hint=self.hint(question))
        self.revealed += 1
        return self._advance("revealed", (why + " " if why else "") + "Here is the answer.",
                             question)

    def skip_to(self, step_index: int) -> None:
        """Start at the first question of step ``step_index`` (earlier steps are not asked
        and not scored: they were shown already)."""
        self.position = next((i for i, q in enumerate(self.questions) if q.index >= step_index),
                             len(self.questions))
        self.tries = 0

    def reveal(self) -> Feedback:
        """Give up on the current question: its answer is shown and it counts as not right."""
        question = self.current
        if question is None:
            return Feedback("unreadable", "Every question has been answered.")
        self.revealed += 1
        return self._advance("revealed", "Here is the answer.", question)

    def hint(self, question: Question) -> str:
        """The rule behind the question: the op's derivative rule, or the chain rule."""
        step, d = question.step, self.derivation
        if question.kind == "product":
            return CHAIN_RULE.format(out=self._unicode(d.output_symbol),
                                     parent=self._label(step.parent_form),
                                     node=self._label(step.node_form))
        op = step.node.op.name
        rule = RULES.get(op, f"differentiate the {step.node.op.label} op by its input")
        if op == "mul" and step.node.parents[0] is step.node.parents[1]:
            rule += ("; here both factors are the same node, so each of its two edges gives "
                     "the other factor and the contributions add up")
        if op == "powc":
            rule += f", here n = {_number_text(step.node.arg[0])}"
        return rule

    def right_answer(self, question: Question) -> str:
        """The answer as text (formula and number where both are known)."""
        step = question.step
        if question.kind == "local":
            text = self._unicode(step.local)
            if step.local_value is not None and not step.local.is_number:
                text += f" = {_number_text(step.local_value)}"
            return text
        if step.product_value is not None:
            return (f"{_number_text(step.upstream_value)} × {_number_text(step.local_value)}"
                    f" = {_number_text(step.product_value)}")
        return self._unicode(step.product)

    def edge(self, question: Question) -> str:
        """``node → parent``: the edge the question is about."""
        step = question.step
        return f"{self._label(step.node_form)} → {self._label(step.parent_form)}"

    def known(self, question: Question) -> str:
        """What the learner already has for a product question: the upstream gradient (its
        value, or its formula when the graph has no values); "" for a local question."""
        step, out = question.step, self._unicode(self.derivation.output_symbol)
        if question.kind == "local":
            return ""
        upstream = (_number_text(step.upstream_value) if step.upstream_value is not None
                    else self._unicode(step.upstream))
        return f"upstream ∂{out}/∂{self._label(step.node_form)} = {upstream}"

    def _advance(self, verdict: str, message: str, question: Question) -> Feedback:
        self.position += 1
        self.tries = 0
        return Feedback(verdict, message, answer=self.right_answer(question))

    # ---- prompts -------------------------------------------------------------------

    def _label(self, form) -> str:
        text = self._unicode(form)
        return text if form.is_Symbol else f"({text})"

    def _prompt(self, step: Step, kind: str) -> str:
        node, parent = self._label(step.node_form), self._label(step.parent_form)
        if kind == "local":
            return f"local derivative ∂{node}/∂{parent} = ?"
        out = self._unicode(self.derivation.output_symbol)
        return f"this edge's contribution to ∂{out}/∂{parent}: upstream × local = ?"

    # ---- judging -------------------------------------------------------------------

    def _display_symbols(self) -> dict:
        """{symbol: node} for every symbol a step can show: leaves, named nodes, u_k."""
        d = self.derivation
        found = {form: node for node, form in d.forms.items() if form.is_Symbol}
        found[d.output_symbol] = d.output
        return found

    def _read(self, text: str):
        """(SymPy expression, "") or (None, why it cannot be judged)."""
        from symnn.symbolic.parser import ParseError, parse

        if not isinstance(text, str) or not text.strip():
            return None, "type a formula or a number"
        try:
            expr = parse(text)
        except ParseError as exc:
            return None, f"could not read it: {exc.message} (at position {exc.position})"
        expr = expr.xreplace({s: self._typed[s.name] for s in expr.free_symbols
                              if s.name in self._typed})
        unknown = sorted(s.name for s in expr.free_symbols if s not in self._symbols)
        if unknown:
            names = ", ".join(sorted(self._typed))
            return None, (f"{', '.join(unknown)} is not a name in this graph "
                          f"(its names: {names})")
        return expr, ""

    def _expected(self, question: Question):
        step = question.step
        return step.local if question.kind == "local" else step.product

    def _expected_value(self, question: Question) -> float | None:
        step = question.step
        return step.local_value if question.kind == "local" else step.product_value

    def _judge(self, question: Question, expr) -> tuple[bool, str]:
        """(right?, a remark on a wrong answer)."""
        value = self._expected_value(question)
        if not expr.free_symbols and value is not None:
            given = _evaluate(expr, {})
            if _close(given, value, NUMBER_RTOL):
                return True, ""
            return False, self._remark(question, given, value)
        expected = self._expected(question)
        points = self._sample_points()
        if not points:
            return False, ""
        for point in points:
            a, e = _evaluate(expr, point), _evaluate(expected, point)
            if math.isnan(e):
                continue
            if not _close(a, e, 1e-6):
                return False, self._remark(question, a, e) if point is points[0] else ""
        return True, ""

    def _remark(self, question: Question, given: float, value: float) -> str:
        step = question.step
        if _close(given, -value, 1e-6) and value != 0:
            return "The sign is off."
        if question.kind == "product" and value is not None:
            if step.upstream_value is not None and _close(given, step.upstream_value, NUMBER_RTOL):
                return "That is the upstream gradient alone."
            if step.local_value is not None and _close(given, step.local_value, NUMBER_RTOL):
                return "That is the local derivative alone."
        if _close(given, value, 0.05):
            return "Close: give at least three significant digits."
        return ""

    def _sample_points(self) -> list[dict]:
        """Values for every display symbol: at the current leaf values (first, when known)
        and at random leaf values, each computed by a forward pass through the graph."""
        if self._points is None:
            leaves = [n for n in self._symbols.values() if not n.parents]
            points = []
            if all(leaf.value is not None for leaf in leaves):
                points.append(self._point({leaf: leaf.value for leaf in leaves}))
            for _ in range(20 * RANDOM_POINTS):
                if len(points) > RANDOM_POINTS:
                    break
                draw = {leaf: self._draw(leaf.value) for leaf in leaves}
                point = self._point(draw)
                if point is not None:
                    points.append(point)
            self._points = [p for p in points if p is not None]
        return self._points

    def _draw(self, value: float | None) -> float:
        if value is None or not math.isfinite(value):
            return self._rng.uniform(-2.0, 2.0)
        return value * self._rng.uniform(0.5, 1.5) + self._rng.uniform(-0.5, 0.5)

    def _point(self, leaf_values: dict) -> dict | None:
        """{symbol: value} after a forward pass with ``leaf_values``; None if a value is not
        finite there (outside a function's domain)."""
        from symnn.scalar.traversal import topological_order

        values: dict = {}
        for node in topological_order(self.derivation.output):
            if not node.parents:
                values[node] = leaf_values.get(node, node.value)
            else:
                values[node] = _forward(node, [values[p] for p in node.parents])
            if values[node] is None or not math.isfinite(values[node]):
                return None
        return {symbol: values[node] for symbol, node in self._symbols.items()}


def _typable_names(symbols: dict) -> dict:
    """{name as typed: symbol}: a name the parser cannot read, such as ``a^(2)_0`` or
    ``W^(1)_0,1``, is typed without ``^( )`` and with ``_`` for commas: ``a2_0``, ``W1_0_1``."""
    import re

    typed = {}
    for symbol in symbols:
        name = symbol.name
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name):
            name = re.sub(r"[\^()]", "", name).replace(",", "_")
        if re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name) and name not in typed:
            typed[name] = symbol
    return typed


def _forward(node: Scalar, inputs: list[float]) -> float:
    """The node's op applied to new input values (the op table's numeric rule)."""
    return node.op.numeric(*inputs, *node.arg)[0]


def _evaluate(expr: sympy.Expr, point: dict) -> float:
    """``expr`` at ``point`` ({symbol: float}) as a float; nan when not a real number."""
    import sympy

    try:
        value = expr.xreplace({s: sympy.Float(v) for s, v in point.items()}).evalf(15)
        return float(value)
    except (TypeError, ValueError, OverflowError, ZeroDivisionError, AttributeError):
        return math.nan


def _close(a: float, b: float, rtol: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return False
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= rtol * abs(b) + 1e-12


def _number_text(x: float | None) -> str:
    if x is None:
        return "?"
    text = f"{x:.6g}"
    return "0" if text == "-0" else text
