"""Lesson: regularization — L2, L1, dropout, early stopping, augmentation, input and weight
noise, label smoothing and mixup against one overfitting baseline.

Run:  python examples/experiment_regularization.py [--quick]
(symnn experiment regularization --seeds N --plot reg.png does the same with more options)
"""

import sys

from symnn import experiments
from symnn.experiments.regularization import smoothed_target

result = experiments.run("regularization", quick="--quick" in sys.argv)
print(result)
for eps in (0.0, 0.075, 0.3):
    print(f"label_smoothing={eps}: target [0, 1, 0] becomes {smoothed_target(eps)}")
