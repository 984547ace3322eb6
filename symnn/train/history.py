"""The record of a training run: one entry per epoch."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["History", "jsonable"]


@dataclass
class History:
    """Per-epoch numbers of a :func:`symnn.train.loop` run.

    ``train_loss`` / ``train_accuracy`` are running averages over the epoch's batches (in
    training mode: with dropout and augmentation); ``val_*`` are measured after the epoch in
    eval mode. ``lr`` is the learning rate the epoch started with, ``grad_norms`` the mean
    over the epoch's batches of each layer's gradient L2 norm, ``epoch_time`` seconds.
    Accuracy lists hold None when no accuracy is computed (regression).
    """

    epoch: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float | None] = field(default_factory=list)
    val_loss: list[float | None] = field(default_factory=list)
    val_accuracy: list[float | None] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    grad_norms: list[dict[str, float]] = field(default_factory=list)
    epoch_time: list[float] = field(default_factory=list)
    stopped_early: bool = False
    stop_reason: str | None = None
    best_epoch: int | None = None

    def __len__(self) -> int:
        return len(self.epoch)

    def records(self) -> list[dict[str, Any]]:
        """One JSON-ready dict per epoch (non-finite numbers become None)."""
        keys = ["epoch", "train_loss", "train_accuracy", "val_loss", "val_accuracy", "lr",
                "epoch_time", "grad_norms"]
        return [{k: jsonable(getattr(self, k)[i]) for k in keys} for i in range(len(self))]

    def to_dict(self) -> dict[str, Any]:
        return {"epochs": self.records(), "stopped_early": self.stopped_early,
                "stop_reason": self.stop_reason, "best_epoch": self.best_epoch}

    def plot(self, path: str) -> str:
        """Loss (and accuracy when measured) against epoch, saved as a PNG (needs matplotlib)."""
        from symnn.train.plotting import figure

        with figure(path, ncols=2) as (fig, (ax_loss, ax_acc)):
            ax_loss.plot(self.epoch, self.train_loss, label="train")
            if any(v is not None for v in self.val_loss):
                ax_loss.plot(self.epoch, self.val_loss, label="validation")
            ax_loss.set(xlabel="epoch", ylabel="loss", title="loss")
            ax_loss.legend()
            if any(v is not None for v in self.train_accuracy):
                ax_acc.plot(self.epoch, self.train_accuracy, label="train")
                if any(v is not None for v in self.val_accuracy):
                    ax_acc.plot(self.epoch, self.val_accuracy, label="validation")
                ax_acc.legend()
            ax_acc.set(xlabel="epoch", ylabel="accuracy", title="accuracy")
        return path


def jsonable(value: Any) -> Any:
    """A copy of ``value`` that ``json.dumps`` accepts: NumPy scalars and arrays become Python
    numbers and lists, tuples become lists, dict keys strings, and NaN or infinity None."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        v = float(value)
        return v if math.isfinite(v) else None
    return value
