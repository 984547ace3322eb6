"""Data splits shared by the lessons: the digits split into train / validation / test with
inputs scaled, each split seeded."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from symnn.data import datasets
from symnn.train.splits import train_val_test_split

__all__ = ["Split", "digits_split", "subsample"]


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
