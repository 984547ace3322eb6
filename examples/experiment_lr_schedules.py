"""Lesson: learning-rate schedules — constant, ReduceLROnPlateau, cosine annealing, cyclical.

Run:  python examples/experiment_lr_schedules.py [--quick] [--plot lr_schedules.png]
(the same as: symnn experiment lr-schedules)
"""

import argparse

from symnn.experiments import lr_schedules

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--quick", action="store_true", help="tiny settings, a few seconds")
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--plot", metavar="PNG", help="save the figure (needs matplotlib)")
args = parser.parse_args()

result = lr_schedules.run(quick=args.quick, seed=args.seed)
print(result)
print(f"({result.seconds:.1f} s)")
if args.plot:
    print("wrote", result.plot(args.plot))
