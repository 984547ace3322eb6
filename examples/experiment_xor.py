"""Lesson: XOR — a single-layer perceptron cannot fit it, a 2-layer MLP can.

Run:  python examples/experiment_xor.py [--quick]
(symnn experiment xor --seeds N --plot xor.png does the same with more options)
"""

import sys

from symnn import experiments

result = experiments.run("xor", quick="--quick" in sys.argv)
print(result)
for seed, run in zip(result.numbers["seeds"], result.numbers["runs"]):
    print(f"seed {seed}: perceptron predicts "
          f"{run['variants']['perceptron']['predictions']}, the MLP "
          f"{run['variants']['2-layer MLP']['predictions']} (labels {run['labels']})")
