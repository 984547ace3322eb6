"""The symnn terminal app: a thin App that switches between one screen per lesson."""

from __future__ import annotations

import importlib
from functools import partial
from typing import Any

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from tui.capabilities import missing
from tui.commands import SymnnCommands
from tui.registry import BY_NAME, SCREENS, ScreenInfo
from tui.safety import describe, guarded

_SCREEN_KEYS = Binding.Group("Screens", compact=True)


def make_screen(info: ScreenInfo) -> Screen:
    """The screen for ``info``, or a placeholder naming what symnn does not provide yet."""
    from tui.screens.unavailable import UnavailableScreen

    absent = missing(info.needs)
    if absent:
        return UnavailableScreen(info, absent)
    try:
        cls = getattr(importlib.import_module(info.module), info.cls)
        return cls()
    except Exception as exc:  # a screen that cannot be built says why, in the app
        return UnavailableScreen(info, [], detail=f"It could not start: {describe(exc)}")


class SymnnApp(App):
    """Six screens, keys 1-6 to switch, ? for help, ctrl+p for the command palette."""

    TITLE = "symnn"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {SymnnCommands}
    MODES = {info.name: partial(make_screen, info) for info in SCREENS}
    BINDINGS = [
        *(Binding(info.key, f"show('{info.name}')", info.title, group=_SCREEN_KEYS)
          for info in SCREENS),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("q", "quit", "Quit"),
    ]
    MAX_UNHANDLED = 25

    def __init__(self, start: str = "backprop") -> None:
        super().__init__()
        self.start = start if start in BY_NAME else "backprop"
        self.errors: list[BaseException] = []
        self.unhandled: list[BaseException] = []

    def on_mount(self) -> None:
        self.switch_mode(self.start)

    @guarded
    async def action_show(self, name: str) -> None:
        """Switch to the screen called ``name`` (its state is kept while away)."""
        if name in BY_NAME:
            while len(self.screen_stack) > 1:  # close help or palette first
                self.pop_screen()
            await self.switch_mode(name)

    @guarded
    async def run_screen_action(self, name: str, action: str) -> None:
        """Switch to screen ``name`` and run one of its actions (used by the palette)."""
        await self.action_show(name)
        await self.screen.run_action(action)

    @guarded
    def action_help(self) -> None:
        """Show every screen and every key of the current screen."""
        from tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        keys = []
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if binding.description and binding.group is not _SCREEN_KEYS:
                keys.append((binding.key_display or self.get_key_display(binding), binding.description))
        about = getattr(self.screen, "HELP", "")
        self.push_screen(HelpScreen(self.screen.title or "", about, keys))

    def _handle_exception(self, error: Exception) -> None:
        """Last safety net: an exception that escaped a handler becomes a notification.

        Handlers are wrapped with ``guarded``; this keeps the app alive if a widget still
        raises (recorded in ``self.unhandled``). After many in a row, Textual's default
        handling (exit with a traceback) takes over so a broken render cannot loop forever.
        """
        self.unhandled.append(error)
        if not self.is_running or len(self.unhandled) > self.MAX_UNHANDLED:
            super()._handle_exception(error)
            return
        try:
            self.notify(describe(error), title="Unexpected error", severity="error", timeout=8)
        except Exception:
            super()._handle_exception(error)


def run(screen: str | None = None, **kwargs: Any) -> int:
    """Run the app (optionally starting on ``screen``) and return its exit code."""
    app = SymnnApp(start=screen or "backprop")
    app.run(**kwargs)
    return app.return_code or 0
