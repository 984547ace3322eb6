"""Lesson: MSE, RMSE, MAE and Huber on data with an outlier (MSE punishes large errors).

Prints what each loss charges one residual, then runs the lesson: a line fitted by each loss
to data with one outlier, on seeds 0..N-1.

Run:  python examples/experiment_losses.py [--seeds N] [--quick] [--plot FILE]
(the options of: symnn experiment losses)
"""

import sys

import numpy as np

from symnn.cli import main
from symnn.experiments.losses import pointwise

residuals = np.array([0.1, 1.0, 3.0, 10.0])
print("residual:", "  ".join(f"{r:6g}" for r in residuals))
for name in ("MSE", "MAE", "Huber"):
    print(f"{name:>8}:", "  ".join(f"{v:6g}" for v in pointwise(name, residuals)))
print()

sys.exit(main(["experiment", "losses", *sys.argv[1:]]))
