"""The `symnn` command's dispatcher: version, help, and the bad-input contract."""

import subprocess
import sys

import pytest

import symnn
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
