"""The command-line contract, for every subcommand, as a user meets it.

Readable text by default; with ``--json`` exactly one JSON object on stdout (standard JSON:
no NaN or Infinity); bad input gives a message on stderr naming what was wrong, exit status 2
and nothing on stdout; never a Python traceback. Each bad case also runs with ``--json``
appended: bad input stays bad input whatever the output format.
"""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from symnn.cli import EXIT_BAD_INPUT, main

CHECKS = textwrap.dedent(
    '''
    import sys

    import numpy as np
    import symnn as sn

    def _x(values, dtype=np.float64):
        return sn.tensor(np.array(values, dtype=dtype), requires_grad=True, dtype=dtype)

    def good():
        return (lambda x: (x * x * x).sum()), (_x([0.5, -1.0, 2.0]),)

    def chatty():
        print("user code printing on stdout")
        return good()

    class CubeForgotSquare(sn.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return sn.tensor(x.data ** 3, dtype=x.dtype)

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 3.0 * x.data * np.asarray(getattr(g, "data", g))  # should be 3 x**2

    def wrong():
        return (lambda x: CubeForgotSquare.apply(x).sum()), (_x([2.0, 0.5]),)

    def nan_gradient():
        return (lambda x: (x * float("nan")).sum()), (_x([1.0]),)

    def single_precision():
        return (lambda x: x.sum()), (_x([1.0, 2.0], dtype=np.float32),)

    def fn_raises():
        def fn(x):
            raise ZeroDivisionError("deliberate")
        return fn, (_x([1.0]),)

    def fn_returns_float():
        return (lambda x: 3.0), (_x([1.0]),)

    def no_input_requires_grad():
        return (lambda x: x.sum()), (sn.tensor([1.0], dtype=np.float64),)

    def not_a_pair():
        return 42

    def three_things():
        return 1, 2, 3

    def takes_an_argument(a):
        return good()

    def factory_raises():
        raise KeyError("deliberate")

    def factory_exits():
        sys.exit(3)

    NOT_CALLABLE = 7
    '''
)


@pytest.fixture(scope="module")
def checks(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("gradchecks") / "contract_checks.py"
    path.write_text(CHECKS)
    return str(path)


def invoke(argv: list[str]) -> tuple[int, str, str]:
    """Run ``symnn argv`` in-process: (exit status, stdout, stderr). argparse's own errors
    leave by SystemExit; any other exception escaping ``main`` is a traceback for the user."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 0
    return code, out.getvalue(), err.getvalue()


def strict_json(text: str) -> dict:
    """The text is exactly one standard JSON object (json.loads refuses trailing data)."""

    def refuse(constant: str):
        raise AssertionError(f"non-standard JSON constant {constant} in the output")

    data = json.loads(text, parse_constant=refuse)
    assert isinstance(data, dict)
    return data


def assert_bad_input(code: int, out: str, err: str, fragment: str) -> None:
    assert code == EXIT_BAD_INPUT, (code, out, err)
    assert out == "", f"stdout must be empty on bad input, got {out!r}"
    assert "Traceback" not in err
    assert "\x1b" not in err, "user text must not reach the terminal as escape sequences"
    assert fragment in err, f"{fragment!r} not in {err!r}"


# (id, argv, a fragment of the message that names what was wrong); the gradcheck target's
# "{checks}" is replaced by the path of the module above
BAD = [
    # derive
    ("derive-bad-char", ["derive", "w*x + $b", "--wrt", "w"], "unexpected character '$'"),
    ("derive-ends-early", ["derive", "w*x +", "--wrt", "w"], "input ended"),
    ("derive-empty", ["derive", "", "--wrt", "x"], "found nothing"),
    ("derive-unknown-fn", ["derive", "foo(x)", "--wrt", "x"], "unknown function 'foo'"),
    ("derive-import", ["derive", '__import__("os")', "--wrt", "x"], "position 0"),
    ("derive-attr", ["derive", "x.__class__", "--wrt", "x"], "position"),
    ("derive-unknown-wrt", ["derive", "w*x", "--wrt", "z"], "--wrt z"),
    ("derive-no-wrt", ["derive", "w*x"], "--wrt"),
    ("derive-wrt-escape-sequence", ["derive", "x", "--wrt", "\x1b[2J"], "--wrt ?[2J"),
    ("derive-expr-escape-sequence", ["derive", "x+\x1b[2J", "--wrt", "x"], "U+001B"),
    ("convexity-escape-sequence", ["convexity", "x+\x1b[2J"], "U+001B"),
    ("derive-at-no-equals", ["derive", "w*x", "--wrt", "w", "--at", "x=2,w"], "NAME=VALUE"),
    ("derive-at-not-number", ["derive", "w*x", "--wrt", "w", "--at", "x=abc"], "'abc'"),
    ("derive-at-nan", ["derive", "w*x", "--wrt", "w", "--at", "x=nan"], "finite"),
    ("derive-at-inf", ["derive", "w*x", "--wrt", "w", "--at", "x=-inf"], "finite"),
    ("derive-at-bad-name", ["derive", "w*x", "--wrt", "w", "--at", "1x=3"], "'1x'"),
    ("derive-at-twice", ["derive", "w*x", "--wrt", "w", "--at", "x=1,x=2"], "twice"),
    ("derive-at-unused", ["derive", "w*x", "--wrt", "w", "--at", "z=1"], "z"),
    ("derive-at-trailing-comma", ["derive", "w*x", "--wrt", "w", "--at", "x=2,"], "NAME=VALUE"),
    ("derive-loss-no-target", ["derive", "x", "--wrt", "x", "--loss", "mse"], "--target"),
    ("derive-target-no-loss", ["derive", "x", "--wrt", "x", "--target", "1"], "--loss"),
    ("derive-target-nan", ["derive", "x", "--wrt", "x", "--loss", "bce", "--target", "nan"],
     "--target"),
    ("derive-target-inf", ["derive", "x", "--wrt", "x", "--loss", "mse", "--target", "inf"],
     "--target"),
    ("derive-unknown-loss", ["derive", "x", "--wrt", "x", "--loss", "foo", "--target", "1"],
     "'foo'"),
    ("derive-standalone-alone", ["derive", "x", "--wrt", "x", "--standalone"], "--latex"),
    ("derive-huge-power", ["derive", "x + 2^2^2^2^2^2", "--wrt", "x"], "too large"),
    ("derive-too-deep", ["derive", "(" * 300 + "x" + ")" * 300, "--wrt", "x"], "nested"),
    ("derive-too-long", ["derive", "+".join(["x"] * 1500), "--wrt", "x"], "longer"),
    # convexity
    ("convexity-bad-char", ["convexity", "x^2 @ 3"], "'@'"),
    ("convexity-unknown-fn", ["convexity", "foo(x)"], "unknown function 'foo'"),
    ("convexity-domain-incomplete", ["convexity", "x^2", "--domain", "x>"], "--domain"),
    ("convexity-domain-no-comparison", ["convexity", "x^2", "--domain", "x"], "comparison"),
    ("convexity-domain-equality", ["convexity", "x^2", "--domain", "x==1"], "inequality"),
    ("convexity-domain-unknown-name", ["convexity", "x^2", "--domain", "z>0"], "z"),
    ("convexity-domain-empty", ["convexity", "x^2", "--domain", "x>0, x<0"], "empty"),
    ("convexity-domain-import", ["convexity", "x^2", "--domain", '__import__("os")'],
     "--domain"),
    ("convexity-variables-empty", ["convexity", "x^2", "--variables", ""], "--variables"),
    ("convexity-variables-unknown", ["convexity", "x^2", "--variables", "z"], "z"),
    # optimize
    ("optimize-unknown-optimizer", ["optimize", "w^2", "--optimizer", "foo"], "'foo'"),
    ("optimize-lr-negative", ["optimize", "w^2", "--lr", "-1"], "--lr"),
    ("optimize-lr-zero", ["optimize", "w^2", "--lr", "0"], "--lr"),
    ("optimize-lr-nan", ["optimize", "w^2", "--lr", "nan"], "--lr"),
    ("optimize-lr-inf", ["optimize", "w^2", "--lr", "inf"], "--lr"),
    ("optimize-lr-text", ["optimize", "w^2", "--lr", "abc"], "--lr"),
    ("optimize-steps-negative", ["optimize", "w^2", "--steps", "-1"], "--steps"),
    ("optimize-steps-huge", ["optimize", "w^2", "--steps", "100000000"], "--steps"),
    ("optimize-steps-float", ["optimize", "w^2", "--steps", "1.5"], "--steps"),
    ("optimize-start-wrong-dim", ["optimize", "w^2", "--start", "1,2"], "--start has 2"),
    ("optimize-start-preset-dim", ["optimize", "rosenbrock", "--start", "1"], "--start has 1"),
    ("optimize-start-text", ["optimize", "w^2", "--start", "abc"], "'abc'"),
    ("optimize-start-nan", ["optimize", "w^2", "--start", "nan"], "finite"),
    ("optimize-start-empty", ["optimize", "w^2", "--start", ""], "--start"),
    ("optimize-mistyped-preset", ["optimize", "rosenbrok"], "rosenbrock"),
    ("optimize-constant", ["optimize", "2"], "no variable"),
    ("optimize-malformed", ["optimize", "x^^2"], "position"),
    ("optimize-option-no-value", ["optimize", "w^2", "--option", "momentum"], "KEY=VALUE"),
    ("optimize-option-text", ["optimize", "w^2", "--optimizer", "sgd", "--option",
                              "momentum=abc"], "'abc'"),
    ("optimize-option-unknown", ["optimize", "w^2", "--optimizer", "sgd", "--option",
                                 "foo=1"], "foo"),
    ("optimize-option-lr", ["optimize", "w^2", "--option", "lr=0.1"], "--lr"),
    ("optimize-explain-zero", ["optimize", "w^2", "--steps", "3", "--explain", "0"],
     "--explain"),
    ("optimize-explain-too-far", ["optimize", "w^2", "--steps", "3", "--explain", "4"],
     "--explain"),
    ("optimize-plot-suffix", ["optimize", "w^2", "--steps", "1", "--plot", "{tmp}/out.txt"],
     "--plot"),
    ("optimize-plot-no-dir", ["optimize", "w^2", "--steps", "1", "--plot",
                              "{tmp}/missing/out.png"], "does not exist"),
    ("optimize-plot-is-dir", ["optimize", "w^2", "--steps", "1", "--plot", "{tmp}"],
     "directory"),
    ("optimize-plot-3d", ["optimize", "x+y+z", "--steps", "1", "--plot", "{tmp}/o.png"], "3"),
    # train (each would be quick even if it trained: xor, one epoch)
    ("train-unknown-dataset", ["train", "--dataset", "foo"], "'foo'"),
    ("train-no-dataset", ["train"], "--dataset"),
    ("train-unknown-model", ["train", "--dataset", "xor", "--model", "foo"], "'foo'"),
    ("train-cnn-not-images", ["train", "--dataset", "moons", "--model", "cnn"], "digits"),
    ("train-lr-negative", ["train", "--dataset", "xor", "--lr", "-1"], "--lr"),
    ("train-lr-zero", ["train", "--dataset", "xor", "--lr", "0"], "--lr"),
    ("train-lr-nan", ["train", "--dataset", "xor", "--lr", "nan"], "--lr"),
    ("train-lr-inf", ["train", "--dataset", "xor", "--lr", "inf"], "--lr"),
    ("train-epochs-zero", ["train", "--dataset", "xor", "--epochs", "0"], "--epochs"),
    ("train-unknown-optimizer", ["train", "--dataset", "xor", "--optimizer", "foo"], "'foo'"),
    ("train-hidden-text", ["train", "--dataset", "xor", "--hidden", "a,b"], "--hidden"),
    ("train-hidden-zero", ["train", "--dataset", "xor", "--hidden", "0"], "--hidden"),
    ("train-dropout-one", ["train", "--dataset", "xor", "--dropout", "1.5"], "--dropout"),
    ("train-weight-decay-nan", ["train", "--dataset", "xor", "--epochs", "1",
                                "--weight-decay", "nan"], "--weight-decay"),
    ("train-weight-decay-negative", ["train", "--dataset", "xor", "--epochs", "1",
                                     "--weight-decay", "-1"], "--weight-decay"),
    ("train-noise-nan", ["train", "--dataset", "moons", "--epochs", "1", "--noise", "nan"],
     "--noise"),
    ("train-seed-negative", ["train", "--dataset", "xor", "--epochs", "1", "--seed", "-5"],
     "--seed"),
    ("train-too-few-samples", ["train", "--dataset", "moons", "--n-samples", "5"],
     "--n-samples"),
    ("train-digits-n-samples", ["train", "--dataset", "digits", "--n-samples", "100"],
     "synthetic"),
    ("train-smoothing-regression", ["train", "--dataset", "linear", "--epochs", "1",
                                    "--label-smoothing", "0.1"], "classification"),
    ("train-plot-no-dir", ["train", "--dataset", "xor", "--epochs", "1", "--plot",
                           "{tmp}/missing/h.png"], "does not exist"),
    ("train-plot-is-dir", ["train", "--dataset", "xor", "--epochs", "1", "--plot", "{tmp}"],
     "directory"),
    # experiment
    ("experiment-no-name", ["experiment"], "--list"),
    ("experiment-unknown", ["experiment", "foo"], "'foo'"),
    ("experiment-list-and-name", ["experiment", "--list", "xor"], "--list"),
    ("experiment-seeds-zero", ["experiment", "xor", "--quick", "--seeds", "0"], "--seeds"),
    ("experiment-plot-is-dir", ["experiment", "xor", "--quick", "--plot", "{tmp}"],
     "directory"),
    ("experiment-plot-no-dir", ["experiment", "xor", "--quick", "--plot",
                                "{tmp}/missing/x.png"], "does not exist"),
    # gradcheck
    ("gradcheck-no-colon", ["gradcheck", "{checks}"], "MODULE:FUNCTION"),
    ("gradcheck-no-function", ["gradcheck", "{checks}:"], "MODULE:FUNCTION"),
    ("gradcheck-no-module-name", ["gradcheck", ":good"], "MODULE:FUNCTION"),
    ("gradcheck-bad-function-name", ["gradcheck", "{checks}:1x"], "'1x'"),
    ("gradcheck-no-such-module", ["gradcheck", "no_such_module_xyz:f"], "no_such_module_xyz"),
    ("gradcheck-no-such-file", ["gradcheck", "{tmp}/missing.py:f"], "no such file"),
    ("gradcheck-missing-function", ["gradcheck", "{checks}:nope"], "'nope'"),
    ("gradcheck-not-callable", ["gradcheck", "{checks}:NOT_CALLABLE"], "not a function"),
    ("gradcheck-not-a-pair", ["gradcheck", "{checks}:not_a_pair"], "(fn, inputs)"),
    ("gradcheck-three-things", ["gradcheck", "{checks}:three_things"], "(fn, inputs)"),
    ("gradcheck-takes-argument", ["gradcheck", "{checks}:takes_an_argument"], "no arguments"),
    ("gradcheck-factory-raises", ["gradcheck", "{checks}:factory_raises"], "KeyError"),
    ("gradcheck-factory-exits", ["gradcheck", "{checks}:factory_exits"], "sys.exit"),
    ("gradcheck-float32", ["gradcheck", "{checks}:single_precision"], "float64"),
    ("gradcheck-fn-raises", ["gradcheck", "{checks}:fn_raises"], "ZeroDivisionError"),
    ("gradcheck-fn-returns-float", ["gradcheck", "{checks}:fn_returns_float"], "Tensor"),
    ("gradcheck-no-grad-input", ["gradcheck", "{checks}:no_input_requires_grad"],
     "requires grad"),
    ("gradcheck-eps-zero", ["gradcheck", "{checks}:good", "--eps", "0"], "eps"),
    ("gradcheck-atol-nan", ["gradcheck", "{checks}:good", "--atol", "nan"], "--atol"),
    ("gradcheck-rtol-negative", ["gradcheck", "{checks}:good", "--rtol", "-1"], "--rtol"),
    # the dispatcher
    ("unknown-command", ["no-such-command"], "no-such-command"),
    ("unknown-option", ["derive", "x", "--wrt", "x", "--frobnicate"], "--frobnicate"),
]


def _fill(argv: list[str], tmp: Path, checks: str) -> list[str]:
    return [a.replace("{checks}", checks).replace("{tmp}", str(tmp)) for a in argv]


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
@pytest.mark.parametrize("argv, fragment", [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_input_exits_2_with_a_message_and_nothing_on_stdout(
    argv, fragment, as_json, tmp_path, checks
):
    argv = _fill(argv, tmp_path, checks) + (["--json"] if as_json else [])
    code, out, err = invoke(argv)
    assert_bad_input(code, out, err, fragment)
    assert not (tmp_path / "o.png").exists()


GOOD = [
    ("derive-symbolic", ["derive", "sigmoid(w*x + b)", "--wrt", "w"]),
    ("derive-numbers", ["derive", "sigmoid(w*x + b)", "--wrt", "w", "--at", "x=2,w=-3,b=1"]),
    ("derive-loss", ["derive", "w*x", "--wrt", "w", "--at", "x=2,w=-3", "--loss", "bce",
                     "--target", "1"]),
    ("derive-leading-minus", ["derive", "-x^2", "--wrt", "x", "--at", "x=-1"]),
    ("derive-log-at-zero", ["derive", "log(x)", "--wrt", "x", "--at", "x=0"]),
    ("convexity", ["convexity", "w^4 - 2*w^2"]),
    ("convexity-domain", ["convexity", "-log(x)", "--domain", "x>0"]),
    ("optimize", ["optimize", "w^2", "--optimizer", "sgd", "--lr", "0.6", "--start", "1",
                  "--steps", "5"]),
    ("optimize-negative-start", ["optimize", "bowl", "--start", "-1,2", "--steps", "3"]),
    ("optimize-zero-steps", ["optimize", "w^2", "--steps", "0"]),
    ("optimize-diverges", ["optimize", "w^2", "--optimizer", "sgd", "--lr", "1e300",
                           "--steps", "5"]),
    ("train", ["train", "--dataset", "xor", "--epochs", "2", "--no-progress"]),
    ("train-blobs-noise", ["train", "--dataset", "blobs", "--noise", "0.5", "--epochs", "1",
                           "--no-progress"]),
    ("experiment-list", ["experiment", "--list"]),
    ("experiment-quick", ["experiment", "xor", "--quick"]),
    ("gradcheck-pass", ["gradcheck", "{checks}:good"]),
]


@pytest.mark.parametrize("argv", [c[1] for c in GOOD], ids=[c[0] for c in GOOD])
def test_good_input_prints_text_by_default_and_one_json_object_with_json(
    argv, tmp_path, checks
):
    argv = _fill(argv, tmp_path, checks)
    code, out, err = invoke(argv)
    assert code == 0, err
    assert out.strip() and "Traceback" not in err
    with pytest.raises(json.JSONDecodeError):
        json.loads(out)  # readable text, not JSON
    code, out, err = invoke(argv + ["--json"])
    assert code == 0, err
    assert "Traceback" not in err
    strict_json(out)


def test_experiment_list_json_names_every_experiment(tmp_path):
    code, text, _ = invoke(["experiment", "--list"])
    code_json, out, err = invoke(["experiment", "--list", "--json"])
    assert code == code_json == 0
    names = [line.split()[0] for line in text.splitlines()]
    assert [e["name"] for e in strict_json(out)["experiments"]] == names


def test_gradcheck_failure_is_exit_1_with_the_report_on_stdout(checks):
    code, out, err = invoke(["gradcheck", f"{checks}:wrong"])
    assert code == 1 and "gradcheck failed" in out and "Traceback" not in err
    code, out, err = invoke(["gradcheck", f"{checks}:wrong", "--json"])
    assert code == 1 and strict_json(out)["ok"] is False


def test_gradcheck_json_with_a_nan_gradient_is_standard_json(checks):
    code, out, _ = invoke(["gradcheck", f"{checks}:nan_gradient", "--json"])
    assert code == 1
    data = strict_json(out)
    assert data["ok"] is False and data["mismatches"][0]["analytic"] is None


def test_gradcheck_keeps_stdout_for_the_report_when_the_module_prints(checks):
    code, out, err = invoke(["gradcheck", f"{checks}:chatty", "--json"])
    assert code == 0 and strict_json(out)["ok"] is True
    assert "user code printing on stdout" in err


def test_gradcheck_does_not_pass_an_infinite_numeric_gradient(checks):
    # x**3 at x +- 1e300 overflows: the numeric derivative is inf, which is no agreement
    code, out, _ = invoke(["gradcheck", f"{checks}:good", "--eps", "1e300", "--json"])
    assert code == 1 and strict_json(out)["ok"] is False


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
@pytest.mark.parametrize(
    "argv",
    [
        ["optimize", "w^2", "--steps", "1", "--plot", "/proc/symnn-contract.png"],
        ["train", "--dataset", "xor", "--epochs", "1", "--no-progress",
         "--plot", "/proc/symnn-contract.png"],
    ],
    ids=["optimize", "train"],
)
def test_an_unwritable_plot_file_is_bad_input_not_a_traceback(argv):
    # /proc exists and is a directory, but no file can be created in it (not even by root)
    code, out, err = invoke(argv)
    assert_bad_input(code, out, err, "/proc/symnn-contract.png")


def test_bad_input_through_the_installed_entry_point_has_no_traceback():
    proc = subprocess.run(
        [sys.executable, "-m", "symnn", "derive", "w*x + $b", "--wrt", "w", "--json"],
        capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == EXIT_BAD_INPUT and proc.stdout == ""
    assert "Traceback" not in proc.stderr and "'$'" in proc.stderr


# ---------------------------------------------------------------- random and hostile EXPR

NASTY = [
    "",
    " ",
    "\x00",
    "x\x00+1",
    "__import__('os').system('true')",
    "exec('1')",
    "lambda: 0",
    "x.__class__",
    "x" * 5000,
    "(" * 1000 + "x" + ")" * 1000,
    "-" * 1000 + "x",
    "exp(" * 60 + "x" + ")" * 60,
    "x^x^x^x^x^x^x^x",
    "9" * 400,
    "1e999*x",
    "2^2^2^2^2^2*x",
    "ｘ + 1",
    "x² + 1",
    "√x",
    "x\u200b+1",
    "x + 𝑦",
    "\ud83d\ude00",
    "--",
    "-h",
    "--json",
    "-x",
    "x,y",
    "x=1",
    "max(x)",
    "max(x, y, z)",
    "log()",
    "sqrt(-1)*x",
    "x/0",
    "0^0*x",
]

expr_text = st.one_of(
    st.sampled_from(NASTY),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40),
    st.text("xyw+-*/^() .0123456789e", max_size=30),
    st.lists(
        st.sampled_from(["x", "w", "2", "0.5", "+", "-", "*", "/", "^", "(", ")", "exp(",
                         "log(", "sqrt(", "abs(", "sigmoid(", "relu(", "max(x,", "1e300"]),
        max_size=12,
    ).map("".join),
)


def _assert_contract(argv: list[str]) -> None:
    code, out, err = invoke(argv)
    assert code in (0, EXIT_BAD_INPUT), (argv, code, err)
    assert "Traceback" not in err
    if code == EXIT_BAD_INPUT:
        assert out == "" and err.strip()
    elif "--json" in argv[2:] and not argv[1].startswith("-"):
        strict_json(out)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expr=expr_text, as_json=st.booleans())
@example(expr="x" * 5000, as_json=True)
@example(expr="\x00", as_json=False)
def test_derive_any_text_is_answered_or_refused_cleanly(expr, as_json):
    _assert_contract(["derive", expr, "--wrt", "x", "--at", "x=0.5"] + ["--json"] * as_json)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expr=expr_text, as_json=st.booleans())
@example(expr="__import__('os').system('true')", as_json=True)
@example(expr="(" * 1000 + "x" + ")" * 1000, as_json=False)
def test_convexity_any_text_is_answered_or_refused_cleanly(expr, as_json):
    _assert_contract(["convexity", expr] + ["--json"] * as_json)


class _ClosedPipe(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_a_closed_stdout_pipe_ends_quietly_without_a_traceback():
    # as in `symnn experiment --list | head -1`: the reader has gone away
    err = io.StringIO()
    with contextlib.redirect_stdout(_ClosedPipe()), contextlib.redirect_stderr(err):
        code = main(["experiment", "--list"])
    assert code == 141 and err.getvalue() == ""


def test_train_out_of_memory_is_bad_input(monkeypatch):
    # what a typo such as --hidden 100000,100000 meets (a 37 GiB weight matrix)
    import symnn.commands.train as train_command

    def exhausted(args):
        raise MemoryError("Unable to allocate 37.3 GiB")

    monkeypatch.setattr(train_command, "train", exhausted)
    code, out, err = invoke(["train", "--dataset", "xor", "--hidden", "100000,100000"])
    assert_bad_input(code, out, err, "--hidden")


# ---------------------------------------------------------------- --help
def _subparsers():
    import argparse

    from symnn.cli import build_parser

    parser = build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return sub.choices


@pytest.mark.parametrize("command", sorted(_subparsers()))
def test_help_shows_every_default_and_every_accepted_choice(command):
    import argparse

    parser = _subparsers()[command]
    text = " ".join(parser.format_help().split())  # argparse wraps lines anywhere
    for action in parser._actions:
        default = action.default
        if action.option_strings and action.help and not (
                default is None or default is False or default is argparse.SUPPRESS
                or (isinstance(default, (str, list)) and not default)):
            assert str(default) in text or "default:" in action.help, (command, action.dest)
        for choice in action.choices or ():
            assert str(choice) in text, (command, action.dest, choice)


def test_optimize_help_names_every_optimizer_it_accepts():
    from symnn.lab import optimizer_names

    text = " ".join(_subparsers()["optimize"].format_help().split())
    assert all(name in text for name in optimizer_names()), optimizer_names()


def test_experiment_help_names_every_experiment():
    from symnn.experiments import names

    text = " ".join(_subparsers()["experiment"].format_help().split())
    missing = [n for n in names() if n not in text]  # whole: no line breaks after a hyphen
    assert not missing and "..." not in text, missing


def test_gradcheck_help_says_it_runs_the_users_code():
    text = " ".join(_subparsers()["gradcheck"].format_help().split())
    assert "This runs your code" in text and "child process" in text


def test_gradcheck_help_shows_its_tolerances():
    text = " ".join(_subparsers()["gradcheck"].format_help().split())
    assert "(default: 1e-06)" in text and "(default: 1e-05)" in text and "(default: 0.001)" in text
