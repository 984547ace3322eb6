"""Lesson: batch normalization — a learning rate that fails without BN trains with it.

Run:  python examples/experiment_batchnorm.py [--quick] [--plot batchnorm.png]
(the same as: symnn experiment batchnorm)
"""

import argparse

from symnn.experiments import batchnorm

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--quick", action="store_true", help="tiny settings, a few seconds")
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--plot", metavar="PNG", help="save the figure (needs matplotlib)")
args = parser.parse_args()

result = batchnorm.run(quick=args.quick, seed=args.seed)
print(result)
print(f"({result.seconds:.1f} s)")
if args.plot:
    print("wrote", result.plot(args.plot))
