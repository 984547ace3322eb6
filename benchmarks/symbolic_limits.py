"""How long the commands take on short inputs that make SymPy slow, and what they answer.

Each probe runs ``python -m symnn ...`` in its own process, one at a time, with a hard timeout
(``--timeout``, 120 s), and prints its wall time, exit status and answer (the verdict, or the
"gave up after N s: ..." line). Wall time includes starting Python and importing SymPy (about
1 s). Run: ``python benchmarks/symbolic_limits.py [--only cmax64,omax64] [--time-limit S]
[--source OTHER_CHECKOUT]``.

Measured on 2 cores shared with other work (load average 6 to 8, so wall time is 2 to 3 times
CPU time), each probe run once, before (main at 4366e34) and after (the commit that added this
file) interleaved, wall seconds:

=========  =========================================  ============  ==================
probe      command                                    before        after
=========  =========================================  ============  ==================
relu10     convexity, 10 alternating ReLUs            5.1 neither   4.6 neither
relu15     convexity, 15 alternating ReLUs            4.8 neither   4.8 neither
sig4       convexity, sigmoid nested 4 deep           5.8 neither   4.9 neither
sig5       convexity, sigmoid nested 5 deep           5.6 neither   5.3 neither
abs4       convexity, abs nested 4 deep               4.9 neither   4.8 neither
dmax32     derive max(a0, ..., a31) --wrt a1          2.8           2.1
dmax64     derive max(a0, ..., a63) --wrt a1          1.6           2.2
cmax32     convexity max(a0, ..., a31)                46.7 convex   2.8 convex
cmax64     convexity max(a0, ..., a63)                over 120      2.5 convex
omax32     optimize max(a0, ..., a31)                 12.0 (a)      2.5 runs 50 steps
omax64     optimize max(a0, ..., a63)                 11.7 (a)      3.2 runs 50 steps
cmaxabs64  convexity max(abs(a_i - i)), 64 terms      over 120      7.4 convex (2.4 CPU)
dom        convexity x^2 --domain (25,000 conditions) 1.6 (b)       1.5 (b)
=========  =========================================  ============  ==================

(a) exit 2, "gave up after 10 s: differentiating f (its gradient)" / "reading f"; (b) exit 2,
the domain is refused (at most 2,000 characters). The ReLU, sigmoid and abs probes stop SymPy
at the time limit (the explanation "gave up after 2 s") and the chord test answers. With
``--time-limit 1``: relu10 3.4 -> 2.1 s, sig5 4.0 -> 2.3 s, abs4 3.2 -> 2.5 s, cmax32
37.6 -> 1.8 s (the limit now covers the chord test and reading f, with 2 s kept for the chord
test). On an idle machine (load 1) the same commands took: relu10 4.3 -> 4.4 s, cmax32
21.4 -> 2.9 s, cmax64 over 120 -> 3.3 s, omax64 11.3 (gave up) -> 3.4 s.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time


def _max(n: int, wrap: str = "a{i}") -> str:
    return "max(" + ", ".join(wrap.format(i=i) for i in range(n)) + ")"


RELU = "+".join(f"relu(x-{k})*(-1)^{k}" for k in range(10))
PROBES: dict[str, list[str]] = {
    "relu10": ["convexity", RELU],
    "relu15": ["convexity", "+".join(f"relu(x-{k})*(-1)^{k}" for k in range(15))],
    "sig4": ["convexity", "sigmoid(" * 4 + "x" + ")" * 4],
    "sig5": ["convexity", "sigmoid(" * 5 + "x" + ")" * 5],
    "abs4": ["convexity", "abs(abs(abs(abs(x-1)-2)-3)-4)"],
    "dmax32": ["derive", _max(32), "--wrt", "a1"],
    "dmax64": ["derive", _max(64), "--wrt", "a1"],
    "cmax32": ["convexity", _max(32)],
    "cmax64": ["convexity", _max(64)],
    "omax32": ["optimize", _max(32)],
    "omax64": ["optimize", _max(64)],
    "cmaxabs64": ["convexity", _max(64, "abs(a{i}-{i})")],
    "dom": ["convexity", "x^2", "--domain", ", ".join(["x>0"] * 25_000)],
}


def answer(command: str, code: int, out: str, err: str) -> str:
    """The verdict, the give-up line or the error, in one short line."""
    lines = out.splitlines()
    gave_up = [ln for ln in lines if "gave up after" in ln]
    if code != 0:
        return err.strip().splitlines()[-1][:90] if err.strip() else f"exit {code}"
    if command == "convexity":
        return lines[0] + (f" | {gave_up[0][:70]}" if gave_up else "")
    if command == "optimize":
        return next((ln for ln in lines if ln.startswith("status:")), "")[:70]
    return f"{len(lines)} lines"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated probe names")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--time-limit", default=None, help="passed to convexity and optimize")
    parser.add_argument("--source", default=None,
                        help="the checkout whose symnn runs (default: this one), for before/after")
    args = parser.parse_args()
    names = [n for n in args.only.split(",") if n] or list(PROBES)
    env = dict(os.environ)
    root = args.source or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    print(f"load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} cores")
    print(f"{'probe':<11}{'wall s':>8}  answer")
    for name in names:
        argv = list(PROBES[name])
        if args.time_limit is not None and argv[0] in ("convexity", "optimize"):
            argv += ["--time-limit", args.time_limit]
        start = time.monotonic()
        try:
            done = subprocess.run([sys.executable, "-m", "symnn", *argv], capture_output=True,
                                  text=True, timeout=args.timeout, env=env, cwd=root)
            wall = time.monotonic() - start
            text = answer(argv[0], done.returncode, done.stdout, done.stderr)
        except subprocess.TimeoutExpired:
            wall, text = time.monotonic() - start, f"still running after {args.timeout:g} s"
        print(f"{name:<11}{wall:>8.1f}  {text}", flush=True)


if __name__ == "__main__":
    main()
