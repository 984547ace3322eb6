"""One training pipeline: a :class:`TrainingSpec` names a dataset, a model and how to train
it; :func:`build` turns it into data, model, loss, optimizer, scheduler and loaders, and
:func:`run` trains and measures. ``symnn train`` and the app's training dashboard both go
through here, so the same settings give the same numbers everywhere.

The data is split into train / validation / test (65% / 15% / 20%, stratified for
classification), the inputs are standardized with the training split's mean and standard
deviation (the digits' pixels are divided by 16 instead), and XOR's four points are trained
and measured on all four. Options left as None take the dataset's :data:`RECIPES` value.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from symnn.train.callbacks import DivergenceGuard, EarlyStopping
from symnn.train.history import History, jsonable
from symnn.train.loop import array_loader, evaluate, fit, make_optimizer
from symnn.train.models import ACTIVATION_CHOICES, mlp, small_cnn
from symnn.train.regularizers import L1, L2
from symnn.train.splits import train_val_test_split

if TYPE_CHECKING:  # pragma: no cover
    from symnn.data import DataLoader
    from symnn.nn import Module

__all__ = ["TrainingSpec", "Recipe", "RECIPES", "SpecError", "TrainingData", "TrainingSetup",
           "TrainingRun", "OPTIMIZERS", "SCHEDULERS", "REGULARIZERS", "LIMITS", "prepare_data",
           "make_scheduler", "build", "run", "check_range"]

OPTIMIZERS = ("sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop", "adam", "adamw")
SCHEDULERS = ("none", "step", "cosine", "plateau", "cyclic")
REGULARIZERS = ("none", "l2", "l1")
MODELS = ("mlp", "cnn")

#: the accepted range of every numeric setting, (low, high) inclusive unless the text says
#: otherwise; a value outside is refused with a :class:`SpecError` naming the setting
LIMITS: dict[str, tuple[float, float]] = {
    "epochs": (1, 100_000),
    "lr": (0.0, 1e6),              # lr > 0
    "batch_size": (1, 100_000),
    "hidden_layers": (0, 16),
    "width": (1, 1024),
    "dropout": (0.0, 1.0),         # 0 <= p < 1
    "weight_decay": (0.0, 10.0),
    "strength": (0.0, 10.0),
    "label_smoothing": (0.0, 1.0),  # 0 <= eps < 1
    "early_stopping": (1, 10_000),
    "n_samples": (10, 100_000),
    "noise": (0.0, 100.0),
}


@dataclass(frozen=True)
class Recipe:
    """A dataset's default training settings (each can be overridden in the spec)."""

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


class SpecError(ValueError):
    """A training setting out of range or not applicable; ``setting`` names the field (as in
    :class:`TrainingSpec`) and ``problem`` says what is wrong, so a front end can name its own
    option (``--batch-size`` or the app's "batch" field)."""

    def __init__(self, setting: str, problem: str) -> None:
        super().__init__(f"{setting.replace('_', ' ')} {problem}")
        self.setting, self.problem = setting, problem


@dataclass(frozen=True)
class TrainingSpec:
    """Everything that decides a training run. None means "the dataset's recipe value"."""

    dataset: str = "moons"
    model: str = "mlp"
    hidden: tuple[int, ...] | None = None
    activation: str = "relu"
    batchnorm: bool = False
    dropout: float = 0.0
    optimizer: str = "adam"
    lr: float | None = None
    weight_decay: float = 0.0
    scheduler: str | None = None
    regularizer: str = "none"
    strength: float = 1e-4
    label_smoothing: float = 0.0
    epochs: int | None = None
    batch_size: int | None = None
    early_stopping: int | None = None
    n_samples: int | None = None
    noise: float | None = None
    seed: int = 0

    def resolved(self) -> TrainingSpec:
        """The spec with every None filled from the dataset's recipe, checked."""
        if self.dataset not in RECIPES:
            raise SpecError("dataset", f"must be one of {', '.join(RECIPES)}, got {self.dataset!r}")
        recipe = RECIPES[self.dataset]
        spec = replace(
            self,
            hidden=tuple(self.hidden) if self.hidden is not None else recipe.hidden,
            lr=self.lr if self.lr is not None else recipe.lr,
            scheduler=self.scheduler if self.scheduler is not None else recipe.scheduler,
            epochs=self.epochs if self.epochs is not None else recipe.epochs,
            batch_size=self.batch_size if self.batch_size is not None else recipe.batch_size)
        spec.check()
        return spec

    def check(self) -> None:
        """Raise :class:`SpecError` for the first setting out of range or not applicable."""
        _choice("model", self.model, MODELS)
        _choice("activation", self.activation, ACTIVATION_CHOICES)
        _choice("optimizer", self.optimizer, OPTIMIZERS)
        _choice("regularizer", self.regularizer, REGULARIZERS)
        if self.scheduler is not None:
            _choice("scheduler", self.scheduler, SCHEDULERS)
        for name in ("epochs", "batch_size", "early_stopping", "n_samples"):
            _integer(name, getattr(self, name))
        for name in ("weight_decay", "strength", "noise"):
            _number(name, getattr(self, name))
        for name in ("dropout", "label_smoothing"):
            _number(name, getattr(self, name), high_open=True)
        if self.lr is not None:
            _number("lr", self.lr, low_open=True)
        if self.hidden is not None:
            _integer("hidden_layers", len(self.hidden))
            for width in self.hidden:
                _integer("width", width)
        if isinstance(self.seed, bool) or not isinstance(self.seed, (int, np.integer)) \
                or self.seed < 0:
            raise SpecError("seed", f"must be a whole number >= 0, got {self.seed!r}")
        self._check_combination()

    def _check_combination(self) -> None:
        from symnn.data import datasets

        if self.dataset not in RECIPES:
            raise SpecError("dataset", f"must be one of {', '.join(RECIPES)}, got {self.dataset!r}")
        if self.dataset == "digits" and (self.n_samples is not None or self.noise is not None):
            raise SpecError("n_samples" if self.n_samples is not None else "noise",
                            "applies to the synthetic datasets, not digits")
        if self.model == "cnn" and self.dataset != "digits":
            raise SpecError("model", f"cnn needs image data (the digits), not {self.dataset}")
        if self.label_smoothing and datasets.DATASETS[self.dataset].task != "classification":
            raise SpecError("label_smoothing", "applies to classification datasets only")
        if self.batchnorm and self.model == "mlp" and self.batch_size == 1:
            raise SpecError("batch_size", "must be at least 2 with batch norm: a batch of one "
                            "sample has no spread to normalize by")

    @property
    def recipe(self) -> Recipe:
        return RECIPES[self.dataset]


def _choice(name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise SpecError(name, f"must be one of {', '.join(choices)}, got {value!r}")


def check_range(name: str, value: float | None) -> None:
    """Raise :class:`SpecError` when ``value`` is outside ``LIMITS[name]`` (None passes); a
    front end checks a count this way before building anything of that size."""
    if name in ("dropout", "label_smoothing"):
        _number(name, value, high_open=True)
    elif name == "lr":
        _number(name, value, low_open=True)
    elif isinstance(LIMITS[name][0], int):
        _integer(name, value)
    else:
        _number(name, value)


def _integer(name: str, value: int | None) -> None:
    if value is None:
        return
    low, high = LIMITS[name]
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) \
            or not low <= value <= high:
        raise SpecError(name, f"must be a whole number from {low:g} to {high:g}, got {value!r}")


def _number(name: str, value: float | None, low_open: bool = False,
            high_open: bool = False) -> None:
    if value is None:
        return
    low, high = LIMITS[name]
    ok = isinstance(value, (int, float, np.floating)) and not isinstance(value, bool) \
        and math.isfinite(value) \
        and (value > low if low_open else value >= low) \
        and (value < high if high_open else value <= high)
    if not ok:
        span = (f"{'above' if low_open else 'at least'} {low:g} and "
                f"{'below' if high_open else 'at most'} {high:g}")
        raise SpecError(name, f"must be a number {span}, got {value!r}")


@dataclass
class TrainingData:
    """The split, scaled arrays of a spec's dataset, and what was found checking them."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    task: str                      # "classification" or "regression"
    n_classes: int | None
    checks: list[Any] = field(default_factory=list)   # symnn.data.checks findings

    @property
    def n_features(self) -> int:
        return int(np.prod(self.X_train.shape[1:]))

    @property
    def n_outputs(self) -> int:
        return self.n_classes if self.n_classes is not None else int(self.y_train.shape[1])


def prepare_data(spec: TrainingSpec) -> TrainingData:
    """Load, split and scale the spec's dataset (seeded by ``spec.seed``); refuse data that
    is not finite after scaling (a noise level that overflows, for example)."""
    from symnn.data import datasets
    from symnn.data.checks import check_data
    from symnn.data.transforms import StandardScaler

    info = datasets.DATASETS[spec.dataset]
    if spec.dataset == "digits":
        X, y = datasets.digits(images=spec.model == "cnn", scale=True)
    else:
        kwargs: dict[str, Any] = {"seed": spec.seed}
        if spec.n_samples is not None:
            kwargs["n_samples"] = spec.n_samples
        if spec.noise is not None:  # blobs have a spread (std) rather than noise
            kwargs["std" if spec.dataset == "blobs" else "noise"] = spec.noise
        try:
            X, y = info.loader(**kwargs)
        except ValueError as exc:
            raise SpecError("n_samples" if "n_samples" in str(exc) else "dataset",
                            str(exc)) from None
    classification = info.task == "classification"
    if spec.dataset == "xor" and len(X) == 4:
        splits = ((X, y), (X, y), (X, y))
    else:
        with np.errstate(over="ignore", invalid="ignore"):
            splits = train_val_test_split(X, y, val=0.15, test=0.2, stratify=classification,
                                          seed=spec.seed)
            if spec.dataset != "digits":
                scaler = StandardScaler().fit(splits[0][0])
                splits = tuple((scaler.transform(a), b) for a, b in splits)
    for part, _ in splits:
        if not np.all(np.isfinite(part)):
            raise SpecError("noise", "makes the inputs overflow: after scaling they are not all "
                            "finite numbers; choose a smaller noise level")
    (a, b), (c, d), (e, f) = splits
    report = check_data(a.reshape(len(a), -1), b, task=info.task)
    return TrainingData(a, b, c, d, e, f, info.task,
                        int(np.max(y)) + 1 if classification else None, list(report.findings))


def make_scheduler(name: str, optimizer: Any, epochs: int, lr: float, steps_per_epoch: int) -> Any:
    """The learning-rate schedule called ``name`` with symnn's settings: step (x0.3 every
    third of the run), cosine (to 0 over the run), plateau (x0.3 after 3 epochs without
    improvement), cyclic (triangular between lr/10 and lr, a cycle every 4 epochs); None for
    "none"."""
    from symnn.optim import lr_scheduler as S

    if name == "step":
        return S.StepLR(optimizer, step_size=max(1, epochs // 3), gamma=0.3)
    if name == "cosine":
        return S.CosineAnnealingLR(optimizer, T_max=epochs)
    if name == "plateau":
        return S.ReduceLROnPlateau(optimizer, factor=0.3, patience=3)
    if name == "cyclic":
        momentum = optimizer.defaults.get("momentum", 0)
        return S.CyclicLR(optimizer, base_lr=lr / 10, max_lr=lr,
                          step_size_up=max(1, steps_per_epoch * 2),
                          cycle_momentum=bool(momentum and momentum > 0))
    return None


@dataclass
class TrainingSetup:
    """Everything :func:`build` made from a spec, ready for ``fit``."""

    spec: TrainingSpec             # resolved: no None left but the optional ones
    data: TrainingData
    model: Module
    description: str
    loss_fn: Any
    optimizer: Any
    scheduler: Any
    regularizer: Any
    train_loader: DataLoader
    val_loader: DataLoader
    callbacks: list[Any]
    notes: list[str] = field(default_factory=list)  # what the pipeline decided, in words

    @property
    def n_parameters(self) -> int:
        return int(sum(p.data.size for p in self.model.parameters()))


def build(spec: TrainingSpec) -> TrainingSetup:
    """Data, model (weights seeded by ``spec.seed``), loss, optimizer, scheduler, regularizer,
    loaders and the standard callbacks (a divergence guard; early stopping when asked).

    With batch norm in an MLP, a last training batch of one sample is dropped each epoch
    (``drop_last``): batch norm cannot normalize a single sample (PyTorch raises "Expected
    more than 1 value per channel when training"), and the note says so."""
    from symnn import nn
    from symnn.tensor import manual_seed

    spec = spec.resolved()
    data = prepare_data(spec)
    manual_seed(spec.seed)
    if spec.model == "cnn":
        model, description = small_cnn(batchnorm=spec.batchnorm, dropout=spec.dropout), "small CNN"
    else:
        sizes = [data.n_features, *spec.hidden, data.n_outputs]
        model = mlp(sizes, spec.activation, batchnorm=spec.batchnorm, dropout=spec.dropout)
        description = "MLP " + "-".join(map(str, sizes))
    if data.task == "classification":
        loss_fn = nn.CrossEntropyLoss(label_smoothing=spec.label_smoothing)
    else:
        loss_fn = nn.MSELoss()
    optimizer = make_optimizer(spec.optimizer, model.parameters(), spec.lr,
                               weight_decay=spec.weight_decay)
    n_train, batch = len(data.X_train), spec.batch_size
    notes: list[str] = []
    drop_last = spec.batchnorm and spec.model == "mlp" and n_train % batch == 1 and n_train > 1
    if drop_last:
        notes.append(f"the last training batch would hold 1 of the {n_train} samples, and batch "
                     "norm cannot normalize a single sample: it is left out of each epoch")
    steps = n_train // batch if drop_last else -(-n_train // batch)
    regularizer = {"none": None, "l2": L2, "l1": L1}[spec.regularizer]
    callbacks: list[Any] = [DivergenceGuard()]
    if spec.early_stopping:
        callbacks.append(EarlyStopping(patience=spec.early_stopping))
    return TrainingSetup(
        spec=spec, data=data, model=model, description=description, loss_fn=loss_fn,
        optimizer=optimizer,
        scheduler=make_scheduler(spec.scheduler, optimizer, spec.epochs, spec.lr, max(1, steps)),
        regularizer=regularizer(spec.strength) if regularizer is not None else None,
        train_loader=array_loader(data.X_train, data.y_train, batch, shuffle=True,
                                  seed=spec.seed, drop_last=drop_last),
        val_loader=array_loader(data.X_val, data.y_val, 512),
        callbacks=callbacks, notes=notes)


@dataclass
class TrainingRun:
    """A finished run: its setup, history and final train / validation / test numbers."""

    setup: TrainingSetup
    history: History
    final: dict[str, float | None]

    @property
    def diverged(self) -> bool:
        return (self.history.stop_reason or "").startswith("diverged")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: dataset, model, history (one entry per epoch), final, notes."""
        s, d = self.setup.spec, self.setup.data
        return jsonable({
            "dataset": {"name": s.dataset, "task": d.task, "n_train": len(d.X_train),
                        "n_val": len(d.X_val), "n_test": len(d.X_test),
                        "checks": [f.__dict__ for f in d.checks]},
            "model": {"kind": s.model, "description": self.setup.description,
                      "optimizer": s.optimizer, "lr": s.lr, "epochs": s.epochs,
                      "batch_size": s.batch_size, "scheduler": s.scheduler,
                      "parameters": self.setup.n_parameters},
            "spec": asdict(s),
            "notes": self.setup.notes,
            "history": self.history.records(),
            "stopped_early": self.history.stopped_early,
            "stop_reason": self.history.stop_reason,
            "final": self.final,
            "seconds": sum(self.history.epoch_time),
        })


def run(spec: TrainingSpec | TrainingSetup, callbacks: tuple[Any, ...] | list[Any] = (),
        progress: bool = False, measure: bool = True) -> TrainingRun:
    """Build (unless given a setup) and train; then measure loss and accuracy on the train,
    validation and test splits (``measure=False`` skips that). Extra ``callbacks`` run after
    the standard ones (the app's live view, for example).

    A diverging run overflows to inf and NaN, which the divergence guard reports in words, so
    NumPy's overflow warnings are silenced meanwhile."""
    setup = spec if isinstance(spec, TrainingSetup) else build(spec)
    d = setup.data
    final: dict[str, float | None] = {}
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        history = fit(setup.model, setup.loss_fn, setup.optimizer, setup.train_loader,
                      setup.val_loader, epochs=setup.spec.epochs, scheduler=setup.scheduler,
                      callbacks=[*setup.callbacks, *callbacks], regularizer=setup.regularizer,
                      progress=progress)
        if measure:
            for split, (a, b) in (("train", (d.X_train, d.y_train)), ("val", (d.X_val, d.y_val)),
                                  ("test", (d.X_test, d.y_test))):
                result = evaluate(setup.model, array_loader(a, b, 512), setup.loss_fn)
                final[f"{split}_loss"] = result["loss"]
                final[f"{split}_accuracy"] = result.get("accuracy")
            if d.task == "classification":
                final["generalization_gap"] = final["train_accuracy"] - final["test_accuracy"]
    return TrainingRun(setup, history, final)
