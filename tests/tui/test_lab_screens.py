"""Convexity lab and optimizer playground: verdicts, runs, the lr lesson, bad input."""

from __future__ import annotations

import threading

import symnn as sn
from tui.app import SymnnApp

SIZE = (120, 40)


async def _settle(pilot) -> None:
    """Wait for the screen's worker threads (the convexity analysis) and their redraw."""
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
        assert app.screen.a < a and app.screen.b > b


async def test_convexity_analyses_in_a_worker_showing_analysing_while_keys_keep_working(
        screen_text, monkeypatch):
    release = threading.Event()
    real = sn.convexity

    def slow(text, domain=None):  # a function SymPy takes seconds over, held until released
        if text == "(x+1)^99*(x-1)^99":
            release.wait(10)
        return real(text, domain=domain)

    app = SymnnApp(start="convexity")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        monkeypatch.setattr(sn, "convexity", slow)
        screen = app.screen
        before = screen.result
        screen.query_one("#fx").value = "(x+1)^99*(x-1)^99"
        screen.query_one("#fx").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert screen.analysing and "analysing" in screen_text(app)
        a = screen.a
        await pilot.press("h")  # the UI thread is free: the chord still moves
        assert screen.a < a and screen.result is before
        release.set()
        await _settle(pilot)
        assert not screen.analysing and "analysing" not in screen_text(app)
        assert screen.result.verdict == "neither" and "(x+1)" in screen_text(app).replace(" ", "")


async def test_a_newer_convexity_request_supersedes_a_slower_older_one(monkeypatch):
    release = threading.Event()
    real = sn.convexity

    def slow(text, domain=None):
        if text == "-x**2":
            release.wait(10)
        return real(text, domain=domain)

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
        await pilot.pause()
        await pilot.press("w")
        app.screen.k = app.screen.max_k
        statuses = [run.status for _, run in app.screen.runs]
    expected = [sn.lab.descend("w**2", optimizer="gd", lr=lr, start=[1.0], steps=20).status
                for lr in (0.4, 0.6, 1.2)]
    assert statuses == expected and expected[-1] == "diverged"


async def test_optimizer_steps_reveal_the_recorded_trajectory(screen_text):
    app = SymnnApp(start="optimizer")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n", "n")
        assert app.screen.k == 2
        assert "step 2 of" in screen_text(app)
        shown = app.screen.query_one("#update").content.plain
        for label, run in app.screen.runs:
            point = ", ".join(f"{v:.5g}" for v in run.points[2])
            assert f"{label}  step 2/{run.steps}  ({point})" in shown
        await pilot.press("r")
        assert app.screen.k == 0


async def test_optimizer_bad_lr_is_shown_not_raised():
    app = SymnnApp(start="optimizer")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        runs = app.screen.runs
        await _set(pilot, "lr", "fast")
        assert app.screen.query_one("#error").shown and app.screen.runs is runs


async def test_optimizer_unknown_option_is_shown_not_raised():
    app = SymnnApp(start="optimizer")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _set(pilot, "options", "wobble=3")
        assert app.screen.query_one("#error").shown and app.is_running


async def test_run_key_plays_and_pauses():
    app = SymnnApp(start="optimizer")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause(0.5)
        await pilot.press("u")
        k = app.screen.k
        await pilot.pause(0.3)
        assert k > 0 and app.screen.k == k


async def test_options_can_target_one_optimizer():
    app = SymnnApp(start="optimizer")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _set(pilot, "options", "adam.lr=0.05")
        labels = [label for label, _ in app.screen.runs]
        rates = {label.split()[0]: run.lr for label, run in app.screen.runs}
    assert rates == {"gd": 0.01, "adam": 0.05}, labels


async def test_options_for_an_unticked_optimizer_are_refused():
    app = SymnnApp(start="optimizer")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        runs = app.screen.runs
        await _set(pilot, "options", "rmsprop.alpha=0.9")
        assert app.screen.query_one("#error").shown and app.screen.runs is runs


async def test_bad_domain_gets_a_caret_under_the_domain_text(screen_text):
    app = SymnnApp(start="convexity")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        app.screen.query_one("#fx").value = "log(x)"
        await _set(pilot, "domain", "x>>0")
        lines = screen_text(app).splitlines()
        (row,) = [i for i, line in enumerate(lines) if line.strip("│ ") == "x>>0"]
        assert lines[row + 1].index("^") - lines[row].index("x>>0") == 2
