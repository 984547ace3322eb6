"""Install hints work where the learner is: from PyPI, and from a source checkout."""

from __future__ import annotations

import sys

import pytest

from symnn._install import install_hint


def test_the_hint_gives_the_pypi_and_the_checkout_command():
    hint = install_hint("plot")
    assert "pip install 'symnn[plot]'" in hint and "pip install -e '.[plot]'" in hint


def test_a_plot_without_matplotlib_names_both_install_commands(monkeypatch):
    from symnn.train.plotting import require_matplotlib

    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now fails
    with pytest.raises(RuntimeError, match=r"pip install -e '\.\[plot\]'"):
        require_matplotlib()
