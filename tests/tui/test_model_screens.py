"""Training dashboard: training runs live, in a worker."""

from __future__ import annotations

import numpy as np

from tui.app import SymnnApp

SIZE = (120, 40)


async def _wait_until(pilot, condition, timeout: float = 20.0) -> None:
    waited = 0.0
    while not condition() and waited < timeout:
        await pilot.pause(0.1)
        waited += 0.1


async def test_training_runs_in_a_worker_and_draws_each_epoch():
    app = SymnnApp(start="training")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        screen.query_one("#epochs").value = "3"
        await pilot.press("t")
        await _wait_until(pilot, lambda: not screen.running)
        history = screen.data["history"]
        assert history["epoch"] == [1, 2, 3]
        assert len(history["grad_norms"][-1]) == 3  # two hidden layers and the output layer
        assert screen.data["boundary"].shape == (screen.data["grid"].shape[0],)


async def test_training_stop_key_ends_the_run_early():
    app = SymnnApp(start="training")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        screen.query_one("#epochs").value = "2000"
        await pilot.press("t")
        await _wait_until(pilot, lambda: screen.data is not None)
        await pilot.press("p")
        assert screen.pause_event.is_set()
        await pilot.press("x")
        await _wait_until(pilot, lambda: not screen.running)
        assert not screen.running and len(screen.data["history"]["epoch"]) < 2000


async def test_training_bad_field_is_shown_and_nothing_starts(screen_text):
    app = SymnnApp(start="training")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.query_one("#lr").value = "-1"
        await pilot.press("t")
        assert not app.screen.running
        assert "lr must be a number above 0" in screen_text(app)


async def test_vanishing_lesson_sets_a_deep_sigmoid_network():
    app = SymnnApp(start="training")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("v")
        spec = app.screen._spec()
    assert (spec.activation, len(spec.hidden)) == ("sigmoid", 6)
    assert np.isfinite(spec.lr)


async def test_training_fields_each_fit_on_one_line_at_80x24(screen_text):
    app = SymnnApp(start="training")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        for wid in ("dataset", "depth", "width", "activation", "batchnorm", "dropout",
                    "optimizer", "lr", "scheduler", "regularizer", "strength", "epochs"):
            region = screen.query_one(f"#{wid}").region
            assert region.height == 1 and region.width >= 4, wid
        text = screen_text(app)
        assert "lr 0.01" in text and "data moons" in text
        assert all(screen.query_one(f"#{p}").region.height >= 6
                   for p in ("loss-plot", "acc-plot", "norm-plot", "boundary-plot"))


async def test_gradient_norm_plot_survives_a_resize(screen_text):
    app = SymnnApp(start="training")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        screen.query_one("#epochs").value = "2"
        await pilot.press("t")
        await _wait_until(pilot, lambda: not screen.running)
        await pilot.pause()
        for size in ((120, 40), (80, 24)):  # each size builds the log-scale plot again
            await pilot.resize_terminal(*size)
            await pilot.pause(0.1)
            assert "plot unavailable" not in screen_text(app)


async def test_stopped_run_summary_reports_the_last_validation_values(screen_text):
    app = SymnnApp(start="training")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        screen.query_one("#epochs").value = "2000"
        await pilot.press("t")
        await _wait_until(pilot, lambda: screen.data is not None)
        await pilot.press("x")
        await _wait_until(pilot, lambda: not screen.running)
        await pilot.pause()
        status = screen.query_one("#tr-status").content.plain
        assert "val loss ?" not in status and "val accuracy ?" not in status, status
        last = [v for v in screen.data["history"]["val_loss"] if v is not None][-1]
        assert f"val loss {last:.4g}" in status


async def test_vanishing_lesson_is_refused_while_a_run_is_in_progress():
    app = SymnnApp(start="training")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        screen.query_one("#epochs").value = "2000"
        await pilot.press("t")
        await _wait_until(pilot, lambda: screen.data is not None)
        await pilot.press("v")
        await pilot.pause()
        assert screen.query_one("#epochs").value == "2000" and screen.running
        assert screen.query_one("#activation").value == "relu"
        await pilot.press("x")
        await _wait_until(pilot, lambda: not screen.running)
