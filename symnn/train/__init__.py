"""Training toolkit: the fit loop and its history, callbacks, regularizers, metrics, splits,
cross-validation and ensembles. Names are resolved lazily (``symnn.train.fit`` imports the
NumPy backend only when used)."""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    # metrics
    "predictions": "symnn.train.metrics",
    "accuracy": "symnn.train.metrics",
    "confusion_matrix": "symnn.train.metrics",
    "per_class_recall": "symnn.train.metrics",
    "generalization_gap": "symnn.train.metrics",
    # splits and resampling
    "train_val_test_split": "symnn.train.splits",
    "kfold_indices": "symnn.train.splits",
    "bootstrap_indices": "symnn.train.splits",
    "bootstrap_estimate": "symnn.train.splits",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'symnn.train' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
