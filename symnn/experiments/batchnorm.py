"""Lesson 3: batch normalization. Normalizing each hidden feature over the mini-batch (then
scaling by gamma and shifting by beta) keeps the layers' inputs in a stable range, so a
learning rate that makes the plain network diverge or stall trains with BN, and at an
ordinary learning rate BN reaches a given accuracy in fewer epochs."""

from __future__ import annotations

import math
import time

from symnn.experiments.result import ExperimentResult, Panel

DESCRIPTION = ("batch norm: a learning rate that fails without BN trains with it; convergence "
               "speed with and without")


def _epochs_to(values: list, target: float) -> int | None:
    for i, v in enumerate(values):
        if v is not None and v >= target:
            return i + 1
    return None


def run(quick: bool = False, seed: int = 0, epochs: int | None = None, lr: float = 0.2,
        large_lr: float = 3.0, depth: int = 4, width: int = 64,
        target: float = 0.9) -> ExperimentResult:
    """Train a ``depth``-layer ReLU MLP on the digits with plain SGD, with and without
    BatchNorm1d, at an ordinary ``lr`` and at a ``large_lr``."""
    from symnn import nn
    from symnn.experiments.setups import digits_split
    from symnn.tensor import manual_seed
    from symnn.train.callbacks import DivergenceGuard
    from symnn.train.loop import array_loader, evaluate, fit, make_optimizer
    from symnn.train.models import mlp

    start = time.perf_counter()
    epochs = epochs or (3 if quick else 15)
    s = digits_split(seed=seed)
    sizes = [64] + [width] * (depth - 1) + [10]
    runs, numbers = {}, {}
    for rate in (lr, large_lr):
        for bn in (False, True):
            name = f"{'BN' if bn else 'plain'}, lr {rate:g}"
            manual_seed(seed)
            model = mlp(sizes, "relu", batchnorm=bn)
            guard = DivergenceGuard()
            hist = fit(model, nn.CrossEntropyLoss(), make_optimizer("sgd", model.parameters(), rate),
                       array_loader(s.X_train, s.y_train, 64, shuffle=True, seed=seed),
                       array_loader(s.X_val, s.y_val, 512), epochs=epochs, callbacks=[guard],
                       progress=False)
            diverged = guard.message is not None
            test = evaluate(model, array_loader(s.X_test, s.y_test, 512), nn.CrossEntropyLoss())
            test_acc = test["accuracy"] if math.isfinite(test["loss"]) and not diverged else None
            runs[name] = hist
            numbers[name] = {
                "batchnorm": bn, "lr": rate, "diverged": diverged,
                "val_accuracy": hist.val_accuracy, "train_loss": hist.train_loss,
                "epochs_to_target": _epochs_to(hist.val_accuracy, target),
                "test_accuracy": test_acc,
            }
    summary = [f"{depth}-layer ReLU MLP (width {width}) on the digits, SGD, batch 64, "
               f"{epochs} epochs; epochs to {target:.0%} validation accuracy and test accuracy:"]
    for name, n in numbers.items():
        reached = n["epochs_to_target"] or f"not within {epochs}"
        state = "diverged (loss NaN/inf or exploded)" if n["diverged"] else (
            f"test accuracy {n['test_accuracy']:.3f}" if n["test_accuracy"] is not None else "")
        summary.append(f"  {name:<18} epochs to target: {reached!s:<16} {state}")
    def outcome(n: dict) -> str:
        return "diverged" if n["diverged"] else f"test accuracy {n['test_accuracy']:.3f}"

    plain, bn = numbers[f"plain, lr {large_lr:g}"], numbers[f"BN, lr {large_lr:g}"]
    summary.append(f"at lr {large_lr:g}: without BN {outcome(plain)}, with BN {outcome(bn)} "
                   "(10 classes: chance is 0.10)")
    panels = [
        Panel("validation accuracy", "epoch", "accuracy",
              {k: (h.epoch, [v if v is not None else float("nan") for v in h.val_accuracy])
               for k, h in runs.items()}),
        Panel("training loss", "epoch", "cross-entropy",
              {k: (h.epoch, h.train_loss) for k, h in runs.items()}, logy=True),
    ]
    return ExperimentResult("batchnorm", "Batch normalization: larger learning rates, faster",
                            {"epochs": epochs, "target": target, "runs": numbers}, summary,
                            panels, time.perf_counter() - start)
