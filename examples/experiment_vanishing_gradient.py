"""Lesson: the vanishing gradient — per-layer gradient norms of a 10-layer network.

Run:  python examples/experiment_vanishing_gradient.py [--quick] [--plot vanishing_gradient.png]
(the same as: symnn experiment vanishing-gradient)
"""

import argparse

from symnn.experiments import vanishing_gradient

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--quick", action="store_true", help="tiny settings, a few seconds")
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--plot", metavar="PNG", help="save the figure (needs matplotlib)")
args = parser.parse_args()

result = vanishing_gradient.run(quick=args.quick, seed=args.seed)
print(result)
print(f"({result.seconds:.1f} s)")
if args.plot:
    print("wrote", result.plot(args.plot))
