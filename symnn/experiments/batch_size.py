"""Lesson 6: batch size. Small mini-batches give noisy gradient estimates and many updates per
epoch; large ones give accurate estimates and few updates. The noise tends to lead to flat
minima that generalize; large batches tend toward sharp ones. Measured here: training and
test accuracy, the generalization gap, and the sharpness of the minimum reached (how much
the training loss rises when the weights are perturbed at random)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from symnn.experiments.result import ExperimentResult, Panel

if TYPE_CHECKING:  # pragma: no cover
    from symnn.nn import Module

DESCRIPTION = "batch size: small versus large mini-batches, generalization gap and sharpness"


def sharpness(model: Module, loss_fn: Callable[..., Any], X: np.ndarray, y: np.ndarray,
              radius: float = 0.05, trials: int = 5,
              seed: int = 0) -> float:
    """Mean rise of the training loss when every weight w is perturbed by Gaussian noise of
    standard deviation ``radius * |w|`` (relative to each weight's size), over ``trials``
    draws: a larger number means a sharper minimum."""
    from symnn.tensor import no_grad, tensor

    rng = np.random.default_rng(seed)
    params = list(model.parameters())
    clean = [p.data.copy() for p in params]
    model.eval()
    with no_grad():
        base = float(loss_fn(model(tensor(X)), tensor(y)).item())
        rises = []
        for _ in range(trials):
            for p, c in zip(params, clean):
                p.data[...] = c + radius * np.abs(c) * rng.standard_normal(c.shape).astype(c.dtype)
            rises.append(float(loss_fn(model(tensor(X)), tensor(y)).item()) - base)
        for p, c in zip(params, clean):
            p.data[...] = c
    model.train()
    return float(np.mean(rises))


def run(quick: bool = False, seed: int = 0, epochs: int | None = None,
        batch_sizes: tuple[int, ...] = (8, 64, 512), lr: float = 0.05) -> ExperimentResult:
    """Same MLP, same number of epochs and same learning rate (SGD, momentum 0.9) at each
    batch size; the small batches make many more updates."""
    from symnn import nn
    from symnn.experiments.setups import digits_split
    from symnn.tensor import manual_seed
    from symnn.train.loop import array_loader, fit, make_optimizer, predict
    from symnn.train.metrics import accuracy
    from symnn.train.models import mlp

    start = time.perf_counter()
    epochs = epochs or (2 if quick else 20)
    s = digits_split(seed=seed)
    numbers, curves, val_curves = {}, {}, {}
    loss_fn = nn.CrossEntropyLoss()
    for bs in batch_sizes:
        manual_seed(seed)
        model = mlp([64, 128, 10], "relu")
        t0 = time.perf_counter()
        hist = fit(model, loss_fn, make_optimizer("momentum", model.parameters(), lr),
                   array_loader(s.X_train, s.y_train, bs, shuffle=True, seed=seed),
                   array_loader(s.X_val, s.y_val, 512), epochs=epochs, progress=False)
        seconds = time.perf_counter() - t0
        train_acc = accuracy(predict(model, s.X_train), s.y_train)
        test_acc = accuracy(predict(model, s.X_test), s.y_test)
        key = str(bs)
        numbers[key] = {
            "batch_size": bs, "updates": epochs * -(-len(s.X_train) // bs),
            "train_accuracy": train_acc, "test_accuracy": test_acc,
            "gap": train_acc - test_acc, "final_train_loss": hist.train_loss[-1],
            "sharpness": sharpness(model, loss_fn, s.X_train, s.y_train, seed=seed),
            "seconds": seconds,
        }
        curves[f"batch {bs}"] = (hist.epoch, hist.train_loss)
        val_curves[f"batch {bs}"] = (hist.epoch, hist.val_accuracy)
    summary = [f"64-128-10 MLP on the digits, SGD momentum 0.9, lr {lr}, {epochs} epochs at "
               "every batch size:",
               f"  {'batch':>5} {'updates':>8} {'train acc':>9} {'test acc':>8} {'gap':>7} "
               f"{'sharpness':>10} {'seconds':>8}"]
    for n in numbers.values():
        summary.append(f"  {n['batch_size']:>5} {n['updates']:>8} {n['train_accuracy']:>9.3f} "
                       f"{n['test_accuracy']:>8.3f} {n['gap']:>+7.3f} {n['sharpness']:>10.4f} "
                       f"{n['seconds']:>8.2f}")
    summary.append("sharpness = mean rise of the training loss under 5% random weight "
                   "perturbation; with equal epochs the large batch also makes far fewer "
                   "updates, which is part of its lower accuracy")
    panels = [Panel("training loss", "epoch", "cross-entropy", curves, logy=True),
              Panel("validation accuracy", "epoch", "accuracy", val_curves),
              Panel("generalization gap", "", "train - test accuracy",
                    {f"batch {n['batch_size']}": ([0], [n["gap"]]) for n in numbers.values()},
                    kind="bar")]
    return ExperimentResult("batch-size", "Batch size and generalization",
                            {"epochs": epochs, "lr": lr, "batch_sizes": numbers}, summary,
                            panels, time.perf_counter() - start)
