"""Snapshot tests: the main screens look as recorded (pytest --snapshot-update to re-record)."""

from __future__ import annotations

import pytest

pytest.importorskip("pytest_textual_snapshot", reason="pytest-textual-snapshot not installed")

from tui.app import SymnnApp  # noqa: E402

SIZE = (120, 40)


async def _ready(pilot) -> None:
    """Wait until the first screen has loaded: the stepper's first graph (built just after
    the first frame) and any worker (the convexity analysis runs in one)."""
    for _ in range(200):
        if getattr(pilot.app.screen, "derivation", True) is not None:
            break
        await pilot.pause(0.05)
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()



def test_help_screen_at_80x24(snap_compare):
    assert snap_compare(SymnnApp(start="backprop"), run_before=_ready, press=["question_mark"],
                        terminal_size=(80, 24))


def test_help_screen_at_120x34(snap_compare):
    assert snap_compare(SymnnApp(start="backprop"), run_before=_ready, press=["question_mark"],
                        terminal_size=(120, 34))


def test_layers_lab_convolution_stepper(snap_compare):
    assert snap_compare(SymnnApp(start="layers"), run_before=_ready,
                        press=["c", "s", "d", "n", "n"], terminal_size=SIZE)


def test_training_dashboard_after_a_short_run(snap_compare):
    async def train_three_epochs(pilot) -> None:
        screen = pilot.app.screen
        screen.query_one("#epochs").value = "3"
        await pilot.press("t")
        for _ in range(300):
            if not screen.running:
                break
            await pilot.pause(0.1)

    assert snap_compare(SymnnApp(start="training"), run_before=train_three_epochs,
                        terminal_size=SIZE)
