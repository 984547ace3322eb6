"""Shared benchmark harness: 2 threads, interleaved rounds, medians, and the GEMM yardstick.

Import this module before NumPy or torch: it limits every BLAS/OpenMP pool to two threads
(``--threads N`` on the command line changes that, for diagnosis) through the environment (read
when those libraries load) and, once they are loaded, through ``threadpoolctl`` and
``torch.set_num_threads``.
"""

from __future__ import annotations

import os
import sys

THREADS = 2
for _i, _arg in enumerate(sys.argv[:-1]):  # --threads N, read before NumPy loads
    if _arg == "--threads":
        THREADS = int(sys.argv[_i + 1])
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = str(THREADS)

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass  # noqa: E402

import numpy as np  # noqa: E402


def limit_threads() -> dict[str, str]:
    """Pin NumPy's BLAS and torch to two threads; return the BLAS library and kernel in use."""
    info = {"blas": "unknown", "kernel": "unknown", "threads": "?"}
    try:
        from threadpoolctl import threadpool_info, threadpool_limits

        threadpool_limits(THREADS)
        for pool in threadpool_info():
            if pool.get("user_api") == "blas" and "numpy" in pool.get("filepath", ""):
                info = {"blas": pool.get("internal_api", "?"),
                        "kernel": str(pool.get("architecture", "?")),
                        "threads": str(pool.get("num_threads", "?"))}
    except ImportError:
        pass
    try:
        import torch

        torch.set_num_threads(THREADS)
    except ImportError:
        pass
    return info


def gemm_rate(n: int = 1024, repeats: int = 7) -> float:
    """float32 GFLOP/s of ``np.matmul`` on n×n×n (median of repeats): the machine's yardstick."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    out = np.empty((n, n), dtype=np.float32)
    np.matmul(a, b, out=out)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        np.matmul(a, b, out=out)
        times.append(time.perf_counter() - start)
    return 2 * n**3 / statistics.median(times) / 1e9


@dataclass
class Contender:
    """A named training step to time (``step()`` runs one full step)."""

    name: str
    step: Callable[[], object]


def interleaved(contenders: list[Contender], rounds: int = 15, steps: int = 10,
                warmup: int = 5) -> dict[str, list[float]]:
    """Seconds per step of each contender in every round, timed in alternating rounds.

    Each round times ``steps`` consecutive steps of every contender in turn (the order is
    reversed every other round), so slow drifts of the machine hit all contenders alike. One
    untimed step starts each turn: the other library's thread pool may still be spinning
    from its last call, and that hand-over belongs to neither contender.
    """
    for c in contenders:
        for _ in range(warmup):
            c.step()
    samples: dict[str, list[float]] = {c.name: [] for c in contenders}
    for r in range(rounds):
        order = contenders if r % 2 == 0 else contenders[::-1]
        for c in order:
            c.step()
            start = time.perf_counter()
            for _ in range(steps):
                c.step()
            samples[c.name].append((time.perf_counter() - start) / steps)
    return samples


def report(title: str, samples: dict[str, list[float]], baseline: str, gemm_flop: float,
           gflops: float, blas: dict[str, str]) -> str:
    """The table: contender, median ms/step, ratio to the baseline, share of the GEMM rate.

    The fastest round and its ratio are shown too: on a busy machine they are the closer
    estimate of an undisturbed step.
    """
    median = {name: statistics.median(times) for name, times in samples.items()}
    best = {name: min(times) for name, times in samples.items()}
    lines = [
        title,
        f"BLAS {blas['blas']} ({blas['kernel']}, {blas['threads']} threads); np.matmul 1024^3 "
        f"float32: {gflops:.1f} GFLOP/s; step GEMM work {gemm_flop / 1e6:.1f} MFLOP; "
        f"{len(next(iter(samples.values())))} interleaved rounds",
        f"{'contender':<18}{'ms/step':>9}{'ratio':>8}{'GEMM share':>12}{'best ms':>10}"
        f"{'best ratio':>12}",
    ]
    for name in samples:
        share = gemm_flop / median[name] / (gflops * 1e9)
        lines.append(
            f"{name:<18}{median[name] * 1e3:>9.3f}{median[name] / median[baseline]:>7.2f}x"
            f"{share:>11.0%}{best[name] * 1e3:>11.3f}{best[name] / best[baseline]:>11.2f}x"
        )
    return "\n".join(lines)


def main(title: str, make_contenders: Callable[[], list[Contender]], gemm_flop: float,
         argv: list[str] | None = None, description: str = "") -> int:
    """The command line every benchmark shares: parse the options, pin the threads, build the
    contenders, time them in interleaved rounds and print the table (torch is the baseline).

    The GEMM rate is measured before and after the rounds and averaged, so a machine whose
    speed drifts during the run is compared with its own mean rate.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2, help="BLAS and torch threads")
    args = parser.parse_args(argv)
    blas = limit_threads()
    contenders = make_contenders()
    gflops = gemm_rate()
    samples = interleaved(contenders, rounds=args.rounds, steps=args.steps)
    gflops = (gflops + gemm_rate()) / 2
    print(report(title, samples, "torch", gemm_flop, gflops, blas))
    return 0
