"""Data: Dataset, TensorDataset, DataLoader and random_split (PyTorch's API), plus seeded
datasets (``symnn.data.datasets``), transforms and data checks."""

from __future__ import annotations

from symnn._lazy import lazy_exports

_EXPORTS = {
    "Dataset": "symnn.data.dataset",
    "TensorDataset": "symnn.data.dataset",
    "Subset": "symnn.data.dataset",
    "random_split": "symnn.data.dataset",
    "DataLoader": "symnn.data.dataloader",
}
_SUBMODULES = {"datasets", "transforms", "checks"}

__all__ = sorted(set(_EXPORTS) | _SUBMODULES)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, _SUBMODULES)
