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
single, bag = (result.numbers["runs"][0]["variants"][k] for k in ("wide 2-64-64-2 MLP", "bagging"))
print(f"seed 0: test cross-entropy of one wide MLP {single['test_loss']:.2f}, "
      f"of bagging {bag['test_loss']:.2f}")
