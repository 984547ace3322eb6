"""Lesson: the vanishing gradient — per-layer gradient norms of a 10-layer net with sigmoid, tanh, ReLU, Leaky ReLU.

Run:  python examples/experiment_vanishing_gradient.py [--seeds N] [--quick] [--plot vanishing_gradient.png]
(the same as: symnn experiment vanishing-gradient)
"""

import argparse

from symnn import experiments

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--quick", action="store_true", help="tiny settings, a few seconds")
parser.add_argument("--seeds", type=int, default=None, help="run seeds 0..N-1 (default 5)")
parser.add_argument("--plot", metavar="PNG", help="save the figure (needs matplotlib)")
args = parser.parse_args()

result = experiments.run("vanishing-gradient", seeds=args.seeds, quick=args.quick)
print(result)
print(f"({result.seconds:.1f} s)")
if args.plot:
    print("wrote", result.plot(args.plot))
