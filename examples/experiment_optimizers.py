"""Lesson: optimizers — SGD, momentum, Nesterov, Adagrad, Adadelta, RMSprop and Adam, each at
its own best learning rate from a sweep.

Run:  python examples/experiment_optimizers.py [--quick]
(symnn experiment optimizers --seeds N --plot opt.png does the same with more options)
"""

import sys

from symnn import experiments

result = experiments.run("optimizers", quick="--quick" in sys.argv)
print(result)
sweeps = result.numbers["runs"][0]["sweeps"]
for name, sweep in sweeps.items():
    print(f"{name:>9}: " + "  ".join(f"lr {lr:g} -> {loss:.3f}"
                                     for lr, loss in zip(sweep["lrs"], sweep["train_loss"])))
