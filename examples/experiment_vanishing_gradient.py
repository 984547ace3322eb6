"""Lesson: the vanishing gradient — per-layer gradient norms of a 10-layer network with
sigmoid, tanh, ReLU and Leaky ReLU.

Run:  python examples/experiment_vanishing_gradient.py [--quick]
(symnn experiment vanishing-gradient --seeds N --plot vg.png does the same with more options)
"""

import sys

from symnn import experiments

result = experiments.run("vanishing-gradient", quick="--quick" in sys.argv)
print(result)
norms = result.numbers["runs"][0]["grad_norms"]["sigmoid"]
print("sigmoid, seed 0: each layer's gradient over the next one's:",
      ", ".join(f"{a / b:.2f}" for a, b in zip(norms, norms[1:])), "(sigmoid' <= 0.25)")
