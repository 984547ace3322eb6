"""The symnn terminal app: a thin App that switches between one screen per lesson."""

from __future__ import annotations

import gc
import importlib
from functools import partial
from pathlib import Path
from typing import Any, Callable

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from tui.capabilities import missing
from tui.commands import SymnnCommands
from tui.keys import KeysInTurn
from tui.registry import BY_NAME, SCREENS, ScreenInfo
from tui.safety import describe, guarded
from tui.threads import use_daemon_threads

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


class SymnnApp(KeysInTurn, App):
    """One screen per lesson area, keys 1-7 to switch, ? for help, ctrl+p for the palette."""

    TITLE = "symnn"
    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses live elsewhere
    COMMANDS = App.COMMANDS | {SymnnCommands}
    MODES = {info.name: partial(make_screen, info) for info in SCREENS}
    BINDINGS = [
        *(Binding(info.key, f"show('{info.name}')", info.title, group=_SCREEN_KEYS)
          for info in SCREENS),
        # shown by every screen's footer first (tui.screens.base); kept here for overlays
        Binding("question_mark", "help", "Help", key_display="?", show=False),
        Binding("q", "quit", "Quit", show=False),
    ]

    def __init__(self, start: str = "backprop") -> None:
        # The first screen is the app's initial mode: Textual then builds it directly,
        # without a placeholder screen to switch away from and the 50 ms pause of a switch.
        self.DEFAULT_MODE = start if start in BY_NAME else "backprop"
        super().__init__()
        self.start = self.DEFAULT_MODE
        self.errors: list[BaseException] = []  # errors that handlers turned into notifications
        self.first_frame_shown = False
        self._after_first_frame: list[Callable[[], object]] = []

    def on_load(self) -> None:
        use_daemon_threads()  # quitting never waits for a long computation in a worker

    async def on_event(self, event: events.Event) -> None:
        """Drop a key still queued when shutting down began: its screens are being closed,
        and a binding looked up then would find no screen (or open a new one mid-close)."""
        if isinstance(event, events.Key) and not self.is_running:
            return
        await super().on_event(event)

    def on_ready(self) -> None:
        """The first layout is done: paint it, then run the slow work deferred until the
        first frame is on the terminal. (Textual's first layout falls inside its start-up
        batch and is not written; the screen's callbacks after a refresh run once a frame
        has been written.)"""
        self.first_frame_shown = True
        pending, self._after_first_frame = self._after_first_frame, []
        self.screen.refresh()
        for callback in pending:
            self.screen.call_after_refresh(callback)
        if not gc.isenabled():  # `symnn` turned collection off while start-up loads
            self.screen.call_after_refresh(_collect_from_now_on)

    def after_first_frame(self, callback: Callable[[], object]) -> None:
        """Run ``callback`` once the app's first frame has been drawn (a screen's slow
        start-up work, such as loading SymPy, then never delays the first frame), or
        shortly after this screen's first frame when the app is already showing."""
        if self.first_frame_shown:
            self.set_timer(0.05, callback)
        else:
            self._after_first_frame.append(callback)

    @guarded
    async def action_show(self, name: str) -> None:
        """Switch to the screen called ``name`` (its state is kept while away)."""
        from tui.screens.help import HelpScreen

        if name not in BY_NAME or self._exit or self._closing or not self.is_running:
            return  # a queued key while the app shuts down must not open a new screen
        while isinstance(self.screen, HelpScreen):
            self.pop_screen()
        if len(self.screen_stack) > 1:  # another overlay (the palette) closes itself first
            return
        await self.switch_mode(name)

    @guarded
    async def run_screen_action(self, name: str, action: str) -> None:
        """Switch to screen ``name`` and run one of its actions (used by the palette)."""
        await self.action_show(name)
        await self.screen.run_action(action)

    @guarded
    def action_command_palette(self) -> None:
        """Open the command palette: every screen and every action, searchable."""
        from tui.palette import SafeCommandPalette

        if self.use_command_palette and not SafeCommandPalette.is_open(self):
            self.push_screen(SafeCommandPalette(id="--command-palette"))

    @guarded
    def action_help(self) -> None:
        """Show every screen and every key of the current screen."""
        from tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        by_description: dict[str, list[str]] = {}
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if active.node not in (self, self.screen):
                continue  # a focused widget's own keys (scrolling, cursor) are not lessons
            if binding.description and binding.group is not _SCREEN_KEYS:
                shown = by_description.setdefault(binding.description, [])
                display = self.get_key_display(binding)
                if display not in shown:
                    shown.append(display)
        screen_first = sorted(by_description.items(),
                              key=lambda item: item[0] in ("Help", "Quit", "Focus Next",
                                                           "Focus Previous", "Copy selected text"))
        keys = [(", ".join(shown), description) for description, shown in screen_first]
        about = getattr(self.screen, "HELP", "")
        self.push_screen(HelpScreen(self.screen.title or "", about, keys))


def _collect_from_now_on() -> None:
    """Freeze what start-up made (the loaded modules stay for good; the collector would
    otherwise walk all of them in its first collection, during a key) and collect again."""
    gc.freeze()
    gc.enable()


def run(screen: str | None = None, **kwargs: Any) -> int:
    """Run the app (optionally starting on ``screen``) and return its exit code."""
    app = SymnnApp(start=screen or "backprop")
    app.run(**kwargs)
    return app.return_code or 0
