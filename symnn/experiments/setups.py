"""Data and measurements shared by the lessons: the digits split into train / validation /
test with inputs scaled, a seeded subset, labels made partly wrong, and the plain
cross-entropy of a model on held-out data (per epoch, as a callback)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from symnn.data import datasets
from symnn.train.callbacks import Callback
from symnn.train.splits import train_val_test_split

if TYPE_CHECKING:  # pragma: no cover
    from symnn.nn import Module
    from symnn.train.loop import TrainState

__all__ = ["Split", "digits_split", "subsample", "noisy_labels", "cross_entropy_on",
           "accuracy_on", "HeldOutLoss", "EVAL_ROWS"]

#: rows per forward pass when evaluating: small matrix products stay on one BLAS thread,
#: which is faster for these tiny models than waking a second one
EVAL_ROWS = 64


@dataclass
class Split:
    """Arrays of a train / validation / test split."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def digits_split(images: bool = False, seed: int = 0, val: float = 0.15,
                 test: float = 0.2) -> Split:
    """The digits, pixels scaled to [0, 1], split stratified (65% / 15% / 20% by default)."""
    X, y = datasets.digits(images=images, scale=True)
    (a, b), (c, d), (e, f) = train_val_test_split(X, y, val=val, test=test, seed=seed)
    return Split(a, b, c, d, e, f)


def subsample(X: np.ndarray, y: np.ndarray, n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A seeded random subset of ``n`` rows (all rows when n >= len(X))."""
    if n >= len(X):
        return X, y
    idx = np.sort(np.random.default_rng(seed).choice(len(X), size=n, replace=False))
    return X[idx], y[idx]


def noisy_labels(y: np.ndarray, fraction: float, n_classes: int, seed: int = 0) -> np.ndarray:
    """A copy of ``y`` with a seeded ``fraction`` of the labels replaced by a different,
    random class (as mistakes in hand-labelled data)."""
    rng = np.random.default_rng(seed)
    y = y.copy()
    wrong = np.flatnonzero(rng.random(len(y)) < fraction)
    y[wrong] = (y[wrong] + rng.integers(1, n_classes, size=len(wrong))) % n_classes
    return y


def cross_entropy_on(model: Module, X: np.ndarray, y: np.ndarray) -> float:
    """Mean plain cross-entropy of ``model`` on (X, y) in eval mode (whatever loss it was
    trained with, e.g. label smoothing or mixup, so variants compare on one scale)."""
    import symnn.nn.functional as F
    from symnn.tensor import tensor
    from symnn.train.loop import predict

    return float(F.cross_entropy(tensor(predict(model, X, batch_size=EVAL_ROWS)),
                                 tensor(y)).item())


def accuracy_on(model: Module, X: np.ndarray, y: np.ndarray) -> float:
    """Accuracy of ``model`` on (X, y) in eval mode."""
    from symnn.train.loop import predict
    from symnn.train.metrics import accuracy

    return accuracy(predict(model, X, batch_size=EVAL_ROWS), y)


class HeldOutLoss(Callback):
    """After each epoch, the plain cross-entropy on held-out (X, y): kept in ``curve`` and
    written to the epoch's ``val_loss``, where early stopping and plateau schedules read it."""

    def __init__(self, X: np.ndarray, y: np.ndarray) -> None:
        self.X, self.y = X, y
        self.curve: list[float] = []

    def on_train_begin(self, state: TrainState | Any = None) -> None:
        self.curve = []

    def on_epoch_end(self, state: TrainState) -> None:
        self.curve.append(cross_entropy_on(state.model, self.X, self.y))
        state.logs["val_loss"] = self.curve[-1]
