"""symnn's Scalar engine against micrograd on micrograd's own demo workload.

The workload is micrograd's demo notebook: an MLP with layers [2, 16, 16, 1] on 100 two-moons
points, one full-batch step = forward + SVM max-margin loss with L2 regularization + backward
+ SGD update. Both engines start from the same weights and run in this process, interleaved
(which one goes first alternates each round), first with Python's default garbage collection
and then with the collector off for both. Before every timed run an untimed ``gc.collect()``
clears the other engine's garbage, so each run pays only for the collection work its own
graph causes (micrograd's graphs are reference cycles; symnn's are freed by reference
counting). Reported: the median step time of each and the
ratio symnn / micrograd. Also timed: ``derivation().to_latex()`` for one sample through the
same MLP (every chain-rule step of that sample as LaTeX), each run with SymPy's cache cleared.

Run: ``python benchmarks/scalar_vs_micrograd.py [--repeats 15] [--cpu]`` (needs ``pip install -e
'.[bench]'`` for micrograd and scikit-learn's ``make_moons``).
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import time

from micrograd.engine import Value
from sympy.core.cache import clear_cache
from micrograd.nn import MLP as MicroMLP

from symnn.scalar import Scalar


class Neuron:
    """micrograd's Neuron, on symnn Scalars (same code, same initial weights)."""

    def __init__(self, w, b, nonlin: bool) -> None:
        self.w = [Scalar(v) for v in w]
        self.b = Scalar(b)
        self.nonlin = nonlin

    def __call__(self, x):
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return act.relu() if self.nonlin else act

    def parameters(self):
        return self.w + [self.b]


class MLP:
    """micrograd's MLP structure; weights copied from a micrograd MLP."""

    def __init__(self, micro: MicroMLP) -> None:
        self.layers = [
            [Neuron([w.data for w in n.w], n.b.data, n.nonlin) for n in layer.neurons]
            for layer in micro.layers
        ]

    def __call__(self, x):
        for layer in self.layers:
            x = [n(x) for n in layer]
        return x[0] if len(x) == 1 else x

    def parameters(self):
        return [p for layer in self.layers for n in layer for p in n.parameters()]


def step(model, leaf, X, y, k: int) -> float:
    """One step of micrograd's demo: full-batch SVM loss + L2, backward, SGD update."""
    inputs = [list(map(leaf, xrow)) for xrow in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    alpha = 1e-4
    reg_loss = alpha * sum(p * p for p in model.parameters())
    total_loss = data_loss + reg_loss
    params = model.parameters()
    for p in params:
        p.grad = 0.0
    total_loss.backward()
    learning_rate = 1.0 - 0.9 * k / 100
    if leaf is Value:
        for p in params:
            p.data -= learning_rate * p.grad
        return total_loss.data
    for p in params:
        p.value -= learning_rate * p.grad
    return total_loss.value


CLOCK = time.perf_counter  # --cpu switches to process CPU time (robust on a busy machine)


def timed(fn) -> float:
    t0 = CLOCK()
    fn()
    return CLOCK() - t0


def compare(repeats: int, gc_off: bool, X, y, seed: int) -> tuple[float, float]:
    random.seed(seed)
    micro = MicroMLP(2, [16, 16, 1])
    mine = MLP(micro)
    t_micro, t_mine = [], []
    if gc_off:
        gc.disable()
    try:
        for k in range(repeats):
            runs = [
                (t_micro, lambda: step(micro, Value, X, y, k)),
                (t_mine, lambda: step(mine, Scalar, X, y, k)),
            ]
            if k % 2:
                runs.reverse()
            for times, fn in runs:
                gc.collect()  # untimed: each run starts clean and pays only for its own garbage
                times.append(timed(fn))
    finally:
        gc.enable()
    return statistics.median(t_micro), statistics.median(t_mine)


def latex_one_sample(X, y, seed: int, repeats: int = 3) -> tuple[float, int]:
    random.seed(seed)
    mine = MLP(MicroMLP(2, [16, 16, 1]))
    x = [Scalar(v, name=f"x_{i + 1}") for i, v in enumerate(X[0])]
    for li, layer in enumerate(mine.layers, 1):
        for ni, neuron in enumerate(layer, 1):
            for wi, w in enumerate(neuron.w, 1):
                w.name = f"w^{{{li}}}_{{{ni},{wi}}}"
            neuron.b.name = f"b^{{{li}}}_{{{ni}}}"
    loss = (1 + -y[0] * mine(x)).relu().named("L")
    loss.derivation(wrt=x[0]).to_latex()  # untimed: imports SymPy and the printers once
    times, steps = [], 0
    for _ in range(repeats):
        clear_cache()  # each timed run starts with SymPy's cache empty, like a first call
        t0 = CLOCK()
        d = loss.derivation()
        text = d.to_latex()
        times.append(CLOCK() - t0)
        steps = len(d.steps)
        assert text.startswith("\\begin{align*}")
    return statistics.median(times), steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15, help="steps timed per engine and GC mode")
    parser.add_argument("--seed", type=int, default=1337)
    parser.add_argument("--cpu", action="store_true", help="time process CPU instead of wall clock")
    args = parser.parse_args()
    if args.cpu:
        global CLOCK
        CLOCK = time.process_time

    from sklearn.datasets import make_moons

    Xa, ya = make_moons(n_samples=100, noise=0.1, random_state=args.seed)
    X = [[float(a), float(b)] for a, b in Xa]
    y = [float(v) * 2 - 1 for v in ya]

    clock = "process CPU time" if args.cpu else "wall clock"
    print(f"micrograd demo step: MLP [2, 16, 16, 1], {len(X)} moons points, median of {args.repeats} ({clock})")
    for gc_off in (False, True):
        m, s = compare(args.repeats, gc_off, X, y, args.seed)
        mode = "GC off" if gc_off else "GC on "
        print(f"  {mode}: micrograd {m * 1e3:8.1f} ms   symnn {s * 1e3:8.1f} ms   ratio {s / m:.2f}x")
    t, n = latex_one_sample(X, y, args.seed)
    print(f"derivation().to_latex() for one sample through the MLP: {t * 1e3:.0f} ms ({n} steps)")


if __name__ == "__main__":
    main()
