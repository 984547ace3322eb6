"""Ensembles of small networks: bagging and boosting.

**Bagging** (bootstrap aggregating, Breiman 1996): train each member on a bootstrap resample
of the training set and average the members' predicted class probabilities. Averaging cancels
part of the members' independent errors, so it mainly lowers variance.

**Boosting** here is **SAMME** (Zhu, Zou, Rosset & Hastie 2009, the multi-class AdaBoost) on
small neural networks, by *resampling*: each round draws a training set with probabilities
equal to the current sample weights, trains a fresh small network on it and measures its
weighted error err. The member's vote is alpha = log((1 - err) / err) + log(K - 1), and the
weights of the samples it got wrong are multiplied by exp(alpha), so the next member focuses
on the examples still wrong. The ensemble predicts argmax_k sum_m alpha_m [h_m(x) = k].
A round whose member is no better than chance (err >= 1 - 1/K) ends the boosting.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from symnn.train.loop import predict, train_classifier
from symnn.train.metrics import accuracy, predictions

__all__ = ["Bagging", "AdaBoost", "softmax"]


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax, shifted by the row maximum for stability."""
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class _Ensemble:
    def __init__(self, make_model: Callable[[], Any], n_estimators: int, seed: int | None,
                 train_kwargs: dict[str, Any]) -> None:
        if n_estimators < 1:
            raise ValueError(f"n_estimators must be >= 1, got {n_estimators}")
        self.make_model, self.n_estimators = make_model, n_estimators
        self.seed, self.train_kwargs = seed, train_kwargs
        self.models: list[Any] = []
        self.n_classes: int | None = None

    def _new_model(self, i: int):
        from symnn.tensor import manual_seed

        if self.seed is not None:
            manual_seed(self.seed + i)
        return self.make_model()

    def _train(self, model, X, y, i: int) -> None:
        train_classifier(model, X, y, seed=None if self.seed is None else self.seed + i,
                         **self.train_kwargs)

    def predict(self, X) -> np.ndarray:
        """Predicted class of each row."""
        return self.predict_scores(X).argmax(axis=1)

    def score(self, X, y) -> float:
        """Accuracy on (X, y)."""
        return accuracy(self.predict(X), np.asarray(y))

    def member_scores(self, X, y) -> list[float]:
        """Accuracy of each member alone."""
        return [accuracy(predict(m, X), np.asarray(y)) for m in self.models]

    def predict_scores(self, X) -> np.ndarray:  # pragma: no cover - interface
        raise NotImplementedError


class Bagging(_Ensemble):
    """Average of ``n_estimators`` models, each trained on a bootstrap resample.

    ``make_model()`` builds a fresh network (logits out); ``train_kwargs`` go to
    :func:`symnn.train.loop.train_classifier` (epochs, lr, optimizer, batch_size).
    ``oob_score_`` is the out-of-bag accuracy: each sample predicted by the members that
    never saw it.
    """

    def __init__(self, make_model: Callable[[], Any], n_estimators: int = 10,
                 seed: int | None = 0, **train_kwargs: Any) -> None:
        super().__init__(make_model, n_estimators, seed, train_kwargs)
        self.oob_score_: float | None = None

    def fit(self, X: ArrayLike, y: ArrayLike) -> "Bagging":
        X, y = np.asarray(X), np.asarray(y)
        n = len(X)
        self.n_classes = int(y.max()) + 1
        rng = np.random.default_rng(self.seed)
        oob_votes = np.zeros((n, self.n_classes))
        self.models = []
        for i in range(self.n_estimators):
            idx = rng.integers(0, n, size=n)
            oob = np.setdiff1d(np.arange(n), idx)
            model = self._new_model(i)
            self._train(model, X[idx], y[idx], i)
            self.models.append(model)
            if len(oob):
                oob_votes[oob] += softmax(predict(model, X[oob]))
        seen = oob_votes.sum(axis=1) > 0
        if seen.any():
            self.oob_score_ = accuracy(oob_votes[seen].argmax(1), y[seen])
        return self

    def predict_scores(self, X) -> np.ndarray:
        """Mean predicted class probabilities of the members."""
        return np.mean([softmax(predict(m, X)) for m in self.models], axis=0)


class AdaBoost(_Ensemble):
    """SAMME boosting of small networks by weighted resampling (see the module docstring).

    ``learning_rate`` shrinks every vote alpha (1.0 is plain SAMME). After ``fit``:
    ``alphas_`` (one vote per member), ``errors_`` (each member's weighted training error).
    """

    def __init__(self, make_model: Callable[[], Any], n_estimators: int = 10,
                 learning_rate: float = 1.0, seed: int | None = 0, **train_kwargs: Any) -> None:
        super().__init__(make_model, n_estimators, seed, train_kwargs)
        self.learning_rate = learning_rate
        self.alphas_: list[float] = []
        self.errors_: list[float] = []

    def fit(self, X: ArrayLike, y: ArrayLike) -> "AdaBoost":
        X, y = np.asarray(X), np.asarray(y)
        n = len(X)
        K = self.n_classes = int(y.max()) + 1
        rng = np.random.default_rng(self.seed)
        w = np.full(n, 1.0 / n)
        self.models, self.alphas_, self.errors_ = [], [], []
        for i in range(self.n_estimators):
            idx = rng.choice(n, size=n, replace=True, p=w)
            model = self._new_model(i)
            self._train(model, X[idx], y[idx], i)
            wrong = predictions(predict(model, X)) != y
            err = float(np.clip(w[wrong].sum(), 1e-10, None))
            if err >= 1.0 - 1.0 / K:
                if not self.models:  # keep one member so the ensemble can predict
                    self.models.append(model)
                    self.alphas_.append(1.0)
                    self.errors_.append(err)
                break
            alpha = self.learning_rate * (np.log((1 - err) / err) + np.log(K - 1))
            self.models.append(model)
            self.alphas_.append(float(alpha))
            self.errors_.append(err)
            if err <= 1e-10:
                break
            w = w * np.exp(alpha * wrong)
            w /= w.sum()
        return self

    def predict_scores(self, X) -> np.ndarray:
        """Weighted votes: sum over members of alpha_m * onehot(h_m(x)), normalized to sum 1."""
        votes = None
        for model, alpha in zip(self.models, self.alphas_):
            pred = predictions(predict(model, X))
            onehot = np.eye(self.n_classes)[pred]
            votes = alpha * onehot if votes is None else votes + alpha * onehot
        return votes / votes.sum(axis=1, keepdims=True)
