"""Optimizers compared on the Rosenbrock valley and on the saddle x^2 - y^2.

Every run uses symnn.optim's optimizers (PyTorch's update rules) on a parameter tensor, from
the same start; gradient descent and Newton's method are included for reference.
Run: python examples/optimizers_rosenbrock_saddle.py [out_dir]
"""

import sys
from pathlib import Path

import numpy as np

import symnn as sn

SETTINGS = {
    "rosenbrock": {
        "gd": {"lr": 1e-3},
        "sgd": {"lr": 1e-3, "momentum": 0.9},
        "rmsprop": {"lr": 1e-2},
        "adam": {"lr": 5e-2},
        "newton": {"lr": 1.0},
    },
    "saddle": {
        "gd": {"lr": 0.05},
        "sgd": {"lr": 0.05, "momentum": 0.9},
        "adagrad": {"lr": 0.1},
        "adam": {"lr": 0.05},
        "newton": {"lr": 1.0},
    },
}

for name, optimizers in SETTINGS.items():
    runs = sn.lab.compare(name, optimizers, steps=400 if name == "rosenbrock" else 60)
    surface = next(iter(runs.values())).surface
    print(f"{name}: f = {surface.expr}, start {surface.start}")
    for label, run in runs.items():
        where = ", ".join(f"{v: .4f}" for v in run.final)
        print(f"  {label:<34} steps {run.steps:>3}  final ({where})  loss {run.losses[-1]: .3e}"
              f"  {run.status}")
    if surface.minima:
        best = min(runs.items(), key=lambda kv: np.linalg.norm(kv[1].final - surface.minima[0]))
        print(f"  closest to the minimum {surface.minima[0]}: {best[0]}")
    print()
    if len(sys.argv) > 1:
        out = Path(sys.argv[1]) / f"{name}.png"
        sn.lab.plot_runs(list(runs.values()), out, labels=list(runs))
        print(f"  plot written to {out}\n")

print("Newton's method on the saddle jumps straight to the saddle point (0, 0): it looks for "
      "a zero gradient, not a minimum.")
