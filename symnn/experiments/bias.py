"""Why a neuron has a bias. A perceptron computes w·x + b and says "class 1" where it is
positive, so its decision boundary is the line w·x + b = 0. Without the bias (b = 0) that
line must pass through the origin. Here both classes lie up and to the right of the origin,
in the same direction (near (1, 1) and near (4, 4)), so the data does not straddle the
origin: every line through the origin has both groups on the same side, or cuts through both.
The bias shifts the line away from the origin (by |b| / |w|), between the groups.

"Every line through the origin fails" is checked exhaustively: the accuracy of w·x > 0 only
changes where the line passes a point, so trying one direction between each two such angles
tries them all."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from symnn.experiments.claims import Claim
from symnn.experiments.result import Panel

TITLE = "Bias: a perceptron without a bias is a line through the origin"
DESCRIPTION = ("bias: two groups away from the origin; every line through it fails, a "
               "perceptron with a bias separates them")


def make_data(seed: int, n: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """n points per class along the diagonal: class 0 around (1, 1), class 1 around (4, 4),
    each with noise proportional to its distance from the origin (std 0.12 times it)."""
    rng = np.random.default_rng(seed)
    y = np.repeat([0.0, 1.0], n)
    radius = np.where(y == 1, 4.0, 1.0)
    X = radius[:, None] * (1 + 0.12 * rng.standard_normal((2 * n, 2)))
    return X, y


def origin_line_accuracy(X: np.ndarray, y: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """Accuracy of the rule "class 1 where w·x > 0" for w = (cos θ, sin θ), for each θ."""
    w = np.stack([np.cos(theta), np.sin(theta)])
    return ((X @ w > 0) == (y[:, None] > 0.5)).mean(axis=0)


def best_origin_line(X: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(best accuracy, its angle θ) over every line through the origin: the accuracy only
    changes where w is perpendicular to a point, at θ = φ ± 90° (φ: the point's angle), so one
    θ between each pair of neighbouring such angles covers every case."""
    phi = np.arctan2(X[:, 1], X[:, 0])
    critical = np.sort(np.mod(np.concatenate([phi + math.pi / 2, phi - math.pi / 2]), 2 * math.pi))
    following = np.r_[critical[1:], critical[0] + 2 * math.pi]
    between = (critical + following) / 2
    acc = origin_line_accuracy(X, y, between)
    i = int(np.argmax(acc))
    return float(acc[i]), float(between[i])


def train_perceptron(X: np.ndarray, y: np.ndarray, bias: bool, seed: int, steps: int = 300,
                     lr: float = 0.1) -> tuple[Any, list[float]]:
    """``nn.Linear(2, 1, bias=bias)`` trained on the logistic loss (binary cross-entropy on
    w·x + b) with full-batch Adam; returns the model and the loss per step."""
    from symnn import nn, optim
    from symnn.nn import functional as F
    from symnn.tensor import manual_seed, tensor

    manual_seed(seed)
    model = nn.Linear(2, 1, bias=bias).double()
    opt = optim.Adam(model.parameters(), lr=lr)
    inputs, targets = tensor(X, dtype=np.float64), tensor(y[:, None], dtype=np.float64)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = F.binary_cross_entropy_with_logits(model(inputs), targets)
        losses.append(loss.item())
        loss.backward()
        opt.step()
    return model, losses


def run_seed(seed: int, quick: bool = False, steps: int | None = None) -> dict[str, Any]:
    """The best line through the origin, and the perceptron trained without and with a bias."""
    steps = steps or (100 if quick else 300)
    X, y = make_data(seed)
    best_acc, best_theta = best_origin_line(X, y)
    variants, curves = {}, {}
    for bias in (False, True):
        model, losses = train_perceptron(X, y, bias, seed, steps)
        w = model.weight.data[0]
        b = float(model.bias.data[0]) if bias else 0.0
        name = "with bias" if bias else "without bias"
        signed = (X @ w + b) / float(np.linalg.norm(w)) * np.where(y > 0.5, 1, -1)
        variants[name] = {"accuracy": float(np.mean(signed > 0)), "final_loss": losses[-1],
                          "smallest_margin": float(signed.min()),
                          "boundary_distance_from_origin": abs(b) / float(np.linalg.norm(w))}
        curves[name] = losses
    angles = np.linspace(0, 2 * math.pi, 361)
    return {"steps": steps, "best_origin_line_accuracy": best_acc,
            "best_origin_line_angle_degrees": math.degrees(best_theta),
            "origin_line_accuracy_by_angle": origin_line_accuracy(X, y, angles).tolist(),
            "variants": variants, "loss_curves": curves}


def _origin_lines_fail(n: dict) -> tuple[bool, dict]:
    best = n["best_origin_line_accuracy"]
    trained = n["variants"]["without bias"]["accuracy"]
    return best < 0.7 and trained <= best, {"best line through the origin": best,
                                            "trained without bias": trained}


def _bias_separates(n: dict) -> tuple[bool, dict]:
    row = n["variants"]["with bias"]
    return row["accuracy"] == 1.0, {"accuracy with bias": row["accuracy"],
                                    "smallest margin": row["smallest_margin"]}


def _boundary_moved(n: dict) -> tuple[bool, dict]:
    d = n["variants"]["with bias"]["boundary_distance_from_origin"]
    return 2.0 < d < 5.0, {"distance |b|/|w|": d}


CLAIMS = [
    Claim("Every line through the origin misclassifies more than 30% of the points (the best, "
          "found by trying every direction, is below 70%), and so does the perceptron trained "
          "without a bias.", _origin_lines_fail),
    Claim("The same perceptron with a bias classifies every point correctly.", _bias_separates),
    Claim("The bias moves the boundary away from the origin, between the groups: |b|/|w| "
          "is between 2 and 5.", _boundary_moved),
]


def summarize(runs: list[dict[str, Any]]) -> tuple[list[str], list[Panel]]:
    first = runs[0]
    best = [r["best_origin_line_accuracy"] for r in runs]
    lines = ["two groups of 100 points on the diagonal, around (1, 1) (class 0) and (4, 4) "
             f"(class 1); perceptron nn.Linear(2, 1) on the logistic loss, {first['steps']} "
             "full-batch Adam steps (lr 0.1), float64",
             f"best line through the origin (every direction tried): accuracy "
             f"{min(best):.2f}-{max(best):.2f} over the seeds",
             "without a bias the boundary w·x = 0 must pass through the origin; with one, "
             "w·x + b = 0 is the same line shifted by |b|/|w|, and it fits between the groups",
             "smallest margin: the distance of the point nearest the boundary, negative when it "
             "is on the wrong side"]
    degrees = list(range(361))
    mean_acc = np.mean([r["origin_line_accuracy_by_angle"] for r in runs], axis=0).tolist()
    with_bias = float(np.mean([r["variants"]["with bias"]["accuracy"] for r in runs]))
    panels = [Panel("lines through the origin (mean over seeds)", "direction of w (degrees)",
                    "accuracy", {"through the origin": (degrees, mean_acc),
                                 "perceptron with bias": ([0, 360], [with_bias, with_bias])}),
              Panel("training loss (seed 0)", "step", "binary cross-entropy",
                    {k: (list(range(len(v))), v) for k, v in first["loss_curves"].items()},
                    logy=True)]
    return lines, panels
