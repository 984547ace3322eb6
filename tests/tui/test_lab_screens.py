"""Convexity lab and optimizer playground: verdicts, runs, the lr lesson, bad input."""

from __future__ import annotations

import math
import threading

import pytest

import symnn as sn
from tui.app import SymnnApp

SIZE = (120, 40)


async def _settle(pilot) -> None:
    """Wait for the screen's worker threads (the convexity analysis, the optimizer runs) and
    their redraw."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def _set(pilot, field: str, text: str) -> None:
    widget = pilot.app.screen.query_one(f"#{field}")
    widget.value = text
    widget.focus()
    await pilot.press("enter")
    await _settle(pilot)


async def test_convexity_verdict_on_screen_is_the_librarys(screen_text):
    app = SymnnApp(start="convexity")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await _set(pilot, "fx", "w**4 - 2*w**2")
        text = screen_text(app)
        assert app.screen.result.verdict == sn.convexity("w**4 - 2*w**2").verdict == "neither"
        assert "verdict: neither" in text and "counterexample" in text


def _y_labels(app, plot_id: str, screen_text) -> list[str]:
    """The y-axis labels the plot shows: the text left of its "│" axis, row by row."""
    region = app.screen.query_one(f"#{plot_id}").content_region
    rows = screen_text(app).splitlines()[region.y:region.bottom]
    return [left.strip() for row in rows
            for left, bar, _ in [row[region.x:region.right].partition("│")]
            if bar and left.strip()]


async def test_convexity_y_axis_is_labelled_at_round_numbers(screen_text):
    app = SymnnApp(start="convexity")
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        await _set(pilot, "fx", "w^4 - 2*w^2")
        labels = _y_labels(app, "cv-plot", screen_text)
        values = [float(label) for label in labels]
        assert len(values) >= 3 and values == sorted(values, reverse=True)
        steps = {round(a - b, 9) for a, b in zip(values, values[1:])}
        assert len(steps) == 1, labels  # evenly spaced
        step = steps.pop()  # 1, 2 or 5 times a power of ten, every label a multiple of it
        assert round(step / 10.0 ** math.floor(math.log10(step)), 9) in (1, 2, 5), labels
        assert all(abs(v / step - round(v / step)) < 1e-9 for v in values), labels
        low, high = app.screen.query_one("#cv-plot")._yrange
        assert low <= values[-1] and values[0] <= high  # inside the curve's range (-1 .. 8)
        assert values[-1] <= 0 and values[0] >= 6


async def test_convexity_uses_the_typed_domain():
    app = SymnnApp(start="convexity")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        app.screen.query_one("#fx").value = "log(x)"
        await _set(pilot, "domain", "x>0")
        assert app.screen.result.verdict == "concave"


async def test_convexity_parse_error_shows_a_caret_and_keeps_the_last_verdict(screen_text):
    app = SymnnApp(start="convexity")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        before = app.screen.result
        await _set(pilot, "fx", "x**2 +* 3")
        assert app.screen.query_one("#error").shown
        assert "^" in screen_text(app)
        assert app.screen.result is before and app.is_running


async def test_chord_keys_move_the_chord_ends():
    app = SymnnApp(start="convexity")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        a, b = app.screen.a, app.screen.b
        await pilot.press("h", "k")
        assert app.screen.a[0] < a[0] and app.screen.b[0] > b[0]


def _held(release: threading.Event, held: str):
    """sn.convexity that waits for ``release`` on the function ``held`` (SymPy taking long)."""
    real = sn.convexity

    def slow(text, domain=None, **kw):
        if text == held:
            release.wait(10)
        return real(text, domain=domain, **kw)

    return slow


async def _start_slow_analysis(pilot, monkeypatch, release, held: str = "(x+1)^99*(x-1)^99"):
    await _settle(pilot)
    monkeypatch.setattr(sn, "convexity", _held(release, held))
    screen = pilot.app.screen
    screen.query_one("#fx").value = held
    screen.query_one("#fx").focus()
    await pilot.press("enter")
    await pilot.pause()
    assert screen.analysing and screen.focused is None


async def test_convexity_analyses_in_a_worker_showing_analysing_while_keys_keep_working(
        screen_text, monkeypatch):
    release = threading.Event()
    app = SymnnApp(start="convexity")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await _settle(pilot)
        before = screen.result
        await _start_slow_analysis(pilot, monkeypatch, release)
        assert "analysing" in screen_text(app)
        await pilot.press("d")  # the UI thread is free: the cursor goes to the domain field
        assert screen.focused is screen.query_one("#domain") and screen.result is before
        release.set()
        await _settle(pilot)
        assert not screen.analysing and "analysing" not in screen_text(app)
        assert screen.result.verdict == "neither" and "(x+1)" in screen_text(app).replace(" ", "")


async def test_while_analysing_c_and_the_chord_keys_wait_with_a_note(screen_text, monkeypatch):
    release = threading.Event()
    app = SymnnApp(start="convexity")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await _settle(pilot)
        a, b, example = screen.a, screen.b, screen.example
        await _start_slow_analysis(pilot, monkeypatch, release)
        await pilot.press("c", "h", "k")
        text = screen_text(app)
        assert (screen.a, screen.b, screen.example) == (a, b, example)
        assert screen.query_one("#fx").value == "(x+1)^99*(x-1)^99"
        assert "analysing" in text and "the chord keys wait for the verdict" in text
        release.set()
        await _settle(pilot)
        await pilot.press("c")  # the verdict is in: c works again
        await _settle(pilot)
        assert screen.example == example + 1


async def test_typing_fast_during_an_analysis_goes_into_the_field_not_to_the_shortcuts(
        burst, monkeypatch):
    release = threading.Event()
    app = SymnnApp(start="convexity")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await _settle(pilot)
        a, example = screen.a, screen.example
        await _start_slow_analysis(pilot, monkeypatch, release)
        # e opens f =; the letters c, h, k, l, d, q are all shortcuts when no field has the cursor
        burst(app, "e", *"tanh(x)*cos(d)", "ctrl+a", *"ck", "escape", "d", *"x>1")
        for _ in range(600):
            if not app.keys_waiting and screen.query_one("#domain").value == "x>1":
                break
            await pilot.pause(0.05)
        assert screen.query_one("#fx").value == "cktanh(x)*cos(d)"
        assert screen.query_one("#domain").value == "x>1"
        assert screen.a == a and screen.example == example and app.is_running
        release.set()
        await _settle(pilot)


async def test_escape_cancels_a_running_analysis_and_the_last_verdict_comes_back(
        screen_text, monkeypatch):
    release = threading.Event()
    app = SymnnApp(start="convexity")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await _settle(pilot)
        before = screen.result
        await _start_slow_analysis(pilot, monkeypatch, release)
        budget = screen.budget
        assert "esc Cancel" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        text = screen_text(app)
        assert budget.cancelled and not screen.analysing and screen.result is before
        assert "cancelled" in text and "analysing" not in text and "verdict: neither" in text
        release.set()  # the held worker ends; its answer must not replace the verdict
        await _settle(pilot)
        assert screen.result is before and "esc Cancel" not in screen_text(app)


async def test_the_shifted_chord_keys_move_the_second_coordinate_and_the_drawing_agrees(
        screen_text):
    app = SymnnApp(start="convexity")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        assert "HLJK" not in screen_text(app)  # one variable: no keys for a second
        await _analyse(pilot, "x^2 + x*y + y^2")
        screen = app.screen
        (x0, x1), (y0, y1) = screen.window
        a, b = screen.a, screen.b
        await pilot.press("K", "K", "L", "h")
        await pilot.pause()
        step_x, step_y = (x1 - x0) / 20, (y1 - y0) / 20
        assert screen.a == pytest.approx((a[0] - step_x, a[1] + step_y))
        assert screen.b == pytest.approx((b[0], b[1] + 2 * step_y))
        plot = screen.query_one("#cv-plot")
        assert plot.tracks[0].points.tolist() == [list(screen.a), list(screen.b)]
        text = screen_text(app)
        assert "HLJK" in text
        ax, ay = screen.a
        bx, by = screen.b
        fa, fb = ax * ax + ax * ay + ay * ay, bx * bx + bx * by + by * by
        assert f"f(a) = {fa:.4g}, f(b) = {fb:.4g}" in text
        chord = screen.query_one("#chord").content.plain.replace("\n", " ")
        assert f"b: (x, y) = ({bx:.4g}, {by:.4g})" in chord


async def test_a_newer_convexity_request_supersedes_a_slower_older_one(monkeypatch):
    release = threading.Event()
    real = sn.convexity

    def slow(text, domain=None, **kw):
        if text == "-x**2":
            release.wait(10)
        return real(text, domain=domain, **kw)

    app = SymnnApp(start="convexity")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        monkeypatch.setattr(sn, "convexity", slow)
        screen = app.screen
        screen.query_one("#fx").value = "-x**2"
        screen.query_one("#fx").focus()
        await pilot.press("enter")
        await pilot.pause()
        screen.query_one("#fx").value = "x**2"
        screen.query_one("#fx").focus()
        await pilot.press("enter")
        for _ in range(100):  # the newer, quick request finishes first
            if screen.result is not None and screen.result.verdict == "convex":
                break
            await pilot.pause(0.05)
        release.set()
        await _settle(pilot)
        assert screen.result.verdict == "convex" and not screen.analysing


async def test_lr_lesson_shows_converge_zigzag_and_diverge():
    app = SymnnApp(start="optimizer")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("w")
        await _settle(pilot)
        app.screen.k = app.screen.max_k
        statuses = [run.status for _, run in app.screen.runs]
    expected = [sn.lab.descend("w**2", optimizer="gd", lr=lr, start=[1.0], steps=20).status
                for lr in (0.4, 0.6, 1.2)]
    assert statuses == expected and expected[-1] == "diverged"


async def test_optimizer_steps_reveal_the_recorded_trajectory(screen_text):
    app = SymnnApp(start="optimizer")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("n", "n")
        assert app.screen.k == 2
        assert "rosenbrock, step 2" in screen_text(app)  # the plot's title
        shown = app.screen.query_one("#update").content.plain
        for label, run in app.screen.runs:
            point = ", ".join(f"{v:.5g}" for v in run.points[2])
            assert f"{label}  step 2/{run.steps}  ({point})" in shown
        await pilot.press("r")
        assert app.screen.k == 0


async def test_optimizer_colour_scale_hint_is_whole_at_80_columns(screen_text):
    app = SymnnApp(start="optimizer")
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        text = screen_text(app)
        assert "rosenbrock, step 0" in text
        assert any("f: low " + " " * 9 + " high" in line for line in text.splitlines())


async def test_optimizer_bad_lr_is_shown_not_raised():
    app = SymnnApp(start="optimizer")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        runs = app.screen.runs
        await _set(pilot, "lr", "fast")
        assert app.screen.query_one("#error").shown and app.screen.runs is runs


async def test_optimizer_unknown_option_is_shown_not_raised():
    app = SymnnApp(start="optimizer")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await _set(pilot, "options", "wobble=3")
        assert app.screen.query_one("#error").shown and app.is_running


async def test_run_key_plays_and_pauses():
    app = SymnnApp(start="optimizer")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("u")
        await pilot.pause(0.5)
        await pilot.press("u")
        k = app.screen.k
        await pilot.pause(0.3)
        assert k > 0 and app.screen.k == k


async def test_options_can_target_one_optimizer():
    app = SymnnApp(start="optimizer")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await _set(pilot, "options", "adam.lr=0.05")
        labels = [label for label, _ in app.screen.runs]
        rates = {label.split()[0]: run.lr for label, run in app.screen.runs}
        assert rates == {"gd": sn.lab.default_lr("gd", "rosenbrock"), "adam": 0.05}, labels
        await _set(pilot, "lr", "0.002")  # the lr field sets every optimizer; adam.lr wins
        rates = {label.split()[0]: run.lr for label, run in app.screen.runs}
        assert rates == {"gd": 0.002, "adam": 0.05}


async def test_each_optimizer_starts_with_its_own_learning_rate():
    app = SymnnApp(start="optimizer")  # Rosenbrock with gd and adam
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        rates = {label.split()[0]: run.lr for label, run in app.screen.runs}
        assert rates == {"gd": 0.001, "adam": 0.1}
        assert all(run.status != "diverged" for _, run in app.screen.runs)


async def test_a_bare_lr_in_options_is_refused_with_the_rule(screen_text):
    app = SymnnApp(start="optimizer")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        runs = app.screen.runs
        await _set(pilot, "options", "lr=5")
        assert app.screen.runs is runs and "in the lr field" in screen_text(app)


async def test_the_readme_options_apply_to_an_optimizer_once_it_is_ticked(screen_text):
    app = SymnnApp(start="optimizer")  # gd and adam ticked
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await _set(pilot, "options", "sgd.momentum=0.9, adam.lr=0.1")
        assert "options for sgd apply once ticked" in screen_text(app)
        assert {label.split()[0] for label, _ in app.screen.runs} == {"gd", "adam"}
        app.screen.query_one("#optimizers").select("sgd")
        await pilot.press("g")
        await _settle(pilot)
        runs = {label.split()[0]: run for label, run in app.screen.runs}
        assert runs["sgd"].options["momentum"] == 0.9 and runs["adam"].lr == 0.1


async def test_ticked_rows_say_so_in_words(screen_text):
    app = SymnnApp(start="optimizer")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        lines = screen_text(app).splitlines()
        ticked = [name for name in sn.lab.optimizer_names()
                  if any(f" {name} " in line and "✓ ticked" in line for line in lines)]
        assert ticked == ["gd", "adam"]


async def test_a_start_typed_for_one_variable_is_reset_for_a_two_variable_function(screen_text):
    app = SymnnApp(start="optimizer")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await _type_and_go(pilot, fx="w**2", start="1")
        assert app.screen.runs[0][1].points[0].tolist() == [1.0]
        await _type_and_go(pilot, fx="x**2 + y**2")
        assert app.screen.runs[0][1].points[0].tolist() == [1.0, 1.0]
        assert app.screen.query_one("#start").value == ""
        assert "start reset" in screen_text(app)
        await _type_and_go(pilot, start="default")  # the placeholder's word is accepted
        assert not app.screen.query_one("#error").shown


async def test_the_loss_chart_compares_the_runs_with_a_legend(screen_text):
    app = SymnnApp(start="optimizer")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("e", "l")
        await pilot.pause()
        plot = app.screen.query_one("#op-plot")
        assert plot.chart and len(plot.tracks) == 2
        labels = [label for label, _ in plot.legend]
        assert labels == [label for label, _ in app.screen.runs]
        text = screen_text(app)
        assert "loss (log scale)" in text and all(label in text for label in labels)
        gd = app.screen.runs[0][1]
        np_points = plot.tracks[0].points
        assert np_points[-1][0] == gd.steps and abs(10 ** np_points[-1][1] - gd.losses[-1]) < 1e-9


async def test_bad_domain_gets_a_caret_under_the_domain_text(screen_text):
    app = SymnnApp(start="convexity")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        app.screen.query_one("#fx").value = "log(x)"
        await _set(pilot, "domain", "x>>0")
        lines = screen_text(app).splitlines()
        (row,) = [i for i, line in enumerate(lines) if line.strip("│ ") == "x>>0"]
        assert lines[row + 1].index("^") - lines[row].index("x>>0") == 2


async def _type_and_go(pilot, **fields: str) -> None:
    for name, text in fields.items():
        pilot.app.screen.query_one(f"#{name}").value = text
    await pilot.press("g")
    await _settle(pilot)


async def test_optimizer_runs_are_computed_once_in_a_worker_and_steps_only_move_the_index(
        monkeypatch):
    calls = []
    real = sn.lab.descend

    def recording(*args, **kwargs):
        calls.append(threading.current_thread() is threading.main_thread())
        return real(*args, **kwargs)

    app = SymnnApp(start="optimizer")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        monkeypatch.setattr(sn.lab, "descend", recording)
        await _type_and_go(pilot, steps="200")
        assert calls == [False, False]  # gd and adam, each off the UI thread
        await pilot.press("n", "n", "n", "p", "e")
        assert len(calls) == 2 and app.screen.k == app.screen.max_k


async def test_optimizer_shows_computing_while_a_slow_run_is_made(screen_text, monkeypatch):
    release = threading.Event()
    real = sn.lab.descend

    def slow(*args, **kwargs):
        release.wait(10)
        return real(*args, **kwargs)

    app = SymnnApp(start="optimizer")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        runs = app.screen.runs
        monkeypatch.setattr(sn.lab, "descend", slow)
        await pilot.press("g")
        await pilot.pause()
        assert app.screen.computing and "computing" in screen_text(app)
        await pilot.press("n")  # the old runs still step while the new ones are made
        assert app.screen.k == 1 and app.screen.runs is runs
        release.set()
        await _settle(pilot)
        assert not app.screen.computing and app.screen.runs is not runs


async def test_end_key_jumps_to_the_last_step():
    app = SymnnApp(start="optimizer")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("e")
        assert app.screen.k == app.screen.max_k == max(run.steps for _, run in app.screen.runs)


async def test_a_finished_run_clears_the_running_state_and_u_plays_it_again(screen_text):
    app = SymnnApp(start="optimizer")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await _type_and_go(pilot, steps="30")  # plays for 3 s: a slow machine sees it run
        await pilot.press("u")
        for _ in range(100):
            if app.screen.timer is None:
                break
            await pilot.pause(0.1)
        await pilot.pause()
        assert app.screen.k == app.screen.max_k == 30
        assert "running" not in app.screen.sub_title and "running" not in screen_text(app)
        await pilot.press("u")
        assert app.screen.timer is not None and app.screen.k < 30  # from step 0 again
        await pilot.press("u")
        assert app.screen.timer is None


async def test_lr_lesson_keeps_a_fixed_window_and_says_the_diverging_run_left_it(screen_text):
    app = SymnnApp(start="optimizer")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("w")
        await _settle(pilot)
        screen = app.screen
        assert screen.view_window == sn.lab.surface("w**2").window == ((-2.0, 2.0),)
        await pilot.press("e")
        assert "gd lr=1.2 (diverged, off the plot)" in screen_text(app)
        # the controls show the lesson's settings
        assert screen.query_one("#fx").value == "w**2"
        assert screen.query_one("#steps").value == "20"
        assert list(screen.query_one("#optimizers").selected) == ["gd"]


async def test_heat_map_bands_are_distinct_colours_with_the_minimum_in_the_lowest():
    from tui.widgets.surface_plot import HEAT

    app = SymnnApp(start="optimizer")  # Rosenbrock, minimum at (1, 1)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        plot = app.screen.query_one("#op-plot")
        background = plot._background
        (x0, x1), (y0, y1) = plot.window
        rows, cols = len(background), len(background[0])
        r = round((y1 - 1.0) / (y1 - y0) * (rows - 1))
        c = round((1.0 - x0) / (x1 - x0) * (cols - 1))
        shown = {colour for row in background for colour in row}
    assert len(set(HEAT)) == len(HEAT) and shown == set(HEAT)
    assert background[r][c] == HEAT[0] and background[0][0] != HEAT[0]


async def test_every_optimizer_has_its_own_colour():
    from tui.screens.optimizer import COLORS

    assert len(set(COLORS)) == len(COLORS) >= len(sn.lab.optimizer_names())


async def test_three_variables_say_plots_need_one_or_two(screen_text):
    app = SymnnApp(start="optimizer")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await _type_and_go(pilot, fx="x*y*z")
        assert "plots need 1–2 variables" in screen_text(app)


async def test_a_huge_start_is_a_result_not_a_plot_error(screen_text):
    app = SymnnApp(start="optimizer")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await _type_and_go(pilot, start="1e308, 1")
        await pilot.press("e")
        text = screen_text(app)
        assert "plot unavailable" not in text and "diverged" in text and app.is_running


async def test_choosing_another_surface_runs_on_it():
    app = SymnnApp(start="optimizer")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.query_one("#surface").value = "himmelblau"
        await pilot.pause()
        assert {run.surface.name for _, run in app.screen.runs} == {"himmelblau"}


async def test_every_optimizer_row_is_visible_and_the_update_panel_is_wide(screen_text):
    app = SymnnApp(start="optimizer")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        text = screen_text(app)
        assert all(f"▌ {name}" in text for name in sn.lab.optimizer_names())
        assert app.screen.query_one("#op-info").region.width >= SIZE[0] // 2 - 2


async def test_the_chord_status_follows_the_chord_as_it_moves(screen_text):
    app = SymnnApp(start="convexity")  # w^4 - 2w^2, chord at the counterexample a=-1, b=1
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        assert "f rises above this chord at w = 0" in screen_text(app)  # f's own variable
        await pilot.press(*"kkkkkk")  # b to 2: f(-1) = -1, f(2) = 8, the chord clears f
        await pilot.pause()
        assert app.screen.b == (2.0,)
        text = screen_text(app)
        assert "this chord lies on or above the graph" in text and "rises above" not in text


async def test_the_options_example_is_shown_whole(screen_text):
    app = SymnnApp(start="optimizer")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        placeholder = app.screen.query_one("#options").placeholder
        assert placeholder in screen_text(app)


SAWTOOTH = "+".join(f"relu(x-{k})*(-1)^{k}" for k in range(10))  # minutes of SymPy, once


async def _analyse(pilot, f: str, domain: str = "") -> None:
    screen = pilot.app.screen
    screen.query_one("#fx").value = f
    screen.query_one("#domain").value = domain
    screen.query_one("#fx").focus()
    await pilot.press("enter")
    await _settle(pilot)


async def test_the_convexity_lab_keeps_the_chord_and_plot_inside_the_domain(screen_text):
    app = SymnnApp(start="convexity")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        for f in ("log(x)", "1/x"):
            await _analyse(pilot, f, "x>0")
            screen = app.screen
            (lo, hi), = screen.window
            assert 0 < lo < hi and screen.a[0] > 0 and screen.b[0] > 0
            assert "not finite" not in screen_text(app)
            plot = screen.query_one("#cv-plot")
            y0, y1 = plot._yrange
            assert y1 < 100, f"{f}: y axis reaches {y1} (the pole at 0 is inside the plot)"
        for _ in range(12):  # the chord ends never leave the domain
            await pilot.press("h", "j")
        assert app.screen.a[0] > 0 and app.screen.b[0] > 0


async def test_a_new_function_resets_the_chord_and_its_annotation(screen_text):
    app = SymnnApp(start="convexity")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await _analyse(pilot, "sigmoid(x)")
        assert "at x = 1.525" in screen_text(app)
        await _analyse(pilot, "x*y")
        text = screen_text(app)
        assert "1.525" not in text and "(x, y) = (" in text


async def test_the_convexity_lab_draws_two_variables_as_a_heat_map_with_the_chord_segment():
    app = SymnnApp(start="convexity")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await _analyse(pilot, "x**2 + x*y + y**2")
        screen = app.screen
        plot = screen.query_one("#cv-plot")
        assert plot.surface.dim == 2 and plot._background is not None
        chord = plot.tracks[0].points
        assert chord.shape == (2, 2)
        assert tuple(chord[0]) == screen.a and tuple(chord[1]) == screen.b


async def test_reasons_on_screen_are_readable_math_and_axis_labels_stay_short(screen_text):
    import re

    app = SymnnApp(start="convexity")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        text = "\n".join(screen_text(app).splitlines()[3:])  # below the typed f
        assert "w⁴ - 2·w²" in text and "√3/3" in text
        assert not re.search(r"\*\*|sqrt|\boo\b", text)
        await _analyse(pilot, "exp(x^2)*x")
        labels = re.findall(r"-?\d[\d.]*e?[+-]?\d*", screen_text(app))
        assert not any(len(label) > 12 for label in labels)


async def test_quitting_during_a_long_analysis_stops_it_within_a_second(monkeypatch):
    import time

    def slow(text, domain=None, **kw):  # SymPy-like pure Python work for half a minute
        end = time.monotonic() + 30
        while time.monotonic() < end:
            sum(range(1000))
        raise AssertionError("the analysis was not stopped")

    app = SymnnApp(start="convexity")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        monkeypatch.setattr(sn, "convexity", slow)
        screen = app.screen
        screen.query_one("#fx").value = "x^4"
        screen.query_one("#fx").focus()
        await pilot.press("enter")
        await pilot.pause(0.5)
        assert screen.analysing and "analysing" in screen.sub_title and "10 s" in screen.sub_title
        budget = screen.budget
        await pilot.press("q")
        start = time.monotonic()
    while not budget.done and time.monotonic() - start < 1.0:
        time.sleep(0.02)
    assert budget.cancelled and budget.done, "the analysis outlived the app"
    assert time.monotonic() - start < 1.0


def _held_descend(release: threading.Event):
    real = sn.lab.descend

    def slow(*args, **kwargs):  # a 5000-step run, held until the keys are typed
        release.wait(10)
        return real(*args, **kwargs)

    return slow


async def test_typing_while_runs_compute_stays_in_the_field_the_learner_focused(monkeypatch):
    release = threading.Event()
    app = SymnnApp(start="optimizer")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        monkeypatch.setattr(sn.lab, "descend", _held_descend(release))
        screen = app.screen
        screen.query_one("#steps").value = "5000"
        await pilot.press("g")
        await pilot.pause()
        assert screen.computing
        await pilot.press("escape", "f", "tab", "tab", "tab")
        focused = app.focused
        await pilot.press(*"0.5")
        release.set()
        await _settle(pilot)
        await pilot.press(*"25")
        await pilot.pause()
        assert app.focused is focused, f"focus moved to {app.focused!r}"
        assert focused.value.endswith("0.525"), focused.value
        others = [w for w in screen.query("Input") if w is not focused]
        assert not any("0.5" in w.value or "25" in w.value for w in others)


@pytest.mark.parametrize("release_after", [0.0, 0.3, 2.0])
async def test_keys_typed_together_during_a_run_land_where_the_tabs_lead(
        burst, monkeypatch, release_after):
    """The issue's race as a terminal delivers it: steps=5000 and enter, then esc f tab tab
    tab and the text, all in one read; the run finishes before, during or after the keys."""
    release = threading.Event()
    app = SymnnApp(start="optimizer")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        monkeypatch.setattr(sn.lab, "descend", _held_descend(release))
        screen = app.screen
        steps = screen.query_one("#steps")
        steps.value = "5000"
        steps.focus()
        await pilot.pause()
        burst(app, "enter", "escape", "f", "tab", "tab", "tab", *"0.5, 1")
        await pilot.pause(release_after)
        release.set()
        for _ in range(600):
            if not app.keys_waiting and not screen.computing:
                break
            await pilot.pause(0.05)
        await _settle(pilot)
        start = screen.query_one("#start")
        assert app.focused is start, f"focus moved to {app.focused!r}"
        assert {w.id: w.value for w in screen.query("Input")} == {
            "fx": "", "lr": "", "options": "", "start": "0.5, 1", "steps": "5000"}
        assert screen.runs[0][1].steps == 5000 and app.screen.SCREEN_NAME == "optimizer"


async def _enter_bad_then_type(pilot, key: str, field: str, bad: str, more: str) -> None:
    """Press the field's key, type bad input and enter, then type ``more`` (a learner
    correcting it); every character is a real key press."""
    pilot.app.screen.query_one(f"#{field}").value = ""
    await pilot.press(key, *bad, "enter")
    await _settle(pilot)
    assert pilot.app.screen.query_one("#error").shown
    await pilot.press(*more)
    await _settle(pilot)


async def test_optimizer_keeps_the_cursor_in_the_function_after_a_parse_error():
    app = SymnnApp(start="optimizer")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await _enter_bad_then_type(pilot, "f", "fx", "x+__y", "zq")
        fx = app.screen.query_one("#fx")
        assert app.is_running and app.screen.SCREEN_NAME == "optimizer"
        assert app.screen.focused is fx and fx.value == "x+__yzq"


async def test_optimizer_keeps_the_cursor_in_the_field_at_fault_after_a_bad_number():
    app = SymnnApp(start="optimizer")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        steps = app.screen.query_one("#steps")
        steps.value = ""
        steps.focus()
        await pilot.press("-", "5", "enter")
        await _settle(pilot)
        assert app.screen.query_one("#error").shown
        await pilot.press("backspace", "backspace", "5", "0", "0", "0")
        assert app.screen.SCREEN_NAME == "optimizer" and app.screen.focused is steps
        assert steps.value == "5000"
        # entered from the lr field, the cursor goes to the steps field that is wrong
        steps.value = "-5"
        await pilot.press("escape", "f", "tab", "tab", "tab", "enter")
        await _settle(pilot)
        assert app.screen.focused is steps


async def test_optimizer_cursor_leaves_the_field_after_a_run_that_works():
    app = SymnnApp(start="optimizer")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await _set(pilot, "steps", "30")
        assert not app.screen.query_one("#error").shown and app.screen.focused is None


async def test_convexity_keeps_the_cursor_in_the_function_after_a_parse_error():
    app = SymnnApp(start="convexity")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await _enter_bad_then_type(pilot, "e", "fx", "log(x)d", "dq")
        fx = app.screen.query_one("#fx")
        assert app.is_running and app.screen.SCREEN_NAME == "convexity"
        assert app.screen.focused is fx and fx.value == "log(x)ddq"


async def test_convexity_keeps_the_cursor_in_the_domain_after_a_bad_domain():
    app = SymnnApp(start="convexity")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        app.screen.query_one("#fx").value = "log(x)"
        await _enter_bad_then_type(pilot, "d", "domain", "x>>0", "e4")
        domain = app.screen.query_one("#domain")
        assert app.screen.SCREEN_NAME == "convexity"
        assert app.screen.focused is domain and domain.value == "x>>0e4"


async def test_newton_on_a_singular_hessian_says_so_and_names_the_shifted_step():
    app = SymnnApp(start="optimizer")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        optimizers = app.screen.query_one("#optimizers")
        optimizers.deselect_all()
        optimizers.select("newton")
        await _type_and_go(pilot, fx="abs(x) + abs(y)", start="1, 1")
        await pilot.press("n")
        shown = " ".join(app.screen.query_one("#update").content.plain.split())
        run = app.screen.runs[0][1]
        assert "H is singular (eigenvalues 0, 0)" in shown and "H = [0, 0; 0, 0]" in shown
        assert "taking the shifted step (H + μI)⁻¹ ∇f with μ = 1 − λ_min = 1" in shown
        assert run.points[1].tolist() == [0.0, 0.0]  # (1, 1) - 1 * (I)^-1 (1, 1), by hand


async def test_the_status_names_the_first_step_that_converged_not_the_step_count():
    app = SymnnApp(start="optimizer")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        optimizers = app.screen.query_one("#optimizers")
        optimizers.deselect_all()
        optimizers.select("gd")
        # w' = w - 0.4 * 2w = 0.2 w: |grad| = 2 * 0.2^k first <= 1e-6 at k = 10 (2.05e-07)
        await _type_and_go(pilot, fx="w**2", lr="0.4", start="1", steps="20")
        await pilot.press("e")
        shown = app.screen.query_one("#update").content.plain.replace("\n", " ")
        assert app.screen.runs[0][1].converged_at == 10
        assert "first at step 10" in shown and "2.05e-07" in shown


async def test_a_long_legend_entry_is_shown_whole_at_80_columns(screen_text):
    app = SymnnApp(start="optimizer")
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        await pilot.press("w")
        await _settle(pilot)
        await pilot.press("e")
        text = " ".join(line.strip("│ ") for line in screen_text(app).splitlines())
        assert "gd lr=1.2 (diverged, off the" in text and "plot)" in text


async def test_a_start_typed_during_the_run_survives_the_reset_of_the_one_that_did_not_fit(
        screen_text, monkeypatch):
    release = threading.Event()
    app = SymnnApp(start="optimizer")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await _type_and_go(pilot, fx="w**2", start="1")
        monkeypatch.setattr(sn.lab, "descend", _held_descend(release))
        app.screen.query_one("#fx").value = "x**2 + y**2"
        await pilot.press("g")  # start "1" does not fit two variables: reset when done
        await pilot.pause()
        start = app.screen.query_one("#start")
        start.value = ""
        start.focus()
        await pilot.press(*"0.5, 2")  # the learner's next start, typed while it computes
        release.set()
        await _settle(pilot)
        assert app.screen.runs[0][1].points[0].tolist() == [1.0, 1.0]  # the default start
        assert "start reset" in screen_text(app)
        assert start.value == "0.5, 2" and app.focused is start


async def test_a_start_reset_message_keeps_the_cursor_in_the_start_field_and_reads_as_math(
        screen_text):
    app = SymnnApp(start="optimizer")
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        app.screen.query_one("#fx").value = "x**2 + 10*y**2"
        await pilot.press("f", "tab", "tab", "tab", *"1, 2, 3", "enter")
        await _settle(pilot)
        start = app.screen.query_one("#start")
        assert app.screen.focused is start
        await pilot.press("1", "9")  # typed into the field, not the screen's shortcuts
        assert app.screen.SCREEN_NAME == "optimizer" and start.value == "19"
        text = screen_text(app)
        assert "(1, 1) of x² + 10·y²: it has 2 variables" in text
        assert "variable(s)" not in text


async def test_the_chord_status_rounds_floating_point_dust_to_zero(screen_text):
    app = SymnnApp(start="convexity")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await _set(pilot, "fx", "-x^2")
        # a symmetric chord up to rounding: f rises highest above it at its midpoint, x = 0
        assert app.screen.a[0] == pytest.approx(-app.screen.b[0], abs=1e-12)
        subtitle = str(app.screen.query_one("#cv-plot").border_subtitle)
        assert subtitle.endswith("f rises above this chord at x = 0[/bold red]")
        assert "chord at x = 0 ─" in screen_text(app)


async def test_a_two_variable_chord_status_fits_the_plot_border_at_80_columns(screen_text):
    app = SymnnApp(start="convexity")
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        await _set(pilot, "fx", "x*y")
        subtitle = str(app.screen.query_one("#cv-plot").border_subtitle)
        assert "f above the chord at (" in subtitle
        shown = next(line for line in screen_text(app).splitlines() if "f above the" in line)
        assert "…" not in shown and ")" in shown.split("f above the chord at (")[1]


@pytest.mark.parametrize("error, words", [
    (OverflowError("(34, 'Numerical result out of range')"), "A number too large to compute."),
    (ZeroDivisionError("float division by zero"), "A division by zero."),
])
async def test_a_python_error_inside_the_convexity_analysis_is_shown_in_words(
        monkeypatch, screen_text, error, words):
    def fails(text, domain=None, **kw):
        raise error

    app = SymnnApp(start="convexity")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        monkeypatch.setattr(sn, "convexity", fails)
        await _set(pilot, "fx", "x**2 + 1")
        assert app.screen.query_one("#error").shown and app.is_running
        text = screen_text(app)
    assert words in text
    assert type(error).__name__ not in text and str(error) not in text


async def test_an_optimizer_setting_of_the_wrong_kind_is_named_in_the_app(screen_text):
    app = SymnnApp(start="optimizer")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await _set(pilot, "options", "adam.amsgrad=0.5")
        assert app.screen.query_one("#error").shown and app.is_running
        assert "adam: adam.amsgrad must be true or false (1 or 0); got 0.5" in screen_text(app)
        await _set(pilot, "options", "adam.amsgrad=1")  # a switch typed as 1 turns it on
        runs = {label.split()[0]: run for label, run in app.screen.runs}
        assert runs["adam"].options == {"amsgrad": True}
        assert not app.screen.query_one("#error").shown


async def test_a_new_function_after_the_lr_lesson_runs_each_optimizer_at_its_own_default():
    app = SymnnApp(start="optimizer")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("w")
        await _settle(pilot)
        assert app.screen.query_one("#lr").value == "0.4"
        optimizers = app.screen.query_one("#optimizers")
        optimizers.deselect_all()
        optimizers.select("newton")
        await _type_and_go(pilot, fx="x**2 + y**2")
        run = app.screen.runs[0][1]
        assert run.optimizer == "newton" and run.lr == 1.0 and run.steps <= 60
        assert app.screen.query_one("#lr").value == ""
        assert app.screen.query_one("#steps").value == "60"
        # a learning rate the learner typed after the lesson is kept
        await pilot.press("w")
        await _settle(pilot)
        await _type_and_go(pilot, lr="0.3", fx="x**2 + y**2")
        assert app.screen.runs[0][1].lr == 0.3


async def test_the_loss_axis_of_a_never_negative_loss_stays_at_or_above_zero():
    app = SymnnApp(start="optimizer")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        # gd at lr 0.5 on x² lands on x = 0 in one step: loss 0 exactly, a linear axis
        await _type_and_go(pilot, fx="x**2", start="3", lr="0.5")
        losses = app.screen.runs[0][1].losses
        assert app.screen.runs[0][1].optimizer == "gd" and losses.min() == 0.0
        await pilot.press("l")
        plot = app.screen.query_one("#op-plot")
        (_, _), (bottom, top) = plot.window
        assert bottom == 0.0 and top > losses.max()


async def test_ticking_an_optimizer_says_press_g_to_run(screen_text):
    app = SymnnApp(start="optimizer")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        app.screen.query_one("#optimizers").select("nesterov")
        await pilot.pause()
        assert "press g to run the ticked optimizers" in screen_text(app)
        await pilot.press("g")
        await _settle(pilot)
        assert "press g" not in screen_text(app)


async def test_the_function_fields_example_descends_with_the_default_optimizers():
    app = SymnnApp(start="optimizer")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        example = app.screen.query_one("#fx").placeholder.split("e.g. ")[1]
        await _type_and_go(pilot, fx=example)
        runs = {run.optimizer: run for _, run in app.screen.runs}
        assert set(runs) == {"gd", "adam"}
        for run in runs.values():  # lr·L < 2 for gd: no oscillation at the edge of stability
            assert run.losses[-1] < 0.01 * run.losses[0]
        assert all(b <= a for a, b in zip(runs["gd"].losses, runs["gd"].losses[1:]))


async def test_the_options_example_is_shown_whole_at_80_columns(screen_text):
    app = SymnnApp(start="optimizer")
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        placeholder = app.screen.query_one("#options").placeholder
        assert placeholder in screen_text(app)


async def test_the_update_panel_writes_formulas_as_mathematics():
    app = SymnnApp(start="optimizer")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await _type_and_go(pilot, fx="x**2 + y**2", start="1, 1")
        await pilot.press("n")
        shown = app.screen.query_one("#update").content.plain
        assert "m = β₁·m_prev + (1-β₁)·g = 0.9·0 + (1-0.9)·2 = 0.2" in shown
        assert "g²" in shown and "√(v_hat) + ε" in shown
        assert not any(word in shown for word in ("beta1", "sqrt", "eps", "*"))


async def test_the_plot_title_writes_a_typed_function_as_mathematics(screen_text):
    app = SymnnApp(start="optimizer")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await _type_and_go(pilot, fx="x**2 + 4*y**2")
        assert "x² + 4·y², step 0" in screen_text(app)
        assert "x**2 + 4*y**2, step" not in screen_text(app)
