"""App tests: async tests run on asyncio without a plugin; Textual must be installed."""

from __future__ import annotations

import asyncio
import inspect

import pytest

pytest.importorskip("textual", reason="Textual not installed")


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """Run ``async def`` tests in a fresh event loop (Textual's Pilot is asyncio based)."""
    if inspect.iscoroutinefunction(pyfuncitem.obj):
        names = pyfuncitem._fixtureinfo.argnames
        asyncio.run(pyfuncitem.obj(**{name: pyfuncitem.funcargs[name] for name in names}))
        return True
    return None


def _screen_text(app) -> str:
    """Everything the terminal shows right now, as plain text lines."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


@pytest.fixture
def screen_text():
    """A function returning the app's visible text (what a learner reads)."""
    return _screen_text


@pytest.fixture(autouse=True)
def _run_in_a_scratch_directory(tmp_path, monkeypatch):
    """Exports (the backprop screen's .tex file) land in a temporary folder, not the checkout."""
    monkeypatch.chdir(tmp_path)
