"""``symnn train --dataset NAME --model mlp|cnn [options] [--json]``: train a model on one of
the built-in datasets, with a progress bar on stderr, and print the final metrics.

The run is built by :mod:`symnn.train.pipeline` (the app's training dashboard uses the same
function, so the same settings give the same numbers): the data is split into train /
validation / test, the inputs are scaled with statistics of the training split only, and a
data check is printed first. ``--json`` prints one object: dataset, model, spec, notes,
history (one entry per epoch), final (train / val / test loss and accuracy). The exit status
is 1 when the loss diverged (the run is stopped and the message says what to try), 2 for bad
input (every option is checked against its range before anything runs).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from symnn.commands import UsageError
from symnn.commands._argtypes import positive_float, positive_int, seed
from symnn.train.models import ACTIVATION_CHOICES
from symnn.train.pipeline import (
    LIMITS, OPTIMIZERS, RECIPES, REGULARIZERS, SCHEDULERS, SpecError, TrainingSpec,
)

HELP = "train a model on a built-in dataset and report loss and accuracy per epoch"

#: spec setting -> the option that sets it (where the names differ)
_OPTIONS = {"hidden_layers": "--hidden (number of layers)", "width": "--hidden (each width)"}


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


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None


def _recipes_table() -> str:
    rows = [f"  {'dataset':<11}{'epochs':>7}{'lr':>8}{'batch':>7}  {'hidden':<8}scheduler"]
    for name, r in RECIPES.items():
        hidden = ",".join(map(str, r.hidden)) or "none"
        rows.append(f"  {name:<11}{r.epochs:>7}{r.lr:>8g}{r.batch_size:>7}  {hidden:<8}{r.scheduler}")
    return "\n".join(rows)


def _range(name: str) -> str:
    low, high = LIMITS[name]
    return f"{low:g}..{high:g}"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = ("Options marked 'recipe' default to the dataset's recipe:\n"
                     + _recipes_table()
                     + "\n\nWith --batchnorm, a last training batch of one sample is left out of "
                       "each epoch\n(batch norm cannot normalize one sample); the output says so.")
    parser.add_argument("--dataset", required=True, choices=list(RECIPES), metavar="NAME",
                        help="one of: " + ", ".join(RECIPES))
    parser.add_argument("--model", default="mlp", choices=("mlp", "cnn"),
                        help="mlp, or cnn (digits only) (default: mlp)")
    parser.add_argument("--epochs", type=positive_int, metavar="N",
                        help=f"passes over the training data, {_range('epochs')} (default: recipe)")
    parser.add_argument("--lr", type=positive_float,
                        help=f"learning rate, > 0 and at most {LIMITS['lr'][1]:g} (default: recipe)")
    parser.add_argument("--optimizer", default="adam", choices=OPTIMIZERS, metavar="NAME",
                        help="one of: " + ", ".join(OPTIMIZERS) + " (default: adam)")
    parser.add_argument("--batch-size", type=positive_int, metavar="N",
                        help=f"mini-batch size, {_range('batch_size')} (default: recipe)")
    parser.add_argument("--hidden", type=_widths, metavar="W1,W2,...",
                        help=f"hidden layer widths of the MLP, e.g. 64,32, or none; at most "
                             f"{LIMITS['hidden_layers'][1]:g} layers of {_range('width')} "
                             "(default: recipe)")
    parser.add_argument("--activation", default="relu", choices=ACTIVATION_CHOICES,
                        metavar="NAME",
                        help="one of: " + ", ".join(ACTIVATION_CHOICES) + " (default: relu)")
    parser.add_argument("--dropout", type=_number, default=0.0, metavar="P",
                        help="dropout probability, 0 <= P < 1 (default: 0)")
    parser.add_argument("--batchnorm", action="store_true",
                        help="batch norm after each hidden layer (default: off)")
    parser.add_argument("--weight-decay", type=_number, default=0.0, metavar="L",
                        help=f"optimizer weight decay, {_range('weight_decay')} (default: 0)")
    parser.add_argument("--regularizer", default="none", choices=REGULARIZERS, metavar="NAME",
                        help="weight penalty added to the loss: " + ", ".join(REGULARIZERS)
                             + " (default: none)")
    parser.add_argument("--strength", type=_number, default=1e-4, metavar="L",
                        help=f"the penalty's strength, {_range('strength')} (default: 1e-4)")
    parser.add_argument("--label-smoothing", type=_number, default=0.0, metavar="EPS",
                        help="classification only, 0 <= EPS < 1 (default: 0)")
    parser.add_argument("--scheduler", choices=SCHEDULERS, metavar="NAME",
                        help="learning-rate schedule: " + ", ".join(SCHEDULERS)
                             + " (default: recipe)")
    parser.add_argument("--early-stopping", type=positive_int, metavar="PATIENCE",
                        help="stop when the validation loss has not improved for PATIENCE "
                             "epochs and restore the best weights (default: off)")
    parser.add_argument("--n-samples", type=positive_int, metavar="N",
                        help=f"size of a synthetic dataset, {_range('n_samples')} "
                             "(default: the dataset's)")
    parser.add_argument("--noise", type=_number, metavar="SIGMA",
                        help=f"noise level of a synthetic dataset (blobs: their standard "
                             f"deviation), {_range('noise')} (default: the dataset's)")
    parser.add_argument("--seed", type=seed, default=0,
                        help="seed for data, split and weights, >= 0 (default: 0)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--plot", metavar="FILE", help="save loss and accuracy curves as a PNG")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def spec_from_args(args: argparse.Namespace) -> TrainingSpec:
    """The :class:`TrainingSpec` the parsed options describe (recipe values left as None)."""
    return TrainingSpec(
        dataset=args.dataset, model=args.model, hidden=args.hidden, activation=args.activation,
        batchnorm=args.batchnorm, dropout=args.dropout, optimizer=args.optimizer, lr=args.lr,
        weight_decay=args.weight_decay, scheduler=args.scheduler, regularizer=args.regularizer,
        strength=args.strength, label_smoothing=args.label_smoothing, epochs=args.epochs,
        batch_size=args.batch_size, early_stopping=args.early_stopping,
        n_samples=args.n_samples, noise=args.noise, seed=args.seed)


def train(args: argparse.Namespace):
    """Run the training described by the parsed arguments; return the
    :class:`symnn.train.pipeline.TrainingRun`."""
    from symnn.train import pipeline

    try:
        setup = pipeline.build(spec_from_args(args))
    except SpecError as exc:
        option = _OPTIONS.get(exc.setting, "--" + exc.setting.replace("_", "-"))
        raise UsageError(f"{option} {exc.problem}") from None
    return pipeline.run(setup, progress=not (args.no_progress or args.json))


def run(args: argparse.Namespace) -> int:
    if args.plot:
        from symnn.commands.experiment import check_plot_path

        check_plot_path(args.plot)
    try:
        training = train(args)
    except MemoryError as exc:
        raise UsageError(f"not enough memory ({exc}); use a smaller --hidden, --n-samples or "
                         "--batch-size") from None
    history = training.history
    status = 1 if training.diverged else 0
    if args.plot:
        try:
            history.plot(args.plot)
        except OSError as exc:
            raise UsageError(f"cannot write {args.plot}: {exc.strerror or exc}") from None
    result = training.to_dict()
    if args.json:
        print(json.dumps(result))
        return status
    _print_text(result)
    if args.plot:
        print(f"wrote {args.plot}")
    return status


def _print_text(result: dict[str, Any]) -> None:
    d, m, f = result["dataset"], result["model"], result["final"]
    print(f"dataset {d['name']}: {d['n_train']} train / {d['n_val']} validation / "
          f"{d['n_test']} test samples")
    for finding in d["checks"]:
        print(f"  data check [{finding['severity']}] {finding['kind']}: {finding['message']}")
    for note in result["notes"]:
        print(f"  note: {note}")
    n = len(result["history"])
    print(f"model {m['description']} ({m['parameters']} parameters), {m['optimizer']} lr "
          f"{m['lr']:g}, batch {m['batch_size']}, {n} epoch{'s' if n != 1 else ''} "
          f"({result['seconds']:.1f} s)"
          + (f", schedule {m['scheduler']}" if m["scheduler"] != "none" else ""))
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
