"""Training dashboard: one pipeline with `symnn train`, honest summaries, layers numbered
1..L, focus that stays put when a run ends."""

from __future__ import annotations

import json
import time

from symnn.cli import main
from tui.app import SymnnApp

SIZE = (120, 34)
_COMPARED = ("epoch", "train_loss", "train_accuracy", "val_loss", "val_accuracy", "lr",
             "grad_norms")


async def _wait_until(pilot, condition, timeout: float = 30.0) -> None:
    waited = 0.0
    while not condition() and waited < timeout:
        await pilot.pause(0.05)
        waited += 0.05


async def _fill(pilot, **fields: str) -> None:
    """Type values into the dashboard's fields (the dataset first: it loads its recipe)."""
    screen = pilot.app.screen
    if "dataset" in fields:
        screen.query_one("#dataset").value = fields.pop("dataset")
        await pilot.pause()
    for wid, text in fields.items():
        screen.query_one(f"#{wid}").value = text
    await pilot.pause()


async def test_the_app_and_symnn_train_give_the_same_history(capsys):
    settings = {"dataset": "circles", "depth": "2", "width": "8", "epochs": "3", "batch": "16",
                "lr": "0.05", "optimizer": "momentum", "scheduler": "step",
                "regularizer": "l2", "strength": "0.001"}
    assert main(["train", "--dataset", "circles", "--hidden", "8,8", "--epochs", "3",
                 "--batch-size", "16", "--lr", "0.05", "--optimizer", "momentum",
                 "--scheduler", "step", "--regularizer", "l2", "--strength", "0.001",
                 "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)["history"]
    app = SymnnApp(start="training")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _fill(pilot, **{k: v for k, v in settings.items()
                              if k not in ("optimizer", "scheduler", "regularizer")})
        for wid in ("optimizer", "scheduler", "regularizer"):
            app.screen.query_one(f"#{wid}").value = settings[wid]
        await pilot.pause()
        await pilot.press("t")
        await _wait_until(pilot, lambda: app.screen.history is not None)
        shown = app.screen.history.records()
    assert len(cli) == len(shown) == 3
    for epoch_cli, epoch_app in zip(cli, shown):
        assert {k: epoch_cli[k] for k in _COMPARED} == {k: epoch_app[k] for k in _COMPARED}
    assert shown[-1]["lr"] != shown[0]["lr"] or shown[0]["lr"] == 0.05  # the step schedule ran


async def test_choosing_a_dataset_fills_in_the_recipe_symnn_train_uses():
    from symnn.train.pipeline import RECIPES

    app = SymnnApp(start="training")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _fill(pilot, dataset="spirals")
        screen = app.screen
        recipe = RECIPES["spirals"]
        assert screen.query_one("#epochs").value == str(recipe.epochs)
        assert screen.query_one("#width").value == str(recipe.hidden[0])
        assert screen.query_one("#depth").value == str(len(recipe.hidden))
        assert screen.query_one("#batch").value == str(recipe.batch_size)
        spec = screen._spec()
    assert spec.hidden == recipe.hidden and spec.lr == recipe.lr


async def _one_epoch_with_batch_norm(pilot) -> None:
    """One epoch of 2 hidden layers with batch norm, finished."""
    await pilot.pause()
    await _fill(pilot, epochs="1", depth="2")
    pilot.app.screen.query_one("#batchnorm").value = True
    await pilot.pause()
    await pilot.press("t")
    await _wait_until(pilot, lambda: pilot.app.screen.history is not None)
    await pilot.pause()


async def test_gradient_norms_are_numbered_by_the_layers_that_hold_parameters():
    app = SymnnApp(start="training")
    async with app.run_test(size=SIZE) as pilot:
        await _one_epoch_with_batch_norm(pilot)
        layers = app.screen.data["layers"]
        plot = app.screen.query_one("#norm-plot")
        ticks = sorted(plot._plot.monitor.xticks[0])
        drawn = plot._plot.monitor
        points = sorted(x for xs in drawn.x for x in xs)
    # Linear, BN, (ReLU), Linear, BN, (ReLU), Linear: five layers hold parameters
    assert list(layers.values()) == ["Linear", "BatchNorm1d", "Linear", "BatchNorm1d", "Linear"]
    assert list(ticks) == [1, 2, 3, 4, 5]
    assert points == [1, 2, 3, 4, 5]  # one point per layer, no module indices 0, 1, 4, ...
    assert not any(drawn.lines)  # points, not a curve interpolated between layers


async def test_the_gradient_norm_plot_has_a_legend_naming_each_kind_of_layer_in_its_colour(
        screen_text):
    app = SymnnApp(start="training")
    async with app.run_test(size=(80, 24)) as pilot:
        await _one_epoch_with_batch_norm(pilot)
        await pilot.press("g")  # at 80x24 the gradient norms are on the second page
        await pilot.pause()
        shown = [line for line in screen_text(app).splitlines() if "╰" in line]
        colours = [list(c) for c in app.screen.query_one("#norm-plot")._plot.monitor.color]
    assert any("─ ● Linear  ● BatchNorm1d ─" in line for line in shown), shown
    assert colours[0] != colours[1]  # Linear and BatchNorm1d points differ in colour


async def test_a_one_epoch_run_says_epoch_in_the_singular(screen_text):
    app = SymnnApp(start="training")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _fill(pilot, epochs="1")
        await pilot.press("t")
        await _wait_until(pilot, lambda: app.screen.history is not None)
        status = app.screen.query_one("#tr-status").content.plain
    assert "after 1 epoch:" in status and "1 epochs" not in status


async def test_the_header_reports_the_last_validation_loss_after_a_stop():
    app = SymnnApp(start="training")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        await _fill(pilot, epochs="2000")
        await pilot.press("t")
        await _wait_until(pilot, lambda: screen.data is not None)
        await pilot.press("x")
        await _wait_until(pilot, lambda: not screen.running)
        await pilot.pause()
        last = [v for v in screen.history.val_loss if v is not None][-1]
        assert "val loss ?" not in screen.sub_title
        assert f"val loss {last:.4g}" in screen.sub_title


async def test_text_typed_while_a_run_finishes_stays_in_the_chosen_field(monkeypatch):
    import symnn.train.pipeline as pipeline

    real_fit = pipeline.fit

    def slow_fit(*args, **kwargs):  # a run that ends while the learner is typing
        time.sleep(0.6)
        return real_fit(*args, **kwargs)

    monkeypatch.setattr(pipeline, "fit", slow_fit)
    app = SymnnApp(start="training")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        await _fill(pilot, epochs="1")
        before = {wid: screen.query_one(f"#{wid}").value
                  for wid in ("depth", "width", "dropout", "epochs", "lr", "batch", "strength")}
        await pilot.press("t")
        await pilot.press("escape", "tab", "tab", "tab")
        chosen = screen.focused
        await pilot.press("end", "7")
        await _wait_until(pilot, lambda: not screen.running)
        await pilot.press("7", "7")
        await pilot.pause()
        assert screen.focused is chosen
        after = {wid: screen.query_one(f"#{wid}").value for wid in before}
    changed = {wid for wid in before if before[wid] != after[wid]}
    assert changed == {chosen.id} and after[chosen.id] == before[chosen.id] + "777"


async def test_at_80x24_the_plots_get_most_of_the_height_and_g_shows_the_other_two():
    app = SymnnApp(start="training")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        view = screen.query_one("#tr-plots").region

        def shown(wid):
            region = screen.query_one(f"#{wid}").region
            return view.contains_region(region) and region.height >= 14

        assert shown("loss-plot") and shown("acc-plot")
        assert not shown("norm-plot") and not shown("boundary-plot")
        await pilot.press("g")
        await pilot.pause()
        assert shown("norm-plot") and shown("boundary-plot") and not shown("loss-plot")
        await pilot.press("g")
        await pilot.pause()
        assert shown("loss-plot")


async def test_a_batch_norm_run_that_leaves_out_a_one_sample_batch_says_so():
    app = SymnnApp(start="training")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _fill(pilot, epochs="1", batch="3")  # moons: 130 training samples = 43*3 + 1
        app.screen.query_one("#batchnorm").value = True
        await pilot.pause()
        await pilot.press("t")
        await _wait_until(pilot, lambda: app.screen.history is not None)
        status = " ".join(app.screen.query_one("#tr-status").content.plain.split())
    assert "Finished after 1 epoch" in status
    assert "Note: the last training batch would hold 1 of the 130 samples" in status


async def test_quitting_during_a_run_ends_the_training_thread_at_once(monkeypatch):
    import threading

    import symnn.train.pipeline as pipeline

    real_fit, returned = pipeline.fit, threading.Event()

    def watched_fit(*args, **kwargs):
        try:
            return real_fit(*args, **kwargs)
        finally:
            returned.set()

    monkeypatch.setattr(pipeline, "fit", watched_fit)
    app = SymnnApp(start="training")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        await _fill(pilot, epochs="2000")
        await pilot.press("t")
        await _wait_until(pilot, lambda: screen.data is not None)
        start = time.monotonic()
        await pilot.press("q")
    # the loop sees the stop request after its current batch, long before 2000 epochs
    assert returned.wait(1.0) and time.monotonic() - start < 1.0
    assert len(screen.data["history"]["epoch"]) < 2000


async def test_once_quit_is_pressed_the_run_stops_and_draws_no_more_epochs(monkeypatch):
    import threading

    from tui.screens.training import TrainingScreen

    drawn_after_quit, quit_pressed = [], threading.Event()
    real_draw = TrainingScreen._draw

    def watched_draw(self, snap):
        if quit_pressed.is_set():
            drawn_after_quit.append(snap["history"]["epoch"][-1])
        return real_draw(self, snap)

    monkeypatch.setattr(TrainingScreen, "_draw", watched_draw)
    app = SymnnApp(start="training")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        await _fill(pilot, dataset="spirals", epochs="2000")
        await pilot.press("t")
        await _wait_until(pilot, lambda: screen.data is not None)
        quit_pressed.set()
        app.exit()  # what q does; the screen itself hears of it only when unmounted
        for _ in range(10):  # the epochs that would finish before the shutdown unmounts it
            await pilot.pause(0.05)
    assert drawn_after_quit == []


async def test_the_batch_norm_box_is_empty_when_unticked_and_crossed_when_ticked(screen_text):
    app = SymnnApp(start="training")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        off = [line for line in screen_text(app).splitlines() if "batch norm" in line]
        app.screen.query_one("#batchnorm").value = True
        await pilot.pause()
        on = [line for line in screen_text(app).splitlines() if "batch norm" in line]
    assert off and "▐ ▌ batch norm" in off[0] and "X" not in off[0].split("batch norm")[0][-6:]
    assert on and "▐X▌ batch norm" in on[0]


async def test_the_summary_says_its_train_loss_is_the_mean_of_the_last_epochs_batches():
    # symnn train's final "train" row re-evaluates the whole training set after the last epoch;
    # the dashboard shows the running mean of that epoch's batch losses and must say so
    app = SymnnApp(start="training")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _fill(pilot, epochs="2")
        await pilot.press("t")
        await _wait_until(pilot, lambda: app.screen.history is not None)
        status = app.screen.query_one("#tr-status").content.plain
        batch_mean = app.screen.history.train_loss[-1]
    assert f"train loss {batch_mean:.4g} (mean of the last epoch's batches)" in status


async def test_at_80x24_epoch_ticks_are_whole_numbers_titles_fit_and_the_legend_sits_below(
        screen_text):
    import re

    app = SymnnApp(start="training")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await _fill(pilot, epochs="31")
        await pilot.press("t")
        await _wait_until(pilot, lambda: app.screen.history is not None)
        await pilot.pause()
        first = screen_text(app).splitlines()
        await pilot.press("g")
        await pilot.pause()
        other = screen_text(app)
    ticks = [line for line in first if re.fullmatch(r"[│\s\d.]+", line) and re.search(r"\d", line)]
    assert ticks and not any("." in line for line in ticks)  # 1 9 17 25, never 15.8
    assert any("━ train ━ validation" in line and "╰" in line for line in first)
    assert not any("train" in line and "┤" in line for line in first)  # nothing drawn over
    assert "Gradient norms, last epoch" in other and "Decision boundary, val. points" in other
    assert "…" not in other


async def test_a_refused_field_gets_the_cursor_so_the_fix_is_typed_into_it(screen_text):
    app = SymnnApp(start="training")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        await _fill(pilot, depth="abc")
        await pilot.press("t")  # from the screen, not from a field
        await pilot.pause()
        assert "must be a whole number, got 'abc'" in screen_text(app)
        assert screen.focused is screen.query_one("#depth")
        await pilot.press("backspace", "backspace", "backspace", "2")
        await pilot.pause()
        assert app.screen is screen  # "2" did not switch to the network view
        assert screen.query_one("#depth").value == "2"
        assert "must be a whole number" not in screen_text(app)  # the fixed field's error goes


async def test_an_error_goes_when_the_vanishing_lesson_replaces_the_refused_value(screen_text):
    app = SymnnApp(start="training")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        await _fill(pilot, depth="abc")
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("escape", "v")
        await pilot.pause()
        assert screen.query_one("#depth").value == "6"
        assert "got 'abc'" not in screen_text(app)
        assert not screen.query_one("#error").shown


async def test_an_error_stays_while_its_field_is_still_wrong_and_names_what_it_holds():
    app = SymnnApp(start="training")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        await _fill(pilot, lr="fast")
        await pilot.press("t")
        await pilot.pause()
        assert screen.focused is screen.query_one("#lr")
        await pilot.press("x")  # typed into the field, not the stop key
        await pilot.pause()
        error = screen.query_one("#error")
        assert error.shown and "got 'fastx'" in str(error.render())


async def test_enter_in_a_field_starts_training_as_t_does():
    app = SymnnApp(start="training")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        await _fill(pilot, epochs="1")
        screen.set_focus(screen.query_one("#epochs"))
        await pilot.press("enter")
        await _wait_until(pilot, lambda: screen.history is not None)
        assert len(screen.history.epoch) == 1
        assert screen.focused is None  # the keys act on the screen again


async def test_enter_on_a_refused_value_keeps_the_cursor_in_that_field():
    app = SymnnApp(start="training")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        await _fill(pilot, width="0")
        screen.set_focus(screen.query_one("#width"))
        await pilot.press("enter")
        await pilot.pause()
        assert not screen.running and screen.query_one("#error").shown
        assert screen.focused is screen.query_one("#width")


def test_the_summary_prints_accuracy_with_four_decimals_as_symnn_train_does():
    from types import SimpleNamespace

    from tui.screens.training import _summary

    run = SimpleNamespace(epoch=[1, 2], train_loss=[0.5, 0.25], val_loss=[0.4, 0.2],
                          val_accuracy=[0.5, 1.0], stop_reason="")
    assert "val accuracy 1.0000" in _summary(run)
    run.val_accuracy = [0.5, None]  # a stopped epoch: the last recorded one
    assert "val accuracy 0.5000" in _summary(run)


async def test_the_gradient_norm_chart_has_two_labelled_ticks_even_for_one_layer_at_both_sizes(
        screen_text):
    import re

    for size in ((80, 24), (120, 34)):
        app = SymnnApp(start="training")
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await _fill(pilot, depth="0", epochs="1")  # one Linear layer: a single point
            await pilot.press("t")
            await _wait_until(pilot, lambda: app.screen.history is not None)
            await pilot.pause()
            if size == (80, 24):
                await pilot.press("g")
                await pilot.pause()
            region = app.screen.query_one("#norm-plot").region
            lines = screen_text(app).splitlines()[region.y:region.bottom]
            inside = [line[region.x:region.right] for line in lines]
        labels = [m.group(1) for line in inside for m in [re.search(r"│\s*([\d.e+-]+)┤", line)] if m]
        assert len(labels) >= 2, (size, inside)
        assert any(re.fullmatch(r"│\s+1\s+│", line) for line in inside), (size, inside)  # layer 1
        assert any("layer (1 = input side)" in line for line in inside), (size, inside)


def test_a_log_axis_too_narrow_for_two_round_ticks_is_widened_until_it_has_two():
    from tui.widgets.plot import log_range, log_ticks

    for values in ([0.0104], [0.0112, 0.0118], [3.3e-7, 3.4e-7], [0.99, 1.01]):
        assert len(log_ticks(values)[0]) < 2  # plotext would be left to label these
        low, high = log_range(values)
        ticks, labels = log_ticks([low, high])
        assert low <= min(values) and max(values) <= high and high / low < 4 * max(values) / min(values)
        assert len(ticks) >= 2 and len(set(labels)) == len(labels), (values, labels)
    assert log_range([0.001, 0.1]) == (0.001, 0.1)  # wide enough already: unchanged


def test_round_ticks_never_label_minus_zero_even_on_an_empty_range():
    from tui.widgets.plot import round_ticks

    for low, high in ((-0.0, -0.0), (-0.0, 1e-300), (-0.3, 0.3), (-2.51, 2.08)):
        assert not any(f"{t:g}" == "-0" for t in round_ticks(low, high)), (low, high)


async def test_a_python_error_during_training_is_reported_in_words(monkeypatch):
    import symnn.train.pipeline as pipeline

    def fails(*args, **kwargs):
        raise ZeroDivisionError("float division by zero")

    monkeypatch.setattr(pipeline, "fit", fails)
    app = SymnnApp(start="training")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        await _fill(pilot, epochs="1")
        await pilot.press("t")
        await _wait_until(pilot, lambda: not screen.running)
        status = screen.query_one("#tr-status").content.plain
    assert status == "Training failed: A division by zero."
