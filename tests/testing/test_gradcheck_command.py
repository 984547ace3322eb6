"""`symnn gradcheck MODULE:FUNCTION [--json]`: exit 0 pass, 1 wrong gradient, 2 bad input."""

from __future__ import annotations

import json
import sys
import textwrap

import pytest

from symnn.cli import main

CHECKS = textwrap.dedent(
    '''
    import numpy as np
    import symnn as sn

    def _x(values, dtype=np.float64):
        return sn.tensor(np.array(values, dtype=dtype), requires_grad=True, dtype=dtype)

    def good():
        return (lambda x: (x.tanh() * x).sum()), (_x([0.5, -1.0, 2.0]),)

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

    def single_precision():
        return (lambda x: x.sum()), (_x([1.0, 2.0], dtype=np.float32),)

    class WrongShape(sn.Function):
        @staticmethod
        def forward(ctx, x):
            return sn.tensor(x.data.sum(), dtype=x.dtype)

        @staticmethod
        def backward(ctx, g):
            return np.ones(2)

    def wrong_shape():
        return (lambda x: WrongShape.apply(x)), (_x([1.0, 2.0, 3.0]),)

    def raises():
        def fn(x):
            raise ZeroDivisionError("deliberate")
        return fn, (_x([1.0]),)

    def not_a_pair():
        return 42

    def needs_an_argument(scale):
        return None

    NOT_CALLABLE = 3
    '''
)


@pytest.fixture
def checks(tmp_path):
    path = tmp_path / "grad_checks.py"
    path.write_text(CHECKS)
    return path


def run(capsys, *argv):
    code = main(["gradcheck", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_passing_check_exits_0_and_says_passed(checks, capsys):
    code, out, err = run(capsys, f"{checks}:good")
    assert code == 0
    assert "gradcheck passed: 3 Jacobian entries of inputs [0] agree" in out
    assert err == ""


def test_wrong_gradient_exits_1_naming_the_worst_element(checks, capsys):
    code, out, _ = run(capsys, f"{checks}:wrong")
    assert code == 1
    lines = out.splitlines()
    assert "gradcheck failed: 2 of" in lines[0]
    # 3x against 3x**2: at x = 0.5, 1.5 against 0.75 (relative to its tolerance the worse
    # one), at x = 2, 6 against 12
    assert lines[1].startswith(
        "  input 0, element (1,): analytic 1.500000e+00, numeric 7.500000e-01")
    assert lines[2].startswith(
        "  input 0, element (0,): analytic 6.000000e+00, numeric 1.200000e+01")


def test_json_output_is_one_object_with_the_mismatches(checks, capsys):
    code, out, _ = run(capsys, f"{checks}:wrong", "--json")
    assert code == 1
    data = json.loads(out)
    assert data["target"].endswith(":wrong") and data["ok"] is False
    assert [m["index"] for m in data["mismatches"]] == [[1], [0]]
    assert data["mismatches"][0]["analytic"] == pytest.approx(1.5)
    assert data["mismatches"][0]["numeric"] == pytest.approx(0.75, rel=1e-8)

    code, out, _ = run(capsys, f"{checks}:good", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["ok"] is True and data["mismatches"] == [] and data["checked_entries"] == 3


def test_a_backward_that_raises_is_a_failed_check(checks, capsys):
    code, out, _ = run(capsys, f"{checks}:wrong_shape")
    assert code == 1
    assert out.startswith(f"{checks}:wrong_shape: gradcheck failed: the backward pass of output 0 "
                          "raised RuntimeError")
    assert "shape (2,)" in out
    code, out, _ = run(capsys, f"{checks}:wrong_shape", "--json")
    data = json.loads(out)
    assert code == 1 and data["ok"] is False and "shape (2,)" in data["message"]


def test_dotted_module_name_is_imported_from_the_current_directory(checks, capsys, monkeypatch):
    monkeypatch.chdir(checks.parent)
    try:
        code, out, _ = run(capsys, "grad_checks:good")
    finally:
        sys.modules.pop("grad_checks", None)
    assert code == 0 and "passed" in out


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("no_colon_here", "expected MODULE:FUNCTION"),
        ("{checks}:", "expected MODULE:FUNCTION"),
        ("{checks}:1abc", "not a Python function name"),
        ("{dir}/missing.py:good", "no such file"),
        ("surely_not_a_symnn_module_xyz:good", "no module named 'surely_not_a_symnn_module_xyz'"),
        ("{checks}:absent", "has no attribute 'absent'"),
        ("{checks}:NOT_CALLABLE", "is a int, not a function"),
        ("{checks}:not_a_pair", "must return a pair (fn, inputs)"),
        ("{checks}:needs_an_argument", "it must take no arguments"),
        ("{checks}:single_precision", "float32"),
        ("{checks}:raises", "raised ZeroDivisionError: deliberate"),
        ("{dir}/broken.py:f", "importing"),
    ],
)
def test_bad_input_exits_2_with_a_message_and_nothing_on_stdout(checks, capsys, target, expected):
    (checks.parent / "broken.py").write_text("x = (\n")
    code, out, err = run(capsys, target.format(checks=checks, dir=checks.parent))
    assert code == 2
    assert out == ""
    assert err.startswith("symnn gradcheck: error: ")
    assert expected in err


HOSTILE = textwrap.dedent(
    '''
    import os
    import sys

    def aborts():
        os.abort()

    def exits_hard():
        os._exit(0)

    def debugger():
        breakpoint()
        return 42

    def asks():
        return input("value? ")

    def interrupted():
        raise KeyboardInterrupt
    '''
)


@pytest.fixture
def hostile(tmp_path):
    (tmp_path / "hostile.py").write_text(HOSTILE)
    (tmp_path / "exits_on_import.py").write_text("import sys\nsys.exit(4)\n")
    return tmp_path


@pytest.mark.parametrize(("target", "expected"), [
    ("builtins:breakpoint", "Python's own modules"),
    ("os:abort", "Python's own modules"),
    ("sys:exit", "Python's own modules"),
    ("pdb:set_trace", "Python's own modules"),
    ("{dir}/hostile.py:aborts", "stopped the process with SIGABRT"),
    ("{dir}/hostile.py:exits_hard", "ended the process (exit status 0"),
    ("{dir}/hostile.py:debugger", "must return a pair"),
    ("{dir}/hostile.py:asks", "raised EOFError"),
    ("{dir}/hostile.py:interrupted", "raised KeyboardInterrupt"),
    ("{dir}/exits_on_import.py:f", "called sys.exit(4)"),
], ids=["breakpoint", "os-abort", "sys-exit", "pdb", "abort-in-user-code", "os-exit",
        "breakpoint-in-user-code", "input", "keyboard-interrupt", "exit-during-import"])
def test_a_target_that_would_stop_or_take_over_the_process_is_reported_as_bad_input(
        hostile, capsys, target, expected):
    code, out, err = run(capsys, target.format(dir=hostile))
    assert (code, out) == (2, "")
    message = err.splitlines()[-1]
    assert message.startswith("symnn gradcheck: error: ") and expected in message, err
    assert "Traceback" not in err and "(Pdb)" not in err


def test_the_check_runs_in_a_child_process_so_the_command_survives_os_abort(hostile):
    import subprocess

    out = subprocess.run([sys.executable, "-m", "symnn", "gradcheck",
                          f"{hostile}/hostile.py:aborts"], capture_output=True, text=True,
                         timeout=60, stdin=subprocess.DEVNULL)
    assert out.returncode == 2 and "SIGABRT" in out.stderr and out.stdout == ""


@pytest.mark.parametrize("option, value", [("--eps", "inf"), ("--eps", "0"), ("--eps", "nan"),
                                           ("--atol", "-1"), ("--rtol", "inf")])
def test_a_tolerance_or_step_out_of_range_is_refused_before_importing_anything(
        hostile, capsys, option, value):
    code, out, err = run(capsys, f"{hostile}/exits_on_import.py:f", option, value)
    assert (code, out) == (2, "") and f"{option} must be a finite number" in err
