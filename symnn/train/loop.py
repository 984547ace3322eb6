"""The training loop: prediction, loss, backward, step, as in PyTorch, with a history.

``fit`` runs ``epochs`` passes over ``train_loader``; in each batch it computes
``loss = loss_fn(model(x), y) (+ regularizer(model))``, calls ``backward()`` and
``optimizer.step()``, and records the numbers a learner wants to see (loss, accuracy,
learning rate, per-layer gradient norms, time). Callbacks hook into every stage and can stop
the run (early stopping, divergence guard).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from symnn.train.callbacks import SchedulerStep
from symnn.train.history import History
from symnn.train.metrics import accuracy as accuracy_fn
from symnn.train.progress import make_progress
from symnn.train.state import TrainState, layer_grad_norms

if TYPE_CHECKING:  # pragma: no cover
    from symnn.data import DataLoader
    from symnn.nn import Module
    from symnn.optim import Optimizer

__all__ = ["fit", "evaluate", "predict", "TrainState", "layer_grad_norms", "array_loader",
           "train_classifier", "make_optimizer"]


def _to_tensor(x):
    if isinstance(x, np.ndarray):
        from symnn.tensor import tensor

        return tensor(x)
    return x


def _numpy(x) -> np.ndarray:
    return np.asarray(getattr(x, "data", x))


def _split_batch(batch):
    if isinstance(batch, (list, tuple)) and len(batch) == 2:
        return batch[0], batch[1]
    raise ValueError("each batch must be a pair (inputs, targets); "
                     f"got {type(batch).__name__} of length {len(batch) if hasattr(batch, '__len__') else '?'}")


def _wants_accuracy(metric, targets) -> bool:
    """Accuracy is recorded for class-index targets (or one-hot / probability rows)."""
    if metric is None or metric is False:
        return False
    if metric != "auto":
        return True
    t = _numpy(targets)
    return np.issubdtype(t.dtype, np.integer) or (t.ndim == 2 and t.shape[1] > 1)


def _hooks(callbacks: Sequence[Any], hook: str, state: TrainState) -> None:
    for cb in callbacks:
        method = getattr(cb, hook, None)
        if method is not None:
            method(state)


def fit(model: Module, loss_fn: Callable[..., Any], optimizer: Optimizer,
        train_loader: Iterable, val_loader: Iterable | None = None,
        epochs: int = 10, scheduler: Any = None, callbacks: Sequence[Any] = (),
        regularizer: Callable[[Any], Any] | None = None, augment: Callable | None = None,
        metric: str | None = "auto", progress: bool = True,
        track_grad_norms: bool = True) -> History:
    """Train ``model`` and return its :class:`History`.

    - ``train_loader`` / ``val_loader``: iterables of ``(inputs, targets)`` batches (a
      ``DataLoader``; NumPy arrays are turned into Tensors).
    - ``scheduler``: stepped once per epoch (``ReduceLROnPlateau`` with the validation loss,
      or the training loss without a validation set), or once per batch for ``CyclicLR``;
      see :class:`symnn.train.callbacks.SchedulerStep` for other choices.
    - ``regularizer``: ``regularizer(model)`` is added to the loss (e.g. ``L2(1e-4)``).
    - ``augment``: applied to each training input batch (a NumPy array); a
      :class:`symnn.data.transforms.BatchTransform` (mixup) gets and returns inputs and targets.
    - ``metric``: "auto" records accuracy when the targets are class indices, None never.
    - ``progress``: a Rich progress bar on stderr.
    """
    if epochs < 1:
        raise ValueError(f"epochs must be >= 1, got {epochs}")
    callbacks = list(callbacks)
    if scheduler is not None:
        callbacks.insert(0, SchedulerStep(scheduler))
    history = History()
    state = TrainState(model, optimizer, loss_fn, history, epochs)
    _hooks(callbacks, "on_train_begin", state)
    with make_progress(progress, epochs) as bar:
        for epoch in range(1, epochs + 1):
            state.epoch = epoch
            lr = float(optimizer.param_groups[0]["lr"])
            _hooks(callbacks, "on_epoch_begin", state)
            start = time.perf_counter()
            logs, norms = _train_epoch(state, train_loader, callbacks, regularizer, augment,
                                       metric, track_grad_norms)
            elapsed = time.perf_counter() - start
            if val_loader is not None and not state.stop:
                val = evaluate(model, val_loader, loss_fn, metric=metric)
                logs["val_loss"], logs["val_accuracy"] = val["loss"], val.get("accuracy")
            history.epoch.append(epoch)
            for key in ("train_loss", "train_accuracy", "val_loss", "val_accuracy"):
                getattr(history, key).append(logs[key])
            history.lr.append(lr)
            history.grad_norms.append(norms)
            history.epoch_time.append(elapsed)
            state.logs = logs
            _hooks(callbacks, "on_epoch_end", state)
            bar.update(epoch, logs)
            if state.stop:
                break
    _hooks(callbacks, "on_train_end", state)
    history.stopped_early = state.stop
    history.stop_reason = state.stop_reason
    return history


def _train_epoch(state: TrainState, loader: Iterable, callbacks: Sequence[Any], regularizer,
                 augment, metric, track_grad_norms: bool) -> tuple[dict[str, Any], dict[str, float]]:
    """One pass over the training batches: forward, loss (+ penalty), backward, step.

    Returns the epoch's logs (sample-weighted mean loss and accuracy) and the mean per-layer
    gradient norms over its batches."""
    from symnn.data.transforms import BatchTransform

    model, optimizer, loss_fn = state.model, state.optimizer, state.loss_fn
    model.train()
    total_loss = correct = 0.0
    seen = n_batches = 0
    use_acc: bool | None = None
    norm_sums: dict[str, float] = {}
    for state.batch, batch in enumerate(loader):
        x, y = _split_batch(batch)
        if isinstance(augment, BatchTransform):
            x, y = augment(_numpy(x), _numpy(y))
        elif augment is not None:
            x = augment(_numpy(x))
        x, y = _to_tensor(x), _to_tensor(y)
        _hooks(callbacks, "on_batch_begin", state)
        optimizer.zero_grad()
        out = model(x)
        loss = loss_fn(out, y)
        (loss + regularizer(model) if regularizer is not None else loss).backward()
        _hooks(callbacks, "on_after_backward", state)
        if track_grad_norms:
            for k, v in layer_grad_norms(model).items():
                norm_sums[k] = norm_sums.get(k, 0.0) + v
        optimizer.step()
        n = len(_numpy(y))
        state.loss = float(loss.item())
        total_loss += state.loss * n
        seen += n
        n_batches += 1
        if use_acc is None:
            use_acc = _wants_accuracy(metric, y)
        if use_acc:
            correct += accuracy_fn(_numpy(out), _numpy(y)) * n
        _hooks(callbacks, "on_batch_end", state)
        if state.stop:
            break
    if seen == 0:
        raise ValueError("train_loader produced no batches (is the dataset empty, or "
                         "drop_last=True with fewer samples than batch_size?)")
    logs = {"train_loss": total_loss / seen, "train_accuracy": correct / seen if use_acc else None,
            "val_loss": None, "val_accuracy": None}
    return logs, {k: v / n_batches for k, v in norm_sums.items()}


def evaluate(model: Module, loader: Iterable, loss_fn: Callable[..., Any] | None = None,
             metric: str | None = "auto") -> dict[str, float]:
    """Mean loss (when ``loss_fn`` is given) and accuracy of ``model`` over ``loader``, in eval
    mode and without recording gradients; the model's mode is restored afterwards."""
    from symnn.tensor import no_grad

    was_training = getattr(model, "training", False)
    model.eval()
    total_loss = correct = 0.0
    seen = 0
    use_acc = None
    try:
        with no_grad():
            for batch in loader:
                x, y = _split_batch(batch)
                x, y = _to_tensor(x), _to_tensor(y)
                out = model(x)
                n = len(_numpy(y))
                if loss_fn is not None:
                    total_loss += float(loss_fn(out, y).item()) * n
                if use_acc is None:
                    use_acc = _wants_accuracy(metric, y)
                if use_acc:
                    correct += accuracy_fn(_numpy(out), _numpy(y)) * n
                seen += n
    finally:
        model.train(was_training)
    if seen == 0:
        raise ValueError("evaluate: the loader produced no batches")
    result: dict[str, float] = {}
    if loss_fn is not None:
        result["loss"] = total_loss / seen
    if use_acc:
        result["accuracy"] = correct / seen
    return result


def predict(model: Module, X: ArrayLike, batch_size: int = 512) -> np.ndarray:
    """Model outputs for the rows of ``X`` (eval mode, no gradients), as one NumPy array."""
    from symnn.tensor import no_grad, tensor

    X = _numpy(X)
    was_training = getattr(model, "training", False)
    model.eval()
    outs = []
    try:
        with no_grad():
            for i in range(0, len(X), batch_size):
                outs.append(_numpy(model(tensor(X[i:i + batch_size]))).copy())
    finally:
        model.train(was_training)
    return np.concatenate(outs) if outs else np.zeros((0,))


def array_loader(X: ArrayLike, y: ArrayLike, batch_size: int = 32, shuffle: bool = False,
                 seed: int | None = None, drop_last: bool = False) -> DataLoader:
    """A ``DataLoader`` over NumPy arrays (wrapped in a ``TensorDataset``)."""
    from symnn.data import DataLoader
    from symnn.data.datasets import to_dataset

    return DataLoader(to_dataset(X, y), batch_size=batch_size, shuffle=shuffle, seed=seed,
                      drop_last=drop_last)


def train_classifier(model: Module, X: ArrayLike, y: ArrayLike, epochs: int = 20, lr: float = 1e-2,
                     optimizer: str = "adam", batch_size: int = 32, seed: int | None = 0,
                     X_val: ArrayLike | None = None, y_val: ArrayLike | None = None,
                     loss_fn: Callable[..., Any] | None = None, progress: bool = False,
                     **fit_kwargs: Any) -> History:
    """Fit a classifier on arrays in one call: cross-entropy, the named optimizer
    (``"sgd"``, ``"adam"``, ... any ``symnn.optim`` class name in lower case) and shuffled
    mini-batches. Used by cross-validation and the ensembles."""
    from symnn import nn

    opt = make_optimizer(optimizer, model.parameters(), lr)
    val = array_loader(X_val, y_val, batch_size=512) if X_val is not None else None
    return fit(model, loss_fn or nn.CrossEntropyLoss(), opt,
               array_loader(X, y, batch_size, shuffle=True, seed=seed), val,
               epochs=epochs, progress=progress, **fit_kwargs)


def make_optimizer(name: str, params: Iterable[Any], lr: float, **kwargs: Any) -> Optimizer:
    """An optimizer by lower-case name: sgd, momentum (SGD with momentum 0.9), nesterov,
    adagrad, adadelta, rmsprop, adam, adamw."""
    from symnn import optim

    table = {"sgd": (optim.SGD, {}), "momentum": (optim.SGD, {"momentum": 0.9}),
             "nesterov": (optim.SGD, {"momentum": 0.9, "nesterov": True}),
             "adagrad": (optim.Adagrad, {}), "adadelta": (optim.Adadelta, {}),
             "rmsprop": (optim.RMSprop, {}), "adam": (optim.Adam, {}), "adamw": (optim.AdamW, {})}
    if name.lower() not in table:
        raise ValueError(f"unknown optimizer {name!r}; choose one of: {', '.join(table)}")
    cls, defaults = table[name.lower()]
    return cls(params, lr=lr, **{**defaults, **kwargs})
