"""Regression losses and an outlier. Twenty points lie near the line y = 2x + 1; one of them is
an outlier, 10 too high. A line y = w x + b is fitted to them with each loss:

- MSE, mean of r² (r: the residual, prediction - target): an error twice as large costs four
  times as much, so the one outlier dominates and pulls the line toward itself;
- RMSE, sqrt(MSE): in the units of y, but the square root is increasing, so its best line is
  MSE's, pulled just as much;
- MAE, mean of |r|: every unit of error costs the same, so the outlier counts like any other
  point and the line stays with the majority;
- Huber (δ = 1): r²/2 for |r| <= δ, δ(|r| - δ/2) beyond: MSE near the line, MAE far from it.

Each line is fitted by full-batch Adam (lr 0.1, cosine-annealed to 0 over 300 steps) on a
``nn.Linear(1, 1)`` in float64."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from symnn.experiments.claims import Claim
from symnn.experiments.result import Panel

TITLE = "Losses: MSE, RMSE, MAE and Huber on data with an outlier"
DESCRIPTION = ("losses: a line fitted by MSE, RMSE, MAE and Huber to data with one outlier; "
               "MSE punishes large errors")

LOSSES = ("MSE", "RMSE", "MAE", "Huber")
TRUE_SLOPE, TRUE_INTERCEPT = 2.0, 1.0
OUTLIER_SHIFT = 10.0
HUBER_DELTA = 1.0


def huber(r: Any, delta: float = HUBER_DELTA) -> Any:
    """Huber's loss of residuals r (a Tensor or an ndarray), elementwise: with a = |r| and
    q = min(a, δ), q²/2 + δ(a - q), which is r²/2 for |r| <= δ and δ(|r| - δ/2) beyond
    (``torch.nn.HuberLoss(reduction='none', delta=δ)``)."""
    a = abs(r)
    q = a.clamp(max=delta) if hasattr(a, "clamp") else np.minimum(a, delta)
    return 0.5 * q ** 2 + delta * (a - q)


def loss_function(name: str) -> Callable[[Any, Any], Any]:
    """The loss by name, as (prediction, target) -> mean loss Tensor."""
    from symnn.nn import functional as F

    table = {"MSE": F.mse_loss, "RMSE": F.rmse_loss, "MAE": F.l1_loss,
             "Huber": lambda p, t: huber(p - t).mean()}
    return table[name]


def pointwise(name: str, r: np.ndarray) -> np.ndarray:
    """Each point's share of the loss before the mean: r², r² (RMSE is the root of their
    mean), |r|, Huber(r)."""
    if name in ("MSE", "RMSE"):
        return r ** 2
    return np.abs(r) if name == "MAE" else huber(r)


def pointwise_slope(name: str, r: np.ndarray) -> np.ndarray:
    """How hard each point pulls the prediction, |d(its loss)/dr|: 2|r| for MSE (RMSE's is
    that over 2·RMSE: the same proportions), 1 for MAE (r != 0), min(|r|, δ) for Huber."""
    a = np.abs(r)
    if name in ("MSE", "RMSE"):
        return 2 * a
    return np.ones_like(a) if name == "MAE" else np.minimum(a, HUBER_DELTA)


def make_data(seed: int, n: int = 20) -> tuple[np.ndarray, np.ndarray, int]:
    """x evenly spaced on [-1, 1], y = 2x + 1 + noise (std 0.2); the point at a random
    position in the upper half of x raised by 10. Returns x, y and the outlier's index."""
    rng = np.random.default_rng(seed)
    x = np.linspace(-1, 1, n)
    y = TRUE_SLOPE * x + TRUE_INTERCEPT + 0.2 * rng.standard_normal(n)
    outlier = int(rng.integers(n // 2, n))
    y[outlier] += OUTLIER_SHIFT
    return x, y, outlier


def fit_line(x: np.ndarray, y: np.ndarray, loss: str, steps: int = 300,
             lr: float = 0.1) -> tuple[float, float]:
    """(slope, intercept) of the line minimizing the named loss, by full-batch Adam from zero
    with a cosine-annealed learning rate (300 steps reach the least-squares line to 1e-4)."""
    from symnn import nn, optim
    from symnn.optim.lr_scheduler import CosineAnnealingLR
    from symnn.tensor import no_grad, tensor

    model = nn.Linear(1, 1).double()
    with no_grad():
        for p in model.parameters():
            p.data[...] = 0.0
    opt = optim.Adam(model.parameters(), lr=lr)
    schedule = CosineAnnealingLR(opt, T_max=steps)
    inputs, targets = tensor(x[:, None], dtype=np.float64), tensor(y[:, None], dtype=np.float64)
    fn = loss_function(loss)
    for _ in range(steps):
        opt.zero_grad()
        fn(model(inputs), targets).backward()
        opt.step()
        schedule.step()
    return float(model.weight.data[0, 0]), float(model.bias.data[0])


def run_seed(seed: int, quick: bool = False, steps: int | None = None) -> dict[str, Any]:
    """Each loss's fitted line; how far the outlier pulled it (at the outlier's x, against the
    line fitted by the same loss without the outlier); the outlier's share of the loss at the
    fitted line; and its share of the pull on the true line (of the points' |dloss/dr|)."""
    steps = steps or (100 if quick else 300)
    x, y, k = make_data(seed)
    clean = np.delete(np.arange(len(x)), k)
    true_residual = TRUE_SLOPE * x + TRUE_INTERCEPT - y
    variants = {}
    for name in LOSSES:
        w, b = fit_line(x, y, name, steps)
        w0, b0 = fit_line(x[clean], y[clean], name, steps)
        parts = pointwise(name, w * x + b - y)
        slopes = pointwise_slope(name, true_residual)
        variants[name] = {"slope": w, "intercept": b,
                          "pull_at_outlier": (w - w0) * x[k] + (b - b0),
                          "outlier_loss_share": float(parts[k] / parts.sum()),
                          "outlier_gradient_share": float(slopes[k] / slopes.sum())}
    return {"x": x.tolist(), "y": y.tolist(), "outlier": k, "steps": steps, "variants": variants}


def _pulls(n: dict) -> dict[str, float]:
    return {name: abs(v["pull_at_outlier"]) for name, v in n["variants"].items()}


def _mse_pulled_most(n: dict) -> tuple[bool, dict]:
    pull = _pulls(n)
    holds = pull["MSE"] > 3 * max(pull["MAE"], pull["Huber"])
    return holds, {f"{name} pull": pull[name] for name in ("MSE", "MAE", "Huber")}


def _rmse_like_mse(n: dict) -> tuple[bool, dict]:
    m, r = n["variants"]["MSE"], n["variants"]["RMSE"]
    gap = max(abs(m["slope"] - r["slope"]), abs(m["intercept"] - r["intercept"]))
    return gap < 0.01, {"MSE line": [m["slope"], m["intercept"]],
                        "RMSE line": [r["slope"], r["intercept"]], "largest difference": gap}


def _one_vote(n: dict) -> tuple[bool, dict]:
    share = {name: n["variants"][name]["outlier_gradient_share"] for name in ("MSE", "MAE")}
    return share["MSE"] > 0.5 and share["MAE"] < 0.06, {
        f"outlier's share of the pull, {name}": share[name] for name in share}


CLAIMS = [
    Claim("The outlier pulls MSE's line the most: at the outlier, MSE's line moves more than 3 "
          "times as far as MAE's or Huber's.", _mse_pulled_most),
    Claim("RMSE's best line is MSE's best line (a square root does not move the minimum): the "
          "fitted slopes and intercepts agree within 0.01.", _rmse_like_mse),
    Claim("MSE weighs each point by its error, MAE gives each point one vote: on the true "
          "line the outlier supplies more than half of the pull on MSE's line (its |dloss/dr| "
          "against all 20 points') but 1/20 of MAE's.", _one_vote),
]


def summarize(runs: list[dict[str, Any]]) -> tuple[list[str], list[Panel]]:
    first = runs[0]
    lines = [f"20 points near y = {TRUE_SLOPE:g}x + {TRUE_INTERCEPT:g} (noise std 0.2), one of "
             f"them raised by {OUTLIER_SHIFT:g}; a line fitted by each loss ({first['steps']} "
             "full-batch Adam steps, lr 0.1 cosine-annealed, float64)",
             "pull at outlier: how far the outlier moved the line at its own x (against the same "
             "loss fitted without it); outlier loss share: its part of the loss at the fitted "
             "line; outlier gradient share: its part of the pull |dloss/dr| of all points on "
             "the true line",
             f"what one residual r costs: r = 1: MSE 1, MAE 1, Huber {float(huber(1.0)):g}; "
             f"r = 10: MSE 100, MAE 10, Huber {float(huber(10.0)):g}"]
    x = first["x"]
    ends = [x[0], x[-1]]
    fitted = {name: (ends, [v["slope"] * e + v["intercept"] for e in ends])
              for name, v in first["variants"].items()}
    fitted["true line"] = (ends, [TRUE_SLOPE * e + TRUE_INTERCEPT for e in ends])
    k = first["outlier"]
    fitted["outlier"] = ([x[k]], [first["y"][k]])
    r = np.linspace(-4, 4, 81)
    costs = {name: (r.tolist(), pointwise(name, r).tolist()) for name in ("MSE", "MAE", "Huber")}
    panels = [Panel("lines fitted by each loss (seed 0)", "x", "y", fitted),
              Panel("what a residual costs", "residual r", "loss of one point", costs)]
    return lines, panels
