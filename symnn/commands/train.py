"""``symnn train --dataset NAME --model mlp|cnn [options] [--json]``: train a model on one of
the built-in datasets, with a progress bar on stderr, and print the final metrics.

The data is split into train / validation / test (stratified for classification), the inputs
are scaled with statistics of the training split only (standardized; the digits' pixels are
divided by 16), and a data check is printed first. XOR has only four points: it is trained and
measured on all four. ``--json`` prints one object: dataset, model, history (one entry per
epoch), final (train / val / test loss and accuracy). The exit status is 1 when the loss
diverged (the run is stopped and the message says what to try), 2 for bad input.
"""

from __future__ import annotations

import argparse
import json
import math
from dataclasses import dataclass
from typing import Any

from symnn.cli import UsageError
from symnn.commands._argtypes import positive_float, positive_int, seed

HELP = "train a model on a built-in dataset and report loss and accuracy per epoch"

OPTIMIZERS = ("sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop", "adam", "adamw")
SCHEDULERS = ("none", "cosine", "plateau", "cyclic")


@dataclass(frozen=True)
class Recipe:
    """Default training settings for a dataset (each can be overridden on the command line)."""

    epochs: int
    lr: float
    batch_size: int
    hidden: tuple[int, ...]
    scheduler: str = "none"


RECIPES: dict[str, Recipe] = {
    "xor": Recipe(300, 0.05, 4, (8,)),
    "moons": Recipe(60, 0.01, 32, (32, 32)),
    "circles": Recipe(60, 0.01, 32, (32, 32)),
    "spirals": Recipe(200, 0.01, 32, (64, 64)),
    "blobs": Recipe(40, 0.01, 32, (16,)),
    "linear": Recipe(60, 0.01, 16, ()),
    "polynomial": Recipe(200, 0.01, 16, (32, 32)),
    "digits": Recipe(30, 2e-3, 32, (64,), "cosine"),
}


def _widths(text: str) -> tuple[int, ...]:
    if text.strip() in ("", "none"):
        return ()
    try:
        widths = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated layer widths such as 64,32, got {text!r}") from None
    if any(w < 1 for w in widths):
        raise argparse.ArgumentTypeError(f"layer widths must be positive, got {text!r}")
    return widths


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dataset", required=True, choices=sorted(RECIPES), metavar="NAME",
                        help="one of: " + ", ".join(RECIPES))
    parser.add_argument("--model", default="mlp", choices=("mlp", "cnn"),
                        help="mlp, or cnn (digits only); default mlp")
    parser.add_argument("--epochs", type=positive_int, help="passes over the training data")
    parser.add_argument("--lr", type=positive_float, help="learning rate")
    parser.add_argument("--optimizer", default="adam", choices=OPTIMIZERS, metavar="NAME",
                        help="one of: " + ", ".join(OPTIMIZERS) + " (default adam)")
    parser.add_argument("--batch-size", type=positive_int, help="mini-batch size")
    parser.add_argument("--hidden", type=_widths, help="hidden layer widths of the MLP, e.g. 64,32")
    parser.add_argument("--activation", default="relu",
                        choices=("relu", "leaky_relu", "tanh", "sigmoid"))
    parser.add_argument("--dropout", type=float, default=0.0, help="dropout probability")
    parser.add_argument("--batchnorm", action="store_true", help="batch norm after each layer")
    parser.add_argument("--weight-decay", type=float, default=0.0, help="optimizer weight decay")
    parser.add_argument("--label-smoothing", type=float, default=0.0)
    parser.add_argument("--scheduler", choices=SCHEDULERS, help="learning-rate schedule")
    parser.add_argument("--early-stopping", type=positive_int, metavar="PATIENCE",
                        help="stop when the validation loss has not improved for PATIENCE epochs")
    parser.add_argument("--n-samples", type=positive_int, help="size of a synthetic dataset")
    parser.add_argument("--noise", type=float,
                        help="noise level of a synthetic dataset (blobs: their standard deviation)")
    parser.add_argument("--seed", type=seed, default=0, help="seed for data, split and weights")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--plot", metavar="FILE", help="save loss and accuracy curves as a PNG")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def _load(args: argparse.Namespace):
    import numpy as np

    from symnn.data import datasets
    from symnn.data.transforms import StandardScaler
    from symnn.train.splits import train_val_test_split

    info = datasets.DATASETS[args.dataset]
    kwargs: dict[str, Any] = {}
    if args.dataset == "digits":
        if args.n_samples is not None or args.noise is not None:
            raise UsageError("--n-samples and --noise apply to the synthetic datasets, not digits")
        X, y = datasets.digits(images=args.model == "cnn", scale=True)
    else:
        if args.model == "cnn":
            raise UsageError(f"--model cnn needs image data (--dataset digits), not {args.dataset}")
        if args.n_samples is not None:
            kwargs["n_samples"] = args.n_samples
        if args.noise is not None:  # blobs have a spread (std) rather than noise
            kwargs["std" if args.dataset == "blobs" else "noise"] = args.noise
        kwargs["seed"] = args.seed
        try:
            X, y = info.loader(**kwargs)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    classification = info.task == "classification"
    if args.dataset == "xor" and len(X) == 4:
        splits = ((X, y), (X, y), (X, y))
    else:
        if len(X) < 10:
            raise UsageError(f"--n-samples {len(X)} is too small to split; use at least 10")
        splits = train_val_test_split(X, y, val=0.15, test=0.2, stratify=classification,
                                      seed=args.seed)
        if args.dataset != "digits":
            scaler = StandardScaler().fit(splits[0][0])
            splits = tuple((scaler.transform(a), b) for a, b in splits)
    n_classes = int(np.max(y)) + 1 if classification else None
    return X, y, splits, classification, n_classes


def _build_model(args, recipe: Recipe, n_in: int, n_out: int):
    from symnn.train.models import mlp, small_cnn

    if args.model == "cnn":
        return small_cnn(batchnorm=args.batchnorm, dropout=args.dropout), "small CNN"
    hidden = args.hidden if args.hidden is not None else recipe.hidden
    sizes = [n_in, *hidden, n_out]
    return (mlp(sizes, args.activation, batchnorm=args.batchnorm, dropout=args.dropout),
            "MLP " + "-".join(map(str, sizes)))


def _scheduler(name: str, opt, epochs: int, lr: float, steps_per_epoch: int):
    from symnn.optim import lr_scheduler as S

    if name == "cosine":
        return S.CosineAnnealingLR(opt, T_max=epochs)
    if name == "plateau":
        return S.ReduceLROnPlateau(opt, factor=0.3, patience=3)
    if name == "cyclic":
        return S.CyclicLR(opt, base_lr=lr / 10, max_lr=lr,
                          step_size_up=max(1, steps_per_epoch * 2),
                          cycle_momentum="momentum" in opt.defaults and opt.defaults["momentum"] > 0)
    return None


def train(args: argparse.Namespace) -> tuple[dict[str, Any], Any]:
    """Run the training described by the parsed arguments; return the JSON-ready result and
    the :class:`symnn.train.History`."""
    import numpy as np

    from symnn import nn
    from symnn.data.checks import check_data
    from symnn.tensor import manual_seed
    from symnn.train.callbacks import DivergenceGuard, EarlyStopping
    from symnn.train.loop import array_loader, evaluate, fit, make_optimizer

    recipe = RECIPES[args.dataset]
    for name, value in (("--dropout", args.dropout), ("--label-smoothing", args.label_smoothing)):
        if not 0.0 <= value < 1.0:
            raise UsageError(f"{name} must be in [0, 1), got {value}")
    if not (math.isfinite(args.weight_decay) and args.weight_decay >= 0):
        raise UsageError(f"--weight-decay must be a finite number >= 0, got {args.weight_decay}")
    if args.noise is not None and not (math.isfinite(args.noise) and args.noise >= 0):
        raise UsageError(f"--noise must be a finite number >= 0, got {args.noise}")
    X, y, splits, classification, n_classes = _load(args)
    (Xtr, ytr), (Xva, yva), (Xte, yte) = splits
    report = check_data(Xtr.reshape(len(Xtr), -1), ytr,
                        task="classification" if classification else "regression")
    epochs = args.epochs or recipe.epochs
    lr = args.lr or recipe.lr
    batch = args.batch_size or recipe.batch_size
    manual_seed(args.seed)
    model, description = _build_model(args, recipe, Xtr.reshape(len(Xtr), -1).shape[1],
                                      n_classes if classification else ytr.shape[1])
    if classification:
        loss_fn = nn.CrossEntropyLoss(label_smoothing=args.label_smoothing)
    else:
        if args.label_smoothing:
            raise UsageError("--label-smoothing applies to classification datasets only")
        loss_fn = nn.MSELoss()
    opt = make_optimizer(args.optimizer, model.parameters(), lr, weight_decay=args.weight_decay)
    sched_name = args.scheduler or recipe.scheduler
    scheduler = _scheduler(sched_name, opt, epochs, lr, -(-len(Xtr) // batch))
    callbacks: list[Any] = [DivergenceGuard()]
    if args.early_stopping:
        callbacks.append(EarlyStopping(patience=args.early_stopping))
    train_loader = array_loader(Xtr, ytr, batch, shuffle=True, seed=args.seed)
    val_loader = array_loader(Xva, yva, 512)
    final: dict[str, Any] = {}
    # a diverging run overflows to inf and NaN, which the DivergenceGuard reports in words:
    # NumPy's RuntimeWarnings about it would only add noise on stderr
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        history = fit(model, loss_fn, opt, train_loader, val_loader, epochs=epochs,
                      scheduler=scheduler, callbacks=callbacks,
                      progress=not (args.no_progress or args.json))
        for split, (a, b) in (("train", (Xtr, ytr)), ("val", (Xva, yva)), ("test", (Xte, yte))):
            result = evaluate(model, array_loader(a, b, 512), loss_fn)
            final[f"{split}_loss"] = result["loss"]
            final[f"{split}_accuracy"] = result.get("accuracy")
    if classification:
        final["generalization_gap"] = final["train_accuracy"] - final["test_accuracy"]
    from symnn.train.history import jsonable

    return jsonable({
        "dataset": {"name": args.dataset, "task": "classification" if classification else "regression",
                    "n_train": len(Xtr), "n_val": len(Xva), "n_test": len(Xte),
                    "checks": [f.__dict__ for f in report.findings]},
        "model": {"kind": args.model, "description": description, "optimizer": args.optimizer,
                  "lr": lr, "epochs": epochs, "batch_size": batch, "scheduler": sched_name,
                  "parameters": int(sum(p.data.size for p in model.parameters()))},
        "history": history.records(),
        "stopped_early": history.stopped_early,
        "stop_reason": history.stop_reason,
        "final": final,
        "seconds": sum(history.epoch_time),
    }), history


def run(args: argparse.Namespace) -> int:
    if args.plot:
        from symnn.commands.experiment import check_plot_path

        check_plot_path(args.plot)
    try:
        result, history = train(args)
    except MemoryError as exc:
        raise UsageError(f"not enough memory ({exc}); use a smaller --hidden, --n-samples or "
                         "--batch-size") from None
    status = 1 if (history.stop_reason or "").startswith("diverged") else 0
    if args.plot:
        try:
            history.plot(args.plot)
        except OSError as exc:
            raise UsageError(f"cannot write {args.plot}: {exc.strerror or exc}") from None
    if args.json:
        print(json.dumps(result))
        return status
    d, m, f = result["dataset"], result["model"], result["final"]
    print(f"dataset {d['name']}: {d['n_train']} train / {d['n_val']} validation / "
          f"{d['n_test']} test samples")
    for finding in d["checks"]:
        print(f"  data check [{finding['severity']}] {finding['kind']}: {finding['message']}")
    print(f"model {m['description']} ({m['parameters']} parameters), {m['optimizer']} lr "
          f"{m['lr']:g}, batch {m['batch_size']}, {len(result['history'])} epochs "
          f"({result['seconds']:.1f} s)" + (f", schedule {m['scheduler']}" if m["scheduler"] != "none" else ""))
    if result["stop_reason"]:
        print(result["stop_reason"])
    print(f"{'':6}{'loss':>10}{'accuracy':>10}")
    for split in ("train", "val", "test"):
        loss, acc = f[f"{split}_loss"], f[f"{split}_accuracy"]
        loss_s = f"{loss:10.4g}" if loss is not None else f"{'nan':>10}"
        acc_s = f"{acc:10.4f}" if acc is not None else f"{'-':>10}"
        print(f"{split:<6}{loss_s}{acc_s}")
    if "generalization_gap" in f:
        print(f"generalization gap (train - test accuracy): {f['generalization_gap']:+.4f}")
    if args.plot:
        print(f"wrote {args.plot}")
    return status
