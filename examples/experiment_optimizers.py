"""Lesson: optimizers on the 8x8 digits — SGD, momentum, Nesterov, Adagrad, Adadelta, RMSprop, Adam.

Run:  python examples/experiment_optimizers.py [--quick] [--plot optimizers.png]
(the same as: symnn experiment optimizers)
"""

import argparse

from symnn.experiments import optimizers

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--quick", action="store_true", help="tiny settings, a few seconds")
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--plot", metavar="PNG", help="save the figure (needs matplotlib)")
args = parser.parse_args()

result = optimizers.run(quick=args.quick, seed=args.seed)
print(result)
print(f"({result.seconds:.1f} s)")
if args.plot:
    print("wrote", result.plot(args.plot))
