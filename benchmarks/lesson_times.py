"""Benchmark: the time of every lesson's default run (all its default seeds, claims checked),
the run a learner starts with ``symnn experiment NAME`` and the one the claims test makes.

Wall time and this process's CPU time are both reported: on a machine shared with other jobs
the wall time grows with the load while the CPU time stays close to what the run costs. The
budget is 15 s of wall time per lesson on 2 otherwise idle cores.

    python benchmarks/lesson_times.py [--threads 2] [--rounds 1] [--only NAME ...] [--json]
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _harness  # noqa: E402  (limits threads before NumPy loads)

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

BUDGET = 15.0


def time_lesson(name: str, rounds: int) -> dict:
    """Median wall and CPU seconds of ``rounds`` default runs, and whether every claim held."""
    from symnn import experiments

    walls, cpus, held = [], [], True
    for _ in range(rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        result = experiments.run(name)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        held = held and result.all_hold
    return {"lesson": name, "seeds": len(result.numbers["seeds"]),
            "wall_s": statistics.median(walls), "cpu_s": statistics.median(cpus),
            "claims_hold": held}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2, help="BLAS threads (read at start)")
    parser.add_argument("--rounds", type=int, default=1, help="runs per lesson (median)")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="time these lessons only")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    from symnn import experiments

    blas = _harness.limit_threads()
    load = os.getloadavg()
    rows = [time_lesson(name, args.rounds) for name in (args.only or experiments.names())]
    result = {"threads": _harness.THREADS, "blas": blas, "load_average_before": load[0],
              "load_average_after": os.getloadavg()[0], "budget_s": BUDGET, "lessons": rows}
    if args.json:
        print(json.dumps(result))
        return
    print(f"lesson default runs, {_harness.THREADS} BLAS threads ({blas['blas']} "
          f"{blas['kernel']}), load average {load[0]:.1f} before, "
          f"{result['load_average_after']:.1f} after")
    print(f"{'lesson':<20} {'seeds':>5} {'wall s':>7} {'CPU s':>6}  claims")
    for r in rows:
        flag = "" if r["wall_s"] <= BUDGET else f"  over the {BUDGET:g} s budget"
        print(f"{r['lesson']:<20} {r['seeds']:>5} {r['wall_s']:>7.1f} {r['cpu_s']:>6.1f}  "
              f"{'all hold' if r['claims_hold'] else 'SOME FAIL'}{flag}")
    print(f"{'total':<20} {'':>5} {sum(r['wall_s'] for r in rows):>7.1f} "
          f"{sum(r['cpu_s'] for r in rows):>6.1f}")


if __name__ == "__main__":
    main()
