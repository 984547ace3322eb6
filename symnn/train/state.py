"""What the training loop shares with its callbacks: the run's state and the per-layer
gradient norms (a module of its own, so the loop and the callbacks both import it and
neither imports the other's internals)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from symnn.train.history import History

if TYPE_CHECKING:  # pragma: no cover
    from symnn.nn import Module

__all__ = ["TrainState", "layer_grad_norms", "parameter_layers"]


@dataclass
class TrainState:
    """What callbacks see: the objects being trained and where the loop is."""

    model: Any
    optimizer: Any
    loss_fn: Any
    history: History
    epochs: int
    epoch: int = 0
    batch: int = 0
    loss: float | None = None          # the last batch's loss (before regularization)
    logs: dict[str, Any] = field(default_factory=dict)  # the last epoch's numbers
    stop: bool = False
    stop_reason: str | None = None

    def request_stop(self, reason: str) -> None:
        """Stop after the current batch (callbacks call this)."""
        self.stop = True
        if self.stop_reason is None:
            self.stop_reason = reason


def _layer_of(parameter_name: str) -> str:
    """The module that owns a parameter: ``"0.weight"`` -> ``"0"``, ``"weight"`` -> ``"weight"``."""
    return parameter_name.rsplit(".", 1)[0] if "." in parameter_name else parameter_name


def layer_grad_norms(model: Module) -> dict[str, float]:
    """L2 norm of the gradient of each layer (all parameters of one module together),
    keyed by the module's name in ``named_parameters`` (e.g. ``"0"``, ``"fc1"``)."""
    sums: dict[str, float] = {}
    for name, p in model.named_parameters():
        if p.grad is None:
            continue
        layer = _layer_of(name)
        g = np.asarray(getattr(p.grad, "data", p.grad))
        sums[layer] = sums.get(layer, 0.0) + float(np.vdot(g, g))
    return {k: float(np.sqrt(v)) for k, v in sums.items()}


def parameter_layers(model: Module) -> dict[str, str]:
    """The layers that hold parameters, input side first, as ``{module name: class name}``
    (``{"0": "Linear", "1": "BatchNorm1d", "3": "Linear"}``): layer k of a chart or of
    ``sn.explain``'s names W^(k) is the k-th entry. Activations, pooling and dropout hold no
    parameters and are not counted."""
    modules = dict(model.named_modules()) if hasattr(model, "named_modules") else {}
    layers: dict[str, str] = {}
    for name, _ in model.named_parameters():
        layer = _layer_of(name)
        if layer not in layers:
            owner = modules.get(layer)
            layers[layer] = type(owner).__name__ if owner is not None else layer
    return layers
