"""Screen 5, the training dashboard: train a model live in a worker thread.

The model comes from ``symnn.train.mlp``, the optimizer from ``symnn.train.make_optimizer``,
the loop is ``symnn.train.fit``; a callback hands each epoch's history, per-layer gradient
norms and decision-boundary predictions to the interface, and checks pause and stop.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on, work
from textual.binding import Binding
from textual.containers import Grid, Horizontal
from textual.css.query import NoMatches
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, Static

from tui.safety import describe, guarded
from tui.screens.base import SymnnScreen
from tui.values import ValuesError, fmt
from tui.widgets.error_panel import ErrorPanel
from tui.widgets.hardened import SafeSelect
from tui.widgets.plot import Plot

DATASETS = ("moons", "circles", "xor", "spirals", "blobs")
ACTIVATIONS = ("relu", "leaky_relu", "tanh", "sigmoid")
OPTIMIZERS = ("adam", "sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop", "adamw")
SCHEDULERS = ("none", "step", "cosine", "plateau", "cyclic")
REGULARIZERS = ("none", "l2", "l1")
CLASS_COLORS = ("cyan", "magenta", "yellow", "green", "red")
GRID = 36  # decision-boundary resolution per axis


@dataclass
class Config:
    """Everything the learner chose for one training run."""

    dataset: str
    depth: int
    width: int
    activation: str
    batchnorm: bool
    dropout: float
    optimizer: str
    lr: float
    scheduler: str
    regularizer: str
    strength: float
    epochs: int
    batch_size: int


class TrainingScreen(SymnnScreen):
    """Set up a run, then start (t), pause (p) and stop (x) it; v loads the vanishing lesson."""

    SCREEN_NAME = "training"
    TITLE = "Training dashboard"
    HELP = (
        "Choose a dataset and a model (hidden layers, width, activation, batch norm, dropout), "
        "an optimizer with its learning rate, a scheduler and a regularizer; t starts training "
        "in the background, p pauses and resumes, x stops. The plots show training and "
        "validation loss and accuracy per epoch, the gradient norm of each layer (with a deep "
        "sigmoid network the layers near the input get far smaller gradients: press v), and "
        "the decision boundary. tab moves between the fields."
    )
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    BINDINGS = [
        Binding("t", "start", "Train"),
        Binding("p", "pause", "Pause/resume"),
        Binding("x", "stop", "Stop"),
        Binding("v", "vanishing", "Vanishing lesson"),
        Binding("escape", "leave_input", "Leave field"),
    ]

    def __init__(self) -> None:
        super().__init__(name="training")
        self.pause_event = threading.Event()
        self.stop_event = threading.Event()
        self.running = False
        self.data: dict[str, Any] | None = None

    # ---- layout --------------------------------------------------------------------

    def compose_body(self) -> Iterable[Widget]:
        # one cell per field in a grid: 6 columns on a wide terminal, 4 on a narrow one
        # (the -narrow class below), so no field is squeezed to a letter per line
        def choice(label, options, value, wid):
            with Horizontal(classes="tr-field"):
                yield Label(label, classes="label")
                yield SafeSelect([(o, o) for o in options], value=value, allow_blank=False,
                                 id=wid, compact=True)

        def field(label, value, wid):
            with Horizontal(classes="tr-field"):
                yield Label(label, classes="label")
                yield Input(value=value, id=wid, compact=True)

        with Grid(id="tr-fields"):
            yield from choice("data", DATASETS, "moons", "dataset")
            yield from field("hidden layers", "2", "depth")
            yield from field("width", "16", "width")
            yield from choice("activation", ACTIVATIONS, "relu", "activation")
            with Horizontal(classes="tr-field"):
                yield Checkbox("batch norm", id="batchnorm", compact=True)
            yield from field("dropout", "0", "dropout")
            yield from choice("optimizer", OPTIMIZERS, "adam", "optimizer")
            yield from field("lr", "0.01", "lr")
            yield from choice("schedule", SCHEDULERS, "none", "scheduler")
            yield from choice("regularize", REGULARIZERS, "none", "regularizer")
            yield from field("strength", "1e-4", "strength")
            yield from field("epochs", "60", "epochs")
        yield ErrorPanel(id="error")
        with Grid(id="tr-grid"):
            yield Plot(id="loss-plot", classes="panel")
            yield Plot(id="acc-plot", classes="panel")
            yield Plot(id="norm-plot", classes="panel")
            yield Plot(id="boundary-plot", classes="panel")
        yield Static(id="tr-status")

    def on_mount(self) -> None:
        titles = {"#loss-plot": "Loss per epoch", "#acc-plot": "Accuracy per epoch",
                  "#norm-plot": "Gradient norm per layer (last epoch)",
                  "#boundary-plot": "Decision boundary (validation points)"}
        for selector, title in titles.items():
            self.query_one(selector).border_title = title
        self._status("Ready: t starts training, v loads the vanishing-gradient lesson.")

    def on_unmount(self) -> None:
        self.stop_event.set()
        self.pause_event.clear()

    # ---- reading the fields ----------------------------------------------------------

    def _config(self) -> Config:
        def value(wid):
            return self.query_one(f"#{wid}").value

        def number(wid, kind, lo, hi, what):
            text = str(value(wid)).strip()
            try:
                x = kind(text)
            except ValueError:
                kind_name = "a whole number" if kind is int else "a number"
                raise ValuesError(f"{what} must be {kind_name}, got {text!r}", 0) from None
            if not lo <= x <= hi:
                raise ValuesError(f"{what} must be between {lo} and {hi}, got {text}", 0)
            return x

        return Config(
            dataset=value("dataset"), activation=value("activation"),
            optimizer=value("optimizer"), scheduler=value("scheduler"),
            regularizer=value("regularizer"), batchnorm=bool(value("batchnorm")),
            depth=number("depth", int, 0, 12, "hidden layers"),
            width=number("width", int, 1, 256, "width"),
            dropout=number("dropout", float, 0.0, 0.95, "dropout"),
            lr=number("lr", float, 1e-8, 100.0, "lr"),
            strength=number("strength", float, 0.0, 10.0, "strength"),
            epochs=number("epochs", int, 1, 2000, "epochs"),
            batch_size=32,
        )

    # ---- actions -------------------------------------------------------------------

    @guarded
    def action_start(self) -> None:
        """Read the fields and train in a worker thread (one run at a time)."""
        if self.running:
            self.notify("A run is in progress: x stops it.", severity="warning")
            return
        error = self.query_one("#error", ErrorPanel)
        try:
            config = self._config()
        except ValueError as exc:
            error.show_message(str(exc))
            return
        error.clear()
        self.set_focus(None)
        self.pause_event.clear()
        self.stop_event.clear()
        self.running = True
        self._status(f"Training {config.dataset} for {config.epochs} epochs ...")
        self.train(config)

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

    # ---- the worker ----------------------------------------------------------------

    @work(thread=True, exclusive=True, group="training")
    def train(self, config: Config) -> None:
        """Build data, model and optimizer through symnn.train, then fit with a live callback."""
        try:
            message, failed = self._run(config), False
        except Exception as exc:  # any failure is reported in the app
            message, failed = f"Training failed: {describe(exc)}", True
        try:
            self.app.call_from_thread(self._finished, message, failed)
        except RuntimeError:
            pass  # the app closed while training

    def _run(self, config: Config) -> str:
        import numpy as np

        import symnn as sn
        from symnn import nn, train
        from symnn.optim import lr_scheduler

        sn.manual_seed(0)
        X, y = sn.data.datasets.load(config.dataset)
        X = X.astype(np.float32)
        (Xtr, ytr), (Xva, yva), _ = train.train_val_test_split(X, y, seed=0)
        classes = int(np.max(y)) + 1
        model = train.mlp([X.shape[1]] + [config.width] * config.depth + [classes],
                          config.activation, batchnorm=config.batchnorm, dropout=config.dropout)
        optimizer = train.make_optimizer(config.optimizer, model.parameters(), config.lr)
        scheduler = {
            "none": lambda: None,
            "step": lambda: lr_scheduler.StepLR(optimizer, step_size=max(1, config.epochs // 3),
                                                gamma=0.3),
            "cosine": lambda: lr_scheduler.CosineAnnealingLR(optimizer, T_max=config.epochs),
            "plateau": lambda: lr_scheduler.ReduceLROnPlateau(optimizer, patience=5),
            "cyclic": lambda: lr_scheduler.CyclicLR(optimizer, base_lr=config.lr / 10,
                                                    max_lr=config.lr, step_size_up=20),
        }[config.scheduler]()
        regularizer = {"none": None, "l2": lambda: train.L2(config.strength),
                       "l1": lambda: train.L1(config.strength)}[config.regularizer]
        lo, hi = X.min(axis=0) - 0.3, X.max(axis=0) + 0.3  # the plotted window
        grid = None
        if X.shape[1] == 2:
            gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], GRID), np.linspace(lo[1], hi[1], GRID))
            grid = np.stack([gx.ravel(), gy.ravel()], axis=1).astype(np.float32)
        screen = self

        class Live(train.Callback):
            """Hands each epoch to the interface; honours pause and stop between batches."""

            def on_batch_end(self, state) -> None:
                while screen.pause_event.is_set() and not screen.stop_event.is_set():
                    time.sleep(0.05)
                if screen.stop_event.is_set():
                    state.request_stop("stopped by the learner")

            def on_epoch_end(self, state) -> None:
                boundary = (train.predictions(train.predict(model, grid))
                            if grid is not None else None)
                snapshot = {
                    "history": {k: list(getattr(state.history, k)) for k in
                                ("epoch", "train_loss", "val_loss", "train_accuracy",
                                 "val_accuracy", "lr", "grad_norms")},
                    "boundary": boundary, "grid": grid, "Xva": Xva, "yva": yva,
                    "epochs": config.epochs, "model": str(model).count("Linear("),
                }
                try:
                    screen.app.call_from_thread(screen._update, snapshot)
                except RuntimeError:  # the app closed: stop training
                    state.request_stop("the app closed")

        history = train.fit(model, nn.CrossEntropyLoss(), optimizer,
                            train.array_loader(Xtr, ytr, config.batch_size, shuffle=True, seed=0),
                            train.array_loader(Xva, yva, 512), epochs=config.epochs,
                            scheduler=scheduler, regularizer=regularizer() if regularizer else None,
                            callbacks=[Live(), train.DivergenceGuard()], progress=False)
        last = len(history.epoch)
        # a run stopped mid-epoch has no validation for that epoch: report the last one made
        summary = (f"Finished after {last} epochs: train loss "
                   f"{fmt(_last_value(history.train_loss), 4)}, val loss "
                   f"{fmt(_last_value(history.val_loss), 4)}, val accuracy "
                   f"{fmt(_last_value(history.val_accuracy), 3)}")
        if history.stop_reason:
            summary += f" ({history.stop_reason})"
        return summary

    # ---- drawing (main thread) -------------------------------------------------------

    def _finished(self, message: str, failed: bool) -> None:
        self.running = False
        self.pause_event.clear()
        self._status(message, error=failed)

    def _status(self, message: str, error: bool = False) -> None:
        try:
            status = self.query_one("#tr-status", Static)
        except NoMatches:
            return  # the screen is closing
        status.update(Text(message, style="red" if error else ""))

    def _update(self, snap: dict[str, Any]) -> None:
        """Redraw the four plots from one epoch's snapshot (skipped once the screen closes)."""
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
        _line(loss, epochs, h["train_loss"], "train", "cyan")
        _line(loss, epochs, h["val_loss"], "validation", "magenta")
        loss.plt.xlim(1, max(snap["epochs"], 2))
        loss.refresh()
        acc = self.query_one("#acc-plot", Plot)
        acc.reset()
        _line(acc, epochs, h["train_accuracy"], "train", "cyan")
        _line(acc, epochs, h["val_accuracy"], "validation", "magenta")
        acc.plt.xlim(1, max(snap["epochs"], 2))
        acc.plt.ylim(0, 1)
        acc.refresh()
        norms = self.query_one("#norm-plot", Plot)
        norms.reset()
        last = {k: v for k, v in (h["grad_norms"][-1] if h["grad_norms"] else {}).items()
                if v > 0}
        if last:
            ticks = list(range(1, len(last) + 1))
            norms.plt.plot(ticks, list(last.values()), color="yellow", marker="●")
            norms.plt.yscale("log")
            norms.plt.xticks(ticks, [f"{k}: {fmt(v, 2)}" for k, v in last.items()])
            norms.plt.title("layer: gradient norm (log scale); input side left")
        norms.refresh()
        self._boundary(snap)
        self.sub_title = (f"epoch {epochs[-1]} of {snap['epochs']}   lr {fmt(h['lr'][-1], 3)}   "
                          f"val loss {fmt(h['val_loss'][-1], 4)}"
                          + ("   ⏸ paused" if self.pause_event.is_set() else ""))

    def _boundary(self, snap: dict[str, Any]) -> None:
        plot = self.query_one("#boundary-plot", Plot)
        plot.reset()
        grid, pred = snap["grid"], snap["boundary"]
        if grid is None:
            plot.plt.title("a decision boundary needs 2-D inputs")
            plot.refresh()
            return
        for c in range(int(max(pred.max(), snap["yva"].max())) + 1):
            color = CLASS_COLORS[c % len(CLASS_COLORS)]
            region = grid[pred == c]
            if len(region):
                plot.plt.scatter(region[:, 0].tolist(), region[:, 1].tolist(), color=color,
                                 marker="·")
            points = snap["Xva"][snap["yva"] == c]
            if len(points):
                plot.plt.scatter(points[:, 0].tolist(), points[:, 1].tolist(), color=color,
                                 marker="●", label=f"class {c}")
        plot.refresh()

    @on(Input.Submitted)
    @guarded
    def _submitted(self, event: Input.Submitted) -> None:
        self.set_focus(None)


def _line(plot: Plot, xs, ys, label: str, color: str) -> None:
    """Plot the recorded values that exist (validation may be missing on a stopped epoch)."""
    import math

    pairs = [(x, y) for x, y in zip(xs, ys) if y is not None and math.isfinite(y)]
    if pairs:
        plot.plt.plot([p[0] for p in pairs], [p[1] for p in pairs], label=label, color=color,
                      marker="braille")


def _last_value(values) -> float | None:
    """The last recorded number of a history column (None when none was recorded)."""
    import math

    for value in reversed(list(values)):
        if value is not None and math.isfinite(value):
            return value
    return None
