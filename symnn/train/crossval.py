"""k-fold cross-validation: train a fresh model on k-1 folds, score it on the held-out fold,
k times; the mean estimates how well the recipe generalizes and the standard deviation how
much that estimate depends on the split."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from symnn.train.loop import predict, train_classifier
from symnn.train.metrics import accuracy
from symnn.train.splits import kfold_indices

__all__ = ["CVResult", "cross_validate"]


@dataclass
class CVResult:
    """Per-fold validation and training accuracy; ``mean`` and ``std`` (population standard
    deviation over folds) of the validation scores; ``gap`` = mean train - mean validation."""

    scores: list[float]
    train_scores: list[float]
    fold_sizes: list[int] = field(default_factory=list)

    @property
    def mean(self) -> float:
        return float(np.mean(self.scores))

    @property
    def std(self) -> float:
        return float(np.std(self.scores))

    @property
    def gap(self) -> float:
        return float(np.mean(self.train_scores) - np.mean(self.scores))

    def to_dict(self) -> dict[str, Any]:
        return {"scores": self.scores, "train_scores": self.train_scores, "mean": self.mean,
                "std": self.std, "gap": self.gap, "fold_sizes": self.fold_sizes}

    def __str__(self) -> str:
        folds = ", ".join(f"{s:.3f}" for s in self.scores)
        return (f"{len(self.scores)}-fold accuracy {self.mean:.3f} +- {self.std:.3f} "
                f"(folds: {folds}; train - validation gap {self.gap:+.3f})")


def cross_validate(make_model: Callable[[], Any], X: ArrayLike, y: ArrayLike, k: int = 5,
                   stratified: bool = True, seed: int | None = 0,
                   preprocess: Callable[[np.ndarray, np.ndarray],
                                        tuple[np.ndarray, np.ndarray]] | None = None,
                   **train_kwargs: Any) -> CVResult:
    """k-fold cross-validation of a classifier recipe.

    ``make_model()`` builds a fresh, untrained model for each fold; ``train_kwargs`` go to
    :func:`symnn.train.loop.train_classifier` (epochs, lr, optimizer, batch_size, ...).
    ``preprocess(X_train, X_val)`` is fitted inside each fold (e.g. a scaler fitted on that
    fold's training part only), so no statistics leak from the held-out fold.
    """
    from symnn.tensor import manual_seed

    X, y = np.asarray(getattr(X, "data", X)), np.asarray(getattr(y, "data", y))
    scores, train_scores, sizes = [], [], []
    for fold, (tr, va) in enumerate(kfold_indices(len(X), k, y=y if stratified else None,
                                                  seed=seed)):
        Xtr, Xva = X[tr], X[va]
        if preprocess is not None:
            Xtr, Xva = preprocess(Xtr, Xva)
        if seed is not None:
            manual_seed(seed + fold)
        model = make_model()
        train_classifier(model, Xtr, y[tr], seed=None if seed is None else seed + fold,
                         **train_kwargs)
        scores.append(accuracy(predict(model, Xva), y[va]))
        train_scores.append(accuracy(predict(model, Xtr), y[tr]))
        sizes.append(len(va))
    return CVResult(scores, train_scores, sizes)


def standardize_in_fold(X_train: np.ndarray, X_val: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A ``preprocess`` for :func:`cross_validate`: standardize with the fold's training part."""
    from symnn.data.transforms import StandardScaler

    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_val)
