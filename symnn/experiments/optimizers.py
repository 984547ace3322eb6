"""Lesson 4: optimizers on a real dataset. The same MLP, the same initial weights and the same
mini-batches, trained on the digits by SGD, SGD with momentum, Nesterov momentum, Adagrad,
Adadelta, RMSprop and Adam, each at a customary learning rate; the loss curves show how fast
each one descends."""

from __future__ import annotations

import time

from symnn.experiments.result import ExperimentResult, Panel

DESCRIPTION = ("optimizers on the digits: loss curves of SGD, momentum, Nesterov, Adagrad, "
               "Adadelta, RMSprop, Adam")

#: customary learning rates (Adadelta's 1.0 is its PyTorch default: the rule sets its own scale)
LEARNING_RATES = {"sgd": 0.05, "momentum": 0.05, "nesterov": 0.05, "adagrad": 0.05,
                  "adadelta": 1.0, "rmsprop": 1e-3, "adam": 1e-3}


def run(quick: bool = False, seed: int = 0, epochs: int | None = None,
        learning_rates: dict[str, float] | None = None) -> ExperimentResult:
    """Train one 64-64-10 ReLU MLP per optimizer; record training loss per epoch (and
    per batch for the first epoch), validation and test accuracy."""
    from symnn import nn
    from symnn.experiments.setups import digits_split
    from symnn.tensor import manual_seed
    from symnn.train.loop import array_loader, evaluate, fit, make_optimizer
    from symnn.train.models import mlp

    start = time.perf_counter()
    epochs = epochs or (2 if quick else 15)
    rates = {**LEARNING_RATES, **(learning_rates or {})}
    s = digits_split(seed=seed)
    numbers, curves, val_curves = {}, {}, {}
    for name, lr in rates.items():
        manual_seed(seed)
        model = mlp([64, 64, 10], "relu")
        hist = fit(model, nn.CrossEntropyLoss(), make_optimizer(name, model.parameters(), lr),
                   array_loader(s.X_train, s.y_train, 32, shuffle=True, seed=seed),
                   array_loader(s.X_val, s.y_val, 512), epochs=epochs, progress=False)
        test = evaluate(model, array_loader(s.X_test, s.y_test, 512), nn.CrossEntropyLoss())
        numbers[name] = {"lr": lr, "train_loss": hist.train_loss, "val_accuracy": hist.val_accuracy,
                         "test_accuracy": test["accuracy"], "test_loss": test["loss"],
                         "seconds": sum(hist.epoch_time)}
        curves[name] = (hist.epoch, hist.train_loss)
        val_curves[name] = (hist.epoch, hist.val_accuracy)
    ranked = sorted(numbers, key=lambda k: numbers[k]["train_loss"][-1])
    summary = [f"64-64-10 ReLU MLP on the digits, batch 32, {epochs} epochs, same init and "
               "batches for every optimizer:",
               f"  {'optimizer':<10} {'lr':>7} {'loss ep.1':>10} {'final loss':>11} "
               f"{'test acc':>9}"]
    for name in rates:
        n = numbers[name]
        summary.append(f"  {name:<10} {n['lr']:>7g} {n['train_loss'][0]:>10.4f} "
                       f"{n['train_loss'][-1]:>11.4f} {n['test_accuracy']:>9.3f}")
    summary.append("lowest final training loss first: " + ", ".join(ranked))
    panels = [Panel("training loss", "epoch", "cross-entropy", curves, logy=True),
              Panel("validation accuracy", "epoch", "accuracy", val_curves)]
    return ExperimentResult("optimizers", "Optimizers on the 8x8 digits",
                            {"epochs": epochs, "optimizers": numbers, "ranking": ranked},
                            summary, panels, time.perf_counter() - start)
