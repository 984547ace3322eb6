"""Snapshots of the backprop stepper and the network view at 80x24 and 120x34 (pytest
--snapshot-update to re-record; look at the SVG before committing)."""

from __future__ import annotations

import pytest

pytest.importorskip("pytest_textual_snapshot", reason="pytest-textual-snapshot not installed")

from tui.app import SymnnApp  # noqa: E402

SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 34)], ids=["80x24", "120x34"])


async def _ready(pilot) -> None:
    """The stepper's first graph built, or the network view's worker (explanation, check,
    first chain-rule path) done."""
    for _ in range(300):
        screen = pilot.app.screen
        if getattr(screen, "derivation", True) is not None and getattr(screen, "paths", True):
            break
        await pilot.pause(0.05)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@SIZES
def test_stepper_mid_backward_pass(snap_compare, size):
    assert snap_compare(SymnnApp(start="backprop"), run_before=_ready,
                        press=["b", "n", "n", "n"], terminal_size=size)


@SIZES
def test_stepper_practice_question_after_a_wrong_answer(snap_compare, size):
    assert snap_compare(SymnnApp(start="backprop"), run_before=_ready,
                        press=["t", "b", "n", *"yhat", "enter"], terminal_size=size)


@SIZES
def test_stepper_parse_error_with_caret(snap_compare, size):
    assert snap_compare(SymnnApp(start="backprop"), run_before=_ready,
                        press=["e", "ctrl+u", *"sigmoid(w*x + )", "enter"], terminal_size=size)


@SIZES
def test_network_view_second_weight_highlighted(snap_compare, size):
    assert snap_compare(SymnnApp(start="network"), run_before=_ready, press=["down"],
                        terminal_size=size)


@SIZES
def test_stepper_stepping_a_weight_sent_from_the_network_view(snap_compare, size):
    async def send_second_weight(pilot) -> None:
        await _ready(pilot)
        await pilot.press("down", "enter")
        await pilot.pause()
        await _ready(pilot)

    assert snap_compare(SymnnApp(start="network"), run_before=send_second_weight,
                        press=["b", "n"], terminal_size=size)
