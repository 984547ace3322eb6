"""The `symnn` command's dispatcher: version, help, and the bad-input contract."""

import subprocess
import sys

import pytest

import symnn
import symnn.cli
from symnn.cli import EXIT_BAD_INPUT, main


def test_version_flag_prints_package_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"symnn {symnn.__version__}"


def test_unknown_subcommand_is_bad_input_with_nothing_on_stdout(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["no-such-command"])
    assert exc.value.code == EXIT_BAD_INPUT
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "no-such-command" in captured.err


def test_python_dash_m_runs_the_same_entry_point():
    out = subprocess.run(
        [sys.executable, "-m", "symnn", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == f"symnn {symnn.__version__}"


def test_import_symnn_does_not_import_sympy_or_textual():
    code = "import sys, symnn; print('sympy' in sys.modules, 'textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def _register_crashing_command(monkeypatch):
    import types

    module = types.ModuleType("symnn.commands._crash")
    module.HELP = "always fails"
    module.add_arguments = lambda parser: None

    def run(args):
        raise ZeroDivisionError("boom")

    module.run = run
    monkeypatch.setitem(sys.modules, "symnn.commands._crash", module)
    monkeypatch.setitem(symnn.cli.COMMANDS, "crash", "symnn.commands._crash")


def test_an_unexpected_exception_is_one_line_on_stderr_not_a_traceback(monkeypatch, capsys):
    _register_crashing_command(monkeypatch)
    monkeypatch.delenv("SYMNN_DEBUG", raising=False)
    assert main(["crash"]) == symnn.cli.EXIT_INTERNAL_ERROR
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "internal error: ZeroDivisionError: boom" in captured.err
    assert "Traceback" not in captured.err


def test_symnn_debug_shows_the_traceback(monkeypatch):
    _register_crashing_command(monkeypatch)
    monkeypatch.setenv("SYMNN_DEBUG", "1")
    with pytest.raises(ZeroDivisionError, match="boom"):
        main(["crash"])
