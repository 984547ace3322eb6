"""A Rich progress bar for the fit loop, written to stderr so that stdout (e.g. ``--json``)
stays clean. ``NullProgress`` does nothing, for ``progress=False``."""

from __future__ import annotations

from typing import Any

__all__ = ["EpochProgress", "NullProgress", "make_progress"]


class NullProgress:
    """No output."""

    def __enter__(self) -> "NullProgress":
        return self

    def __exit__(self, *exc: Any) -> None:
        return None

    def update(self, epoch: int, logs: dict[str, Any]) -> None:
        return None


class EpochProgress(NullProgress):
    """One bar over the epochs, showing the latest loss and accuracy."""

    def __init__(self, epochs: int) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.epochs = epochs
        self._progress = Progress(
            TextColumn("epoch"), MofNCompleteColumn(), BarColumn(bar_width=16), TimeElapsedColumn(),
            TextColumn("{task.fields[status]}"), console=Console(stderr=True), transient=False)
        self._task = None

    def __enter__(self) -> "EpochProgress":
        self._progress.__enter__()
        self._task = self._progress.add_task("train", total=self.epochs, status="")
        return self

    def __exit__(self, *exc: Any) -> None:
        self._progress.__exit__(*exc)

    def update(self, epoch: int, logs: dict[str, Any]) -> None:
        parts = []
        for key, label in (("train_loss", "loss"), ("val_loss", "val"),
                           ("train_accuracy", "acc"), ("val_accuracy", "val")):
            value = logs.get(key)
            if value is not None:
                parts.append(f"{label} {value:.3g}")
        self._progress.update(self._task, completed=epoch, status=" ".join(parts))


def make_progress(enabled: bool, epochs: int) -> NullProgress:
    return EpochProgress(epochs) if enabled else NullProgress()
