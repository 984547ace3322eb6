"""Data checks before training: the practice checklist as code.

``check_data(X, y)`` inspects the inputs and labels and returns a :class:`DataReport`: a list
of findings, each with what was found and what to do about it (missing or non-finite values,
constant features, features on wildly different scales, class imbalance, labels that are not
class indices). ``print(report)`` reads as a checklist.
"""

from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["Finding", "DataReport", "check_data"]


@dataclass(frozen=True)
class Finding:
    """One problem found in the data: ``kind`` (a short key), ``severity`` ("error" when
    training will fail or be meaningless, "warning" when it will likely be poor), what was
    found (``message``) and what to do (``advice``)."""

    kind: str
    severity: str
    message: str
    advice: str


@dataclass
class DataReport:
    """The result of :func:`check_data`: per-feature statistics, class counts, findings."""

    n_samples: int
    n_features: int
    feature_mean: list[float]
    feature_std: list[float]
    class_counts: dict[int, int] | None
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing was found."""
        return not self.findings

    def kinds(self) -> list[str]:
        return [f.kind for f in self.findings]

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        if self.class_counts is not None:
            d["class_counts"] = {str(k): v for k, v in self.class_counts.items()}
        d["ok"] = self.ok
        return d

    def __str__(self) -> str:
        lines = [f"{self.n_samples} samples, {self.n_features} features"]
        if self.class_counts is not None:
            counts = ", ".join(f"{k}: {v}" for k, v in self.class_counts.items())
            lines.append(f"class counts: {counts}")
        if self.ok:
            lines.append("no problems found")
        for f in self.findings:
            lines.append(f"[{f.severity}] {f.kind}: {f.message}")
            lines.append(f"    what to do: {f.advice}")
        return "\n".join(lines)


def _features(X) -> np.ndarray:
    X = np.asarray(getattr(X, "data", X))
    if X.ndim == 0:
        raise ValueError("X must have a sample axis, got a scalar")
    if X.ndim == 1:
        X = X.reshape(-1, 1)
    X = X.reshape(len(X), -1)
    if X.dtype == object:  # None marks a missing value
        X = np.array([[np.nan if v is None else v for v in row] for row in X], dtype=np.float64)
    return X.astype(np.float64)


def _names(idx: np.ndarray, limit: int = 8) -> str:
    shown = ", ".join(str(int(i)) for i in idx[:limit])
    return shown + (f", ... ({len(idx)} in all)" if len(idx) > limit else "")


def check_data(X: ArrayLike, y: ArrayLike | None = None, task: str = "classification",
               imbalance_ratio: float = 3.0, scale_ratio: float = 100.0,
               large_value: float = 1e3) -> DataReport:
    """Inspect inputs ``X`` (n_samples, ...) and optional labels ``y``.

    - missing (NaN, None) and infinite values, per feature;
    - constant features (zero variance: they carry no information);
    - wildly scaled features: the largest feature standard deviation over the smallest
      non-zero one exceeds ``scale_ratio``, or some |value| exceeds ``large_value``;
    - for classification: labels that are not integers 0..K-1, classes absent from 0..K-1,
      and imbalance (largest class count / smallest > ``imbalance_ratio``).
    """
    if task not in ("classification", "regression"):
        raise ValueError(f"task must be 'classification' or 'regression', got {task!r}")
    Xf = _features(X)
    n, d = Xf.shape
    findings: list[Finding] = []

    nan_cols = np.flatnonzero(np.isnan(Xf).any(axis=0))
    if nan_cols.size:
        count = int(np.isnan(Xf).sum())
        findings.append(Finding(
            "missing", "error",
            f"{count} missing (NaN) values in features {_names(nan_cols)}",
            "drop the affected rows, or impute (e.g. the training-set mean or median of the "
            "feature) and add an indicator feature; a single NaN makes the loss NaN"))
    inf_cols = np.flatnonzero(np.isinf(Xf).any(axis=0))
    if inf_cols.size:
        count = int(np.isinf(Xf).sum())
        findings.append(Finding(
            "infinite", "error",
            f"{count} infinite values in features {_names(inf_cols)}",
            "find where they come from (division by zero, log of 0, overflow) and fix or clip "
            "them; infinities turn the loss and the gradients into NaN"))

    finite = np.where(np.isfinite(Xf), Xf, np.nan)
    with warnings.catch_warnings():  # an all-missing column warns "mean of empty slice"
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = np.nanmean(finite, axis=0) if n else np.zeros(d)
        std = np.nanstd(finite, axis=0) if n else np.zeros(d)
    mean = np.nan_to_num(mean)
    std = np.nan_to_num(std)

    constant = np.flatnonzero(std == 0)
    if n > 1 and constant.size:
        findings.append(Finding(
            "constant", "warning",
            f"{constant.size} constant feature(s): {_names(constant)}",
            "drop them (they carry no information); standardization leaves them at 0"))

    varying = std[std > 0]
    biggest = float(np.nanmax(np.abs(finite))) if np.isfinite(finite).any() else 0.0
    if varying.size >= 2 and varying.max() / varying.min() > scale_ratio:
        findings.append(Finding(
            "scale", "warning",
            f"feature scales differ by a factor of {varying.max() / varying.min():.3g} "
            f"(standard deviations {varying.min():.3g} to {varying.max():.3g})",
            "standardize (StandardScaler fitted on the training split) or min-max scale; "
            "otherwise one learning rate cannot suit every weight"))
    elif biggest > large_value:
        findings.append(Finding(
            "scale", "warning",
            f"values as large as {biggest:.3g}",
            "scale the inputs to [0, 1], [-1, 1] or mean 0 / variance 1; large inputs "
            "saturate sigmoid and tanh and need a tiny learning rate"))

    class_counts = None
    if y is not None:
        ya = np.asarray(getattr(y, "data", y))
        if len(ya) != n:
            findings.append(Finding(
                "length", "error", f"X has {n} samples but y has {len(ya)}",
                "make sure inputs and labels come from the same rows, in the same order"))
        elif task == "classification":
            class_counts = _check_labels(ya, findings, imbalance_ratio)
        else:
            yf = ya.astype(np.float64)
            if not np.isfinite(yf).all():
                findings.append(Finding(
                    "target", "error", f"{int((~np.isfinite(yf)).sum())} non-finite targets",
                    "drop or repair those rows before training"))

    return DataReport(n, d, [float(v) for v in mean], [float(v) for v in std],
                      class_counts, findings)


def _check_labels(y: np.ndarray, findings: list[Finding], imbalance_ratio: float):
    y = y.reshape(len(y), -1)
    if y.shape[1] > 1:  # one-hot or probability rows
        y = y.argmax(axis=1)
    y = y.reshape(-1)
    if not (np.issubdtype(y.dtype, np.integer) or
            (np.issubdtype(y.dtype, np.floating) and np.isfinite(y).all()
             and np.all(y == np.round(y)))):
        findings.append(Finding(
            "labels", "error", f"labels of dtype {y.dtype} are not integer class indices",
            "map the classes to integers 0..K-1 (e.g. with np.unique(y, return_inverse=True))"))
        return None
    y = y.astype(np.int64)
    if y.size == 0:
        return {}
    if y.min() < 0:
        findings.append(Finding(
            "labels", "error", f"negative label {int(y.min())}",
            "class indices must be 0..K-1 for CrossEntropyLoss"))
        return None
    counts = np.bincount(y)
    class_counts = {int(k): int(c) for k, c in enumerate(counts)}
    absent = np.flatnonzero(counts == 0)
    if absent.size:
        findings.append(Finding(
            "labels", "warning", f"classes {_names(absent)} never occur in 0..{len(counts) - 1}",
            "renumber the classes to 0..K-1 or check that the data is complete"))
    present = counts[counts > 0]
    if present.size >= 2 and present.max() / present.min() > imbalance_ratio:
        small = int(np.flatnonzero(counts == present.min())[0])
        findings.append(Finding(
            "imbalance", "warning",
            f"class imbalance: largest class has {present.max()} samples, class {small} only "
            f"{present.min()} (ratio {present.max() / present.min():.1f})",
            "use stratified splits, report per-class recall or a confusion matrix (accuracy "
            "hides the small class), weight the loss by inverse class frequency, or "
            "over-/under-sample"))
    return class_counts
