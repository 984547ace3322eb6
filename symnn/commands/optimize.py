"""``symnn optimize EXPR --optimizer NAME --lr 0.1 --start 1,1 --steps 50 [--time-limit S] [--json]
[--plot F]``.

EXPR is typed math or a preset surface (bowl, ill_conditioned, rosenbrock, beale, himmelblau,
saddle, w_shaped). NAME is ``gd``, ``newton`` or an ``sn.optim`` optimizer in lower case;
``--option momentum=0.9`` (repeatable) passes further settings to it. The run's points, losses
and status are printed as a table, or with ``--json`` as one object with ``optimizer``, ``lr``,
``points``, ``losses`` and ``status``. ``--plot out.png`` draws the contour map and trajectory
(a curve for one variable) and needs matplotlib. ``--explain K`` prints step K's update with
its numbers.
"""

from __future__ import annotations

import argparse
import difflib
import importlib.util
import json
import math
from pathlib import Path
from typing import Any

from symnn._install import install_hint
from symnn.commands import UsageError
from symnn.commands._argtypes import positive_float

# the library's default (sn.lab.surfaces.TIME_LIMIT), repeated so that --help needs no SymPy
TIME_LIMIT = 10.0

HELP = "run an optimizer on a loss surface and print (or plot) its trajectory"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("expression", metavar="EXPR",
                        help="a function such as 'x^2 + 10*y^2', or a preset: bowl, "
                        "ill_conditioned, rosenbrock, beale, himmelblau, saddle, w_shaped")
    parser.add_argument("--optimizer", default="gd",
                        help="gd, newton, sgd, momentum, nesterov, adagrad, adadelta, "
                        "rmsprop, adam, adamw (default: gd)")
    parser.add_argument("--lr", type=float, default=None,
                        help="learning rate (default: the optimizer's own default)")
    parser.add_argument("--start", default=None,
                        help="comma-separated start point, variables in sorted name order "
                        "(default: the preset's start, or 1 for every variable)")
    parser.add_argument("--steps", type=int, default=50, help="number of steps, 0..100000 (default: 50)")
    parser.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                        help="optimizer setting, e.g. momentum=0.9 or betas=0.9,0.99")
    parser.add_argument("--explain", type=int, default=None, metavar="K",
                        help="also print step K's update formula with its numbers")
    parser.add_argument("--time-limit", type=positive_float, default=TIME_LIMIT, metavar="S",
                        help="seconds SymPy may take to read EXPR and derive its gradient and "
                        f"Hessian before the command gives up (default: {TIME_LIMIT:g})")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--plot", default=None, metavar="FILE",
                        help="write a plot of the run (PNG, SVG or PDF by suffix)")


def _number(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise UsageError(f"{what}: {text.strip()!r} is not a number") from None
    if not math.isfinite(value):
        raise UsageError(f"{what}: {text.strip()!r} is not a finite number")
    return value


def _option_value(text: str) -> Any:
    """true/false, a number, or comma-separated numbers (a tuple); never evaluated."""
    low = text.strip().lower()
    if low in ("true", "false"):
        return low == "true"
    if "," in text:
        return tuple(_number(t, "--option") for t in text.split(","))
    value = _number(text, "--option")
    return int(value) if value.is_integer() and "." not in text and "e" not in low else value


def _options(items: list[str]) -> dict[str, Any]:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key.isidentifier():
            raise UsageError(f"--option expects KEY=VALUE, got {item!r}")
        if key == "lr":
            raise UsageError("give the learning rate with --lr, not --option lr=...")
        out[key] = _option_value(value)
    return out


def _check_plot(path: str, dim: int) -> None:
    if importlib.util.find_spec("matplotlib") is None:
        raise UsageError(f"--plot needs matplotlib, which is not installed: {install_hint('plot')}")
    if dim > 2:
        raise UsageError(f"--plot draws functions of 1 or 2 variables; this one has {dim}")
    target = Path(path)
    if not (target.parent if str(target.parent) else Path(".")).is_dir():
        raise UsageError(f"--plot: directory {str(target.parent)!r} does not exist")
    if target.is_dir():
        raise UsageError(f"--plot: {path!r} is a directory; give a file name such as run.png")
    if target.suffix.lower() not in ("", ".png", ".svg", ".pdf"):
        raise UsageError(f"--plot: use a .png, .svg or .pdf file, got {target.name!r}")


def _table(run) -> str:
    names = run.surface.names
    head = f"{'step':>5}  " + "  ".join(f"{n:>12}" for n in names) + f"  {'loss':>14}"
    rows = [head]
    shown = list(range(len(run.points)))
    if len(shown) > 26:
        shown = shown[:16] + [None] + shown[-8:]
    for k in shown:
        if k is None:
            rows.append(f"{'...':>5}")
            continue
        coords = "  ".join(f"{v:>12.6g}" for v in run.points[k])
        rows.append(f"{k:>5}  {coords}  {run.losses[k]:>14.8g}")
    return "\n".join(rows)


def run(args: argparse.Namespace) -> int:
    from symnn.lab import descend, optimizer_names, preset_names, surface
    from symnn.symbolic.budget import BudgetExceeded
    from symnn.symbolic.parser import ParseError

    word = args.expression.strip()
    if len(word) > 1 and word.isidentifier() and word.lower() not in preset_names():
        # a lone multi-letter name is almost always a mistyped preset, not f(foo) = foo
        close = difflib.get_close_matches(word.lower(), preset_names(), n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise UsageError(f"unknown preset {word!r}{hint}; presets: {', '.join(preset_names())}, "
                         "or type a function such as 'x^2 + 10*y^2'")
    try:
        surf = surface(args.expression, time_limit=args.time_limit)
    except ParseError as exc:
        raise UsageError(f"cannot read EXPR: {exc}\n{exc.pointer()}") from None
    except BudgetExceeded as exc:
        raise UsageError(f"{exc}; try a smaller function") from None
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    name = args.optimizer.strip().lower()
    if name not in optimizer_names():
        raise UsageError(f"unknown optimizer {args.optimizer!r}; choose one of "
                         f"{', '.join(optimizer_names())}")
    if args.lr is not None and not (math.isfinite(args.lr) and args.lr > 0):
        raise UsageError(f"--lr must be a positive number, got {args.lr}")
    if args.steps < 0 or args.steps > 100_000:
        raise UsageError(f"--steps must be between 0 and 100000, got {args.steps}")
    start = None
    if args.start is not None:
        start = [_number(t, "--start") for t in args.start.split(",")]
        if len(start) != surf.dim:
            raise UsageError(f"--start has {len(start)} value(s) but {surf.name} has "
                             f"{surf.dim} variable(s): {', '.join(surf.names)}")
    options = _options(args.option)
    if args.plot is not None:
        _check_plot(args.plot, surf.dim)
    try:
        result = descend(surf, name, lr=args.lr, start=start, steps=args.steps, **options)
    except (ValueError, TypeError) as exc:
        raise UsageError(str(exc)) from None
    explanation = None
    if args.explain is not None:
        if not 1 <= args.explain <= result.steps:
            raise UsageError(f"--explain: the run has steps 1 to {result.steps}, "
                             f"got {args.explain}")
        explanation = result.explain(args.explain)
    plot_path = None
    if args.plot is not None:
        from symnn.lab import plot_runs

        try:
            plot_path = str(plot_runs(result, args.plot))
        except OSError as exc:
            raise UsageError(f"--plot: cannot write {args.plot}: {exc.strerror or exc}") from None
    if args.json:
        out = result.to_dict()
        if explanation is not None:
            out["explain"] = {"step": explanation.step, "text": explanation.text,
                              "latex": explanation.latex}
        if plot_path is not None:
            out["plot"] = plot_path
        print(json.dumps(out))
        return 0
    opts = "".join(f", {k}={v}" for k, v in result.options.items())
    print(f"{result.optimizer} on f({', '.join(surf.names)}) = {surf.expr}  "
          f"(lr={result.lr:g}{opts})")
    print(_table(result))
    print(f"status: {result.status} ({result.reason})")
    if explanation is not None:
        print(explanation.text)
    if plot_path is not None:
        print(f"plot written to {plot_path}")
    return 0
