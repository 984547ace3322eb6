"""Lesson: bias and variance as capacity grows (polynomial degree 0 to 15).

Fits a straight line and a degree-15 polynomial to one sample, then runs the lesson: train
and test error, bias² and variance against the degree on seeds 0..N-1.

Run:  python examples/experiment_bias_variance.py [--seeds N] [--quick] [--plot FILE]
(the options of: symnn experiment bias-variance)
"""

import sys

import numpy as np

from symnn.cli import main
from symnn.experiments.bias_variance import fit_polynomial, predict_polynomial, true_function

rng = np.random.default_rng(0)
x = rng.uniform(-1, 1, 20)
y = true_function(x) + 0.3 * rng.standard_normal(20)
x_new = rng.uniform(-1, 1, 1000)
y_new = true_function(x_new) + 0.3 * rng.standard_normal(1000)
for degree in (1, 3, 15):
    coef = fit_polynomial(x, y, degree)
    train = np.mean((predict_polynomial(coef, x) - y) ** 2)
    test = np.mean((predict_polynomial(coef, x_new) - y_new) ** 2)
    print(f"degree {degree:2d}: training error {train:.3f}, error on new points {test:.3f}")
print()

sys.exit(main(["experiment", "bias-variance", *sys.argv[1:]]))
