"""Lesson: input scaling (raw, standardized, min-max) and the shape of the loss surface.

Prints the condition number of the logistic loss's Hessian for each scaling, then runs the
lesson: the largest stable learning rate and the epochs to 90% accuracy on seeds 0..N-1.

Run:  python examples/experiment_input_scaling.py [--seeds N] [--quick] [--plot FILE]
(the options of: symnn experiment input-scaling)
"""

import sys

import numpy as np

from symnn.cli import main
from symnn.experiments.input_scaling import SCALINGS, logistic_hessian_at_zero, make_data, scale

X, y = make_data(seed=0)
for how in SCALINGS:
    eigenvalues = np.linalg.eigvalsh(logistic_hessian_at_zero(scale(X, how)))
    print(f"{how:>12}: Hessian eigenvalues {', '.join(f'{e:.3g}' for e in eigenvalues)}; "
          f"condition number {eigenvalues[-1] / eigenvalues[0]:.3g}")
print()

sys.exit(main(["experiment", "input-scaling", *sys.argv[1:]]))
