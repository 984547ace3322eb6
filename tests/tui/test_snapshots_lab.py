"""Snapshots of the convexity lab and the optimizer playground at 80x24 and 120x34 (pytest
--snapshot-update to re-record; look at the SVG before committing)."""

from __future__ import annotations

import pytest

pytest.importorskip("pytest_textual_snapshot", reason="pytest-textual-snapshot not installed")

from tui.app import SymnnApp  # noqa: E402

SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 34)], ids=["80x24", "120x34"])


async def _ready(pilot) -> None:
    """The screen's worker (the convexity analysis or the optimizer runs) done and drawn."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def _lesson(pilot) -> None:
    await _ready(pilot)
    await pilot.press("w")
    await _ready(pilot)


async def _two_variables(pilot) -> None:
    """The convexity lab on x·y: a heat map with the chord segment."""
    await _ready(pilot)
    pilot.app.screen.query_one("#fx").value = "x*y"
    pilot.app.screen.query_one("#fx").focus()
    await pilot.press("enter")
    await _ready(pilot)


@SIZES
def test_convexity_lab_w_shaped_counterexample(snap_compare, size):
    assert snap_compare(SymnnApp(start="convexity"), run_before=_ready, terminal_size=size)


@SIZES
def test_convexity_lab_two_variables_heat_map_and_chord(snap_compare, size):
    assert snap_compare(SymnnApp(start="convexity"), run_before=_two_variables,
                        terminal_size=size)


@SIZES
def test_optimizer_playground_lr_lesson(snap_compare, size):
    assert snap_compare(SymnnApp(start="optimizer"), run_before=_lesson,
                        press=["n", "n", "n", "n"], terminal_size=size)


@SIZES
def test_optimizer_playground_rosenbrock_loss_chart(snap_compare, size):
    assert snap_compare(SymnnApp(start="optimizer"), run_before=_ready,
                        press=["e", "l"], terminal_size=size)
