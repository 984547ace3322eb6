"""Lesson 6: batch size. A mini-batch gradient is an estimate of the full-batch gradient: its
noise (mean squared deviation) shrinks as 1/B. Batch 1 (stochastic), small, medium and full
batch are compared twice: at equal epochs (small batches make many more updates) and at
equal updates (each update of a large batch sees more data). The sharpness of where each run
ends is measured as the largest eigenvalue of the training loss's Hessian (Lanczos on
Hessian-vector products). The claim that small batches find flatter minima that generalize
better is contested; this lesson measures it and says what it sees."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from symnn.experiments.claims import Claim
from symnn.experiments.result import Panel

if TYPE_CHECKING:  # pragma: no cover
    from symnn.nn import Module

TITLE = "Batch size: updates, gradient noise and sharpness"
DESCRIPTION = ("batch size: batch 1, 16, 64 and full at equal epochs and equal updates; "
               "gradient noise and sharpness (top Hessian eigenvalue)")


def _flat_grad(model: Module, loss_fn: Callable[..., Any], X: np.ndarray, y: np.ndarray
               ) -> np.ndarray:
    from symnn.tensor import tensor

    model.zero_grad()
    loss_fn(model(tensor(X)), tensor(y)).backward()
    return np.concatenate([p.grad.data.ravel() for p in model.parameters()]).astype(np.float64)


def top_hessian_eigenvalue(model: Module, loss_fn: Callable[..., Any], X: np.ndarray,
                           y: np.ndarray, iters: int = 20, eps: float = 1e-4,
                           seed: int = 0) -> float:
    """Largest eigenvalue of the Hessian of the loss on (X, y) at the model's weights.

    Hessian-vector products by central differences of gradients, Hv ~ (g(w + eps v) -
    g(w - eps v)) / (2 eps), computed in float64, feed ``iters`` steps of Lanczos (with full
    reorthogonalization); the top eigenvalue of the small tridiagonal matrix converges to the
    Hessian's. The weights and the model's dtype are restored afterwards. Needs a smooth
    activation (tanh, sigmoid): at a ReLU kink the difference quotient is not a curvature."""
    params = list(model.parameters())
    saved = [p.data for p in params]
    w = np.concatenate([p.data.ravel() for p in params]).astype(np.float64)
    sizes = np.cumsum([p.data.size for p in params])[:-1]
    X64 = np.asarray(X, dtype=np.float64)

    def set_weights(v: np.ndarray) -> None:
        for p, part, old in zip(params, np.split(v, sizes), saved):
            p.data = part.reshape(old.shape)

    def hvp(v: np.ndarray) -> np.ndarray:
        set_weights(w + eps * v)
        plus = _flat_grad(model, loss_fn, X64, y)
        set_weights(w - eps * v)
        return (plus - _flat_grad(model, loss_fn, X64, y)) / (2 * eps)

    try:
        q = np.random.default_rng(seed).standard_normal(w.size)
        basis, alphas, betas = [q / np.linalg.norm(q)], [], []
        for _ in range(iters):
            z = hvp(basis[-1])
            alphas.append(float(basis[-1] @ z))
            for _ in range(2):  # twice, for numerical orthogonality
                z -= np.stack(basis).T @ (np.stack(basis) @ z)
            beta = float(np.linalg.norm(z))
            if beta < 1e-10:
                break
            betas.append(beta)
            basis.append(z / beta)
        k = len(alphas)
        T = np.diag(alphas) + np.diag(betas[:k - 1], 1) + np.diag(betas[:k - 1], -1)
        return float(np.linalg.eigvalsh(T)[-1])
    finally:
        for p, old in zip(params, saved):
            p.data = old
        model.zero_grad()


def gradient_noise(model: Module, loss_fn: Callable[..., Any], X: np.ndarray, y: np.ndarray,
                   batch_sizes: tuple[int, ...], draws: int = 48, seed: int = 0
                   ) -> dict[int, dict[str, float]]:
    """Mean squared distance between a batch-B gradient and the full-batch gradient g, for
    each B, measured over ``draws`` random batches, and the sampling theory's prediction
    sigma^2 / B * (N - B) / (N - 1), where sigma^2 is the mean squared distance of the N
    one-sample gradients from g (batches drawn without replacement)."""
    rng = np.random.default_rng(seed)
    n = len(X)
    full = _flat_grad(model, loss_fn, X, y)
    sigma2 = float(np.mean([np.sum((_flat_grad(model, loss_fn, X[i:i + 1], y[i:i + 1]) - full)
                                   ** 2) for i in range(n)]))
    out = {}
    for b in batch_sizes:
        sq = [np.sum((_flat_grad(model, loss_fn, X[idx], y[idx]) - full) ** 2)
              for idx in (rng.choice(n, size=b, replace=False) for _ in range(draws))]
        out[b] = {"measured": float(np.mean(sq)), "theory": sigma2 / b * (n - b) / (n - 1)}
    model.zero_grad()
    return out


def run_seed(seed: int, quick: bool = False, n_train: int = 128, hidden: int = 32,
             lr: float = 0.02, epochs: int | None = None, updates: int | None = None,
             batch_sizes: tuple[int, ...] = (1, 16, 64)) -> dict[str, Any]:
    """SGD with momentum 0.9 at one learning rate on ``n_train`` digits, for each batch size
    plus the full batch: ``epochs`` epochs, then (from the same start) ``updates`` updates."""
    from symnn import nn
    from symnn.experiments.setups import (accuracy_on, cross_entropy_on, digits_split,
                                          subsample)
    from symnn.tensor import manual_seed
    from symnn.train.callbacks import Callback
    from symnn.train.loop import array_loader, fit, make_optimizer
    from symnn.train.models import mlp

    epochs = epochs or (1 if quick else 4)
    updates = updates or (20 if quick else 200)
    s = digits_split(seed=seed)
    X, y = subsample(s.X_train, s.y_train, n_train, seed=seed)
    small = tuple(b for b in batch_sizes if b < len(X))
    sizes = [*small, len(X)]
    loss_fn = nn.CrossEntropyLoss()

    class StopAfter(Callback):
        """Stop after a given number of updates."""

        def __init__(self, limit: int) -> None:
            self.limit, self.count = limit, 0

        def on_batch_end(self, state) -> None:
            self.count += 1
            if self.count >= self.limit:
                state.request_stop(f"{self.limit} updates")

    def train(batch: int, n_epochs: int, limit: int | None) -> tuple[Module, list[float]]:
        manual_seed(seed)
        model = mlp([64, hidden, 10], "tanh")
        hist = fit(model, loss_fn, make_optimizer("momentum", model.parameters(), lr),
                   array_loader(X, y, batch, shuffle=True, seed=seed), epochs=n_epochs,
                   callbacks=[StopAfter(limit)] if limit else (), progress=False,
                   track_grad_norms=False)
        return model, hist.epoch_time

    variants = {}
    for b in sizes:
        label = "full" if b == len(X) else str(b)
        per_epoch = -(-len(X) // b)
        model, times = train(b, epochs, None)
        variants[f"batch {label}, {epochs} epochs"] = {
            "updates": epochs * per_epoch, "train_loss": cross_entropy_on(model, X, y),
            "test_accuracy": accuracy_on(model, s.X_test, s.y_test),
            "seconds_per_epoch": float(np.mean(times))}
        model, _ = train(b, -(-updates // per_epoch), updates)
        variants[f"batch {label}, {updates} updates"] = {
            "epochs": updates / per_epoch, "train_loss": cross_entropy_on(model, X, y),
            "test_accuracy": accuracy_on(model, s.X_test, s.y_test),
            "sharpness": top_hessian_eigenvalue(model, loss_fn, X, y, seed=seed)}
    manual_seed(seed)
    noise = gradient_noise(mlp([64, hidden, 10], "tanh"), loss_fn, X, y, small[1:],
                           draws=8 if quick else 48, seed=seed)
    return {"n_train": len(X), "hidden": hidden, "lr": lr, "epochs": epochs, "updates": updates,
            "batch_sizes": sizes, "variants": variants,
            "gradient_noise": {str(b): v for b, v in noise.items()}}


def _key(n: dict, batch: int | str, equal: str) -> str:
    label = "full" if batch == "full" else str(batch)
    return f"batch {label}, {n[equal]} {equal}"


def _number(n: dict, batch: int | str, equal: str, what: str = "train_loss") -> float:
    """A variant's number; NaN (so every comparison fails) when the run lacks the variant."""
    return n["variants"].get(_key(n, batch, equal), {}).get(what, float("nan"))


def _loss(n: dict, batch: int | str, equal: str) -> float:
    return _number(n, batch, equal)


def _equal_epochs(n: dict) -> tuple[bool, dict]:
    losses = [_loss(n, b, "epochs") for b in (1, 16, 64, "full")]
    ordered = all(a < b - 0.02 for a, b in zip(losses, losses[1:]))
    return ordered, {"train loss at batch 1, 16, 64, full": losses}


def _equal_updates(n: dict) -> tuple[bool, dict]:
    one = _loss(n, 1, "updates")
    others = [_loss(n, b, "updates") for b in (16, 64, "full")]
    return one > 1.5 * max(others), {"batch 1": one, "batch 16, 64, full": others}


def _large_batches_agree(n: dict) -> tuple[bool, dict]:
    losses = [_loss(n, b, "updates") for b in (16, 64, "full")]
    sharp = [_number(n, b, "updates", "sharpness") for b in (16, 64, "full")]
    spread = max(sharp) / min(sharp)
    return spread < 1.15 and max(losses) / min(losses) < 1.1, {
        "train loss at 16, 64, full": losses, "top eigenvalue at 16, 64, full": sharp,
        "largest / smallest eigenvalue": spread}


def _noise_scales(n: dict) -> tuple[bool, dict]:
    ratios = {b: v["measured"] / v["theory"] for b, v in n["gradient_noise"].items()}
    return all(0.7 < r < 1.4 for r in ratios.values()), {
        f"measured / theory at batch {b}": r for b, r in ratios.items()}


CLAIMS = [
    Claim("At equal epochs, the smaller the batch the lower the training loss (batch 1 < 16 "
          "< 64 < full): small batches make many more updates per epoch.", _equal_epochs),
    Claim("At equal updates, batch 1 ends with a training loss more than 1.5x that of batch "
          "16, 64 or full: one sample gives a noisy gradient.", _equal_updates),
    Claim("A batch-B gradient's mean squared distance from the full-batch gradient follows "
          "σ²/B · (N − B)/(N − 1) (measured within 0.7x-1.4x): noise shrinks as 1/B.",
          _noise_scales),
    Claim("At equal updates, batches 16, 64 and full end at the same training loss (within "
          "10%) and equally sharp points (top Hessian eigenvalues within 15%): here small "
          "batches did not find flatter minima.", _large_batches_agree),
]


def summarize(runs: list[dict[str, Any]]) -> tuple[list[str], list[Panel]]:
    r = runs[0]
    lines = [f"MLP 64-{r['hidden']}-10 (tanh) on {r['n_train']} digits, SGD momentum 0.9 at lr "
             f"{r['lr']} for every batch size ({', '.join(map(str, r['batch_sizes']))} = full); "
             f"{r['epochs']} epochs, then {r['updates']} updates from the same start",
             "sharpness = largest eigenvalue of the training loss's Hessian (Lanczos, 20 "
             "Hessian-vector products); seconds per epoch depend on the machine",
             "the flat-minima story (small batches find flatter minima that generalize) is "
             "contested; in this setup, at equal updates, the sharpness barely depends on the "
             "batch size, and neither does test accuracy"]
    noise_b = list(r["gradient_noise"])
    shown = [b for b in (1, 16, 64, "full") if _key(r, b, "epochs") in r["variants"]]
    panels = [
        Panel(f"training loss after {r['epochs']} epochs", "", "cross-entropy",
              {b: ([0], [float(np.mean([_loss(x, b, "epochs") for x in runs]))])
               for b in shown}, kind="bar"),
        Panel(f"training loss after {r['updates']} updates", "", "cross-entropy",
              {b: ([0], [float(np.mean([_loss(x, b, "updates") for x in runs]))])
               for b in shown}, kind="bar"),
        Panel("gradient noise against batch size", "batch size", "mean ‖g_B − g‖²",
              {"measured": ([int(b) for b in noise_b],
                            [float(np.mean([x["gradient_noise"][b]["measured"] for x in runs]))
                             for b in noise_b]),
               "theory": ([int(b) for b in noise_b],
                          [float(np.mean([x["gradient_noise"][b]["theory"] for x in runs]))
                           for b in noise_b])}, logy=True),
    ]
    return lines, panels
