"""Lesson: batch size — small versus large mini-batches and the generalization gap.

Run:  python examples/experiment_batch_size.py [--quick] [--plot batch_size.png]
(the same as: symnn experiment batch-size)
"""

import argparse

from symnn.experiments import batch_size

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--quick", action="store_true", help="tiny settings, a few seconds")
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--plot", metavar="PNG", help="save the figure (needs matplotlib)")
args = parser.parse_args()

result = batch_size.run(quick=args.quick, seed=args.seed)
print(result)
print(f"({result.seconds:.1f} s)")
if args.plot:
    print("wrote", result.plot(args.plot))
