"""The suite's rule for PyTorch parity tests (tests/conftest.py): every module where one
skipped is named at the end of the run, and with SYMNN_REQUIRE_TORCH=1 (as .ci/run sets) a
skip fails the run."""

from __future__ import annotations

import textwrap
from pathlib import Path

pytest_plugins = ["pytester"]

CONFTEST = Path(__file__).with_name("conftest.py")


def _suite(pytester) -> None:
    """A small suite with the real conftest, run where torch cannot be imported."""
    pytester.makeconftest("import sys\nsys.modules['torch'] = None  # import torch now fails\n")
    tests = pytester.mkdir("tests")
    (tests / "conftest.py").write_text(CONFTEST.read_text())
    (tests / "parity").mkdir()
    (tests / "parity" / "test_layers_parity.py").write_text(textwrap.dedent("""
        import pytest
        torch = pytest.importorskip("torch", reason="PyTorch not installed")

        def test_linear():
            assert torch
    """))
    (tests / "nn").mkdir()
    (tests / "nn" / "test_loss.py").write_text(textwrap.dedent("""
        import pytest

        def test_plain():
            assert 1 + 1 == 2

        def test_against_torch():
            torch = pytest.importorskip("torch")

        def test_on_a_gpu():
            pytest.skip("needs a GPU")
    """))


def test_every_module_whose_torch_tests_skipped_is_named(pytester, monkeypatch):
    monkeypatch.delenv("SYMNN_REQUIRE_TORCH", raising=False)
    _suite(pytester)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-rs")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["*2 module(s) with PyTorch parity tests skipped*",
                                 "  tests/nn/test_loss.py: could not import 'torch'*",
                                 "  tests/parity/test_layers_parity.py: PyTorch not installed"])
    lines = result.stdout.lines
    start = next(i for i, line in enumerate(lines) if "parity tests skipped" in line)
    named = [line for line in lines[start + 1:start + 4] if line.startswith("  tests/")]
    assert len(named) == 2  # the GPU skip is for another reason: not a parity skip


def test_with_require_torch_a_parity_skip_fails_the_run(pytester, monkeypatch):
    monkeypatch.setenv("SYMNN_REQUIRE_TORCH", "1")
    _suite(pytester)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*2 module(s) with PyTorch parity tests skipped "
                                 "(a failure: SYMNN_REQUIRE_TORCH is set)*"])


def test_with_require_torch_a_run_without_parity_skips_passes(pytester, monkeypatch):
    monkeypatch.setenv("SYMNN_REQUIRE_TORCH", "1")
    _suite(pytester)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "tests/nn/test_loss.py",
                                           "-k", "not torch")
    assert result.ret == 0
    assert "parity tests skipped" not in result.stdout.str()
