"""Lesson 5: learning-rate schedules on a loss with many local minima,
f(w) = w^2 / 5 - cos(2 pi w): a bowl with a dip at every integer, the deepest (f = -1) at 0.
Started in the dip at 3 or 4, gradient descent with a small constant rate, or with
ReduceLROnPlateau (halve the rate when the loss stops improving), settles fast, in the nearest
dip, and stays there. Cosine annealing and a cyclical (triangular) rate start or return to
rates too large for any dip to hold (the curvature there is 4 pi^2, so steps above
2 / (4 pi^2) ~ 0.05 overshoot), hop between dips while the bowl pulls them inward, and settle
only when the rate comes down: slower, but lower."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from symnn.experiments.claims import Claim
from symnn.experiments.result import Panel

TITLE = "Learning-rate schedules and local minima"
DESCRIPTION = ("learning-rate schedules: constant and ReduceLROnPlateau settle fast in a local "
               "minimum; cosine annealing and cyclical rates escape to lower ones")

SCHEDULES = ("constant", "plateau", "cosine", "cyclical")


def loss(w: np.ndarray) -> np.ndarray:
    """f(w) = w^2 / 5 - cos(2 pi w)."""
    return w ** 2 / 5 - np.cos(2 * math.pi * w)


def gradient(w: np.ndarray) -> np.ndarray:
    """f'(w) = 2 w / 5 + 2 pi sin(2 pi w)."""
    return 2 * w / 5 + 2 * math.pi * np.sin(2 * math.pi * w)


def _descend(start: float, schedule: str, steps: int, lr: float, max_lr: float
             ) -> tuple[list[float], list[float]]:
    """SGD on f from ``start`` under one schedule: the losses and the learning rate of each
    step (the optimizer and schedulers are symnn's own)."""
    from symnn import nn, optim
    from symnn.optim import lr_scheduler as S
    from symnn.tensor import tensor

    w = nn.Parameter(tensor(np.array([start]), dtype=np.float64))
    opt = optim.SGD([w], lr=lr if schedule in ("constant", "plateau") else max_lr)
    make = {
        "constant": lambda: None,
        "plateau": lambda: S.ReduceLROnPlateau(opt, factor=0.5, patience=5),
        "cosine": lambda: S.CosineAnnealingLR(opt, T_max=steps),
        "cyclical": lambda: S.CyclicLR(opt, base_lr=lr / 4, max_lr=max_lr,
                                       step_size_up=steps // 8, mode="triangular2",
                                       cycle_momentum=False),
    }
    scheduler = make[schedule]()
    losses, rates = [], []
    for _ in range(steps):
        rates.append(opt.param_groups[0]["lr"])
        w.grad = tensor(gradient(w.data), dtype=np.float64)
        opt.step()
        losses.append(float(loss(w.data)[0]))
        if schedule == "plateau":
            scheduler.step(losses[-1])
        elif scheduler is not None:
            scheduler.step()
    return losses, rates


def _settled_at(losses: list[float], tol: float = 0.01) -> int:
    """The first step from which the loss stays within ``tol`` of its final value."""
    final = losses[-1]
    for i in range(len(losses), 0, -1):
        if abs(losses[i - 1] - final) > tol:
            return i + 1
    return 1


def run_seed(seed: int, quick: bool = False, starts: int = 10, steps: int | None = None,
             lr: float = 0.01, max_lr: float = 0.2) -> dict[str, Any]:
    """Each schedule from ``starts`` seeded starting points, each within 0.3 of the dip at 3
    or at 4."""
    steps = steps or (40 if quick else 200)
    rng = np.random.default_rng(seed)
    points = rng.choice([3.0, 4.0], size=starts) + rng.uniform(-0.3, 0.3, size=starts)
    variants, loss_curves, lr_curves = {}, {}, {}
    for schedule in SCHEDULES:
        runs = [_descend(float(p), schedule, steps, lr, max_lr) for p in points]
        finals = [r[0][-1] for r in runs]
        variants[schedule] = {
            "final_loss": float(np.mean(finals)),
            "reached_global_dip": float(np.mean([f < -0.9 for f in finals])),
            "settled_after": float(np.mean([_settled_at(r[0]) for r in runs])),
        }
        loss_curves[schedule] = np.mean([r[0] for r in runs], axis=0).tolist()
        lr_curves[schedule] = runs[0][1]
    return {"steps": steps, "starts": [float(p) for p in points], "lr": lr, "max_lr": max_lr,
            "start_loss": float(np.mean(loss(points))), "variants": variants,
            "loss_curves": loss_curves, "lr_curves": lr_curves}


def _fast(n: dict) -> tuple[bool, dict]:
    p, others = n["variants"]["plateau"]["settled_after"], [
        n["variants"][k]["settled_after"] for k in ("cosine", "cyclical")]
    return p <= 15 and min(others) >= 3 * p, {"plateau settles after": p,
                                              "cosine, cyclical settle after": others}


def _stuck(n: dict) -> tuple[bool, dict]:
    v = n["variants"]
    return (v["plateau"]["reached_global_dip"] == 0 and v["constant"]["reached_global_dip"] == 0
            and v["plateau"]["final_loss"] > 0.5), {
        "plateau final loss": v["plateau"]["final_loss"],
        "share in the deepest dip": v["plateau"]["reached_global_dip"]}


def _escape(n: dict) -> tuple[bool, dict]:
    v = n["variants"]
    lower = {k: v[k]["final_loss"] for k in ("cosine", "cyclical")}
    return max(lower.values()) < v["plateau"]["final_loss"] - 0.5, {
        "plateau": v["plateau"]["final_loss"], **lower}


CLAIMS = [
    Claim("ReduceLROnPlateau is fast: its loss settles within 15 steps, at least 3x sooner "
          "than under cosine annealing or the cyclical rate.", _fast),
    Claim("Constant small rate and ReduceLROnPlateau stay in the dip they start in: none of "
          "their runs reaches the deepest dip.", _stuck),
    Claim("Cosine annealing and the cyclical rate escape to lower dips: their mean final "
          "loss is at least 0.5 below ReduceLROnPlateau's.", _escape),
]


def summarize(runs: list[dict[str, Any]]) -> tuple[list[str], list[Panel]]:
    r = runs[0]
    lines = [f"f(w) = w²/5 − cos(2πw): dips at every integer, the deepest (f = -1) at 0; "
             f"{len(r['starts'])} starts per seed near the dip at 3 or 4; plain SGD for "
             f"{r['steps']} steps",
             f"constant: lr {r['lr']}; plateau: lr {r['lr']}, halved after 5 steps without "
             f"improvement; cosine: from {r['max_lr']} to 0; cyclical: triangular between "
             f"{r['lr'] / 4:g} and {r['max_lr']}, the peak halving every cycle",
             "a dip holds a step size below 2/(4π²) ≈ 0.05; larger rates hop between "
             "dips; settled after = the step from which the loss stays within 0.01 of its end",
             "reached global dip = share of starts that end in the deepest dip"]
    steps = list(range(1, r["steps"] + 1))
    mean_loss = {k: np.mean([x["loss_curves"][k] for x in runs], axis=0).tolist()
                 for k in SCHEDULES}
    panels = [Panel("learning rate", "step", "lr", {k: (steps, r["lr_curves"][k])
                                                    for k in SCHEDULES}),
              Panel("loss (mean over starts and seeds)", "step", "f(w)",
                    {k: (steps, v) for k, v in mean_loss.items()}),
              Panel("the loss f(w)", "w", "f(w)",
                    {"f": (np.linspace(-5, 5, 401).tolist(),
                           loss(np.linspace(-5, 5, 401)).tolist())})]
    return lines, panels
