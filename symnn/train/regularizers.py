"""Weight penalties and weight noise.

Penalties are callables ``penalty(model) -> Tensor`` added to the loss by ``fit(...,
regularizer=L2(1e-4))``, so the optimizer sees their gradient.

**L2 penalty versus ``weight_decay``.** ``L2(lam)`` adds (lam / 2) * sum(w^2), whose gradient
is lam * w. For plain SGD this is exactly ``SGD(weight_decay=lam)`` (w <- w - lr (g + lam w)).
In Adam the penalty's gradient lam * w goes through the adaptive scaling
1 / (sqrt(v_hat) + eps) like every other gradient, so weights with large gradients are decayed
*less*; that is ``Adam(weight_decay=lam)`` too (coupled L2). ``AdamW(weight_decay=lam)``
instead decays the weights directly, w <- w - lr * lam * w, outside the adaptive scaling
(decoupled weight decay, Loshchilov & Hutter 2019), which is not equivalent to any penalty
on the loss. **L1** (lam * sum |w|) has gradient lam * sign(w): a constant pull that drives
small weights to exactly zero (sparsity), where L2 shrinks all weights in proportion.

By default penalties apply to weights (parameters with 2 or more dimensions) and not to
biases or normalization scales, the usual practice; ``params="all"`` includes everything.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from symnn.train.callbacks import Callback
from symnn.train.state import TrainState

__all__ = ["L1", "L2", "ElasticNet", "WeightNoise"]


def _selected(model, params: str):
    if params not in ("weights", "all"):
        raise ValueError(f"params must be 'weights' or 'all', got {params!r}")
    return [p for p in model.parameters() if params == "all" or p.ndim >= 2]


class L2:
    """L2 penalty (lam / 2) * sum of squared weights; gradient lam * w."""

    def __init__(self, lam: float, params: str = "weights") -> None:
        if lam < 0:
            raise ValueError(f"lam must be >= 0, got {lam}")
        self.lam, self.params = lam, params

    def __call__(self, model) -> Any:
        terms = [(p * p).sum() for p in _selected(model, self.params)]
        return (self.lam / 2) * _total(terms)

    def __repr__(self) -> str:
        return f"L2(lam={self.lam}, params={self.params!r})"


class L1:
    """L1 penalty lam * sum of absolute weights; gradient lam * sign(w) (drives weights to 0)."""

    def __init__(self, lam: float, params: str = "weights") -> None:
        if lam < 0:
            raise ValueError(f"lam must be >= 0, got {lam}")
        self.lam, self.params = lam, params

    def __call__(self, model) -> Any:
        terms = [p.abs().sum() for p in _selected(model, self.params)]
        return self.lam * _total(terms)

    def __repr__(self) -> str:
        return f"L1(lam={self.lam}, params={self.params!r})"


class ElasticNet:
    """The sum of an L1 and an L2 penalty."""

    def __init__(self, l1: float, l2: float, params: str = "weights") -> None:
        self.l1, self.l2 = L1(l1, params), L2(l2, params)

    def __call__(self, model) -> Any:
        return self.l1(model) + self.l2(model)


def _total(terms):
    if not terms:
        raise ValueError("the model has no parameters to penalize")
    total = terms[0]
    for t in terms[1:]:
        total = total + t
    return total


class WeightNoise(Callback):
    """Noise on the weights during training: before each batch add Gaussian noise of standard
    deviation ``std`` to every weight, compute the loss and gradients at the perturbed weights,
    then put the clean weights back before the optimizer step. The network learns weights
    whose neighbourhood also works (flatter minima)."""

    def __init__(self, std: float = 0.01, params: str = "weights", seed: int | None = 0) -> None:
        if std < 0:
            raise ValueError(f"std must be >= 0, got {std}")
        self.std, self.params = std, params
        self.rng = np.random.default_rng(seed)
        self._saved: list[tuple[Any, np.ndarray]] = []

    def on_batch_begin(self, state: TrainState) -> None:
        self._saved = []
        for p in _selected(state.model, self.params):
            self._saved.append((p, p.data.copy()))
            p.data += (self.std * self.rng.standard_normal(p.data.shape)).astype(p.data.dtype)

    def on_after_backward(self, state: TrainState) -> None:
        for p, clean in self._saved:
            p.data[...] = clean
        self._saved = []
