"""Lesson: batch normalization — a large learning rate, the initial weights' scale, gamma and
beta, non-stationary noise after BN, and the smoothness of the loss.

Run:  python examples/experiment_batchnorm.py [--quick]
(symnn experiment batchnorm --seeds N --plot bn.png does the same with more options)
"""

import sys

from symnn import experiments
from symnn.experiments.batchnorm import build

result = experiments.run("batchnorm", quick="--quick" in sys.argv)
print(result)
print("\nthe BN network (weight -> BN -> activation):")
print(build(32, 4, batchnorm=True))
