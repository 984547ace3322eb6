"""Lesson: a perceptron without a bias is a line through the origin.

Shows the best line through the origin for two groups of points away from it, then runs the
lesson: the perceptron trained without and with a bias on seeds 0..N-1.

Run:  python examples/experiment_bias.py [--seeds N] [--quick] [--plot FILE]
(the options of: symnn experiment bias)
"""

import math
import sys

from symnn.cli import main
from symnn.experiments.bias import best_origin_line, make_data

X, y = make_data(seed=0)
accuracy, theta = best_origin_line(X, y)
print(f"{len(X)} points, all with x1 > 0 and x2 > 0; the best of all lines through the origin "
      f"(w = ({math.cos(theta):.2f}, {math.sin(theta):.2f})) gets {accuracy:.0%} right")
print()

sys.exit(main(["experiment", "bias", *sys.argv[1:]]))
