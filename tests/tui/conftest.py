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


def key_event(key: str):
    """The event a terminal sends for ``key`` (as Textual's Pilot builds it)."""
    import unicodedata

    from textual import events
    from textual.keys import _get_unicode_name_from_key

    try:
        char = unicodedata.lookup(_get_unicode_name_from_key(key))
    except KeyError:
        char = key if len(key) == 1 else None
    return events.Key(key, char)


@pytest.fixture
def burst():
    """A function posting keys to the app all at once, as a terminal delivers fast typing
    (Pilot's press waits for each key to be handled; a real terminal does not)."""

    def post(app, *keys: str) -> None:
        for key in keys:
            app.post_message(key_event(key))

    return post


@pytest.fixture(autouse=True)
def _run_in_a_scratch_directory(tmp_path, monkeypatch):
    """Exports (the backprop screen's .tex file) land in a temporary folder, not the checkout."""
    monkeypatch.chdir(tmp_path)
