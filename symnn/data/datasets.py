"""Seeded toy datasets and the 8x8 handwritten digits.

Every function returns ``(X, y)`` as NumPy arrays: ``X`` is float32 of shape
``(n_samples, n_features)`` (digits can also come as images ``(n, 1, 8, 8)``); ``y`` is int64
class indices for classification and float32 of shape ``(n_samples, 1)`` for regression.
The same ``seed`` always gives the same data. Wrap the arrays with :func:`to_dataset` (a
``TensorDataset``) to feed a ``DataLoader``.

The digits are the UCI "Optical Recognition of Handwritten Digits" test set (E. Alpaydin,
C. Kaynak, 1998; CC BY 4.0), 1,797 images, shipped inside the package as a 45 kB ``.npz``
(extracted once from scikit-learn's copy), so they work offline without scikit-learn.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from symnn.data.dataset import TensorDataset

__all__ = [
    "xor", "moons", "circles", "spirals", "blobs", "linear", "polynomial", "digits",
    "to_dataset", "load", "DATASETS", "DatasetInfo",
]


def _rng(seed: int | None) -> np.random.Generator:
    return np.random.default_rng(seed)


def _check_n(n_samples: int, minimum: int = 1) -> None:
    if not isinstance(n_samples, (int, np.integer)) or n_samples < minimum:
        raise ValueError(f"n_samples must be an integer >= {minimum}, got {n_samples!r}")


MAX_NOISE = 1e6  # a standard deviation: larger buries the data and nears float32's range


def _check_noise(value: float, name: str = "noise") -> float:
    """``value`` if it can be a noise level: a finite number from 0 to ``MAX_NOISE``."""
    if not (isinstance(value, (int, float, np.integer, np.floating))
            and 0 <= value <= MAX_NOISE):
        raise ValueError(f"{name} must be a number from 0 to {MAX_NOISE:g} (a standard "
                         f"deviation), got {value!r}")
    return float(value)


def _shuffled(X: np.ndarray, y: np.ndarray, rng: np.random.Generator, shuffle: bool):
    if shuffle:
        order = rng.permutation(len(X))
        X, y = X[order], y[order]
    return X.astype(np.float32), y


def xor(n_samples: int = 4, noise: float = 0.0, seed: int | None = 0) -> tuple[np.ndarray, np.ndarray]:
    """The XOR problem: label 1 when exactly one coordinate is 1.

    With ``n_samples=4`` and no noise: the four corners of the unit square, in the order
    (0,0), (0,1), (1,0), (1,1) -> labels 0, 1, 1, 0 (not linearly separable: one line gets at
    most 3 of 4 right). Otherwise ``n_samples`` corners drawn at random, blurred by Gaussian
    noise of standard deviation ``noise``.
    """
    _check_n(n_samples)
    noise = _check_noise(noise)
    corners = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
    labels = np.array([0, 1, 1, 0], dtype=np.int64)
    if n_samples == 4 and noise == 0.0:
        return corners.astype(np.float32), labels.copy()
    rng = _rng(seed)
    pick = np.arange(n_samples) % 4
    rng.shuffle(pick)
    X = corners[pick] + noise * rng.standard_normal((n_samples, 2))
    return X.astype(np.float32), labels[pick]


def moons(n_samples: int = 200, noise: float = 0.1, seed: int | None = 0,
          shuffle: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (as scikit-learn's ``make_moons``), classes 0 and 1.

    Class 0: (cos t, sin t); class 1: (1 - cos t, 0.5 - sin t), t in [0, pi], plus Gaussian
    noise of standard deviation ``noise``.
    """
    _check_n(n_samples, 2)
    noise = _check_noise(noise)
    rng = _rng(seed)
    n0 = n_samples // 2
    n1 = n_samples - n0
    t0 = np.linspace(0, np.pi, n0)
    t1 = np.linspace(0, np.pi, n1)
    X = np.concatenate([np.stack([np.cos(t0), np.sin(t0)], 1),
                        np.stack([1 - np.cos(t1), 0.5 - np.sin(t1)], 1)])
    y = np.concatenate([np.zeros(n0, np.int64), np.ones(n1, np.int64)])
    X = X + noise * rng.standard_normal(X.shape)
    return _shuffled(X, y, rng, shuffle)


def circles(n_samples: int = 200, noise: float = 0.05, factor: float = 0.5,
            seed: int | None = 0, shuffle: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """A circle (class 0, radius 1) around a smaller one (class 1, radius ``factor``)."""
    _check_n(n_samples, 2)
    noise = _check_noise(noise)
    if not 0 < factor < 1:
        raise ValueError(f"factor must be in (0, 1), got {factor}")
    rng = _rng(seed)
    n0 = n_samples // 2
    n1 = n_samples - n0
    t0 = np.linspace(0, 2 * np.pi, n0, endpoint=False)
    t1 = np.linspace(0, 2 * np.pi, n1, endpoint=False)
    X = np.concatenate([np.stack([np.cos(t0), np.sin(t0)], 1),
                        factor * np.stack([np.cos(t1), np.sin(t1)], 1)])
    y = np.concatenate([np.zeros(n0, np.int64), np.ones(n1, np.int64)])
    X = X + noise * rng.standard_normal(X.shape)
    return _shuffled(X, y, rng, shuffle)


def spirals(n_samples: int = 300, n_classes: int = 3, noise: float = 0.2,
            seed: int | None = 0, shuffle: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """``n_classes`` interleaved spiral arms (the classic CS231n toy set).

    Arm k: radius r in [0, 1], angle 4 r + 2 pi k / K plus Gaussian angle noise ``noise``.
    """
    _check_n(n_samples, n_classes)
    noise = _check_noise(noise)
    if n_classes < 2:
        raise ValueError(f"n_classes must be >= 2, got {n_classes}")
    rng = _rng(seed)
    sizes = [n_samples // n_classes + (k < n_samples % n_classes) for k in range(n_classes)]
    parts, labels = [], []
    for k, m in enumerate(sizes):
        r = np.linspace(0.0, 1.0, m)
        t = 4.0 * r + 2 * np.pi * k / n_classes + noise * rng.standard_normal(m)
        parts.append(np.stack([r * np.sin(t), r * np.cos(t)], 1))
        labels.append(np.full(m, k, np.int64))
    return _shuffled(np.concatenate(parts), np.concatenate(labels), rng, shuffle)


def blobs(n_samples: int = 300, n_classes: int = 3, n_features: int = 2, std: float = 1.0,
          centers: Sequence[Sequence[float]] | np.ndarray | None = None,
          box: tuple[float, float] = (-10.0, 10.0), seed: int | None = 0,
          shuffle: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Isotropic Gaussian blobs, one per class; centers uniform in ``box`` unless given."""
    std = _check_noise(std, "std")
    rng = _rng(seed)
    if centers is None:
        centers = rng.uniform(box[0], box[1], size=(n_classes, n_features))
    centers = np.asarray(centers, dtype=np.float64)
    if centers.ndim != 2:
        raise ValueError(f"centers must be 2-D (n_classes, n_features), got shape {centers.shape}")
    n_classes, n_features = centers.shape
    _check_n(n_samples, n_classes)
    sizes = [n_samples // n_classes + (k < n_samples % n_classes) for k in range(n_classes)]
    X = np.concatenate([c + std * rng.standard_normal((m, n_features))
                        for c, m in zip(centers, sizes)])
    y = np.concatenate([np.full(m, k, np.int64) for k, m in enumerate(sizes)])
    return _shuffled(X, y, rng, shuffle)


def linear(n_samples: int = 100, n_features: int = 1, noise: float = 0.1,
           weight: Sequence[float] | np.ndarray | None = None, bias: float = 0.5,
           seed: int | None = 0) -> tuple[np.ndarray, np.ndarray]:
    """Noisy linear regression: y = X w + b + noise, X uniform in [-1, 1].

    ``weight`` defaults to (2, -1, 0.5, ...) cycling over the features; ``y`` has shape
    (n_samples, 1), ready for ``MSELoss`` against a ``Linear(n_features, 1)``.
    """
    _check_n(n_samples)
    noise = _check_noise(noise)
    rng = _rng(seed)
    if weight is None:
        weight = np.resize([2.0, -1.0, 0.5], n_features)
    w = np.asarray(weight, dtype=np.float64).reshape(-1)
    if w.shape[0] != n_features:
        raise ValueError(f"weight has {w.shape[0]} entries but n_features={n_features}")
    X = rng.uniform(-1.0, 1.0, size=(n_samples, n_features))
    y = X @ w + bias + noise * rng.standard_normal(n_samples)
    return X.astype(np.float32), y.reshape(-1, 1).astype(np.float32)


def polynomial(n_samples: int = 100, coefficients: Sequence[float] = (0.0, -1.0, 0.0, 1.0),
               noise: float = 0.1, seed: int | None = 0) -> tuple[np.ndarray, np.ndarray]:
    """Noisy polynomial regression in one variable: y = sum_k c_k x^k + noise, x in [-1.5, 1.5].

    The default is the cubic x^3 - x (two bends), which a straight line underfits.
    """
    _check_n(n_samples)
    noise = _check_noise(noise)
    if len(coefficients) == 0:
        raise ValueError("coefficients must not be empty")
    rng = _rng(seed)
    x = rng.uniform(-1.5, 1.5, size=n_samples)
    y = np.polynomial.polynomial.polyval(x, np.asarray(coefficients, dtype=np.float64))
    y = y + noise * rng.standard_normal(n_samples)
    return x.reshape(-1, 1).astype(np.float32), y.reshape(-1, 1).astype(np.float32)


_DIGITS_CACHE: dict[str, np.ndarray] = {}


def digits(images: bool = False, scale: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The 1,797 8x8 handwritten digits, labels 0..9, pixel values 0..16.

    ``images=True`` gives X of shape (1797, 1, 8, 8) for a ``Conv2d``; otherwise (1797, 64).
    ``scale=True`` divides by 16 so pixels lie in [0, 1]. The order is fixed (shuffle with a
    split): UCI Optical Recognition of Handwritten Digits, CC BY 4.0.
    """
    if not _DIGITS_CACHE:
        ref = resources.files("symnn.data").joinpath("_data/digits.npz")
        with ref.open("rb") as fh, np.load(fh) as npz:
            _DIGITS_CACHE["images"] = npz["images"].copy()
            _DIGITS_CACHE["labels"] = npz["labels"].copy()
    X = _DIGITS_CACHE["images"].astype(np.float32)
    if scale:
        X /= 16.0
    if images:
        X = X.reshape(-1, 1, 8, 8)
    return X, _DIGITS_CACHE["labels"].astype(np.int64)


def to_dataset(X: np.ndarray, y: np.ndarray) -> TensorDataset:
    """Wrap arrays as a ``symnn.data.TensorDataset`` of Tensors (float inputs, their targets)."""
    from symnn.data.dataset import TensorDataset
    from symnn.tensor import tensor

    return TensorDataset(tensor(np.asarray(X)), tensor(np.asarray(y)))


@dataclass(frozen=True)
class DatasetInfo:
    """A named dataset for the command line: its loader, task and one-line description."""

    name: str
    loader: Callable[..., tuple[np.ndarray, np.ndarray]]
    task: str  # "classification" or "regression"
    description: str


DATASETS: dict[str, DatasetInfo] = {
    info.name: info for info in [
        DatasetInfo("xor", xor, "classification",
                    "the four XOR corners; not linearly separable"),
        DatasetInfo("moons", moons, "classification",
                    "two interleaving half circles, 2 classes"),
        DatasetInfo("circles", circles, "classification",
                    "a circle inside a circle, 2 classes"),
        DatasetInfo("spirals", spirals, "classification",
                    "three interleaved spiral arms, 3 classes"),
        DatasetInfo("blobs", blobs, "classification",
                    "three Gaussian blobs, 3 classes"),
        DatasetInfo("linear", linear, "regression",
                    "noisy linear regression y = 2x + 0.5"),
        DatasetInfo("polynomial", polynomial, "regression",
                    "noisy cubic y = x^3 - x"),
        DatasetInfo("digits", digits, "classification",
                    "1,797 8x8 handwritten digits (UCI, CC BY 4.0), 10 classes"),
    ]
}


def load(name: str, **kwargs: Any) -> tuple[np.ndarray, np.ndarray]:
    """Load a dataset by name (one of ``DATASETS``), passing keyword arguments through."""
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; choose one of: {', '.join(DATASETS)}")
    return DATASETS[name].loader(**kwargs)
