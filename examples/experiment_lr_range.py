"""Lesson: the learning-rate range, 1e-5 to 10 in factors of about 3.

Trains one network with Adam at 1e-5, 1e-3 and 10 for a few steps, then runs the lesson: the
whole sweep with SGD and Adam on seeds 0..N-1.

Run:  python examples/experiment_lr_range.py [--seeds N] [--quick] [--plot FILE]
(the options of: symnn experiment lr-range)
"""

import sys

from symnn.cli import main
from symnn.experiments.lr_range import diverged, make_data, train

x, y = make_data(seed=0)
for lr in (1e-5, 1e-3, 10.0):
    losses = train(x, y, "adam", lr, steps=20, seed=0)
    end = f"diverged at step {len(losses) - 1}" if diverged(losses) else f"{losses[-1]:.4f}"
    print(f"Adam, lr {lr:g}: loss {losses[0]:.4f} -> {end}")
print()

sys.exit(main(["experiment", "lr-range", *sys.argv[1:]]))
