"""Snapshot tests of the training dashboard, the layers lab and the lessons at the two sizes a
learner meets: 80x24 and 120x34 (pytest --snapshot-update to re-record)."""

from __future__ import annotations

import pytest

pytest.importorskip("pytest_textual_snapshot", reason="pytest-textual-snapshot not installed")

from tui.app import SymnnApp  # noqa: E402

SIZES = {"80x24": (80, 24), "120x34": (120, 34)}


async def _trained(pilot) -> None:
    """A 3-epoch run of the default moons recipe, finished."""
    screen = pilot.app.screen
    screen.query_one("#epochs").value = "3"
    await pilot.press("t")
    for _ in range(600):
        if screen.history is not None:
            break
        await pilot.pause(0.05)
    await pilot.pause()


async def _lesson_run(pilot) -> None:
    """xor on one seed with tiny settings, finished: its plot and legend first."""
    screen = pilot.app.screen
    screen.quick = True
    await pilot.press("s", "r")
    for _ in range(1200):
        if screen.running is None:
            break
        await pilot.pause(0.05)
    result = screen.results["xor"]
    result["seconds"] = 1.0  # a timing varies from run to run: the snapshot shows a fixed one
    screen._finished("xor", "done", result)
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_training_dashboard_after_a_run(snap_compare, size):
    assert snap_compare(SymnnApp(start="training"), run_before=_trained,
                        terminal_size=SIZES[size])


def test_training_dashboard_other_plots_at_80x24(snap_compare):
    async def run(pilot) -> None:
        await _trained(pilot)
        await pilot.press("g")
        await pilot.pause()

    assert snap_compare(SymnnApp(start="training"), run_before=run, terminal_size=(80, 24))


@pytest.mark.parametrize("size", SIZES)
def test_layers_lab_relu_and_its_convention_at_0(snap_compare, size):
    assert snap_compare(SymnnApp(start="layers"), press=["f", "f"], terminal_size=SIZES[size])


@pytest.mark.parametrize("size", SIZES)
def test_layers_lab_convolution_of_the_bright_block(snap_compare, size):
    assert snap_compare(SymnnApp(start="layers"), press=["c", "n"], terminal_size=SIZES[size])


@pytest.mark.parametrize("size", SIZES)
def test_layers_lab_batch_norm_both_variances_and_the_update(snap_compare, size):
    assert snap_compare(SymnnApp(start="layers"), press=["m", "b", "b", "e"],
                        terminal_size=SIZES[size])


@pytest.mark.parametrize("size", SIZES)
def test_lessons_list_with_the_claims_of_xor(snap_compare, size):
    assert snap_compare(SymnnApp(start="lessons"), terminal_size=SIZES[size])


@pytest.mark.parametrize("size", SIZES)
def test_lessons_after_a_one_seed_run_of_xor(snap_compare, size):
    assert snap_compare(SymnnApp(start="lessons"), run_before=_lesson_run,
                        terminal_size=SIZES[size])
