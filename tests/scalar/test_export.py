"""symnn.scalar.export: a printable derivation document, written without replacing files."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

import symnn as sn
from symnn.scalar.export import derivation_document, write_new_file


def _perceptron():
    x, w, b, y = (sn.Scalar(v, name=n) for n, v in (("x", 2.0), ("w", -3.0), ("b", 1.0),
                                                       ("y", 1.0)))
    z = (w * x + b).named("z")
    return ((z.sigmoid().named("yhat") - y) ** 2).named("L")


def test_the_document_states_the_setup_and_forward_pass_before_the_backward_steps():
    text = derivation_document(_perceptron().derivation(), source="my | perceptron")
    assert text.startswith("\\documentclass") and text.rstrip().endswith("\\end{document}")
    assert "\\verb|my / perceptron|" in text
    assert "Leaf values: $w = -3,\\ x = 2,\\ b = 1,\\ y = 1$" in text
    forward = text[text.index("Forward pass"):text.index("Backward pass")]
    assert "z &= w \\cdot x + b = -5" in forward  # as typed
    assert "\\hat{y}" in forward or "yhat" in forward
    assert "= 0.986659" in forward  # L's value, 0.9933071^2
    assert text.index("Backward pass") < text.index("\\frac{\\partial L}")


@pytest.mark.parametrize("typed", [False, True], ids=["built", "typed"])
def test_the_forward_pass_reads_as_typed_like_the_backward_pass(typed):
    output = (sn.graph("(sigmoid(w*x + b) - y)^2", x=2, w=-3, b=1, y=1) if typed
              else _perceptron())
    d = output.derivation()
    text = derivation_document(d)
    forward = text[text.index("\\[ L ="):text.index("Backward pass")]
    backward = text[text.index("Backward pass"):]
    difference = "\\hat{y} - y" if not typed else "\\sigma\\left(w \\cdot x + b\\right) - y"
    assert "- y +" not in forward, forward
    assert difference in forward and difference in backward, forward
    assert "\\[ L = \\left(\\sigma\\left(w \\cdot x + b\\right) - y\\right)^{2} \\]" in forward


def test_a_graph_without_values_has_no_forward_numbers():
    text = derivation_document(sn.graph("w*x").derivation())
    assert "Forward pass" not in text and "Leaf values" not in text and "Backward pass" in text


def test_write_new_file_never_replaces_and_returns_the_full_path(tmp_path):
    (tmp_path / "symnn-derivation.tex").write_text("mine")
    first = write_new_file("a", tmp_path)
    second = write_new_file("b", tmp_path)
    assert (tmp_path / "symnn-derivation.tex").read_text() == "mine"
    assert first == (tmp_path / "symnn-derivation-2.tex").resolve() and first.read_text() == "a"
    assert second.name == "symnn-derivation-3.tex" and second.is_absolute()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "symnn-derivation-2.tex", "symnn-derivation-3.tex", "symnn-derivation.tex"]


def test_write_new_file_gives_an_ordinary_file_mode(tmp_path):
    umask = os.umask(0o022)
    try:
        path = write_new_file("x", tmp_path)
    finally:
        os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o644


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not installed")
def test_the_document_compiles(tmp_path):
    path = write_new_file(derivation_document(_perceptron().derivation(), "p"), tmp_path)
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-no-shell-escape",
                           path.name], cwd=tmp_path, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stdout.decode(errors="replace")[-2000:]
