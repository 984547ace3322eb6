"""Lesson: batch size — batch 1, 16, 64 and full at equal epochs and at equal updates, the
gradient's noise against 1/B, and the sharpness of the minimum reached.

Run:  python examples/experiment_batch_size.py [--quick]
(symnn experiment batch-size --seeds N --plot bs.png does the same with more options)
"""

import sys

from symnn import experiments, nn
from symnn.data.datasets import moons
from symnn.experiments.batch_size import top_hessian_eigenvalue

result = experiments.run("batch-size", quick="--quick" in sys.argv)
print(result)
X, y = moons(n_samples=100, seed=0)
model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 2))
print("top Hessian eigenvalue of a fresh 2-8-2 tanh net on the moons:",
      f"{top_hessian_eigenvalue(model, nn.CrossEntropyLoss(), X, y):.4f}")
