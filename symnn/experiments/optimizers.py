"""Lesson 4: optimizers on a real dataset, compared fairly. The same MLP, the same initial
weights and the same mini-batches, trained on the digits by SGD, SGD with momentum, Nesterov
momentum, Adagrad, Adadelta, RMSprop and Adam. A learning rate good for one is poor for
another (the adaptive methods divide by a running gradient scale, so their step has a
different size), so each optimizer first gets a small sweep of learning rates, in factors of
about 3, and is compared at its own best."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from symnn.experiments.claims import Claim
from symnn.experiments.result import Panel

TITLE = "Optimizers on the 8x8 digits, each at its best learning rate"
DESCRIPTION = ("optimizers: SGD, momentum, Nesterov, Adagrad, Adadelta, RMSprop, Adam, each at "
               "its own best learning rate from a sweep")

#: the learning rates tried for each optimizer (factors of about 3 around the customary one)
SWEEP = {"sgd": (0.1, 0.3, 1.0, 3.0), "momentum": (0.03, 0.1, 0.3, 1.0),
         "nesterov": (0.03, 0.1, 0.3, 1.0), "adagrad": (0.01, 0.03, 0.1, 0.3),
         "adadelta": (1.0, 3.0, 10.0, 30.0), "rmsprop": (1e-3, 3e-3, 1e-2, 3e-2),
         "adam": (0.01, 0.03, 0.1, 0.3)}


def run_seed(seed: int, quick: bool = False, epochs: int | None = None, n_train: int = 500,
             hidden: int = 32, batch_size: int = 50,
             sweep: dict[str, tuple[float, ...]] | None = None) -> dict[str, Any]:
    """For each optimizer and learning rate, train a 64-hidden-10 ReLU MLP for ``epochs``
    epochs; the best rate is the one with the lowest final training loss."""
    from symnn import nn
    from symnn.experiments.setups import (accuracy_on, cross_entropy_on, digits_split,
                                          subsample)
    from symnn.tensor import manual_seed
    from symnn.train.loop import array_loader, fit, make_optimizer
    from symnn.train.models import mlp

    epochs = epochs or (1 if quick else 6)
    rates = sweep or SWEEP
    s = digits_split(seed=seed)
    X, y = subsample(s.X_train, s.y_train, n_train, seed=seed)
    variants, sweeps, curves = {}, {}, {}
    for name, lrs in rates.items():
        finals, histories, models = [], [], []
        for lr in lrs:
            manual_seed(seed)
            model = mlp([64, hidden, 10], "relu")
            hist = fit(model, nn.CrossEntropyLoss(), make_optimizer(name, model.parameters(), lr),
                       array_loader(X, y, batch_size, shuffle=True, seed=seed), epochs=epochs,
                       progress=False, track_grad_norms=False)
            final = cross_entropy_on(model, X, y)
            finals.append(final if math.isfinite(final) else float("inf"))
            histories.append(hist.train_loss)
            models.append(model)
        best = int(np.argmin(finals))
        variants[name] = {"best_lr": lrs[best], "train_loss": finals[best],
                          "test_accuracy": accuracy_on(models[best], s.X_test, s.y_test),
                          "best_inside_sweep": 0 < best < len(lrs) - 1}
        sweeps[name] = {"lrs": list(lrs), "train_loss": finals}
        curves[name] = histories[best]
    return {"epochs": epochs, "n_train": len(X), "hidden": hidden, "batch_size": batch_size,
            "variants": variants, "sweeps": sweeps, "loss_curves": curves}


def _adam_beats_sgd(n: dict) -> tuple[bool, dict]:
    a, s = n["variants"]["adam"]["train_loss"], n["variants"]["sgd"]["train_loss"]
    return a < s / 1.5, {"Adam": a, "SGD": s, "SGD / Adam": s / a}


def _momentum_helps(n: dict) -> tuple[bool, dict]:
    v = n["variants"]
    worst = max(v["momentum"]["train_loss"], v["nesterov"]["train_loss"])
    return worst < v["sgd"]["train_loss"], {"SGD": v["sgd"]["train_loss"],
                                            "momentum": v["momentum"]["train_loss"],
                                            "Nesterov": v["nesterov"]["train_loss"]}


def _rates_differ(n: dict) -> tuple[bool, dict]:
    best = {k: v["best_lr"] for k, v in n["variants"].items()}
    spread = max(best.values()) / min(best.values())
    return spread >= 30, {"largest / smallest best rate": spread,
                          "largest": max(best, key=best.get), "smallest": min(best, key=best.get)}


def _bracketed(n: dict) -> tuple[bool, dict]:
    edge = [k for k, v in n["variants"].items() if not v["best_inside_sweep"]]
    return not edge, {"best rate at the edge of the sweep": edge or "none"}


CLAIMS = [
    Claim("Each optimizer's best learning rate lies inside its sweep, not at an edge, so the "
          "sweep found it.", _bracketed),
    Claim("The best learning rates differ by a factor of 30 or more between optimizers: one "
          "shared rate would compare rates, not algorithms.", _rates_differ),
    Claim("At their best rates, Adam ends with a training loss at least 1.5x lower than plain "
          "SGD in the same number of steps.", _adam_beats_sgd),
    Claim("At their best rates, momentum and Nesterov momentum both end lower than plain SGD.",
          _momentum_helps),
]


def summarize(runs: list[dict[str, Any]]) -> tuple[list[str], list[Panel]]:
    r = runs[0]
    best = {k: sorted({x["variants"][k]["best_lr"] for x in runs}) for k in r["variants"]}
    lines = [f"64-{r['hidden']}-10 ReLU MLP on {r['n_train']} digits, batch {r['batch_size']}, "
             f"{r['epochs']} epochs; same initial weights and batches for every optimizer and rate",
             "learning rates tried: " + "; ".join(
                 f"{k} {', '.join(f'{lr:g}' for lr in v['lrs'])}" for k, v in r["sweeps"].items()),
             "best rate (lowest final training loss) on the seeds: " + "; ".join(
                 f"{k} {'/'.join(f'{lr:g}' for lr in v)}" for k, v in best.items())]
    epochs = list(range(1, r["epochs"] + 1))
    panels = [
        Panel("loss at each optimizer's best rate (seed 0)", "epoch", "cross-entropy",
              {k: (epochs, v) for k, v in r["loss_curves"].items()}, logy=True),
        Panel("the sweep (seed 0)", "log10(learning rate)", "final training loss",
              {k: ([math.log10(lr) for lr in v["lrs"]], v["train_loss"])
               for k, v in r["sweeps"].items()}, logy=True),
    ]
    return lines, panels
