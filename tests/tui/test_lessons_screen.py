"""Lessons screen: every lesson with its claims; a run in a child process that keeps the app
responsive, can be cancelled, and never keeps the app alive; verdicts and plots on screen."""

from __future__ import annotations

import random
import time

from symnn import experiments
from tui.app import SymnnApp

SIZE = (120, 34)


async def _wait_until(pilot, condition, timeout: float = 60.0) -> None:
    waited = 0.0
    while not condition() and waited < timeout:
        await pilot.pause(0.05)
        waited += 0.05


async def _quick_one_seed(pilot) -> None:
    """Tiny settings and one seed: a run that checks the plumbing in about a second."""
    pilot.app.screen.quick = True
    await pilot.press("s")  # the lesson's default -> 1 seed
    assert pilot.app.screen.seeds == 1


async def test_the_list_has_every_lesson_and_shows_its_claims(screen_text):
    app = SymnnApp(start="lessons")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert all(name in text for name in experiments.names())
        assert experiments.claims_of("xor")[0][:40] in " ".join(text.split())
        await pilot.press("down")
        await pilot.pause()
        assert app.screen.lesson == experiments.names()[1]
        assert experiments.describe(experiments.names()[1])[:30] in " ".join(
            screen_text(app).split())


async def test_running_a_lesson_shows_the_table_the_verdicts_and_the_plot(screen_text):
    app = SymnnApp(start="lessons")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _quick_one_seed(pilot)
        await pilot.press("r")
        assert app.screen.running == "xor"
        await _wait_until(pilot, lambda: app.screen.running is None)
        await pilot.pause()
        result = app.screen.results["xor"]
        text = " ".join(screen_text(app).split())
        assert "mean ± std over seed 0" in text and "perceptron" in text
        assert [c["seeds"] for c in result["claims"]] == [1] * len(experiments.claims_of("xor"))
        verdicts = {c["verdict"] for c in result["claims"]}
        assert verdicts <= {"holds on 1 of 1 seeds", "fails: holds on 0 of 1 seeds"}
        seen = text
        for _ in range(3):  # the claims are below the table: page down to them
            await pilot.press("pagedown")
            await pilot.pause()
            seen += " ".join(screen_text(app).split())
        assert any(v in seen for v in verdicts)
        plot = app.screen.query_one("#ls-plot")
        assert plot.display and result["panels"][0]["title"] in str(plot.border_title)
        assert not app.errors


async def test_the_app_answers_keys_while_a_lesson_runs_and_x_cancels_it():
    app = SymnnApp(start="lessons")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("s", "s", "s")  # 5 seeds at full settings: seconds of work
        await pilot.press("r")
        await _wait_until(pilot, lambda: app.screen.lesson_run is not None)
        process = app.screen.lesson_run.process
        await pilot.press("down")  # handled while the lesson computes in its process
        assert app.screen.lesson == "vanishing-gradient" and app.screen.running == "xor"
        await pilot.press("question_mark", "escape", "up", "g")
        assert app.screen.lesson == "xor" and app.screen.running == "xor"
        await pilot.press("x")
        await _wait_until(pilot, lambda: app.screen.running is None, timeout=5)
        assert app.screen.running is None and "xor" not in app.screen.results
        assert process.poll() is not None  # the child process has ended
        assert "cancelled" in app.screen.query_one("#ls-status").content.plain


async def test_keys_mashed_while_a_lesson_runs_leave_the_app_running():
    app = SymnnApp(start="lessons")
    rng = random.Random("lessons")
    keys = ["r", "x", "s", "g", "up", "down", "enter", "tab", "pagedown", "pageup", "escape",
            "question_mark", "7", "5", "7", "space", "home", "end"]
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await _quick_one_seed(pilot)
        await pilot.press("r")
        for _ in range(60):
            await pilot.press(rng.choice(keys))
        await pilot.press("escape", "7")
        await _wait_until(pilot, lambda: app.screen.running is None)
        assert app.is_running and not app.errors


async def test_leaving_the_screen_does_not_stop_the_run_and_the_result_waits():
    app = SymnnApp(start="lessons")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _quick_one_seed(pilot)
        screen = app.screen
        await pilot.press("r", "1")
        await _wait_until(pilot, lambda: screen.running is None)
        await pilot.press("7")
        await pilot.pause()
        assert app.screen is screen and "xor" in screen.results


async def test_quitting_during_a_run_ends_its_process_at_once():
    app = SymnnApp(start="lessons")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("s", "s", "s", "r")
        await _wait_until(pilot, lambda: app.screen.lesson_run is not None)
        process = app.screen.lesson_run.process
        await pilot.pause(0.3)
        start = time.monotonic()
        await pilot.press("q")
    elapsed = time.monotonic() - start
    for _ in range(40):
        if process.poll() is not None:
            break
        time.sleep(0.05)
    assert process.poll() is not None and elapsed < 3.0, elapsed  # about 0.3 s when idle


async def test_a_lesson_that_cannot_run_is_reported_in_words(screen_text):
    app = SymnnApp(start="lessons")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.start("no-such-lesson", 1, quick=True)
        await _wait_until(pilot, lambda: app.screen.running is None)
        status = app.screen.query_one("#ls-status").content.plain
    assert "no-such-lesson could not run: unknown experiment" in status
    assert "Error" not in status and "Traceback" not in status


def _rendered(renderable, width: int) -> str:
    from rich.console import Console

    console = Console(width=width, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


def test_a_table_too_wide_for_the_panel_becomes_one_block_per_variant_with_no_cut_number():
    from tui.screens.lessons import _variant_table

    headers = [f"measure {i}" for i in range(8)]
    rows = {"none": [f"0.{i}00 ± 0.010" for i in range(8)],
            "L2 1e-2": [f"1.{i}00 ± 0.020" for i in range(8)]}
    narrow = _rendered(_variant_table(headers, rows, "seeds 0-4", 54), 54)
    for cells in rows.values():
        assert all(cell in narrow for cell in cells)  # every number whole, none cut with …
    assert "…" not in narrow and "measure 7 1.700 ± 0.020" in " ".join(narrow.split())
    wide = _rendered(_variant_table(headers[:2], {k: v[:2] for k, v in rows.items()},
                                    "seeds 0-4", 54), 54)
    assert " ".join(wide.splitlines()[1].split()) == "variant measure 0 measure 1"


async def test_every_lessons_result_draws_its_table_claims_and_every_plot_at_80x24(screen_text):
    from tui.lesson_runner import lesson_data

    app = SymnnApp(start="lessons")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        for index, name in enumerate(experiments.names()):
            screen.results[name] = lesson_data(experiments.run(name, seeds=1, quick=True))
            screen.query_one("#ls-list").highlighted = index
            await pilot.pause()
            screen.draw()  # as when its run finishes
            await pilot.pause()
            assert screen.lesson == name
            for _ in screen.results[name]["panels"]:
                text = screen_text(app)
                assert "plot unavailable" not in text, name
                await pilot.press("g")
            shown = " ".join(_rendered(screen.query_one("#ls-info").content, 54).split())
            for claim in screen.results[name]["claims"]:
                assert f"{claim['verdict']}: {' '.join(claim['text'].split())[:40]}" in shown
            assert "…" not in shown, name  # no cut number in the table
        assert not app.errors


def test_a_text_table_in_a_lessons_summary_wider_than_the_panel_keeps_its_columns():
    from tui.screens.lessons import _summary_parts

    lines = ["per-layer gradient norm at init, mean over seeds:",
             "layer              relu  leaky_relu        tanh     sigmoid",
             "    1         2.465e-01   2.445e-01   1.521e+00   1.870e-06",
             "   10         9.543e-01   9.776e-01   1.502e+00   2.062e+00"]
    shown = "\n".join(_rendered(part, 50) for part in _summary_parts(lines, 50))
    rows = [line.split() for line in shown.splitlines() if line.strip()]
    assert ["layer", "relu", "leaky_relu", "tanh", "sigmoid"] in rows
    assert ["1", "2.465e-01", "2.445e-01", "1.521e+00", "1.870e-06"] in rows  # one row, whole
    assert "…" not in shown
    narrow_enough = "\n".join(_rendered(part, 80) for part in _summary_parts(lines, 80))
    assert lines[1] in narrow_enough  # it fits: printed as the lesson wrote it
