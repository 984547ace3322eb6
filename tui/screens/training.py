"""Screen 5, the training dashboard: train a model live in a worker thread.

The fields make a ``symnn.train.pipeline.TrainingSpec``; data, scaling, model, optimizer and
schedule come from ``pipeline.build`` and the run from ``pipeline.run`` (the same path as
``symnn train``, so the same settings give the same numbers). A callback hands each epoch's
history, per-layer gradient norms and decision-boundary predictions to the interface, and
checks pause and stop.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual import on, work
from textual.binding import Binding
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.css.query import NoMatches
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, Static

from tui.safety import describe, guarded
from tui.screens.base import SymnnScreen
from tui.values import fmt
from tui.widgets.error_panel import ErrorPanel
from tui.widgets.hardened import SafeSelect
from tui.widgets.plot import Plot

DATASETS = ("moons", "circles", "xor", "spirals", "blobs")  # two inputs: a boundary to draw
CLASS_COLORS = ("cyan", "magenta", "yellow", "green", "red")
GRID = 36  # decision-boundary resolution per axis

#: a spec setting -> the field's label, so a refused value is named as the learner sees it
_LABELS = {"hidden_layers": "hidden (the number of hidden layers)", "width": "width", "lr": "lr", "epochs": "epochs",
           "dropout": "dropout", "strength": "strength", "batch_size": "batch"}
#: a spec setting -> the id of the field that holds it (the cursor goes there on an error)
_FIELDS = {"hidden_layers": "depth", "batch_size": "batch", "width": "width", "lr": "lr",
           "epochs": "epochs", "dropout": "dropout", "strength": "strength",
           "dataset": "dataset", "activation": "activation", "optimizer": "optimizer",
           "scheduler": "scheduler", "regularizer": "regularizer"}


class FieldError(ValueError):
    """A field's value is refused; ``field`` is the id of the field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _recipe_fields(dataset: str) -> dict[str, str]:
    """The text of the recipe-driven fields for ``dataset`` (pipeline.RECIPES)."""
    from symnn.train.pipeline import RECIPES

    recipe = RECIPES[dataset]
    return {"depth": str(len(recipe.hidden)), "width": str(recipe.hidden[0] if recipe.hidden else 16),
            "lr": f"{recipe.lr:g}", "epochs": str(recipe.epochs), "batch": str(recipe.batch_size)}


class TickBox(Checkbox):
    """A checkbox whose box is empty when unticked: Textual's shows an X either way, in a dimmer
    colour only, which a learner reads as ticked."""

    def render(self):
        self.BUTTON_INNER = "X" if self.value else " "
        return super().render()


class TrainingScreen(SymnnScreen):
    """Set up a run, then start (t), pause (p) and stop (x) it; v loads the vanishing lesson."""

    SCREEN_NAME = "training"
    TITLE = "Training dashboard"
    HELP = (
        "Choose a dataset and a model (hidden: the number of hidden layers, each of the same "
        "width; activation, batch norm, dropout), "
        "an optimizer with its learning rate and batch size, a schedule and a regularizer; t "
        "(or enter in a field) starts training in the background, p pauses and resumes, x "
        "stops; a refused value is named and the cursor goes to its field. Choosing a dataset "
        "fills in its recipe (the defaults `symnn train` uses). The plots show training and "
        "validation loss and accuracy per epoch, the gradient norm of each layer that holds "
        "parameters, numbered from the input side (with a deep sigmoid network the first "
        "layers get far smaller gradients: press v), and the decision boundary in the scaled "
        "inputs. On a short terminal g shows the other plots. tab moves between the fields."
    )
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]
    BINDINGS = [
        Binding("t", "start", "Train"),
        Binding("p", "pause", "Pause"),
        Binding("x", "stop", "Stop"),
        Binding("v", "vanishing", "Vanishing"),
        Binding("g", "other_plots", "Plots"),
        Binding("escape", "leave_input", "Leave field"),
    ]

    def __init__(self) -> None:
        super().__init__(name="training")
        self.pause_event = threading.Event()
        self.stop_event = threading.Event()
        self.running = False
        self.data: dict[str, Any] | None = None
        self.history = None  # the last finished run's History
        self.spec = None     # the last run's resolved TrainingSpec
        self.error_field = ""  # the field whose refused value the error panel shows

    # ---- layout --------------------------------------------------------------------

    def compose_body(self) -> Iterable[Widget]:
        # one cell per field in a grid: 5 columns on a wide terminal, 4 on a narrow one
        # (the -narrow class), so no field is squeezed to a letter per line
        recipe = _recipe_fields("moons")

        def choice(label, options, value, wid):
            with Horizontal(classes="tr-field"):
                yield Label(label, classes="label")
                yield SafeSelect([(o, o) for o in options], value=value, allow_blank=False,
                                 id=wid, compact=True)

        def field(label, value, wid):
            with Horizontal(classes="tr-field"):
                yield Label(label, classes="label")
                yield Input(value=value, id=wid, compact=True)

        from symnn.train import ACTIVATION_CHOICES
        from symnn.train.pipeline import OPTIMIZERS, REGULARIZERS, SCHEDULERS

        with Grid(id="tr-fields"):
            yield from choice("data", DATASETS, "moons", "dataset")
            yield from field("hidden", recipe["depth"], "depth")
            yield from field("width", recipe["width"], "width")
            yield from choice("activation", ACTIVATION_CHOICES, "relu", "activation")
            with Horizontal(classes="tr-field"):
                yield TickBox("batch norm", id="batchnorm", compact=True)
            yield from field("dropout", "0", "dropout")
            yield from field("epochs", recipe["epochs"], "epochs")
            yield from choice("optimizer", OPTIMIZERS, "adam", "optimizer")
            yield from field("lr", recipe["lr"], "lr")
            yield from field("batch", recipe["batch"], "batch")
            yield from choice("schedule", SCHEDULERS, "none", "scheduler")
            yield from choice("regularize", REGULARIZERS, "none", "regularizer")
            yield from field("strength", "1e-4", "strength")
        yield ErrorPanel(id="error")
        with VerticalScroll(id="tr-plots"):
            with Grid(id="tr-grid"):
                yield Plot(id="loss-plot", classes="panel")
                yield Plot(id="acc-plot", classes="panel")
                yield Plot(id="norm-plot", classes="panel")
                yield Plot(id="boundary-plot", classes="panel")
        yield Static(id="tr-status")

    def on_mount(self) -> None:
        titles = {"#loss-plot": "Loss per epoch", "#acc-plot": "Accuracy per epoch",
                  "#norm-plot": "Gradient norms, last epoch",
                  "#boundary-plot": "Decision boundary, val. points"}
        for selector, title in titles.items():
            self.query_one(selector).border_title = title
        for selector in ("#loss-plot", "#acc-plot"):  # the legend under the plot, not on it
            self.query_one(selector).border_subtitle = "[cyan]━ train[/] [magenta]━ validation[/]"
        self.query_one("#tr-plots").can_focus = False  # tab goes from field to field
        self._status("Ready: t starts training, v loads the vanishing-gradient lesson.")

    def on_unmount(self) -> None:
        self.stop_event.set()
        self.pause_event.clear()

    # ---- reading the fields ----------------------------------------------------------

    def _spec(self):
        """The resolved TrainingSpec the fields describe; FieldError names a bad field."""
        from symnn.train.pipeline import SpecError, TrainingSpec, check_range

        def value(wid):
            return self.query_one(f"#{wid}").value

        def number(wid, kind, what):
            text = str(value(wid)).strip()
            try:
                return kind(text)
            except ValueError:
                kind_name = "a whole number" if kind is int else "a number"
                raise FieldError(wid, f"{what} must be {kind_name}, got {text!r}") from None

        depth = number("depth", int, _LABELS["hidden_layers"])
        width = number("width", int, "width")
        try:
            check_range("hidden_layers", depth)  # before building a tuple of that length
            return TrainingSpec(
                dataset=value("dataset"), hidden=(width,) * depth, activation=value("activation"),
                batchnorm=bool(value("batchnorm")), dropout=number("dropout", float, "dropout"),
                optimizer=value("optimizer"), lr=number("lr", float, "lr"),
                batch_size=number("batch", int, "batch"), scheduler=value("scheduler"),
                regularizer=value("regularizer"),
                strength=number("strength", float, "strength"),
                epochs=number("epochs", int, "epochs")).resolved()
        except SpecError as exc:
            raise FieldError(_FIELDS.get(exc.setting, ""),
                             f"{_LABELS.get(exc.setting, exc.setting)} {exc.problem}") from None

    # ---- actions -------------------------------------------------------------------

    @guarded
    def action_start(self) -> None:
        """Read the fields and train in a worker thread (one run at a time); a refused value
        is shown and the cursor goes to its field, so the keys typed next correct it."""
        if self.running:
            self.notify("A run is in progress: x stops it.", severity="warning")
            return
        error = self.query_one("#error", ErrorPanel)
        try:
            spec = self._spec()
        except FieldError as exc:
            error.show_message(describe(exc))
            self.error_field = exc.field
            if exc.field and self.focused is None:
                if isinstance(self.query_one(f"#{exc.field}"), Input):
                    self.editing = exc.field
                    self._keep_editing(exc.field)
                else:
                    self.set_focus(self.query_one(f"#{exc.field}"))
            return
        self.error_field = ""
        error.clear()
        self.pause_event.clear()
        self.stop_event.clear()
        self.running = True
        self._status(f"Training {spec.dataset} for {_epochs(spec.epochs)} ...")
        self.train(spec)

    @guarded
    def action_pause(self) -> None:
        if not self.running:
            return
        if self.pause_event.is_set():
            self.pause_event.clear()
            self._status("Resumed.")
        else:
            self.pause_event.set()
            self._status("Paused: p resumes, x stops.")

    @guarded
    def action_stop(self) -> None:
        if self.running:
            self.stop_event.set()
            self.pause_event.clear()

    @guarded
    def action_other_plots(self) -> None:
        """On a short terminal the plots come two at a time: show the other two."""
        scroll = self.query_one("#tr-plots", VerticalScroll)
        if scroll.max_scroll_y == 0:
            return
        at_top = scroll.scroll_y < scroll.max_scroll_y / 2
        scroll.scroll_to(y=scroll.max_scroll_y if at_top else 0, animate=False)

    @guarded
    def action_vanishing(self) -> None:
        """A deep sigmoid network: the layers near the input get the smallest gradients."""
        if self.running:  # the fields would no longer describe the run on screen
            self.notify("A run is in progress: x stops it, then v loads the lesson.",
                        severity="warning")
            return
        settings = {"depth": "6", "width": "16", "lr": "0.1", "epochs": "30"}
        for wid, text in settings.items():
            self.query_one(f"#{wid}", Input).value = text
        self.query_one("#activation", Select).value = "sigmoid"
        self.query_one("#optimizer", Select).value = "sgd"
        self.query_one("#batchnorm", Checkbox).value = False
        self._status("Vanishing-gradient lesson loaded (6 sigmoid layers, plain SGD): t trains; "
                     "then choose relu and train again to compare the gradient norms.")

    @on(Select.Changed, "#dataset")
    @guarded
    def _dataset_chosen(self, event: Select.Changed) -> None:
        """A dataset brings its recipe: the same defaults as ``symnn train``."""
        if event.value not in DATASETS or self.running:
            return
        fields = _recipe_fields(str(event.value))
        if all(self.query_one(f"#{wid}", Input).value == text for wid, text in fields.items()):
            return
        for wid, text in fields.items():
            self.query_one(f"#{wid}", Input).value = text
        self._status(f"{event.value}: its recipe is filled in ({fields['depth']} hidden layers of "
                     f"{fields['width']}, lr {fields['lr']}, batch {fields['batch']}, "
                     f"{fields['epochs']} epochs).")

    # ---- the worker ----------------------------------------------------------------

    @work(thread=True, exclusive=True, group="training")
    def train(self, spec) -> None:
        """Build the run through symnn.train.pipeline, then train with a live callback."""
        history, failed = None, True
        try:
            history, notes = self._run(spec)
            message, failed = " ".join([_summary(history), *(f"Note: {n}." for n in notes)]), False
        except MemoryError:
            message = "Training failed: not enough memory; choose fewer or narrower layers."
        except Exception as exc:  # any failure is reported in the app, in words
            message = f"Training failed: {describe(exc)}"
        try:
            self.app.call_from_thread(self._finished, message, failed, spec, history)
        except RuntimeError:
            pass  # the app closed while training

    def _run(self, spec):
        """Train ``spec`` with the live view; return its History and the pipeline's notes."""
        import numpy as np

        from symnn import train
        from symnn.train import pipeline

        setup = pipeline.build(spec)
        model, data = setup.model, setup.data
        X = np.concatenate([data.X_train, data.X_val, data.X_test])
        lo, hi = X.min(axis=0) - 0.3, X.max(axis=0) + 0.3  # the plotted window (scaled inputs)
        gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], GRID), np.linspace(lo[1], hi[1], GRID))
        grid = np.stack([gx.ravel(), gy.ravel()], axis=1).astype(np.float32)
        layers = train.parameter_layers(model)
        screen, app = self, self.app

        def quitting() -> bool:
            """The app is shutting down (q, ctrl+q, the palette): the screen learns it only
            when unmounted, a fraction of a second later, so the run checks the app itself."""
            return bool(getattr(app, "_exit", False)) or not app.is_running

        class Live(train.Callback):
            """Hands each epoch to the interface; honours pause, stop and quit between
            batches, and draws nothing more once the app is quitting."""

            def on_batch_end(self, state) -> None:
                while (screen.pause_event.is_set() and not screen.stop_event.is_set()
                       and not quitting()):
                    time.sleep(0.05)
                if quitting():
                    state.request_stop("the app closed")
                elif screen.stop_event.is_set():
                    state.request_stop("stopped by the learner")

            def on_epoch_end(self, state) -> None:
                if quitting():
                    return
                snapshot = {
                    "history": {k: list(getattr(state.history, k)) for k in
                                ("epoch", "train_loss", "val_loss", "train_accuracy",
                                 "val_accuracy", "lr", "grad_norms")},
                    "boundary": train.predictions(train.predict(model, grid)), "grid": grid,
                    "Xva": data.X_val, "yva": data.y_val, "epochs": spec.epochs,
                    "layers": layers,
                }
                try:
                    app.call_from_thread(screen._update, snapshot)
                except RuntimeError:  # the app closed: stop training
                    state.request_stop("the app closed")

        return pipeline.run(setup, callbacks=[Live()], measure=False).history, setup.notes

    # ---- drawing (main thread) -------------------------------------------------------

    def _finished(self, message: str, failed: bool, spec, history) -> None:
        """The run ended: record it and say so (the focus stays where the learner put it)."""
        self.running = False
        self.pause_event.clear()
        self.spec, self.history = spec, history
        self._status(message, error=failed)

    def _status(self, message: str, error: bool = False) -> None:
        try:
            status = self.query_one("#tr-status", Static)
        except NoMatches:
            return  # the screen is closing
        status.update(Text(message, style="red" if error else ""))

    def _update(self, snap: dict[str, Any]) -> None:
        """Redraw the four plots from one epoch's snapshot (skipped once the app quits or
        the screen closes: an epoch in flight when q was pressed is not drawn)."""
        if getattr(self.app, "_exit", False):
            return
        self.data = snap
        try:
            self._draw(snap)
        except NoMatches:
            pass

    def _draw(self, snap: dict[str, Any]) -> None:
        h = snap["history"]
        epochs = h["epoch"]
        loss = self.query_one("#loss-plot", Plot)
        loss.reset()
        _line(loss, epochs, h["train_loss"], "cyan")
        _line(loss, epochs, h["val_loss"], "magenta")
        loss.round_ticks("y", [v for v in (*h["train_loss"], *h["val_loss"]) if v is not None],
                         most=6)
        _epoch_axis(loss, snap["epochs"])
        loss.refresh()
        acc = self.query_one("#acc-plot", Plot)
        acc.reset()
        _line(acc, epochs, h["train_accuracy"], "cyan")
        _line(acc, epochs, h["val_accuracy"], "magenta")
        _epoch_axis(acc, snap["epochs"])
        acc.plt.ylim(0, 1)
        acc.round_ticks("y", [0.0, 1.0], most=6)
        acc.refresh()
        self._norms(snap)
        self._boundary(snap)
        self.sub_title = (f"epoch {epochs[-1]}/{snap['epochs']}  lr {fmt(h['lr'][-1], 3)}  "
                          f"val loss {fmt(_last_value(h['val_loss']), 4)}"
                          + ("  ⏸ paused" if self.pause_event.is_set() else ""))

    def _norms(self, snap: dict[str, Any]) -> None:
        """One point per layer that holds parameters, numbered 1..L from the input side, on a
        log scale; batch-norm layers in their own colour."""
        plot = self.query_one("#norm-plot", Plot)
        plot.reset()
        norms = snap["history"]["grad_norms"][-1] if snap["history"]["grad_norms"] else {}
        layers = snap["layers"]
        kinds: dict[str, tuple[list[int], list[float]]] = {}
        for number, (name, kind) in enumerate(layers.items(), start=1):
            value = norms.get(name)
            if value is not None and value > 0 and math.isfinite(value):
                xs, ys = kinds.setdefault(kind, ([], []))
                xs.append(number)
                ys.append(value)
        legend = Text()
        if kinds:
            colors = ("yellow", "cyan", "green", "magenta")
            for i, (kind, (xs, ys)) in enumerate(kinds.items()):
                color = colors[i % len(colors)]
                plot.plt.scatter(xs, ys, color=color, marker="●")
                legend.append(("  " if i else "") + "● ", style=color)
                legend.append(kind)
            plot.plt.yscale("log")
            plot.log_yaxis(y for _, ys in kinds.values() for y in ys)
            count = len(layers)
            step = max(1, math.ceil(count / 12))  # at most about 12 labels
            ticks = list(range(1, count + 1, step))
            plot.plt.xticks(ticks, [str(t) for t in ticks])
            plot.plt.xlim(0.5, count + 0.5)
            plot.plt.xlabel("layer (1 = input side)")
        plot.border_subtitle = legend  # which point is which layer, below the plot
        plot.refresh()

    def _boundary(self, snap: dict[str, Any]) -> None:
        plot = self.query_one("#boundary-plot", Plot)
        plot.reset()
        grid, pred = snap["grid"], snap["boundary"]
        for c in range(int(max(pred.max(), snap["yva"].max())) + 1):
            color = CLASS_COLORS[c % len(CLASS_COLORS)]
            region = grid[pred == c]
            if len(region):
                plot.plt.scatter(region[:, 0].tolist(), region[:, 1].tolist(), color=color,
                                 marker="·")
            points = snap["Xva"][snap["yva"] == c]
            if len(points):
                plot.plt.scatter(points[:, 0].tolist(), points[:, 1].tolist(), color=color,
                                 marker="●")
        plot.round_ticks("x", grid[:, 0].tolist())
        plot.round_ticks("y", grid[:, 1].tolist())
        plot.refresh()

    @on(Input.Submitted)
    @guarded
    def _submitted(self, event: Input.Submitted) -> None:
        """Enter in a field starts training, as t does (the optimizer playground and the
        convexity lab run on enter too); during a run it only leaves the field."""
        self.leave_entered_field(event.input)
        if not self.running:
            self.action_start()

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    @guarded
    def _field_changed(self, event) -> None:
        """An error about a field goes once that field holds an acceptable value (typed, or
        filled in by a recipe or the vanishing lesson)."""
        if not self.error_field:
            return
        try:
            self._spec()
        except FieldError as exc:
            if exc.field == self.error_field:  # still wrong: say what it holds now
                self.query_one("#error", ErrorPanel).show_message(str(exc))
                return
        self.error_field = ""
        self.query_one("#error", ErrorPanel).clear()


def _epochs(n: int) -> str:
    return f"{n} epoch" if n == 1 else f"{n} epochs"


def _summary(history) -> str:
    """What a finished (or stopped) run reached: the last recorded numbers, since a run
    stopped mid-epoch has no validation for that epoch. The train loss is the mean of the last
    epoch's batch losses (symnn train's final row re-evaluates the whole training set instead)."""
    summary = (f"Finished after {_epochs(len(history.epoch))}: train loss "
               f"{fmt(_last_value(history.train_loss), 4)} (mean of the last epoch's batches), "
               f"val loss "
               f"{fmt(_last_value(history.val_loss), 4)}, val accuracy "
               f"{_accuracy(_last_value(history.val_accuracy))}")
    if history.stop_reason:
        summary += f" ({history.stop_reason})"
    return summary


def _accuracy(value: float | None) -> str:
    """An accuracy with four decimals always (1.0000, 0.5000, 0.8667), as ``symnn train``
    prints it, so the two agree and two runs' numbers line up; ? when none was recorded."""
    return "?" if value is None else f"{value:.4f}"


def _line(plot: Plot, xs, ys, color: str) -> None:
    """Plot the recorded values that exist (validation may be missing on a stopped epoch)."""
    pairs = [(x, y) for x, y in zip(xs, ys) if y is not None and math.isfinite(y)]
    if pairs:
        plot.plt.plot([p[0] for p in pairs], [p[1] for p in pairs], color=color,
                      marker="braille")


def _epoch_axis(plot: Plot, epochs: int) -> None:
    """Epochs 1..N on the x axis with whole-number ticks (at most five labels)."""
    last = max(epochs, 2)
    plot.whole_xticks(1, last)
    plot.plt.xlim(1, last)


def _last_value(values) -> float | None:
    """The last recorded number of a history column (None when none was recorded)."""
    for value in reversed(list(values)):
        if value is not None and math.isfinite(value):
            return value
    return None
