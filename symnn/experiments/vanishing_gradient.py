"""Lesson 2: the vanishing gradient. Backpropagation multiplies the signal by each layer's
activation derivative; sigmoid's is at most 0.25, so in a 10-layer sigmoid network the layers
near the input get gradients orders of magnitude smaller than those near the output and
barely learn. tanh (derivative <= 1, but saturating) suffers less; ReLU and Leaky ReLU
(derivative 1 where active) keep the gradient's size."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from symnn.experiments.result import ExperimentResult, Panel
from symnn.train.models import ACTIVATIONS

if TYPE_CHECKING:  # pragma: no cover
    from symnn.nn import Module

DESCRIPTION = ("vanishing gradient: per-layer gradient norms of a 10-layer net with sigmoid, "
               "tanh, ReLU, LeakyReLU")


def matched_init(model: Module, activation_name: str) -> None:
    """Initialize every Linear for its activation: He (Kaiming) normal for ReLU and Leaky
    ReLU, Glorot (Xavier) normal with the activation's gain for tanh and sigmoid; zero
    biases. Each keeps the forward signal's variance roughly constant across layers, so what
    remains is the effect of the activation's derivative."""
    from symnn import nn

    for layer in model.modules():
        if isinstance(layer, nn.Linear):
            if activation_name in ("relu", "leaky_relu"):
                nn.init.kaiming_normal_(layer.weight, a=0.01 if activation_name == "leaky_relu"
                                        else 0.0, nonlinearity=activation_name)
            else:
                nn.init.xavier_normal_(layer.weight, gain=nn.init.calculate_gain(activation_name))
            nn.init.zeros_(layer.bias)


def run(quick: bool = False, seed: int = 0, depth: int = 10, width: int = 32,
        epochs: int | None = None, lr: float = 0.05) -> ExperimentResult:
    """Per-layer gradient norms at initialization, then the same networks trained with SGD on
    the moons for ``epochs`` epochs. Each activation gets its matched initialization (see
    :func:`matched_init`); the layer-1 / layer-10 ratio under PyTorch's default init
    (uniform, variance 1 / (3 fan_in)) is reported too."""
    from symnn import nn
    from symnn.data.datasets import moons
    from symnn.data.transforms import StandardScaler
    from symnn.tensor import manual_seed, tensor
    from symnn.train.loop import array_loader, fit, layer_grad_norms, make_optimizer
    from symnn.train.models import mlp

    start = time.perf_counter()
    epochs = epochs if epochs is not None else (3 if quick else 30)
    X, y = moons(n_samples=256 if quick else 512, noise=0.15, seed=seed)
    X = StandardScaler().fit_transform(X)
    sizes = [2] + [width] * (depth - 1) + [2]
    layers = list(range(1, depth + 1))
    init_norms, default_ratio, losses, numbers = {}, {}, {}, {}

    def norms_at_init(model) -> tuple[list[float], float]:
        loss = nn.CrossEntropyLoss()(model(tensor(X)), tensor(y))
        loss.backward()
        norms = layer_grad_norms(model)
        model.zero_grad()
        return [norms[k] for k in sorted(norms, key=int)], float(loss.item())

    for act in ACTIVATIONS:
        manual_seed(seed)
        default, _ = norms_at_init(mlp(sizes, act))
        default_ratio[act] = default[0] / default[-1]
        manual_seed(seed)
        model = mlp(sizes, act)
        matched_init(model, act)
        init_norms[act], initial_loss = norms_at_init(model)
        hist = fit(model, nn.CrossEntropyLoss(), make_optimizer("sgd", model.parameters(), lr),
                   array_loader(X, y, batch_size=32, shuffle=True, seed=seed), epochs=epochs,
                   progress=False) if epochs else None
        first, last = init_norms[act][0], init_norms[act][-1]
        numbers[act] = {
            "grad_norms": init_norms[act],
            "first_over_last": first / last if last > 0 else float("nan"),
            "first_over_last_default_init": default_ratio[act],
            "initial_loss": initial_loss,
            "loss_after_training": hist.train_loss[-1] if hist else None,
            "accuracy_after_training": hist.train_accuracy[-1] if hist else None,
        }
        if hist:
            losses[act] = (hist.epoch, hist.train_loss)
    summary = [f"{depth} Linear layers of width {width}, moons data, He init for ReLU / Leaky "
               "ReLU and Glorot init for tanh / sigmoid; gradient L2 norm of each layer "
               "(weights and bias) after one backward pass:"]
    summary.append("layer       " + " ".join(f"{a:>11}" for a in ACTIVATIONS))
    for i in range(depth):
        summary.append(f"{i + 1:>5}       " +
                       " ".join(f"{init_norms[a][i]:11.3e}" for a in ACTIVATIONS))
    summary.append("layer 1 / layer 10: " + ", ".join(
        f"{a} {numbers[a]['first_over_last']:.2e}" for a in ACTIVATIONS))
    summary.append(f"(layer 1 has 2 x {width} weights against {width} x {width} in the middle "
                   f"layers, which alone makes its norm about {(width / 2) ** 0.5:.0f}x smaller)")
    summary.append("layer 1 / layer 10 with PyTorch's default init: " + ", ".join(
        f"{a} {default_ratio[a]:.2e}" for a in ACTIVATIONS))
    if epochs:
        summary.append(f"after {epochs} epochs of SGD (lr {lr}): " + ", ".join(
            f"{a} loss {numbers[a]['loss_after_training']:.3f} / accuracy "
            f"{numbers[a]['accuracy_after_training']:.2f}" for a in ACTIVATIONS))
    summary.append("sigmoid's derivative is at most 0.25, so its gradient shrinks layer by "
                   "layer toward the input; ReLU and Leaky ReLU keep it (with PyTorch's default "
                   "init, which is not He init, ReLU's signal also shrinks, more slowly)")
    panels = [Panel("gradient norm per layer at init", "layer (1 = input side)",
                    "||dL/dW||", {a: (layers, init_norms[a]) for a in ACTIVATIONS}, logy=True)]
    if losses:
        panels.append(Panel("training loss", "epoch", "cross-entropy", losses))
    return ExperimentResult(
        "vanishing-gradient", "Vanishing gradient in a 10-layer network",
        {"depth": depth, "width": width, "epochs": epochs, "lr": lr, **numbers},
        summary, panels, time.perf_counter() - start)
