"""``symnn convexity EXPR [--domain "x>0"] [--variables x,y] [--time-limit S] [--latex] [--json]``.

Prints the verdict (convex, concave, affine, neither, unknown) and the reason; for ``neither``
the counterexample's points, chord and function values. ``--json`` prints one object with
``verdict``, ``reason`` and ``counterexample`` (plus ``expression``, ``variables``, ``domain``
and ``latex``).
"""

from __future__ import annotations

import argparse
import json

from symnn.commands import UsageError
from symnn.commands._argtypes import positive_float

# the library's default, repeated so that --help needs no SymPy import (a test keeps them equal)
TIME_LIMIT = 10.0

HELP = "decide whether a function is convex, concave, affine or neither, with a reason"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("expression", metavar="EXPR", help="the function, e.g. 'w^4 - 2*w^2'")
    parser.add_argument("--domain", default=None,
                        help="conditions joined by commas, e.g. 'x>0' or 'p>0, p<1' "
                        "(default: all real numbers)")
    parser.add_argument("--variables", default=None,
                        help="comma-separated variables (default: every symbol); the others "
                        "are parameters")
    parser.add_argument("--time-limit", type=positive_float, default=TIME_LIMIT, metavar="S",
                        help="seconds the whole analysis may take (the numeric chord test "
                        "always gets 2); when SymPy runs out, the reason says 'gave up after N "
                        f"s: ...' and the chord test decides alone (default: {TIME_LIMIT:g})")
    parser.add_argument("--latex", action="store_true", help="print the reason as LaTeX")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def _analyse(args: argparse.Namespace):
    from symnn.symbolic.budget import Budget, BudgetExceeded
    from symnn.symbolic.convexity import convexity
    from symnn.symbolic.degree import NumberRangeError
    from symnn.symbolic.domain import DomainError
    from symnn.symbolic.parser import ParseError, parse

    try:
        # as in sn.convexity: reading takes at most half the time limit (at least 1 s)
        with Budget(max(args.time_limit / 2, 1.0), "reading EXPR"):
            expr = parse(args.expression)
    except ParseError as exc:
        raise UsageError(f"cannot read EXPR: {exc}\n{exc.pointer()}") from None
    except BudgetExceeded as exc:
        raise UsageError(f"{exc}; try a smaller function") from None
    variables = None
    if args.variables is not None:
        variables = [v.strip() for v in args.variables.split(",")]
        bad = [v for v in variables if not v.isidentifier()]
        if bad or not variables:
            raise UsageError(f"--variables must be comma-separated names, got {args.variables!r}")
        used = sorted(s.name for s in expr.free_symbols)
        unknown = [v for v in variables if v not in used]
        if unknown:
            raise UsageError(f"--variables: {', '.join(unknown)} not in the expression "
                             f"(its symbols: {', '.join(used) or 'none'})")
    try:
        return convexity(expr, variables=variables, domain=args.domain,
                         time_limit=args.time_limit)
    except DomainError as exc:
        shown = args.domain if len(args.domain) <= 60 else args.domain[:57] + "..."
        raise UsageError(f"bad --domain {shown!r}: {exc}") from None
    except NumberRangeError as exc:
        raise UsageError(f"cannot use EXPR: {exc}") from None


def run(args: argparse.Namespace) -> int:
    result = _analyse(args)
    if args.json:
        print(json.dumps(result.to_dict()))
    elif args.latex:
        print(result.reason_latex)
    else:
        print(result.verdict)
        print(result.reason)
    return 0
