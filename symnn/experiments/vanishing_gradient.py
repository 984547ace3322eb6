"""Lesson 2: the vanishing gradient. Backpropagation multiplies the signal by each layer's
activation derivative; sigmoid's is at most 0.25, so in a 10-layer sigmoid network the layers
near the input get gradients orders of magnitude smaller than those near the output and
barely learn. tanh (derivative <= 1, but saturating) suffers less; ReLU and Leaky ReLU
(derivative 1 where active) keep the gradient's size."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from symnn.experiments.claims import Claim
from symnn.experiments.result import Panel
from symnn.train.models import ACTIVATIONS

if TYPE_CHECKING:  # pragma: no cover
    from symnn.nn import Module

TITLE = "Vanishing gradient in a 10-layer network"
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


def run_seed(seed: int, quick: bool = False, depth: int = 10, width: int = 32,
             epochs: int | None = None, lr: float = 0.05, n_samples: int = 256) -> dict[str, Any]:
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

    epochs = epochs if epochs is not None else (2 if quick else 15)
    X, y = moons(n_samples=n_samples, noise=0.15, seed=seed)
    X = StandardScaler().fit_transform(X)
    sizes = [2] + [width] * (depth - 1) + [2]

    def norms_at_init(model) -> tuple[list[float], float]:
        loss = nn.CrossEntropyLoss()(model(tensor(X)), tensor(y))
        loss.backward()
        norms = layer_grad_norms(model)
        model.zero_grad()
        return [norms[k] for k in sorted(norms, key=int)], float(loss.item())

    variants, grad_norms, losses = {}, {}, {}
    for act in ACTIVATIONS:
        manual_seed(seed)
        default, _ = norms_at_init(mlp(sizes, act))
        manual_seed(seed)
        model = mlp(sizes, act)
        matched_init(model, act)
        grad_norms[act], initial_loss = norms_at_init(model)
        hist = fit(model, nn.CrossEntropyLoss(), make_optimizer("sgd", model.parameters(), lr),
                   array_loader(X, y, batch_size=32, shuffle=True, seed=seed), epochs=epochs,
                   progress=False, track_grad_norms=False)
        first, last = grad_norms[act][0], grad_norms[act][-1]
        variants[act] = {
            "first_over_last": first / last if last > 0 else float("nan"),
            "first_over_last_default_init": default[0] / default[-1],
            "initial_loss": initial_loss,
            "loss_after_training": hist.train_loss[-1],
            "accuracy_after_training": hist.train_accuracy[-1],
        }
        losses[act] = hist.train_loss
    return {"depth": depth, "width": width, "epochs": epochs, "lr": lr, "n_samples": n_samples,
            "variants": variants, "grad_norms": grad_norms, "loss_curves": losses}


def _sigmoid_vanishes(n: dict) -> tuple[bool, dict]:
    sig = n["variants"]["sigmoid"]["first_over_last"]
    return sig < 1e-3, {"sigmoid layer 1 / layer 10": sig}


def _relu_keeps(n: dict) -> tuple[bool, dict]:
    ratios = {a: n["variants"][a]["first_over_last"] for a in ("relu", "leaky_relu")}
    sig = n["variants"]["sigmoid"]["first_over_last"]
    return min(ratios.values()) > 100 * sig and min(ratios.values()) > 1e-2, {
        **{f"{a} layer 1 / layer 10": r for a, r in ratios.items()}, "sigmoid": sig}


def _sigmoid_learns_least(n: dict) -> tuple[bool, dict]:
    v = n["variants"]
    sig = v["sigmoid"]["loss_after_training"]
    best = min(v[a]["loss_after_training"] for a in ("relu", "leaky_relu"))
    return sig > 0.6 and best < 0.5 * sig, {"sigmoid loss": sig, "best ReLU-family loss": best,
                                            "log 2": 0.693}


CLAIMS = [
    Claim("With sigmoid, layer 1's gradient is more than 1000x smaller than layer 10's: each "
          "layer multiplies the backward signal by sigmoid' ≤ 0.25.", _sigmoid_vanishes),
    Claim("ReLU and Leaky ReLU keep layer 1's gradient within 100x of layer 10's, over 100x "
          "closer than sigmoid.", _relu_keeps),
    Claim("Trained the same way, the sigmoid network barely learns (loss above 0.6, near "
          "log 2 = 0.693) while ReLU or Leaky ReLU reach less than half its loss.",
          _sigmoid_learns_least),
]


def summarize(runs: list[dict[str, Any]]) -> tuple[list[str], list[Panel]]:
    import numpy as np

    r = runs[0]
    depth, width = r["depth"], r["width"]
    mean = {a: np.exp(np.mean([np.log(x["grad_norms"][a]) for x in runs], axis=0)).tolist()
            for a in ACTIVATIONS}
    lines = [f"{depth} Linear layers of width {width}, {r['n_samples']} moons, He init for ReLU "
             "/ Leaky ReLU and Glorot init for tanh / sigmoid; gradient L2 norm of each layer "
             "(weights and bias) after one backward pass, geometric mean over seeds:",
             "layer       " + " ".join(f"{a:>11}" for a in ACTIVATIONS)]
    for i in range(depth):
        lines.append(f"{i + 1:>5}       " + " ".join(f"{mean[a][i]:11.3e}" for a in ACTIVATIONS))
    lines.append(f"(layer 1 has 2 x {width} weights against {width} x {width} in the middle "
                 f"layers, which alone makes its norm about {(width / 2) ** 0.5:.0f}x smaller)")
    lines.append(f"then {r['epochs']} epochs of SGD (lr {r['lr']}, batch 32); sigmoid's "
                 "derivative is at most 0.25, so its gradient shrinks layer by layer toward the "
                 "input; ReLU and Leaky ReLU keep it (with PyTorch's default init, which is not "
                 "He init, ReLU's signal also shrinks, more slowly: see first over last default "
                 "init)")
    layers = list(range(1, depth + 1))
    epochs = list(range(1, r["epochs"] + 1))
    panels = [Panel("gradient norm per layer at init", "layer (1 = input side)", "||dL/dW||",
                    {a: (layers, mean[a]) for a in ACTIVATIONS}, logy=True),
              Panel("training loss (seed 0)", "epoch", "cross-entropy",
                    {a: (epochs, r["loss_curves"][a]) for a in ACTIVATIONS})]
    return lines, panels
