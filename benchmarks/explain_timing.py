"""How long ``sn.explain`` takes for one sample, and how that grows with the model's width.

Workloads (one sample, float64, cross-entropy against class 1):

- MLP 4-w-w-3 with ReLU, w = 8 (the reference 4-8-8-3 model), 16, 32, 64;
- CNN on a 1x6x6 input: Conv2d(1, c, 3) -> ReLU -> MaxPool2d(2) -> Flatten -> Linear(4c, 3),
  c = 2, 4 (the reference), 8, 16.

For each: the number of parameters, the number of nodes in the scalar graph, the median
wall-clock and CPU time of ``sn.explain`` (swap in Scalar leaves, forward on object arrays,
scalar backward, restore) and its CPU time per node, the median CPU time of the NumPy
backend's forward + backward of the same sample, and the CPU time to build and print the
derivation of one first-layer weight as text (SymPy, built lazily: only this costs more than
milliseconds).

Run: ``python benchmarks/explain_timing.py [--repeats 7]``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np

import symnn as sn
from symnn import nn
from symnn.scalar import topological_order


def mlp(width: int) -> nn.Module:
    return nn.Sequential(nn.Linear(4, width), nn.ReLU(), nn.Linear(width, width), nn.ReLU(),
                         nn.Linear(width, 3))


def cnn(channels: int) -> nn.Module:
    return nn.Sequential(nn.Conv2d(1, channels, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(4 * channels, 3))


def timings(fn: Callable[[], object], repeats: int) -> tuple[float, float]:
    """(median wall-clock, median CPU) seconds of ``repeats`` calls. On a shared machine the
    wall clock also counts time the process waits for a core; CPU time does not."""
    wall, cpu = [], []
    for _ in range(repeats):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
    return statistics.median(wall), statistics.median(cpu)


def measure(label: str, model: nn.Module, x: np.ndarray, repeats: int) -> dict[str, object]:
    target = np.array([1])
    loss_fn = nn.CrossEntropyLoss()

    def numpy_step() -> None:
        model.zero_grad()
        loss_fn(model(sn.tensor(x)), sn.tensor(target)).backward()

    e = sn.explain(model, x, target, loss_fn)
    first = next(name for name, _ in model.named_parameters())
    index = (0,) * e.leaves[first].ndim
    start = time.process_time()
    str(e.derivation(first, index))
    derivation_s = time.process_time() - start
    explain_wall, explain_cpu = timings(lambda: sn.explain(model, x, target, loss_fn), repeats)
    return {
        "model": label,
        "params": sum(int(np.prod(p.shape)) for p in model.parameters()),
        "nodes": len(topological_order(e.loss)),
        "explain_ms": 1e3 * explain_wall,
        "explain_cpu_ms": 1e3 * explain_cpu,
        "numpy_ms": 1e3 * timings(numpy_step, repeats)[1],
        "derivation_ms": 1e3 * derivation_s,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    sn.set_default_dtype(np.float64)
    rng = np.random.default_rng(0)
    x = sn.Scalar(0.5, name="x")
    str((x * x).sigmoid().derivation(wrt=x))  # import SymPy and warm its caches first
    rows = []
    for width in (8, 16, 32, 64):
        sn.manual_seed(0)
        rows.append(measure(f"MLP 4-{width}-{width}-3", mlp(width), rng.normal(size=(1, 4)),
                            args.repeats))
    for channels in (2, 4, 8, 16):
        sn.manual_seed(0)
        rows.append(measure(f"CNN 1x6x6, {channels} channels", cnn(channels),
                            rng.normal(size=(1, 1, 6, 6)), args.repeats))
    header = (f"{'model':<24} {'params':>7} {'nodes':>7} {'explain ms':>11} {'CPU ms':>7} "
              f"{'us/node':>8} {'numpy CPU ms':>13} {'derivation CPU ms':>18}")
    print(header)
    print("-" * len(header))
    for r in rows:
        print(f"{r['model']:<24} {r['params']:>7} {r['nodes']:>7} {r['explain_ms']:>11.2f} "
              f"{r['explain_cpu_ms']:>7.2f} {1e3 * r['explain_cpu_ms'] / r['nodes']:>8.2f} "
              f"{r['numpy_ms']:>13.3f} {r['derivation_ms']:>18.1f}")


if __name__ == "__main__":
    main()
