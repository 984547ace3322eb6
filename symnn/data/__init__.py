"""Data: Dataset, TensorDataset, DataLoader and random_split (PyTorch's API), plus seeded
datasets (``symnn.data.datasets``), transforms and data checks."""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "Dataset": "symnn.data.dataset",
    "TensorDataset": "symnn.data.dataset",
    "Subset": "symnn.data.dataset",
    "random_split": "symnn.data.dataset",
    "DataLoader": "symnn.data.dataloader",
}
_SUBMODULES = {"datasets", "transforms", "checks"}

__all__ = sorted(set(_EXPORTS) | _SUBMODULES)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f"symnn.data.{name}")
    else:
        raise AttributeError(f"module 'symnn.data' has no attribute {name!r}")
    globals()[name] = value
    return value
