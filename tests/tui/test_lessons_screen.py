"""Lessons screen: every lesson with its claims; a run in a child process that keeps the app
responsive, can be cancelled, and never keeps the app alive; verdicts and plots on screen."""

from __future__ import annotations

import random
import time

import pytest

from symnn import experiments
from tui.app import SymnnApp

SIZE = (120, 34)
#: code written where a learner reads mathematics: <= >= ** ^ != == sqrt( and pi as a word
CODE_LIKE = __import__("re").compile(r"<=|>=|\*\*|\^|!=|==|\bsqrt\(|\bpi\b")


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


async def test_every_lessons_title_and_claims_read_as_mathematics_not_code():
    app = SymnnApp(start="lessons")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for index, name in enumerate(experiments.names()):
            app.screen.query_one("#ls-list").highlighted = index
            await pilot.pause()
            shown = " ".join(_rendered(app.screen.query_one(f"#ls-{part}").content, 80)
                             for part in ("head", "info")).split()
            shown = " ".join(shown)
            assert experiments.describe(name)[:30] in shown
            assert not CODE_LIKE.search(shown), (name, CODE_LIKE.findall(shown))


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
        assert "━━ perceptron ━━ 2-layer MLP" in text  # the plot and its legend come first
        assert [c["seeds"] for c in result["claims"]] == [1] * len(experiments.claims_of("xor"))
        verdicts = {c["verdict"] for c in result["claims"]}
        assert verdicts <= {"holds on 1 of 1 seeds", "fails: holds on 0 of 1 seeds"}
        seen = text
        for _ in range(3):  # the table and the claims are below the plot: page down to them
            await pilot.press("pagedown")
            await pilot.pause()
            seen += " ".join(screen_text(app).split())
        assert "mean ± std over seed 0" in seen
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


async def _each_lessons_result(pilot):
    """Each lesson in turn, highlighted with its one-seed quick result drawn as when its run
    finishes; yields the lesson's name."""
    from tui.lesson_runner import lesson_data

    screen = pilot.app.screen
    for index, name in enumerate(experiments.names()):
        screen.results[name] = lesson_data(experiments.run(name, seeds=1, quick=True))
        screen.query_one("#ls-list").highlighted = index
        await pilot.pause()
        screen.draw()
        await pilot.pause()
        yield name


async def test_every_lessons_result_draws_its_table_claims_and_every_plot_at_80x24(screen_text):
    app = SymnnApp(start="lessons")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        async for name in _each_lessons_result(pilot):
            assert screen.lesson == name
            for _ in screen.results[name]["panels"]:
                text = screen_text(app)
                assert "plot unavailable" not in text, name
                await pilot.press("g")
            shown = " ".join(_rendered(screen.query_one("#ls-info").content, 54).split())
            head = _rendered(screen.query_one("#ls-head").content, 54)
            for claim in screen.results[name]["claims"]:
                assert f"{claim['verdict']}: {' '.join(claim['text'].split())[:40]}" in shown
            assert "…" not in shown, name  # no cut number in the table
            labels = [str(p.get(k, "")) for p in screen.results[name]["panels"]
                      for k in ("title", "xlabel", "ylabel")]
            assert not CODE_LIKE.search(" ".join([head, shown, *labels])), (
                name, CODE_LIKE.findall(" ".join([head, shown, *labels])))
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


def test_whole_ticks_are_whole_numbers_at_round_steps_with_the_first_epoch_kept():
    from tui.widgets.plot import whole_ticks

    assert whole_ticks(1, 400) == [1, 100, 200, 300, 400]  # not 1.0 100.8 200.5 ...
    assert whole_ticks(1, 15) == [1, 5, 10, 15]
    assert whole_ticks(0, 299) == [0, 100, 200]
    assert whole_ticks(1, 10) == [2, 4, 6, 8, 10]  # 1 sits only half a step before 2
    for low, high in [(1, 7), (0, 360), (1, 80), (16, 64), (3, 3)]:
        ticks = whole_ticks(low, high)
        assert 1 <= len(ticks) <= 5 and all(low <= t <= high for t in ticks)
        assert all(isinstance(t, int) for t in ticks)


def test_log_ticks_stay_inside_the_values_and_read_as_numbers():
    from tui.widgets.plot import log_ticks

    ticks, labels = log_ticks([1.07e-6, 1.62])
    assert labels == ["1e-05", "1e-04", "1e-03", "1e-02", "1e-01", "1e+00"]
    ticks, labels = log_ticks([0.0974, 2.28])  # a decade and a half: 1-2-5 steps
    assert labels == ["0.1", "0.2", "0.5", "1", "2"]
    for values in ([0.023, 2.53], [0.00872, 1.01e4], [0.0131, 6.87], [0.0565, 0.397]):
        ticks, labels = log_ticks(values)
        assert 2 <= len(ticks) <= 6
        assert all(min(values) <= t <= max(values) * (1 + 1e-9) for t in ticks), values
    assert log_ticks([1.2, 1.25]) == ([], [])  # no round number inside: plotext's labels


def test_the_lessons_whose_losses_span_decades_ask_for_a_log_axis():
    needs_log = {"xor": "training loss (mean over seeds)", "bias": "training loss (seed 0)",
                 "vanishing-gradient": "gradient norm per layer at init",
                 "lr-range": "Adam's loss curves (seed 0)",
                 "bias-variance": "bias² and variance (bootstrap)"}
    for name, title in needs_log.items():
        panels = {p.title: p for p in experiments.run(name, seeds=1, quick=True).panels}
        assert panels[title].logy, (name, title)


def _x_tick_labels(text: str) -> list[str]:
    """The labels under the first plot's x axis (the line below its └───┘ line)."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if "└" in line and "┘" in line and "┬" in line:
            below = lines[i + 1][line.index("└") - 6:line.index("┘") + 2]
            return [t for t in below.split() if not set(t) <= set("│║")]
    return []


@pytest.mark.parametrize("size", [(80, 24), (120, 34)], ids=["80x24", "120x34"])
async def test_every_lessons_plot_is_readable_tall_uncut_with_its_legend_on_screen(
        screen_text, size):
    """At 80x24 and 120x34 each line plot has at least 15 rows, its whole title, its legend
    visible without scrolling, and whole-number ticks when x counts epochs, steps or layers;
    each bar chart names every bar with its value."""
    app = SymnnApp(start="lessons")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = app.screen
        async for name in _each_lessons_result(pilot):
            for panel in screen.results[name]["panels"]:
                text = screen_text(app)
                flat = " ".join(text.split())
                assert panel["title"] in flat and "…" not in text, (name, panel["title"])
                if panel["kind"] == "bar":
                    for label, (_, ys) in panel["series"].items():
                        assert f"{label} █" in text or f"{label} " in text, (name, label)
                        assert f"{ys[-1]:#.3g}" in text, (name, label)
                else:
                    plot = screen.query_one("#ls-plot")
                    assert plot.outer_size.height >= 15, (name, panel["title"], plot.outer_size)
                    if len(panel["series"]) > 1:
                        for label in panel["series"]:
                            assert f"━━ {label}" in flat, (name, label)  # no scrolling
                    if panel["xlabel"] in ("epoch", "step", "layer (1 = input side)"):
                        ticks = _x_tick_labels(text)
                        assert ticks and all(t.isdigit() for t in ticks), (name, ticks)
                await pilot.press("g")
                await pilot.pause()
        assert not app.errors


def test_round_ticks_are_round_numbers_inside_the_range():
    from tui.widgets.plot import round_ticks

    assert round_ticks(-2.51, 2.08) == [-2, -1, 0, 1, 2]  # not -2.2 -1.1 -0.0 1.0 2.1
    assert round_ticks(0.0, 1.0, most=6) == [0, 0.2, 0.4, 0.6, 0.8, 1]
    assert round_ticks(0.0884, 0.423) == [0.1, 0.2, 0.3, 0.4]
    for low, high in [(0.817, 0.933), (-0.98, 4.84), (0.154, 0.693), (-6, 2)]:
        ticks = round_ticks(low, high)
        assert 2 <= len(ticks) <= 5 and all(low <= t <= high for t in ticks)
        assert all(str(t) != "-0.0" for t in ticks)


async def test_the_footer_reads_help_quit_and_the_lesson_keys_before_the_page_keys(screen_text):
    for size in ((80, 24), SIZE):
        app = SymnnApp(start="lessons")
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            footer = screen_text(app).splitlines()[-1].split()
            assert app.screen.focused is app.screen.query_one("#ls-list")  # as the learner finds it
            assert footer[:4] == ["?", "Help", "q", "Quit"], footer
            assert footer.index("Run") < footer.index("Scroll"), footer
            await pilot.press("pagedown")  # the page key still pages the text, not the list
            await pilot.pause()
            assert app.screen.query_one("#ls-list").highlighted == 0


def test_a_python_error_inside_a_lesson_reaches_the_app_in_words(monkeypatch, capsys):
    import json

    from tui.lesson_runner import main

    def fails(*args, **kwargs):
        raise OverflowError("(34, 'Numerical result out of range')")

    monkeypatch.setattr(experiments, "run", fails)
    main("xor", 1, True)
    assert json.loads(capsys.readouterr().out) == {"error": "A number too large to compute."}
