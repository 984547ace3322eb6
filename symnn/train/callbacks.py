"""Callbacks for :func:`symnn.train.loop`.

A callback is any object with some of the methods ``on_train_begin``, ``on_epoch_begin``,
``on_batch_begin``, ``on_after_backward``, ``on_batch_end``, ``on_epoch_end``,
``on_train_end``, each called with the :class:`symnn.train.state.TrainState`. It stops the run
with ``state.request_stop(reason)``.
"""

from __future__ import annotations

import copy
import math
from typing import Any

import numpy as np

from symnn.train.state import TrainState, layer_grad_norms

__all__ = ["Callback", "EarlyStopping", "SchedulerStep", "DivergenceGuard",
           "GradientNormMonitor"]


class Callback:
    """Base class with every hook doing nothing; override the ones you need."""

    def on_train_begin(self, state: TrainState) -> None: ...
    def on_epoch_begin(self, state: TrainState) -> None: ...
    def on_batch_begin(self, state: TrainState) -> None: ...
    def on_after_backward(self, state: TrainState) -> None: ...
    def on_batch_end(self, state: TrainState) -> None: ...
    def on_epoch_end(self, state: TrainState) -> None: ...
    def on_train_end(self, state: TrainState) -> None: ...


def _monitored(state: TrainState, monitor: str) -> float | None:
    value = state.logs.get(monitor)
    if value is None and monitor == "val_loss":
        value = state.logs.get("train_loss")
    return value


class EarlyStopping(Callback):
    """Stop when the monitored number (validation loss by default) has not improved by more
    than ``min_delta`` for ``patience`` epochs; with ``restore_best`` put back the weights of
    the best epoch. Early stopping is a regularizer: it limits how far training can fit noise.
    """

    def __init__(self, patience: int = 5, monitor: str = "val_loss", mode: str = "min",
                 min_delta: float = 0.0, restore_best: bool = True) -> None:
        if mode not in ("min", "max"):
            raise ValueError(f"mode must be 'min' or 'max', got {mode!r}")
        self.patience, self.monitor, self.mode = patience, monitor, mode
        self.min_delta, self.restore_best = min_delta, restore_best
        self.on_train_begin()

    def on_train_begin(self, state: TrainState | None = None) -> None:
        """Forget any earlier run: a reused callback must not compare with, or restore, the
        best epoch of another model."""
        self.best: float | None = None
        self.best_epoch: int | None = None
        self.best_state: dict[str, Any] | None = None
        self.wait = 0

    def _improved(self, value: float) -> bool:
        if self.best is None:
            return True
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def on_epoch_end(self, state: TrainState) -> None:
        value = _monitored(state, self.monitor)
        if value is None or not math.isfinite(value):
            return
        if self._improved(value):
            self.best, self.best_epoch, self.wait = value, state.epoch, 0
            if self.restore_best:
                self.best_state = copy.deepcopy(state.model.state_dict())
            state.history.best_epoch = state.epoch
            return
        self.wait += 1
        if self.wait >= self.patience:
            state.request_stop(
                f"early stopping: {self.monitor} did not improve for {self.patience} epochs "
                f"(best {self.best:.4g} at epoch {self.best_epoch})")

    def on_train_end(self, state: TrainState) -> None:
        if self.restore_best and self.best_state is not None:
            state.model.load_state_dict(self.best_state)


class SchedulerStep(Callback):
    """Step a learning-rate scheduler: ``ReduceLROnPlateau`` once per epoch with the monitored
    number (validation loss, or training loss without validation data); ``CyclicLR`` and
    ``OneCycleLR`` once per batch; every other scheduler once per epoch. ``interval``
    ("epoch" or "batch") overrides the choice."""

    _PER_BATCH = {"CyclicLR", "OneCycleLR"}

    def __init__(self, scheduler: Any, interval: str | None = None,
                 monitor: str = "val_loss") -> None:
        self.scheduler, self.monitor = scheduler, monitor
        name = type(scheduler).__name__
        self.plateau = name == "ReduceLROnPlateau"
        self.interval = interval or ("batch" if name in self._PER_BATCH else "epoch")
        if self.interval not in ("epoch", "batch"):
            raise ValueError(f"interval must be 'epoch' or 'batch', got {interval!r}")

    def on_batch_end(self, state: TrainState) -> None:
        if self.interval == "batch" and not self.plateau:
            self.scheduler.step()

    def on_epoch_end(self, state: TrainState) -> None:
        if self.plateau:
            value = _monitored(state, self.monitor)
            if value is not None:
                self.scheduler.step(value)
        elif self.interval == "epoch":
            self.scheduler.step()


class DivergenceGuard(Callback):
    """Stop when the loss becomes NaN or infinite, or grows above ``factor`` times the first
    batch's loss (exploding), and say what to try."""

    ADVICE = ("try a learning rate 3-10x smaller, check the inputs for NaN/inf and their "
              "scale (standardize them), check that the loss matches the targets, or clip "
              "gradients")

    def __init__(self, factor: float = 1e3, threshold: float | None = None) -> None:
        self.factor, self.threshold = factor, threshold
        self.on_train_begin()

    def on_train_begin(self, state: TrainState | None = None) -> None:
        """Forget any earlier run (its first loss and its divergence message)."""
        self.first: float | None = None
        self.message: str | None = None

    def on_batch_end(self, state: TrainState) -> None:
        loss = state.loss
        if loss is None:
            return
        if self.first is None and math.isfinite(loss):
            self.first = max(abs(loss), 1e-12)
        where = f"epoch {state.epoch}, batch {state.batch + 1}"
        if not math.isfinite(loss):
            self.message = f"diverged: the loss became {loss} at {where}; {self.ADVICE}"
        else:
            limit = self.threshold if self.threshold is not None else self.factor * (self.first or 1.0)
            if loss > limit:
                self.message = (f"diverged: the loss exploded to {loss:.4g} (limit {limit:.4g}) "
                                f"at {where}; {self.ADVICE}")
        if self.message:
            state.request_stop(self.message)


class GradientNormMonitor(Callback):
    """Record each layer's gradient norm after every backward pass and flag vanishing
    (below ``vanish``) or exploding (above ``explode``) gradients.

    ``norms`` is a list of ``{layer: norm}`` per batch; ``events`` lists
    ``(epoch, batch, layer, norm, "vanishing" | "exploding")``."""

    def __init__(self, vanish: float = 1e-7, explode: float = 1e3) -> None:
        self.vanish, self.explode = vanish, explode
        self.norms: list[dict[str, float]] = []
        self.events: list[tuple[int, int, str, float, str]] = []

    def on_after_backward(self, state: TrainState) -> None:
        norms = layer_grad_norms(state.model)
        self.norms.append(norms)
        for layer, value in norms.items():
            if value < self.vanish:
                self.events.append((state.epoch, state.batch, layer, value, "vanishing"))
            elif value > self.explode or not np.isfinite(value):
                self.events.append((state.epoch, state.batch, layer, value, "exploding"))

    def summary(self) -> dict[str, float]:
        """Mean norm of each layer over all recorded batches."""
        layers = {k for n in self.norms for k in n}
        return {k: float(np.mean([n[k] for n in self.norms if k in n])) for k in sorted(layers)}
