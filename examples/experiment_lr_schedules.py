"""Lesson: learning-rate schedules — ReduceLROnPlateau settles fast in a local minimum, cosine
annealing and a cyclical rate escape to lower ones.

Run:  python examples/experiment_lr_schedules.py [--quick]
(symnn experiment lr-schedules --seeds N --plot lrs.png does the same with more options)
"""

import sys

import numpy as np

from symnn import experiments
from symnn.experiments.lr_schedules import loss

result = experiments.run("lr-schedules", quick="--quick" in sys.argv)
print(result)
dips = np.arange(-4, 5)
print("f at the dips w = -4..4:", ", ".join(f"{v:.2f}" for v in loss(dips.astype(float))))
