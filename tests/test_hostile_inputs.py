"""A corpus of hostile input, across the places a user's text, numbers or files come in.

Each entry must be refused with a clear message (never a traceback, never run as code), or
handled within the limit stated. The limits checked here:

- typed math (``sn.parse``, every command's EXPR): at most 2,000 characters, 40 levels of
  nesting, 60 digits in a number; only ASCII letters, digits, spaces, operators and
  parentheses; names start with a letter; no attribute access, no statements;
- the command line: bad input is exit status 2 with one message on stderr and nothing on
  stdout, and control characters are shown as ``?``, never sent to the terminal;
  ``optimize --steps`` at most 100,000; ``train --n-samples`` 10 to 100,000 and ``--noise``
  0 to 100; ``gradcheck`` runs user code in a child process;
- model files (``tests/nn/test_serialization.py`` holds their corpus: pickles, zip bombs,
  declared shapes, metadata nesting, every single-bit flip): metadata at most 16 MiB nested
  at most 4 deep, arrays no larger than the bytes that hold them;
- data: a dataset's tensors must agree in length, a batch size is a positive integer;
- graphs: the scalar engine's backward pass is iterative, so a chain 100,000 nodes deep
  works (as does a 20,000-op chain on the NumPy backend's tape).
"""

from __future__ import annotations

import contextlib
import io
import re

import numpy as np
import pytest

import symnn as sn
from symnn.cli import EXIT_BAD_INPUT, main
from symnn.data import DataLoader, TensorDataset

PARSER = [
    ("x" * 2001, "longer than 2000 characters", 2000),
    ("(" * 41 + "x" + ")" * 41, "nested too deeply", 40),
    ("1" * 61, "number too long", 0),
    ("__import__('os')", "must start with a letter", 0),
    ("x\x00", "U+0000", 1),
    ("x; y", "';'", 1),
    ("lambda: 1", "':'", 6),
    ("x.__class__", "attribute access", 1),
    ("\uff58", "only ASCII", 0),  # a full-width x that looks like x
    ("x**-", "input ended", 4),
    ("9" * 60 + "^" + "9" * 60, "power too large", 60),
]


@pytest.mark.parametrize("text, message, position", PARSER,
                         ids=[m.split()[0] + str(p) for _, m, p in PARSER])
def test_the_parser_refuses_hostile_text_naming_the_position(text, message, position):
    with pytest.raises(sn.ParseError, match=re.escape(message)) as error:
        sn.parse(text)
    assert error.value.position == position


CLI = [
    (["derive", "x" * 100_000, "--wrt", "x"], "longer than 2000"),
    (["derive", "x\x00y", "--wrt", "x"], "U+0000"),
    (["derive", "\x1b[31mx", "--wrt", "x"], "U+001B"),
    (["derive", "x*y", "--wrt", "x", "--at", ",".join(f"a{i}=1" for i in range(10_000))],
     "--at gives"),
    (["optimize", "x^2", "--steps", str(10**12)], "--steps"),
    (["optimize", "x^2", "--start", "1e400"], "not a finite number"),
    (["train", "--dataset", "moons", "--n-samples", str(10**12), "--no-progress"],
     "--n-samples"),
    (["train", "--dataset", "moons", "--noise", "1e308", "--no-progress"], "--noise"),
    (["train", "--dataset", "moons", "--noise", "nan", "--no-progress"], "--noise"),
    (["experiment", "../../etc/passwd"], "unknown experiment"),
    (["gradcheck", "os:abort"], "Python's own modules"),
    (["tui", "nope"], "unknown screen"),
]


@pytest.mark.parametrize("argv, message", CLI,
                         ids=[f"{a[0]}-{i}" for i, (a, _) in enumerate(CLI)])
def test_the_command_line_refuses_hostile_arguments_with_exit_2(argv, message):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code
    assert code == EXIT_BAD_INPUT and out.getvalue() == "", (code, err.getvalue()[:300])
    assert message in err.getvalue() and "Traceback" not in err.getvalue()
    assert "\x1b" not in err.getvalue() and "\x00" not in err.getvalue()


@pytest.mark.parametrize("make, message", [
    (lambda: TensorDataset(np.zeros((3, 2)), np.zeros(4)), "Size mismatch"),
    (lambda: DataLoader(TensorDataset(np.zeros((3, 2))), batch_size=0), "positive integer"),
    (lambda: DataLoader(TensorDataset(np.zeros((3, 2))), batch_size=-1), "positive integer"),
], ids=["length-mismatch", "batch-size-0", "batch-size-negative"])
def test_data_containers_refuse_inconsistent_input(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_an_empty_dataset_gives_no_batches_rather_than_an_error():
    assert list(DataLoader(TensorDataset(np.zeros((0, 2))), batch_size=2)) == []


def test_a_scalar_chain_100000_nodes_deep_backpropagates_exactly():
    x = sn.Scalar(1.0, name="x")
    y = x
    for _ in range(100_000):
        y = y * 1.00001
    y.backward()
    assert x.grad == pytest.approx(1.00001**100_000, rel=1e-9)  # e^(1e5·ln 1.00001) ≈ 2.718


def test_a_tensor_chain_20000_ops_deep_backpropagates_exactly():
    x = sn.tensor([1.0], requires_grad=True, dtype=np.float64)
    y = x
    for _ in range(20_000):
        y = y * 1.0001
    y.sum().backward()
    assert float(x.grad.data[0]) == pytest.approx(1.0001**20_000, rel=1e-9)
