"""Input scaling and data augmentation on NumPy arrays.

Scalers follow the fit / transform pattern: fit on the *training* data only, then apply the
same numbers to validation and test data (fitting on all data leaks the test set into
training). Augmentations draw from their own seeded ``numpy.random.Generator`` and work on a
batch of images ``(N, C, H, W)`` (or one image ``(C, H, W)``); they return new arrays and
leave the input untouched. Tensors are accepted and their ``.data`` is used.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "MinMaxScaler", "StandardScaler", "RandomCrop", "RandomHorizontalFlip", "RandomRotation",
    "GaussianNoise", "Compose", "Mixup", "BatchTransform", "mixup", "one_hot", "rotate",
]


def _array(x) -> np.ndarray:
    return np.asarray(getattr(x, "data", x))


def _generator(seed: int | np.random.Generator | None) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


class _Scaler:
    """Common fit / transform plumbing: statistics per feature (axis 0)."""

    _fitted_attr = ""

    def fit_transform(self, X) -> np.ndarray:
        return self.fit(X).transform(X)

    def _check(self, X) -> np.ndarray:
        X = _array(X)
        if getattr(self, self._fitted_attr) is None:
            raise RuntimeError(f"{type(self).__name__} is not fitted: call fit(X_train) first")
        expected = getattr(self, self._fitted_attr).shape
        if X.shape[1:] != expected:
            raise ValueError(f"{type(self).__name__} was fitted on features of shape {expected}, "
                             f"got input of shape {X.shape}")
        return X


class MinMaxScaler(_Scaler):
    """Scale each feature linearly so that its training range maps to ``feature_range``.

    x' = lo + (x - min) * (hi - lo) / (max - min); a constant feature (max == min) maps to lo.
    Use (0, 1) for pixel-like data, (-1, 1) to centre it around zero.
    """

    _fitted_attr = "data_min_"

    def __init__(self, feature_range: tuple[float, float] = (0.0, 1.0)) -> None:
        lo, hi = feature_range
        if not lo < hi:
            raise ValueError(f"feature_range must have min < max, got {feature_range}")
        self.feature_range = (float(lo), float(hi))
        self.data_min_: np.ndarray | None = None
        self.data_max_: np.ndarray | None = None

    def fit(self, X) -> "MinMaxScaler":
        X = _array(X)
        self.data_min_ = X.min(axis=0)
        self.data_max_ = X.max(axis=0)
        return self

    def _span(self) -> np.ndarray:
        span = self.data_max_ - self.data_min_
        return np.where(span == 0, 1.0, span)

    def transform(self, X) -> np.ndarray:
        X = self._check(X)
        lo, hi = self.feature_range
        # divide by the span (not multiply by its reciprocal): a subnormal span stays finite
        out = lo + (X - self.data_min_) / self._span() * (hi - lo)
        return out.astype(X.dtype if np.issubdtype(X.dtype, np.floating) else np.float32)

    def inverse_transform(self, X) -> np.ndarray:
        X = self._check(X)
        lo, hi = self.feature_range
        return ((X - lo) / (hi - lo) * self._span() + self.data_min_).astype(X.dtype)


class StandardScaler(_Scaler):
    """Standardize each feature to mean 0 and variance 1 on the training data: (x - mu) / sigma.

    sigma is the population standard deviation; a constant feature (sigma = 0) is only
    centred. Fit on the training split only and reuse ``mean_`` and ``std_`` for the others.
    """

    _fitted_attr = "mean_"

    def __init__(self) -> None:
        self.mean_: np.ndarray | None = None
        self.std_: np.ndarray | None = None

    def fit(self, X) -> "StandardScaler":
        X = _array(X).astype(np.float64)
        self.mean_ = X.mean(axis=0)
        std = X.std(axis=0)
        self.std_ = np.where(std == 0, 1.0, std)
        return self

    def transform(self, X) -> np.ndarray:
        X = self._check(X)
        out = (X - self.mean_) / self.std_
        return out.astype(X.dtype if np.issubdtype(X.dtype, np.floating) else np.float32)

    def inverse_transform(self, X) -> np.ndarray:
        X = self._check(X)
        return (X * self.std_ + self.mean_).astype(X.dtype)


def _as_batch(x) -> tuple[np.ndarray, bool]:
    x = _array(x)
    if x.ndim == 3:
        return x[None], True
    if x.ndim != 4:
        raise ValueError(f"expected images (N, C, H, W) or (C, H, W), got shape {x.shape}")
    return x, False


class RandomCrop:
    """Pad each image by ``padding`` pixels of ``fill`` on every side, then cut out a window
    of the original size at a random offset: shifts the content by up to ``padding`` pixels."""

    def __init__(self, padding: int = 1, fill: float = 0.0,
                 seed: int | np.random.Generator | None = None) -> None:
        if padding < 0:
            raise ValueError(f"padding must be >= 0, got {padding}")
        self.padding, self.fill, self.rng = int(padding), fill, _generator(seed)

    def __call__(self, x) -> np.ndarray:
        x, single = _as_batch(x)
        n, _, h, w = x.shape
        p = self.padding
        padded = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)), constant_values=self.fill)
        dy = self.rng.integers(0, 2 * p + 1, size=n)
        dx = self.rng.integers(0, 2 * p + 1, size=n)
        out = np.empty_like(x)
        for i in range(n):
            out[i] = padded[i, :, dy[i]:dy[i] + h, dx[i]:dx[i] + w]
        return out[0] if single else out


class RandomHorizontalFlip:
    """Mirror each image left-right with probability ``p`` (fine for most objects; note that
    it can change a digit's meaning, so use it with care on digits)."""

    def __init__(self, p: float = 0.5, seed: int | np.random.Generator | None = None) -> None:
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"p must be in [0, 1], got {p}")
        self.p, self.rng = p, _generator(seed)

    def __call__(self, x) -> np.ndarray:
        x, single = _as_batch(x)
        flip = self.rng.random(len(x)) < self.p
        out = x.copy()
        out[flip] = x[flip][..., ::-1]
        return out[0] if single else out


class RandomRotation:
    """Rotate each image about its centre by an angle uniform in [-degrees, degrees],
    with bilinear interpolation; pixels that come from outside the image get ``fill``."""

    def __init__(self, degrees: float = 10.0, fill: float = 0.0,
                 seed: int | np.random.Generator | None = None) -> None:
        if degrees < 0:
            raise ValueError(f"degrees must be >= 0, got {degrees}")
        self.degrees, self.fill, self.rng = float(degrees), fill, _generator(seed)

    def __call__(self, x) -> np.ndarray:
        x, single = _as_batch(x)
        n, c, h, w = x.shape
        angles = np.deg2rad(self.rng.uniform(-self.degrees, self.degrees, size=n))
        out = rotate(x, angles, fill=self.fill)
        return out[0] if single else out


def rotate(x: np.ndarray, angles: np.ndarray, fill: float = 0.0) -> np.ndarray:
    """Rotate a batch (N, C, H, W) counter-clockwise by ``angles`` (radians, one per image).

    Each output pixel p samples the input at R(-angle)(p - centre) + centre, bilinearly.
    """
    n, c, h, w = x.shape
    cy, cx = (h - 1) / 2.0, (w - 1) / 2.0
    yy, xx = np.meshgrid(np.arange(h) - cy, np.arange(w) - cx, indexing="ij")
    cos, sin = np.cos(angles)[:, None, None], np.sin(angles)[:, None, None]
    # rows grow downwards; with this sign a quarter turn equals np.rot90 (counter-clockwise)
    src_x = cos * xx - sin * yy + cx
    src_y = sin * xx + cos * yy + cy
    x0, y0 = np.floor(src_x).astype(np.int64), np.floor(src_y).astype(np.int64)
    fx, fy = (src_x - x0).astype(x.dtype), (src_y - y0).astype(x.dtype)
    padded = np.pad(x, ((0, 0), (0, 0), (1, 2), (1, 2)), constant_values=fill)
    idx = np.arange(n)[:, None, None]

    def sample(yi, xi):  # (N, H, W) indices into the padded image -> (N, C, H, W)
        yi = np.clip(yi + 1, 0, h + 2)
        xi = np.clip(xi + 1, 0, w + 2)
        return np.moveaxis(padded[idx, :, yi, xi], -1, 1)

    top = sample(y0, x0) * (1 - fx)[:, None] + sample(y0, x0 + 1) * fx[:, None]
    bottom = sample(y0 + 1, x0) * (1 - fx)[:, None] + sample(y0 + 1, x0 + 1) * fx[:, None]
    return (top * (1 - fy)[:, None] + bottom * fy[:, None]).astype(x.dtype)


class GaussianNoise:
    """Add zero-mean Gaussian noise of standard deviation ``std`` to every input value
    (noise robustness: the network cannot rely on exact input values)."""

    def __init__(self, std: float = 0.1, seed: int | np.random.Generator | None = None) -> None:
        if std < 0:
            raise ValueError(f"std must be >= 0, got {std}")
        self.std, self.rng = float(std), _generator(seed)

    def __call__(self, x) -> np.ndarray:
        x = _array(x)
        return (x + self.std * self.rng.standard_normal(x.shape)).astype(x.dtype)


class Compose:
    """Apply transforms one after another: ``Compose([RandomCrop(1), RandomRotation(10)])``."""

    def __init__(self, transforms: Sequence[Callable[[np.ndarray], np.ndarray]]) -> None:
        self.transforms = list(transforms)

    def __call__(self, x) -> np.ndarray:
        for t in self.transforms:
            x = t(x)
        return x


def one_hot(y: ArrayLike, n_classes: int) -> np.ndarray:
    """Class indices (N,) -> one-hot rows (N, n_classes) of float32."""
    y = _array(y).astype(np.int64).reshape(-1)
    if y.size and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(f"labels must lie in [0, {n_classes}), got range [{y.min()}, {y.max()}]")
    out = np.zeros((len(y), n_classes), dtype=np.float32)
    out[np.arange(len(y)), y] = 1.0
    return out


def mixup(x: ArrayLike, y: ArrayLike, n_classes: int, alpha: float = 0.2,
          rng: np.random.Generator | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Mix a batch with a shuffled copy of itself (Zhang et al., 2018).

    lambda ~ Beta(alpha, alpha); x' = lambda x_i + (1 - lambda) x_j and the targets likewise as
    class probabilities, y' = lambda onehot(y_i) + (1 - lambda) onehot(y_j). The result feeds
    ``CrossEntropyLoss`` with probability targets.
    """
    if alpha <= 0:
        raise ValueError(f"alpha must be > 0, got {alpha}")
    rng = rng or np.random.default_rng()
    x = _array(x)
    targets = one_hot(y, n_classes) if _array(y).ndim == 1 else _array(y).astype(np.float32)
    lam = float(rng.beta(alpha, alpha))
    perm = rng.permutation(len(x))
    xm = (lam * x + (1 - lam) * x[perm]).astype(x.dtype)
    ym = (lam * targets + (1 - lam) * targets[perm]).astype(np.float32)
    return xm, ym


class BatchTransform:
    """A transform of an (inputs, targets) batch, not of the inputs alone (e.g. mixup)."""

    def __call__(self, x, y) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - interface
        raise NotImplementedError


class Mixup(BatchTransform):
    """:func:`mixup` as a seeded batch transform for the training loop."""

    def __init__(self, n_classes: int, alpha: float = 0.2,
                 seed: int | np.random.Generator | None = None) -> None:
        self.n_classes, self.alpha, self.rng = n_classes, alpha, _generator(seed)

    def __call__(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        return mixup(x, y, self.n_classes, self.alpha, self.rng)
