"""Lesson: batch normalization — learning rate, init scale, gamma and beta, non-stationary noise, smoothness.

Run:  python examples/experiment_batchnorm.py [--seeds N] [--quick] [--plot batchnorm.png]
(the same as: symnn experiment batchnorm)
"""

import argparse

from symnn import experiments

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--quick", action="store_true", help="tiny settings, a few seconds")
parser.add_argument("--seeds", type=int, default=None, help="run seeds 0..N-1 (default 5)")
parser.add_argument("--plot", metavar="PNG", help="save the figure (needs matplotlib)")
args = parser.parse_args()

result = experiments.run("batchnorm", seeds=args.seeds, quick=args.quick)
print(result)
print(f"({result.seconds:.1f} s)")
if args.plot:
    print("wrote", result.plot(args.plot))
