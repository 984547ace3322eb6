"""``symnn experiment NAME [--seeds N] [--json] [--plot F] [--quick]``: run one of the syllabus
lessons on seeds 0..N-1 and print each variant's numbers as mean ± std and, per claim, on how
many seeds it held with the evidence; ``symnn experiment --list`` prints one experiment a line,
its name then a one-line description."""

from __future__ import annotations

import argparse
import json
import os

from symnn.commands import UsageError
from symnn.commands._argtypes import positive_int

HELP = "run a lesson experiment and check its claims; --list describes every lesson"
MAX_SEEDS = 100  # each seed trains the lesson's models again: 100 take minutes, not days


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from symnn.experiments import names

    parser.add_argument("name", nargs="?", metavar="NAME",
                        help="the experiment to run: " + ", ".join(names()))
    parser.add_argument("--list", action="store_true", help="list the experiments and exit")
    parser.add_argument("--quick", action="store_true",
                        help="tiny settings (a few epochs): checks that it runs, not the lesson")
    parser.add_argument("--seeds", type=positive_int, metavar="N",
                        help=f"run seeds 0..N-1, N at most {MAX_SEEDS} (default: the "
                        "lesson's own, usually 5)")
    parser.add_argument("--plot", metavar="FILE", help="save the experiment's figure as a PNG")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def check_plot_path(path: str) -> None:
    """Fail fast, before any training, when a PNG cannot be written to ``path``."""
    from symnn.train.plotting import require_matplotlib

    if os.path.isdir(path):
        raise UsageError(f"cannot write {path}: it is a directory; give a file name such as out.png")
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise UsageError(f"cannot write {path}: directory {directory} does not exist")
    try:
        require_matplotlib()
    except RuntimeError as exc:
        raise UsageError(str(exc)) from None


def run(args: argparse.Namespace) -> int:
    from symnn import experiments

    if args.list:
        if args.name:
            raise UsageError("--list takes no experiment name")
        if args.json:
            print(json.dumps({"experiments": [{"name": n, "description": experiments.describe(n)}
                                              for n in experiments.names()]}))
            return 0
        width = max(len(n) for n in experiments.names())
        for name in experiments.names():
            print(f"{name:<{width}}  {experiments.describe(name)}")
        return 0
    if not args.name:
        raise UsageError("name an experiment (one of: " + ", ".join(experiments.names()) +
                         ") or use --list")
    if args.name not in experiments.EXPERIMENTS:
        raise UsageError(f"unknown experiment {args.name!r}; choose one of: "
                         + ", ".join(experiments.names()))
    if args.seeds is not None and args.seeds > MAX_SEEDS:
        raise UsageError(f"--seeds must be at most {MAX_SEEDS} (each seed trains the lesson's "
                         f"models again), got {args.seeds}")
    if args.plot:
        check_plot_path(args.plot)
    result = experiments.run(args.name, seeds=args.seeds, quick=args.quick)
    if args.plot:
        try:
            result.plot(args.plot)
        except OSError as exc:
            raise UsageError(f"cannot write {args.plot}: {exc.strerror or exc}") from None
    if args.json:
        data = result.to_dict()
        if args.plot:
            data["plot"] = args.plot
        print(json.dumps(data))
        return 0
    print(result)
    print(f"({result.seconds:.1f} s)")
    if args.plot:
        print(f"wrote {args.plot}")
    return 0
