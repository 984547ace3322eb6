"""Classification metrics on NumPy arrays (Tensors are accepted): accuracy, the confusion
matrix, per-class recall, and the generalization gap."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["predictions", "accuracy", "confusion_matrix", "per_class_recall",
           "generalization_gap"]


def _array(x) -> np.ndarray:
    return np.asarray(getattr(x, "data", x))


def predictions(outputs: ArrayLike) -> np.ndarray:
    """Predicted class indices: the argmax of scores (N, K); for one score per sample (N,) or
    (N, 1) (a logit, as with ``BCEWithLogitsLoss``) the class is 1 when the logit is > 0.
    Integer arrays are already class indices and are returned as they are."""
    out = _array(outputs)
    if np.issubdtype(out.dtype, np.integer):
        return out.reshape(-1).astype(np.int64)
    if out.ndim == 2 and out.shape[1] > 1:
        return out.argmax(axis=1).astype(np.int64)
    return (out.reshape(-1) > 0).astype(np.int64)


def _targets(targets) -> np.ndarray:
    t = _array(targets)
    if t.ndim == 2 and t.shape[1] > 1:  # one-hot or probability targets
        return t.argmax(axis=1).astype(np.int64)
    return t.reshape(-1).astype(np.int64)


def accuracy(outputs: ArrayLike, targets: ArrayLike) -> float:
    """Fraction of samples whose predicted class (see :func:`predictions`) equals the target."""
    pred, true = predictions(outputs), _targets(targets)
    if pred.shape != true.shape:
        raise ValueError(f"accuracy: {pred.shape[0]} predictions but {true.shape[0]} targets")
    if true.size == 0:
        raise ValueError("accuracy of an empty batch is undefined")
    return float(np.mean(pred == true))


def confusion_matrix(targets: ArrayLike, outputs: ArrayLike,
                     n_classes: int | None = None) -> np.ndarray:
    """C[i, j] = number of samples of true class i predicted as class j (rows: truth).

    The diagonal holds the correct predictions; ``C.sum(1)`` the class sizes."""
    true, pred = _targets(targets), predictions(outputs)
    if pred.shape != true.shape:
        raise ValueError(f"confusion_matrix: {true.shape[0]} targets but {pred.shape[0]} predictions")
    k = n_classes if n_classes is not None else int(max(true.max(initial=-1), pred.max(initial=-1))) + 1
    if true.size and (max(true.max(), pred.max()) >= k or min(true.min(), pred.min()) < 0):
        raise ValueError(f"class indices must lie in [0, {k})")
    return np.bincount(true * k + pred, minlength=k * k).reshape(k, k)


def per_class_recall(matrix: np.ndarray) -> np.ndarray:
    """Recall of each class from a confusion matrix: C[i, i] / sum_j C[i, j] (NaN if absent)."""
    matrix = np.asarray(matrix, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.diag(matrix) / matrix.sum(axis=1)


def generalization_gap(train_accuracy: float, test_accuracy: float) -> float:
    """Generalization gap = test error - training error = train accuracy - test accuracy."""
    return float(train_accuracy) - float(test_accuracy)
