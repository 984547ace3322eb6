"""Splitting data: train / validation / test, k-fold (optionally stratified) and bootstrap
resampling. Everything is driven by an explicit seed and returns index arrays or arrays."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["train_val_test_split", "kfold_indices", "bootstrap_indices", "bootstrap_estimate",
           "BootstrapEstimate"]


def _grouped_order(y: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A permutation listing the samples class by class, each class shuffled; dealing this
    order out round robin gives every part the class proportions of y (within one sample)."""
    return np.concatenate([rng.permutation(np.flatnonzero(y == c)) for c in np.unique(y)])


def train_val_test_split(X: ArrayLike, y: ArrayLike, val: float = 0.15, test: float = 0.15,
                         stratify: bool = True, seed: int | None = 0,
                         ) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """Shuffle and split into (X_train, y_train), (X_val, y_val), (X_test, y_test).

    ``val`` and ``test`` are fractions; with ``stratify`` each split keeps the class
    proportions of ``y`` (round(fraction * class size) of each class; use it for
    classification). Tune on the validation split; the test split is for the final number.
    """
    X, y = np.asarray(getattr(X, "data", X)), np.asarray(getattr(y, "data", y))
    n = len(X)
    if len(y) != n:
        raise ValueError(f"X has {n} samples but y has {len(y)}")
    if val < 0 or test < 0 or val + test >= 1:
        raise ValueError(f"need val >= 0, test >= 0 and val + test < 1, got val={val}, test={test}")
    rng = np.random.default_rng(seed)
    groups = ([rng.permutation(np.flatnonzero(y.reshape(n, -1)[:, 0] == c))
               for c in np.unique(y.reshape(n, -1)[:, 0])] if stratify else [rng.permutation(n)])
    parts: dict[str, list[np.ndarray]] = {"train": [], "val": [], "test": []}
    for idx in groups:
        n_test, n_val = int(round(test * len(idx))), int(round(val * len(idx)))
        parts["test"].append(idx[:n_test])
        parts["val"].append(idx[n_test:n_test + n_val])
        parts["train"].append(idx[n_test + n_val:])
    out = []
    for name in ("train", "val", "test"):
        idx = np.sort(np.concatenate(parts[name]))
        out.append((X[idx], y[idx]))
    return tuple(out)


def kfold_indices(n_samples: int, k: int = 5, y: ArrayLike | None = None, shuffle: bool = True,
                  seed: int | None = 0) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield ``(train_idx, val_idx)`` for each of ``k`` folds; every sample is in exactly one
    validation fold. Passing labels ``y`` stratifies: each fold keeps the class proportions."""
    if not 2 <= k <= n_samples:
        raise ValueError(f"k must be between 2 and n_samples={n_samples}, got {k}")
    rng = np.random.default_rng(seed)
    if y is not None:
        y = np.asarray(getattr(y, "data", y)).reshape(n_samples, -1)[:, 0]
        if len(y) != n_samples:
            raise ValueError(f"y has {len(y)} labels but n_samples={n_samples}")
        order = _grouped_order(y, rng)
    else:
        order = rng.permutation(n_samples) if shuffle else np.arange(n_samples)
    fold_of = np.empty(n_samples, dtype=np.int64)
    fold_of[order] = np.arange(n_samples) % k
    for f in range(k):
        yield np.flatnonzero(fold_of != f), np.flatnonzero(fold_of == f)


def bootstrap_indices(n_samples: int, rng: np.random.Generator | int | None = None
                      ) -> tuple[np.ndarray, np.ndarray]:
    """One bootstrap resample: n indices drawn with replacement, and the out-of-bag indices
    never drawn (about 1/e = 36.8% of the samples), which serve as a free validation set."""
    rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    idx = rng.integers(0, n_samples, size=n_samples)
    oob = np.setdiff1d(np.arange(n_samples), idx)
    return idx, oob


class BootstrapEstimate:
    """A statistic with its bootstrap standard error and percentile confidence interval."""

    def __init__(self, value: float, samples: np.ndarray, level: float) -> None:
        self.value = float(value)
        self.samples = samples
        self.std_error = float(samples.std(ddof=1))
        lo, hi = np.percentile(samples, [50 * (1 - level), 50 * (1 + level)])
        self.interval = (float(lo), float(hi))
        self.level = level

    def __repr__(self) -> str:
        return (f"BootstrapEstimate(value={self.value:.4g}, std_error={self.std_error:.3g}, "
                f"{self.level:.0%} interval=({self.interval[0]:.4g}, {self.interval[1]:.4g}))")


def bootstrap_estimate(statistic: Callable[..., float], *arrays, n_resamples: int = 1000,
                       level: float = 0.95, seed: int | None = 0) -> BootstrapEstimate:
    """Resample the rows of ``arrays`` with replacement ``n_resamples`` times and recompute
    ``statistic(*resampled)``: the spread of the results estimates its uncertainty.

    Example: ``bootstrap_estimate(accuracy, logits, labels)`` for a test accuracy +- error.
    """
    arrays = [np.asarray(getattr(a, "data", a)) for a in arrays]
    n = len(arrays[0])
    if any(len(a) != n for a in arrays):
        raise ValueError(f"all arrays need the same number of rows, got {[len(a) for a in arrays]}")
    rng = np.random.default_rng(seed)
    samples = np.empty(n_resamples)
    for i in range(n_resamples):
        idx = rng.integers(0, n, size=n)
        samples[i] = statistic(*(a[idx] for a in arrays))
    return BootstrapEstimate(statistic(*arrays), samples, level)
