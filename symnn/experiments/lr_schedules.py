"""Lesson 5: learning-rate schedules. The same network and data with a constant learning
rate, ReduceLROnPlateau (divide the rate when the validation loss stops improving), cosine
annealing (a smooth decay to nearly zero) and a cyclical (triangular) rate."""

from __future__ import annotations

import time

from symnn.experiments.result import ExperimentResult, Panel

DESCRIPTION = "learning-rate schedules: constant, ReduceLROnPlateau, cosine annealing, cyclical"


def run(quick: bool = False, seed: int = 0, epochs: int | None = None,
        lr: float = 0.1) -> ExperimentResult:
    """SGD with momentum 0.9 on a 64-64-10 MLP on the digits under four schedules."""
    from symnn import nn
    from symnn.experiments.setups import digits_split
    from symnn.optim import lr_scheduler as S
    from symnn.tensor import manual_seed
    from symnn.train.loop import array_loader, evaluate, fit, make_optimizer
    from symnn.train.models import mlp

    start = time.perf_counter()
    epochs = epochs or (3 if quick else 20)
    s = digits_split(seed=seed)
    batch = 32
    steps_per_epoch = -(-len(s.X_train) // batch)
    schedules = {
        "constant": lambda opt: None,
        "plateau": lambda opt: S.ReduceLROnPlateau(opt, factor=0.2, patience=1),
        "cosine": lambda opt: S.CosineAnnealingLR(opt, T_max=epochs),
        "cyclical": lambda opt: S.CyclicLR(opt, base_lr=lr / 20, max_lr=lr,
                                           step_size_up=max(1, steps_per_epoch * epochs // 4)),
    }
    numbers, loss_curves, lr_curves, acc_curves = {}, {}, {}, {}
    for name, make in schedules.items():
        manual_seed(seed)
        model = mlp([64, 64, 10], "relu")
        opt = make_optimizer("momentum", model.parameters(), lr)
        hist = fit(model, nn.CrossEntropyLoss(), opt,
                   array_loader(s.X_train, s.y_train, batch, shuffle=True, seed=seed),
                   array_loader(s.X_val, s.y_val, 512), epochs=epochs, scheduler=make(opt),
                   progress=False)
        test = evaluate(model, array_loader(s.X_test, s.y_test, 512), nn.CrossEntropyLoss())
        numbers[name] = {"lr": hist.lr, "val_loss": hist.val_loss, "train_loss": hist.train_loss,
                         "best_val_loss": min(hist.val_loss), "test_accuracy": test["accuracy"],
                         "test_loss": test["loss"]}
        loss_curves[name] = (hist.epoch, hist.val_loss)
        lr_curves[name] = (hist.epoch, hist.lr)
        acc_curves[name] = (hist.epoch, hist.val_accuracy)
    summary = [f"SGD momentum 0.9, base lr {lr}, 64-64-10 MLP on the digits, {epochs} epochs "
               "(the cyclical rate moves per batch between lr/20 and lr):",
               f"  {'schedule':<9} {'final train loss':>16} {'best val loss':>14} "
               f"{'test loss':>10} {'test acc':>9}"]
    for name, n in numbers.items():
        summary.append(f"  {name:<9} {n['train_loss'][-1]:>16.4f} {n['best_val_loss']:>14.4f} "
                       f"{n['test_loss']:>10.4f} {n['test_accuracy']:>9.3f}")
    best_val = min(numbers, key=lambda k: numbers[k]["best_val_loss"])
    accs = [n["test_accuracy"] for n in numbers.values()]
    summary.append(f"lowest validation loss: {best_val}; test accuracies span "
                   f"{min(accs):.3f}-{max(accs):.3f} ({(max(accs) - min(accs)) * 100:.1f} points)")
    panels = [Panel("learning rate at epoch start", "epoch", "lr", lr_curves, logy=True),
              Panel("validation loss", "epoch", "cross-entropy", loss_curves, logy=True),
              Panel("validation accuracy", "epoch", "accuracy", acc_curves)]
    return ExperimentResult("lr-schedules", "Learning-rate schedules",
                            {"epochs": epochs, "base_lr": lr, "schedules": numbers}, summary,
                            panels, time.perf_counter() - start)
