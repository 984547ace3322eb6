"""Command palette entries: every screen, and every action of every screen."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.registry import SCREENS, ScreenInfo


def screen_actions(info: ScreenInfo) -> list[tuple[str, str]]:
    """(action, description) for the bindings a screen class declares."""
    try:
        cls = getattr(importlib.import_module(info.module), info.cls)
    except Exception:
        return []
    actions: list[tuple[str, str]] = []
    for binding in cls.BINDINGS:
        if isinstance(binding, Binding) and binding.description:
            actions.append((binding.action, binding.description))
    return actions


class SymnnCommands(Provider):
    """Go to any screen, or run any screen's action (switching to that screen first)."""

    def _entries(self) -> Iterator[tuple[str, object, str]]:
        app = self.app
        for info in SCREENS:
            yield (f"Go to {info.title} ({info.key})", partial(app.action_show, info.name),
                   info.summary)
        for info in SCREENS:
            for action, description in screen_actions(info):
                yield (f"{info.title}: {description}",
                       partial(app.run_screen_action, info.name, action),
                       f"switch to {info.title} and run it")
        yield ("Help: keys of this screen (?)", app.action_help, "all screens and keys")

    async def discover(self) -> Hits:
        for text, callback, help_text in self._entries():
            yield DiscoveryHit(text, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, callback, help_text in self._entries():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), callback, help=help_text)
