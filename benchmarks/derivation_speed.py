"""How long the symbolic side of the scalar engine takes: derivations of big, deep and wide graphs.

Workloads:

- ``mlp``: one sample through micrograd's demo MLP [2, 16, 16, 1] (ReLU hidden layers, weights
  uniform in [-1, 1] as micrograd draws them, max-margin loss ``relu(1 - y * out)``):
  ``loss.derivation().to_latex()``, 1,251 steps, each run with SymPy's cache cleared;
- ``chain``: a 10,000-node chain (x, then sin / tanh(1.0001 * y + 0.001) alternately);
- ``sum``: a sum of 10,000 named leaves, typed as one chain of additions;
- ``shared``: 20 levels where each node is used twice (y = sin(y) * y + y).

For each graph: ``expr``, ``derivative``, ``derivation``, ``str`` and ``to_latex`` times
(median of ``--repeats`` runs, process CPU time, which on a shared machine does not count
waiting for a core). Run: ``python benchmarks/derivation_speed.py [--repeats 3]``.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable

from sympy.core.cache import clear_cache

from symnn.scalar import Scalar

sys.setrecursionlimit(1000)  # Python's default: nothing here may need more


def micrograd_mlp_loss(seed: int = 1337) -> Scalar:
    """micrograd's demo MLP [2, 16, 16, 1] on one moons-like sample, max-margin loss."""
    rng = random.Random(seed)
    x = [Scalar(0.8, name="x_1"), Scalar(-0.3, name="x_2")]
    sizes = [2, 16, 16, 1]
    for li, (nin, nout) in enumerate(zip(sizes, sizes[1:]), 1):
        out = []
        for ni in range(1, nout + 1):
            w = [Scalar(rng.uniform(-1, 1), name=f"w^({li})_{ni},{wi}") for wi in range(1, nin + 1)]
            act = sum((wi * xi for wi, xi in zip(w, x)), Scalar(0.0, name=f"b^({li})_{ni}"))
            out.append(act.relu() if li < len(sizes) - 1 else act)
        x = out
    return (1 + -1.0 * x[0]).relu().named("L")


def chain(n: int) -> Scalar:
    y = Scalar(0.5, name="x")
    for i in range(n // 2):
        y = (y * 1.0001 + 0.001).tanh() if i % 2 else y.sin()
    return y


def wide_sum(n: int) -> Scalar:
    leaves = [Scalar(float(i % 7), name=f"a_{i}") for i in range(n)]
    out = leaves[0]
    for leaf in leaves[1:]:
        out = out + leaf
    return out


def shared(levels: int) -> Scalar:
    y = Scalar(0.5, name="x")
    for _ in range(levels):
        y = y.sin() * y + y
    return y


def median_cpu(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        clear_cache()
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--size", type=int, default=10_000, help="nodes of the chain and the sum")
    args = parser.parse_args()

    loss = micrograd_mlp_loss()
    loss.derivation().to_latex()  # untimed: imports SymPy and the printers once
    steps = len(loss.derivation().steps)
    t = median_cpu(lambda: loss.derivation().to_latex(), args.repeats)
    print(f"mlp [2,16,16,1], one sample: derivation().to_latex() {t * 1e3:7.0f} ms ({steps} steps)")

    graphs = {
        f"chain of {args.size}": (chain(args.size), "x"),
        f"sum of {args.size}": (wide_sum(args.size), "a_5"),
        "shared, 20 levels": (shared(20), "x"),
    }
    print(f"{'graph':<20}{'expr':>9}{'derivative':>12}{'derivation':>12}{'str':>9}{'to_latex':>10}   (ms)")
    for label, (out, wrt) in graphs.items():
        d = out.derivation(wrt)
        row = [
            median_cpu(lambda: out.expr, args.repeats),
            median_cpu(lambda: out.derivative(wrt), args.repeats),
            median_cpu(lambda: out.derivation(wrt), args.repeats),
            median_cpu(lambda: str(d), args.repeats),
            median_cpu(lambda: d.to_latex(), args.repeats),
        ]
        print(f"{label:<20}" + "".join(f"{v * 1e3:{w}.0f}" for v, w in zip(row, (9, 12, 12, 9, 10))))


if __name__ == "__main__":
    main()
