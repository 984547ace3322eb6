"""Lesson 7: regularization against overfitting. A wide MLP trained long on 80 digits, 30% of
them with a wrong label (as in hand-labelled data), memorizes everything: training accuracy
reaches 100% while the held-out loss, after a minimum, climbs. Each regularizer is trained
from the same initial weights on the same batches and compared with that baseline on the
test set: L2 and L1 penalties, dropout, early stopping (restoring the best weights), data
augmentation (crop, rotate, flip), noise on the inputs and on the weights, label smoothing
and mixup."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from symnn.experiments.claims import Claim
from symnn.experiments.result import Panel
from symnn.experiments.seeds import aggregate

TITLE = "Regularization against overfitting"
DESCRIPTION = ("regularization: L2, L1, dropout, early stopping, augmentation, input/weight "
               "noise, label smoothing, mixup against one overfitting baseline")

#: label smoothing shown on the 3-class target [0, 1, 0]: each class gets eps/3, so
#: eps = 0.075 gives [0.025, 0.95, 0.025]
SMOOTHING_EXAMPLE = 0.075
#: weights smaller than this in absolute value count as zero (sparsity)
ZERO = 1e-3


def smoothed_target(eps: float, target: int = 1, n_classes: int = 3) -> list[float]:
    """The target distribution q that ``CrossEntropyLoss(label_smoothing=eps)`` uses, read
    from the loss itself: at logits z = 0 the gradient is softmax(0) - q = 1/K - q."""
    from symnn import nn
    from symnn.tensor import tensor

    z = tensor(np.zeros((1, n_classes)), requires_grad=True)
    nn.CrossEntropyLoss(label_smoothing=eps)(z, tensor(np.array([target]))).backward()
    return [round(1.0 / n_classes - float(g), 6) for g in z.grad.data[0]]


def _images(transform: Callable[[np.ndarray], np.ndarray]) -> Callable[[np.ndarray], np.ndarray]:
    """Apply an image transform to flattened 8x8 digits."""
    def apply(x: np.ndarray) -> np.ndarray:
        return transform(x.reshape(-1, 1, 8, 8)).reshape(len(x), 64)

    return apply


def _variants(seed: int, smoothing: float) -> dict[str, dict[str, Any]]:
    from symnn import nn
    from symnn.data.transforms import (Compose, GaussianNoise, Mixup, RandomCrop,
                                       RandomHorizontalFlip, RandomRotation)
    from symnn.train.callbacks import EarlyStopping
    from symnn.train.regularizers import L1, L2, WeightNoise

    return {
        "none": {},
        "L2 1e-2": {"regularizer": L2(1e-2)},
        "L1 1e-3": {"regularizer": L1(1e-3)},
        "dropout 0.5": {"dropout": 0.5},
        "early stopping": {"callbacks": [EarlyStopping(patience=10, restore_best=True)]},
        "crop + rotate": {"augment": _images(Compose([RandomCrop(1, seed=seed),
                                                      RandomRotation(10, seed=seed + 1)]))},
        "flip": {"augment": _images(RandomHorizontalFlip(seed=seed))},
        "input noise 0.2": {"augment": GaussianNoise(0.2, seed=seed)},
        "weight noise 0.15": {"callbacks": [WeightNoise(0.15, seed=seed)]},
        f"label smoothing {smoothing:g}": {"loss": nn.CrossEntropyLoss(label_smoothing=smoothing)},
        "mixup 1.0": {"augment": Mixup(10, alpha=1.0, seed=seed)},
    }


def run_seed(seed: int, quick: bool = False, epochs: int | None = None, n_train: int = 80,
             wrong_labels: float = 0.3, hidden: int = 96, lr: float = 1e-2,
             batch_size: int = 40, smoothing: float = 0.3) -> dict[str, Any]:
    """Train the same over-sized MLP with Adam once per regularizer."""
    from symnn import nn
    from symnn.experiments.setups import (HeldOutLoss, accuracy_on, cross_entropy_on,
                                          digits_split, noisy_labels, subsample)
    from symnn.tensor import manual_seed
    from symnn.train.loop import array_loader, fit, make_optimizer, predict
    from symnn.train.ensembles import softmax
    from symnn.train.models import mlp

    epochs = epochs or (4 if quick else 80)
    s = digits_split(seed=seed)
    X, y_true = subsample(s.X_train, s.y_train, n_train, seed=seed)
    y = noisy_labels(y_true, wrong_labels, 10, seed=seed + 100)
    variants, val_curves = {}, {}
    for name, v in _variants(seed, smoothing).items():
        manual_seed(seed)
        model = mlp([64, hidden, 10], "relu", dropout=v.get("dropout", 0.0))
        held_out = HeldOutLoss(s.X_val, s.y_val)
        hist = fit(model, v.get("loss", nn.CrossEntropyLoss()),
                   make_optimizer("adam", model.parameters(), lr),
                   array_loader(X, y, batch_size, shuffle=True, seed=seed), epochs=epochs,
                   regularizer=v.get("regularizer"), augment=v.get("augment"),
                   callbacks=[held_out, *v.get("callbacks", ())], progress=False,
                   track_grad_norms=False)
        probs = softmax(predict(model, s.X_test))
        weights = np.concatenate([p.data.ravel() for p in model.parameters() if p.ndim >= 2])
        variants[name] = {
            "train_accuracy": accuracy_on(model, X, y),
            "test_accuracy": accuracy_on(model, s.X_test, s.y_test),
            "test_loss": cross_entropy_on(model, s.X_test, s.y_test),
            "confidence": float(probs.max(axis=1).mean()),
            "val_loss_min": min(held_out.curve),
            "val_loss_end": cross_entropy_on(model, s.X_val, s.y_val),
            "weight_norm": float(np.linalg.norm(weights)),
            "zero_weights": float(np.mean(np.abs(weights) < ZERO)),
            "epochs_run": len(hist),
        }
        val_curves[name] = held_out.curve
    return {"epochs": epochs, "n_train": len(X), "wrong_labels": wrong_labels, "hidden": hidden,
            "lr": lr, "batch_size": batch_size, "smoothing": smoothing,
            "wrong_in_train": int(np.sum(y != y_true)), "n_test": len(s.X_test),
            "smoothed_target": smoothed_target(SMOOTHING_EXAMPLE),
            "variants": variants, "val_curves": val_curves}


def _baseline_overfits(n: dict) -> tuple[bool, dict]:
    b = n["variants"]["none"]
    rise = b["val_loss_end"] / b["val_loss_min"]
    return b["train_accuracy"] >= 0.99 and rise >= 1.3, {
        "train accuracy": b["train_accuracy"], "val loss min": b["val_loss_min"],
        "val loss end": b["val_loss_end"], "end / min": rise}


def _smoothing_caps_confidence(n: dict) -> tuple[bool, dict]:
    base = n["variants"]["none"]["confidence"]
    ls = n["variants"][f"label smoothing {n['smoothing']:g}"]["confidence"]
    return base - ls >= 0.25, {"confidence none": base, "confidence smoothed": ls}


LOWER_LOSS = ["early stopping", "L2 1e-2", "L1 1e-3", "dropout 0.5", "crop + rotate",
              "input noise 0.2", "weight noise 0.15", "mixup 1.0"]


def _all_lower(n: dict) -> tuple[bool, dict]:
    base = n["variants"]["none"]["test_loss"]
    ratios = {name: n["variants"][name]["test_loss"] / base for name in LOWER_LOSS}
    return max(ratios.values()) < 0.95, {"test loss none": base,
                                         "largest ratio": max(ratios.values()),
                                         "of": max(ratios, key=ratios.get)}


def _l1_sparsity(n: dict) -> tuple[bool, dict]:
    base, l1 = n["variants"]["none"]["zero_weights"], n["variants"]["L1 1e-3"]["zero_weights"]
    return l1 >= 0.15 and base <= 0.05, {"zero weights none": base, "zero weights L1": l1}


def _l2_shrinks(n: dict) -> tuple[bool, dict]:
    base, l2 = n["variants"]["none"]["weight_norm"], n["variants"]["L2 1e-2"]["weight_norm"]
    return l2 < 0.75 * base, {"weight norm none": base, "weight norm L2": l2}


def _early_restores(n: dict) -> tuple[bool, dict]:
    e = n["variants"]["early stopping"]
    return (abs(e["val_loss_end"] - e["val_loss_min"]) < 1e-6 and e["epochs_run"] < n["epochs"],
            {"epochs run": e["epochs_run"], "val loss at best epoch": e["val_loss_min"],
             "val loss of restored weights": e["val_loss_end"]})


def _smoothed(n: dict) -> tuple[bool, dict]:
    q = n["smoothed_target"]
    return bool(np.allclose(q, [0.025, 0.95, 0.025], atol=1e-6)), {"target": q}


CLAIMS = [
    Claim("Without regularization the network memorizes the training set, wrong labels "
          "included (training accuracy ≥ 99%), and its validation loss ends at least 1.3x "
          "above its minimum: it overfits.", _baseline_overfits),
    Claim("Early stopping stops before the last epoch and restores the weights of the epoch "
          "with the lowest validation loss.", _early_restores),
    Claim("Each of early stopping, L2, L1, dropout, crop + rotate, input noise, weight noise "
          "and mixup ends with a test loss at least 5% below no regularization's.",
          _all_lower),
    Claim("Label smoothing 0.3 makes the network less sure of itself: its mean top "
          "probability on test digits is at least 0.25 lower than without it.",
          _smoothing_caps_confidence),
    Claim("L2 shrinks the weights: their norm is at least 25% smaller.", _l2_shrinks),
    Claim(f"L1 makes the weights sparse: at least 15% of them end below {ZERO:g} in size, "
          "against at most 5% without it.", _l1_sparsity),
    Claim(f"Label smoothing {SMOOTHING_EXAMPLE} turns the target [0, 1, 0] into "
          "[0.025, 0.95, 0.025] (each of the K classes gets eps/K).", _smoothed),
]


def summarize(runs: list[dict[str, Any]]) -> tuple[list[str], list[Panel]]:
    r = runs[0]
    lines = [f"MLP 64-{r['hidden']}-10 (ReLU) trained with Adam (lr {r['lr']}, batch "
             f"{r['batch_size']}) for up to {r['epochs']} epochs on {r['n_train']} digits, "
             f"{r['wrong_labels']:.0%} of them with a wrong label; tested on {r['n_test']} "
             "digits; every variant starts from the same weights",
             "losses are plain cross-entropy on held-out digits, whatever the training loss; "
             f"zero weights: |w| < {ZERO:g}",
             f"label smoothing {SMOOTHING_EXAMPLE} on [0, 1, 0]: {r['smoothed_target']}",
             "flip mirrors digits, which changes what many of them mean (a mirrored 2 or 7 is "
             "no digit): compare it with crop + rotate in the table"]
    mean, _ = aggregate([x["val_curves"] for x in runs if len(x["val_curves"]["none"])
                         == r["epochs"]]) or ({}, {})
    curves = {k: (list(range(1, len(v) + 1)), v) for k, v in mean.items()}
    per_seed = {f"seed {i}": (list(range(1, len(x["val_curves"]["none"]) + 1)),
                              x["val_curves"]["none"]) for i, x in enumerate(runs)}
    test_loss = {k: ([0], [float(np.mean([x["variants"][k]["test_loss"] for x in runs]))])
                 for k in r["variants"]}
    panels = [Panel("validation loss without regularization", "epoch", "cross-entropy",
                    per_seed),
              Panel("validation loss (mean over seeds)", "epoch", "cross-entropy",
                    {k: v for k, v in curves.items() if k != "early stopping"}, logy=True),
              Panel("test loss (mean over seeds)", "", "cross-entropy", test_loss, kind="bar")]
    return lines, panels
