"""``symnn derive EXPR --wrt NAME --practice``: the practice session in a terminal."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from symnn.cli import EXIT_BAD_INPUT, main

ARGS = ["derive", "w*x + b", "--wrt", "w", "--at", "x=2,w=-3,b=1", "--practice"]


def _practice(monkeypatch, capsys, answers: str, argv=ARGS):
    monkeypatch.setattr(sys, "stdin", io.StringIO(answers))
    code = main(argv)
    return code, capsys.readouterr().out


def test_right_answers_score_every_question(monkeypatch, capsys):
    # the path to w: edges f -> w*x and w*x -> w, a local derivative and a product each
    code, out = _practice(monkeypatch, capsys, "1\n1\nx\n2\n")
    assert code == 0
    assert out.count("Right at the first try.") == 4
    assert "Done: score 4 of 4 (4 at the first try)." in out


def test_a_wrong_answer_gets_the_rule_then_the_answer(monkeypatch, capsys):
    code, out = _practice(monkeypatch, capsys, "1\n1\nw\nw\n2\n")
    assert "hint: product rule: ∂(a·b)/∂a = b, the other factor" in out
    assert "answer: x = 2" in out
    assert code == 0 and "Done: score 3 of 4 (3 at the first try)." in out


def test_an_empty_line_reveals_and_end_of_input_stops_with_the_score(monkeypatch, capsys):
    code, out = _practice(monkeypatch, capsys, "\n")
    assert code == 0 and "answer: 1" in out
    assert out.rstrip().endswith("Stopped: score 0 of 1 (0 at the first try).")


def test_no_standard_input_ends_cleanly():
    done = subprocess.run([sys.executable, "-m", "symnn", *ARGS], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stderr == ""
    assert "Stopped: score 0 of 0 (0 at the first try)." in done.stdout


@pytest.mark.parametrize("extra", ["--json", "--latex"])
def test_practice_is_refused_with_machine_output(capsys, extra):
    assert main([*ARGS, extra]) == EXIT_BAD_INPUT
    captured = capsys.readouterr()
    assert captured.out == "" and "--practice" in captured.err
