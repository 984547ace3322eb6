"""Lesson 3: batch normalization. Each hidden feature is normalized over the mini-batch,
x_hat = (x - mean_B) / sqrt(var_B + eps), then scaled and shifted by the learnable gamma and
beta (order: weight -> BN -> activation). Measured on the digits with a 4-layer MLP:

- a learning rate that makes the plain network fail trains with BN;
- BN makes training insensitive to the scale of the initial weights (BN's output does not
  change when a layer's weights are multiplied by a constant);
- with gamma = 1 and beta = 0, about 95% of a sigmoid's inputs lie in its near-linear range
  (-1.96, 1.96); learning gamma and beta lets the layer leave it;
- "internal covariate shift" was BN's first explanation, but BN followed by injected noise
  whose mean and scale change at every step (a constantly shifting input distribution for the
  next layer) still trains;
- the later explanation: a smoother loss. Along the gradient direction the loss changes less
  with BN than without.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from symnn.experiments.claims import Claim
from symnn.experiments.result import Panel

if TYPE_CHECKING:  # pragma: no cover
    from symnn.nn import Module

TITLE = "Batch normalization: learning rate, initialization, noise and smoothness"
DESCRIPTION = ("batch norm: a learning rate that fails without BN trains with it; init-scale "
               "sensitivity; gamma/beta and the sigmoid's linear range; noise; smoothness")

#: the sigmoid's near-linear range: |x| < 1.96 holds 95% of a standard normal
LINEAR_RANGE = 1.96


def _noise_layer(seed: int, std: float):
    """A layer that, in training mode, multiplies each feature by a random scale and adds a
    random shift, both drawn anew at every step from a distribution whose own mean and spread
    drift (non-stationary noise, as in Santurkar et al. 2018); in eval mode it does nothing."""
    from symnn import nn
    from symnn.tensor import tensor

    class NonStationaryNoise(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.rng = np.random.default_rng(seed)
            self.step = 0

        def forward(self, x):
            if not self.training:
                return x
            self.step += 1
            drift = math.sin(self.step / 7.0)
            n = x.shape[1]
            scale = 1 + std * (drift + self.rng.standard_normal(n))
            shift = std * (2 * drift + self.rng.standard_normal(n))
            return x * tensor(scale.astype(np.float32)) + tensor(shift.astype(np.float32))

    return NonStationaryNoise()


def build(width: int, depth: int, activation: str = "relu", batchnorm: bool = False,
          init_scale: float = 1.0, noise: float = 0.0, seed: int = 0) -> Module:
    """``depth`` Linear layers (64 -> width -> ... -> 10): Linear -> [BN] -> [noise] ->
    activation for each hidden layer; hidden weights He-initialized (variance 2 / fan_in,
    which keeps a ReLU network's signal size from layer to layer) times ``init_scale``."""
    from symnn import nn
    from symnn.tensor import manual_seed
    from symnn.train.models import activation as make_activation

    manual_seed(seed)
    sizes = [64] + [width] * (depth - 1) + [10]
    layers = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        linear = nn.Linear(a, b)
        layers.append(linear)
        if i < depth - 1:
            nn.init.kaiming_normal_(linear.weight, nonlinearity="relu")
            linear.weight.data *= init_scale
            if batchnorm:
                layers.append(nn.BatchNorm1d(b))
            if noise:
                layers.append(_noise_layer(seed + 7 * i, noise))
            layers.append(make_activation(activation))
    return nn.Sequential(*layers)


def _gradient_change(model: Module, X: np.ndarray, y: np.ndarray, steps: list[float],
                     loss_fn: Any = None) -> float:
    """How fast the gradient changes along the gradient direction: the largest
    ||g(w - t g) - g(w)|| / ||t g|| over the steps t (an effective beta-smoothness, Santurkar
    et al. 2018: small means the gradient stays predictive over a step). The weights are
    restored afterwards."""
    from symnn import nn
    from symnn.tensor import tensor

    loss_fn = loss_fn or nn.CrossEntropyLoss()
    params = list(model.parameters())

    def gradient() -> np.ndarray:
        model.zero_grad()
        loss_fn(model(tensor(X)), tensor(y)).backward()
        return np.concatenate([p.grad.data.ravel() for p in params]).astype(np.float64)

    saved = [p.data.copy() for p in params]
    g0 = gradient()
    grads = [p.grad.data.copy() for p in params]
    worst = 0.0
    for t in steps:
        for p, w, g in zip(params, saved, grads):
            p.data[...] = w - t * g
        worst = max(worst, float(np.linalg.norm(gradient() - g0) / (t * np.linalg.norm(g0))))
    for p, w in zip(params, saved):
        p.data[...] = w
    model.zero_grad()
    return worst if math.isfinite(worst) else float("inf")


def _share_in_linear_range(model: Module, X: np.ndarray) -> float:
    """The share of the first sigmoid's inputs, on the batch X in training mode, that lie in
    (-1.96, 1.96)."""
    from symnn import nn
    from symnn.tensor import no_grad, tensor

    out = tensor(X)
    with no_grad():
        for layer in model:
            if isinstance(layer, nn.Sigmoid):
                return float(np.mean(np.abs(out.data) < LINEAR_RANGE))
            out = layer(out)
    raise ValueError("the model has no Sigmoid layer")


def _undo_error(X: np.ndarray) -> float:
    """max |BN(x) - x| for a BatchNorm1d whose gamma and beta are set to the batch's standard
    deviation and mean: y = gamma x_hat + beta = x when gamma = sqrt(var_B + eps), beta = mean_B."""
    from symnn import nn
    from symnn.tensor import no_grad, tensor

    X = X.astype(np.float64)
    bn = nn.BatchNorm1d(X.shape[1])
    bn.weight.data = np.sqrt(X.var(axis=0) + bn.eps)
    bn.bias.data = X.mean(axis=0)
    with no_grad():
        return float(np.max(np.abs(np.asarray(bn(tensor(X, dtype=np.float64)).data) - X)))


def run_seed(seed: int, quick: bool = False, epochs: int | None = None, n_train: int = 600,
             lr: float = 0.1, large_lr: float = 1.0, depth: int = 4, width: int = 32,
             batch_size: int = 50, init_scales: tuple[float, ...] = (0.2, 5.0),
             noise: float = 0.3) -> dict[str, Any]:
    """Train the MLP variants with plain SGD on ``n_train`` digits."""
    from symnn import nn
    from symnn.experiments.setups import accuracy_on, digits_split, subsample
    from symnn.train.callbacks import Callback, DivergenceGuard
    from symnn.train.loop import array_loader, fit, make_optimizer

    epochs = epochs or (2 if quick else 10)
    s = digits_split(seed=seed)
    X, y = subsample(s.X_train, s.y_train, n_train, seed=seed)
    probe_X, probe_y = X[:120], y[:120]
    probe_steps = [lr * f for f in (0.5, 1.0, 2.0, 4.0)]

    class Smoothness(Callback):
        """Loss spread along the gradient after each epoch."""

        def __init__(self) -> None:
            self.values: list[float] = []

        def on_epoch_end(self, state) -> None:
            self.values.append(_gradient_change(state.model, probe_X, probe_y, probe_steps))

    def train(rate: float, smoothness: bool = False, **kw) -> tuple[Any, dict[str, Any]]:
        model = build(width, depth, seed=seed, **kw)
        guard, smooth = DivergenceGuard(), Smoothness()
        hist = fit(model, nn.CrossEntropyLoss(), make_optimizer("sgd", model.parameters(), rate),
                   array_loader(X, y, batch_size, shuffle=True, seed=seed), epochs=epochs,
                   callbacks=[guard, smooth] if smoothness else [guard], progress=False,
                   track_grad_norms=False)
        failed = guard.message is not None
        acc = 0.0 if failed else accuracy_on(model, s.X_test, s.y_test)
        return model, {"test_accuracy": acc, "diverged": failed,
                       "final_train_loss": None if failed else hist.train_loss[-1],
                       "loss_curve": hist.train_loss, "smoothness": smooth.values}

    variants, details = {}, {}
    for bn in (False, True):
        tag = "BN" if bn else "plain"
        for rate in (lr, large_lr):
            _, out = train(rate, smoothness=rate == lr, batchnorm=bn)
            details[f"{tag}, lr {rate:g}"] = out
        for scale in init_scales:
            _, out = train(lr, batchnorm=bn, init_scale=scale)
            details[f"{tag}, lr {lr:g}, init x{scale:g}"] = out
    _, details[f"BN + noise, lr {lr:g}"] = train(lr, batchnorm=True, noise=noise)
    sigmoid_model = build(width, depth, activation="sigmoid", batchnorm=True, seed=seed)
    linear_share_init = _share_in_linear_range(sigmoid_model, probe_X)
    undo_error = _undo_error(probe_X)
    fit(sigmoid_model, nn.CrossEntropyLoss(),
        make_optimizer("sgd", sigmoid_model.parameters(), 1.0),
        array_loader(X, y, batch_size, shuffle=True, seed=seed), epochs=epochs, progress=False,
        track_grad_norms=False)
    bn_layer = next(m for m in sigmoid_model.modules() if isinstance(m, nn.BatchNorm1d))
    for name, d in details.items():
        variants[name] = {"test_accuracy": d["test_accuracy"],
                          "final_train_loss": d["final_train_loss"]}
        if d["smoothness"]:
            variants[name]["gradient_change"] = float(np.mean(d["smoothness"]))
    return {"epochs": epochs, "n_train": len(X), "lr": lr, "large_lr": large_lr, "depth": depth,
            "width": width, "batch_size": batch_size, "init_scales": list(init_scales),
            "noise": noise, "variants": variants,
            "diverged": {k: d["diverged"] for k, d in details.items()},
            "loss_curves": {k: d["loss_curve"] for k, d in details.items()},
            "sigmoid": {"share_in_linear_range_at_init": linear_share_init,
                        "share_in_linear_range_trained": _share_in_linear_range(sigmoid_model,
                                                                                probe_X),
                        "undo_error": undo_error,
                        "gamma_spread": float(np.std(bn_layer.weight.data)),
                        "beta_spread": float(np.std(bn_layer.bias.data))}}


def _v(n: dict, name: str, what: str = "test_accuracy") -> float:
    return n["variants"][name][what]


def _large_lr(n: dict) -> tuple[bool, dict]:
    big = n["large_lr"]
    plain, bn = _v(n, f"plain, lr {big:g}"), _v(n, f"BN, lr {big:g}")
    return plain <= 0.5 and bn >= 0.8, {"plain": plain, "BN": bn,
                                        "plain diverged": n["diverged"][f"plain, lr {big:g}"]}


def _init_scale(n: dict) -> tuple[bool, dict]:
    lr = n["lr"]

    def spread(tag: str) -> tuple[float, list[float]]:
        accs = [_v(n, f"{tag}, lr {lr:g}")] + [_v(n, f"{tag}, lr {lr:g}, init x{s:g}")
                                               for s in n["init_scales"]]
        return max(accs) - min(accs), accs

    (_, pa), (_, ba) = spread("plain"), spread("BN")
    return min(ba) >= 0.6 and max(pa[1:]) <= 0.5, {"plain accuracies": pa,
                                                   "BN accuracies": ba}


def _noise(n: dict) -> tuple[bool, dict]:
    lr = n["lr"]
    noisy, bn = _v(n, f"BN + noise, lr {lr:g}"), _v(n, f"BN, lr {lr:g}")
    return noisy >= 0.8 and noisy >= bn - 0.1, {"BN + noise": noisy, "BN": bn}


def _smooth(n: dict) -> tuple[bool, dict]:
    lr = n["lr"]
    p = _v(n, f"plain, lr {lr:g}", "gradient_change")
    b = _v(n, f"BN, lr {lr:g}", "gradient_change")
    return b < 0.7 * p, {"plain": p, "BN": b}


def _linear_range(n: dict) -> tuple[bool, dict]:
    sig = n["sigmoid"]
    init, undone = sig["share_in_linear_range_at_init"], sig["undo_error"]
    return init >= 0.9 and undone < 1e-3, {"share at gamma 1, beta 0": init,
                                           "max |BN(x) - x| at gamma = sd, beta = mean": undone}


CLAIMS = [
    Claim("At learning rate 1 the plain network fails (test accuracy ≤ 0.5) while the BN "
          "network trains (≥ 0.8).", _large_lr),
    Claim("With the initial weights scaled by 0.2, 1 or 5, BN trains every time (test accuracy "
          "≥ 0.6) while the plain network, trained the same way, stays below 0.5 at both 0.2 "
          "and 5.",
          _init_scale),
    Claim("BN followed by noise whose mean and scale change at every step still trains: test "
          "accuracy ≥ 0.8 and within 0.1 of BN without the noise.", _noise),
    Claim("The loss is smoother with BN: along the gradient, over steps of 0.5-4 learning "
          "rates, the gradient changes less than 0.7x as fast as without BN.", _smooth),
    Claim("With gamma = 1 and beta = 0, at least 90% of the sigmoid's inputs lie in its "
          "near-linear range (-1.96, 1.96); gamma and beta can undo the normalization: set to "
          "the batch's standard deviation and mean they give back the layer's input.",
          _linear_range),
]


def summarize(runs: list[dict[str, Any]]) -> tuple[list[str], list[Panel]]:
    r = runs[0]
    lines = [f"{r['depth']}-layer ReLU MLP (width {r['width']}) on {r['n_train']} digits, plain "
             f"SGD, batch {r['batch_size']}, {r['epochs']} epochs; the same initial weights with "
             "and without BN",
             f"init xS: hidden weights multiplied by S; noise: after each BN, a per-feature "
             f"scale and shift with spread {r['noise']} whose mean drifts every step; "
             "diverged runs count as accuracy 0; BN's output ignores a weight layer's scale, "
             "but its gradient shrinks as 1 / scale, so BN at init x5 learns more slowly",
             "gradient change: max over t of ||g(w - t g) - g(w)|| / ||t g|| for "
             f"t = {r['lr'] * 0.5:g} to {r['lr'] * 4:g}, mean over epochs",
             "sigmoid network (BN before each sigmoid, lr 1): share of the first sigmoid's inputs "
             "in (-1.96, 1.96) at init -> after training (gamma and beta could move them out; "
             "in this short training they barely do): " + ", ".join(
                 f"seed {i} {x['sigmoid']['share_in_linear_range_at_init']:.2f} -> "
                 f"{x['sigmoid']['share_in_linear_range_trained']:.2f}"
                 for i, x in enumerate(runs))]
    epochs = list(range(1, r["epochs"] + 1))
    panels = [Panel("training loss (seed 0)", "epoch", "cross-entropy",
                    {k: (epochs[:len(v)], v) for k, v in r["loss_curves"].items()
                     if "init" not in k}, logy=True),
              Panel("test accuracy against init scale (mean)", "init scale", "accuracy",
                    {tag: ([*r["init_scales"][:1], 1.0, *r["init_scales"][1:]],
                           [float(np.mean([_v(x, k) for x in runs])) for k in (
                               f"{tag}, lr {r['lr']:g}, init x{r['init_scales'][0]:g}",
                               f"{tag}, lr {r['lr']:g}",
                               *[f"{tag}, lr {r['lr']:g}, init x{s:g}"
                                 for s in r["init_scales"][1:]])])
                     for tag in ("plain", "BN")})]
    return lines, panels
