"""Random keys in random orders on every screen never crash the app."""

from __future__ import annotations

import asyncio
import random

import pytest

from tui.app import SymnnApp
from tui.commands import SymnnCommands
from tui.registry import SCREENS

SIZE = (120, 40)

# Every key a screen binds, plus typing, navigation and editing keys; not q (it quits).
COMMON = [
    "tab", "shift+tab", "enter", "escape", "space", "backspace", "delete", "up", "down",
    "left", "right", "home", "end", "pageup", "pagedown", "question_mark",
    "a", "b", "c", "e", "h", "l", "n", "p", "r", "s", "t", "v", "w", "x", "z",
    "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "minus", "plus", "full_stop",
    "left_parenthesis", "right_parenthesis", "asterisk", "circumflex_accent", "comma",
    "equals_sign", "slash", "ctrl+p",
]

QUIT_KEYS = {"q", "ctrl+q", "ctrl+c", "super+c"}


def _keys_for(screen_cls) -> list[str]:
    keys = list(COMMON)
    for binding in getattr(screen_cls, "BINDINGS", []):
        key = getattr(binding, "key", None)
        if key:
            keys.extend(k.strip() for k in key.split(",") if k.strip() not in QUIT_KEYS)
    return keys


class MashApp(SymnnApp):
    """The app without Textual's system commands (a mash may pick "Quit" or "Screenshot")."""

    COMMANDS = {SymnnCommands}


async def _until_handled(app, pilot) -> None:
    """Wait until the app has handled every key posted so far (a callback queued behind them
    runs), however slow the machine, then for the screens to settle."""
    handled = asyncio.Event()
    app.call_later(handled.set)
    await asyncio.wait_for(handled.wait(), timeout=120)
    for _ in range(2400):  # and the keys waiting for their turn (tui.keys), one at a time
        if not app.keys_waiting:
            break
        await pilot.pause(0.05)
    assert not app.keys_waiting
    await pilot.pause()


@pytest.mark.parametrize("info", SCREENS, ids=lambda info: info.name)
async def test_key_mash_leaves_app_running_without_errors(info, burst):
    app = MashApp(start=info.name)
    rng = random.Random(f"mash-{info.name}")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        keys = _keys_for(type(app.screen))
        for _ in range(4):  # keys arrive faster than a person types, as in a real mash
            batch = [rng.choice(keys) for _ in range(25)]
            burst(app, *batch)
            await pilot.pause(0.05)
            assert app.is_running, f"app stopped after keys {batch}"
        await _until_handled(app, pilot)
        assert app.is_running


SCREEN_KEYS = [info.key for info in SCREENS]


@pytest.mark.parametrize("keys", [SCREEN_KEYS * 10, ["b", "f", "t", "x", "a", "r", "n"] * 15],
                         ids=["screen-keys", "screen-actions"])
@pytest.mark.parametrize("start", ["training", "layers", "lessons"])
async def test_keys_still_queued_when_the_app_shuts_down_are_dropped(start, keys, burst):
    """The app closes while keys wait in its queue (a storm, then quit): shutting down must
    neither look a binding up on a screen already closed nor switch to a new screen while the
    screens are being closed (both raised inside Textual before)."""
    app = MashApp(start=start)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        burst(app, *keys)
    assert not app.is_running and app._exception is None  # run_test re-raises it, too


async def test_every_screen_survives_a_tiny_terminal():
    app = MashApp(start="layers")
    async with app.run_test(size=(24, 7)) as pilot:
        await pilot.pause()
        for key in ["f", "c", "m", "b", "5", "v", "4", "3", "w", "2", "1", "z", "question_mark"]:
            await pilot.press(key)
        assert app.is_running
