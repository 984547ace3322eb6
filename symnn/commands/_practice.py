"""``symnn derive ... --practice``: the practice session in a terminal, answers from stdin.

Each backward step is asked before it is shown (``symnn.practice.PracticeSession``): type a
formula or a number; an empty line shows the answer; the end of input stops with the score.
"""

from __future__ import annotations

import sys
from typing import TextIO

from symnn.practice import PracticeSession


def run_practice(derivation, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    """Ask every question of ``derivation`` on ``stdout``, reading answers from ``stdin``."""
    from symnn.symbolic.printing import unicode

    stdin = sys.stdin if stdin is None else stdin
    out = sys.stdout if stdout is None else stdout
    session = PracticeSession(derivation)
    steps = len(derivation.steps)
    value = "" if derivation.value is None else f" = {derivation.value:.6g}"
    print(f"{unicode(derivation.output_symbol)} = {unicode(derivation.output.expr)}{value}",
          file=out)
    print(f"Practice: {len(session.questions)} questions, two per backward step. Type a "
          "formula or a number; an empty line shows the answer; end of input (Ctrl-D) stops.",
          file=out)
    echo = not _is_terminal(stdin)  # piped answers are not echoed by a terminal
    asked = None
    while not session.done:
        question = session.current
        if question is not asked:
            asked = question
            if question.kind == "local":
                print(f"\nStep {question.index + 1} of {steps}: edge {session.edge(question)}",
                      file=out)
            elif session.known(question):
                print(f"  {session.known(question)}", file=out)
        print(f"  {question.prompt} ", end="", file=out, flush=True)
        line = _read_line(stdin)
        if line is None:
            print(f"\nStopped: {session.score_text()}.", file=out)
            return 0
        if echo:
            print(line, file=out)
        feedback = session.answer(line) if line.strip() else session.reveal()
        print(f"  {feedback.message}", file=out)
        if feedback.hint:
            print(f"  hint: {feedback.hint}", file=out)
        if feedback.answer:
            print(f"  answer: {feedback.answer}", file=out)
    print(f"\nDone: {session.score_text()}.", file=out)
    return 0


def _read_line(stdin: TextIO | None) -> str | None:
    """One answer line, or None at the end of input (also with no usable standard input)."""
    if stdin is None:
        return None
    try:
        line = stdin.readline()
    except (OSError, ValueError):  # closed or unreadable standard input
        return None
    return line.rstrip("\n") if line else None


def _is_terminal(stream: TextIO | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (OSError, ValueError):
        return False
