"""Lesson: generalization — k-fold cross-validation, bootstrap error bars, bagging a
high-variance learner and boosting weak learners.

Run:  python examples/experiment_generalization.py [--quick]
(symnn experiment generalization --seeds N --plot gen.png does the same with more options)
"""

import sys

from symnn import experiments

result = experiments.run("generalization", quick="--quick" in sys.argv)
print(result)
boot = result.numbers["runs"][0]["bootstrap"]
print(f"seed 0: weak learner's test accuracy {boot['accuracy']:.3f} "
      f"± {boot['std_error']:.3f} (bootstrap standard error)")
