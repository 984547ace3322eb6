"""The learning-rate range. The same small network (1-16-16-1, tanh, float64) is trained for
100 full-batch steps on a noisy sine at learning rates 1e-5, 3e-5, 1e-4, ... 3, 10 (factors of
about 3), with plain SGD and with Adam. Too small is slow: the loss hardly moves. Too large
fails: each SGD step overshoots the minimum by more than the last, and Adam's first steps
move every weight by about lr whatever the gradient; either way the loss explodes. In between
lies a range of good rates, and where it lies depends on the optimizer: the usual starting
values 1e-3 and 1e-4 are safe for Adam (far below where it fails) but slow here, and too small
for plain SGD. So: start there, then try factors of 3."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from symnn.experiments.claims import Claim
from symnn.experiments.result import Panel

TITLE = "The learning-rate range: too small is slow, too large diverges"
DESCRIPTION = ("lr-range: SGD and Adam at learning rates 1e-5 to 10 in factors of 3; slow, "
               "good, diverging; where 1e-3 and 1e-4 sit")

LEARNING_RATES = [1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1, 1.0, 3.0, 10.0]
OPTIMIZERS = ("sgd", "adam")
LABELS = {"sgd": "SGD", "adam": "Adam"}
#: learning rates whose whole loss curves are kept for the plot
SHOWN = (1e-5, 1e-3, 1e-1, 10.0)
#: a loss above this many times the first counts as diverged
DIVERGED = 1e3


def make_data(seed: int, n: int = 64) -> tuple[np.ndarray, np.ndarray]:
    """y = sin(2x) + noise (std 0.1) at n points x uniform in [-2, 2]."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2, 2, (n, 1))
    return x, np.sin(2 * x) + 0.1 * rng.standard_normal((n, 1))


def train(x: np.ndarray, y: np.ndarray, optimizer: str, lr: float, steps: int,
          seed: int) -> list[float]:
    """The mean squared error before each full-batch step and after the last (steps + 1
    values), or fewer when the run diverges: it stops at the first loss that is not finite or
    above 1000 times the first (the rule of ``symnn.train.callbacks.DivergenceGuard``)."""
    from symnn.nn import functional as F
    from symnn.tensor import manual_seed, tensor
    from symnn.train.loop import make_optimizer
    from symnn.train.models import mlp

    manual_seed(seed)
    model = mlp([1, 16, 16, 1], "tanh").double()
    opt = make_optimizer(optimizer, model.parameters(), lr)
    inputs, targets = tensor(x, dtype=np.float64), tensor(y, dtype=np.float64)
    losses = []
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(steps + 1):
            opt.zero_grad()
            loss = F.mse_loss(model(inputs), targets)
            losses.append(loss.item())
            if step == steps or diverged(losses):
                break
            loss.backward()
            opt.step()
    return losses


def diverged(losses: list[float]) -> bool:
    """The last loss is not finite or above 1000 times the first."""
    return not math.isfinite(losses[-1]) or losses[-1] > DIVERGED * losses[0]


def run_seed(seed: int, quick: bool = False, steps: int | None = None) -> dict[str, Any]:
    """Every learning rate with both optimizers from the same initial weights: the starting and
    final loss, and the loss curves of a few rates."""
    steps = steps or (20 if quick else 100)
    x, y = make_data(seed)
    variants: dict[str, dict] = {}
    finals: dict[str, list[float | None]] = {o: [] for o in OPTIMIZERS}
    diverged_at: dict[str, list[int | None]] = {o: [] for o in OPTIMIZERS}
    curves: dict[str, dict[str, list[float]]] = {o: {} for o in OPTIMIZERS}
    start = math.nan
    for lr in LEARNING_RATES:
        row = variants.setdefault(f"lr {lr:g}", {})
        for name in OPTIMIZERS:
            losses = train(x, y, name, lr, steps, seed)
            start = losses[0]
            failed = diverged(losses)
            finals[name].append(None if failed else losses[-1])
            diverged_at[name].append(len(losses) - 1 if failed else None)
            row[f"{LABELS[name]}_loss"] = None if failed else losses[-1]
            if lr in SHOWN:
                curves[name][f"lr {lr:g}"] = [v if math.isfinite(v) else None for v in losses]
    return {"steps": steps, "learning_rates": LEARNING_RATES, "start_loss": start,
            "final_loss": finals, "diverged_at_step": diverged_at, "variants": variants,
            "loss_curves": curves}


def _loss(n: dict, optimizer: str, lr: float) -> float:
    return n["final_loss"][optimizer][n["learning_rates"].index(lr)]


def _best(n: dict, optimizer: str) -> tuple[float, float]:
    """(learning rate, final loss) of the lowest final loss."""
    pairs = [(v, lr) for lr, v in zip(n["learning_rates"], n["final_loss"][optimizer])
             if v is not None]
    loss, lr = min(pairs)
    return lr, loss


def _too_small(n: dict) -> tuple[bool, dict]:
    drops = {o: 1 - _loss(n, o, 1e-5) / n["start_loss"] for o in OPTIMIZERS}
    return all(d < 0.1 for d in drops.values()), {
        f"{LABELS[o]} relative drop at 1e-5": d for o, d in drops.items()}


def _too_large(n: dict) -> tuple[bool, dict]:
    lrs = n["learning_rates"]
    at = {(o, lr): n["diverged_at_step"][o][lrs.index(lr)]
          for o, lr in (("sgd", 3.0), ("sgd", 10.0), ("adam", 10.0))}
    return all(v is not None for v in at.values()), {
        f"{LABELS[o]} at lr {lr:g} diverged at step": v for (o, lr), v in at.items()}


def _best_inside(n: dict) -> tuple[bool, dict]:
    best = {o: _best(n, o)[0] for o in OPTIMIZERS}
    return all(1e-3 <= b <= 1.0 for b in best.values()), {f"{LABELS[o]} best lr": b
                                                           for o, b in best.items()}


def _usual_starts(n: dict) -> tuple[bool, dict]:
    a3, a4 = _loss(n, "adam", 1e-3), _loss(n, "adam", 1e-4)
    _, best = _best(n, "adam")
    s3 = 1 - _loss(n, "sgd", 1e-3) / n["start_loss"]
    holds = a3 < a4 < n["start_loss"] and a3 > 10 * best and s3 < 0.5
    return holds, {"Adam loss at 1e-4": a4, "Adam loss at 1e-3": a3, "Adam best loss": best,
                   "SGD relative drop at 1e-3": s3}


CLAIMS = [
    Claim("Too small is slow: at learning rate 1e-5, 100 steps lower the loss by less than 10% "
          "(SGD and Adam).", _too_small),
    Claim("Too large diverges: the loss explodes past 1000 times its start within a few "
          "steps, with plain SGD at learning rates 3 and 10 and with Adam at 10.", _too_large),
    Claim("The best learning rate lies inside the sweep, between 1e-3 and 1, for both "
          "optimizers.", _best_inside),
    Claim("The usual starting values are safe but not the answer: with Adam 1e-3 beats 1e-4 "
          "and still ends more than 10 times above the best rate; with plain SGD 1e-3 lowers "
          "the loss by less than half.", _usual_starts),
]


def _divergences(runs: list[dict], optimizer: str) -> list[tuple[float, int]]:
    """(learning rate, number of seeds on which it diverged), for rates that ever did."""
    counts = [sum(r["diverged_at_step"][optimizer][i] is not None for r in runs)
              for i in range(len(runs[0]["learning_rates"]))]
    return [(lr, k) for lr, k in zip(runs[0]["learning_rates"], counts) if k]


def _median(values: list[float | None]) -> float:
    """The median over seeds, NaN (left out of the plot) when a seed diverged."""
    return math.nan if any(v is None for v in values) else float(np.median(values))


def summarize(runs: list[dict[str, Any]]) -> tuple[list[str], list[Panel]]:
    first = runs[0]
    best = {o: [_best(r, o)[0] for r in runs] for o in OPTIMIZERS}
    lines = [f"MLP 1-16-16-1 (tanh, float64) fitting y = sin(2x) + noise, {first['steps']} "
             "full-batch steps from the same initial weights at each learning rate; loss: mean "
             "squared error; - : diverged (on some seed), the loss overflowed or passed 1000 "
             "times its start",
             f"best learning rate per seed: SGD {', '.join(f'{b:g}' for b in best['sgd'])}; "
             f"Adam {', '.join(f'{b:g}' for b in best['adam'])}",
             "diverged, on how many of the seeds: " + "; ".join(
                 f"{LABELS[o]} " + (", ".join(f"lr {lr:g} ({k})" for lr, k in _divergences(runs, o))
                            or "never") for o in OPTIMIZERS),
             "start at 1e-3 (Adam) and try factors of 3 in both directions: a rate too small "
             "barely moves, one too large overshoots and diverges"]
    exponents = [math.log10(lr) for lr in first["learning_rates"]]
    finals = {o: (exponents, [_median([r["final_loss"][o][i] for r in runs])
                              for i in range(len(exponents))]) for o in OPTIMIZERS}
    adam = {lr: (list(range(len(c))), [math.nan if v is None else v for v in c])
            for lr, c in first["loss_curves"]["adam"].items()}
    panels = [Panel("final loss by learning rate (seed median)", "log10 learning rate",
                    "mean squared error", finals, logy=True),
              Panel("Adam's loss curves (seed 0)", "step", "mean squared error", adam, logy=True)]
    return lines, panels
