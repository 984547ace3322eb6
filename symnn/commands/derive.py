"""``symnn derive EXPR --wrt NAME``: the chain-rule derivation of dEXPR/dNAME, step by step.

The expression goes through the safe parser (``sn.parse``) and becomes a Scalar graph
(``sn.graph``); ``--at x=2,w=1/2`` gives variables values (numbers or constant expressions such as
``1/2`` or ``pi``, read by the whitelist parser), so every step also shows its numbers. ``--loss mse --target 1`` puts a loss around
the expression, read as a model's output ``yhat``. Output: readable text (default), LaTeX
(``--latex``, ``--standalone`` for a complete document) or one JSON object (``--json``).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import textwrap

from symnn.commands import UsageError

HELP = "print the chain-rule derivation of dEXPR/dNAME (text, LaTeX or JSON)"

# loss name -> its formula in the model output yhat and the target t (shown in --help)
LOSSES = {
    "mse": "(yhat - t)^2",
    "mae": "|yhat - t|",
    "rmse": "sqrt((yhat - t)^2) (for one output this equals |yhat - t|)",
    "bce": "-(t log(yhat) + (1 - t) log(1 - yhat))",
    "bce_logits": "softplus(yhat) - t yhat",
    "hinge": "relu(1 - t yhat)",
}



def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("expression", metavar="EXPR", help='typed math, e.g. "sigmoid(w*x + b)"')
    parser.add_argument("--wrt", required=True, metavar="NAME", help="the variable to differentiate by")
    parser.add_argument(
        "--at", default="", metavar="x=2,w=-3",
        help="values for variables (comma-separated NAME=VALUE; a value may be 1/2 or pi)"
    )
    parser.add_argument(
        "--loss",
        choices=sorted(LOSSES),
        help="wrap EXPR as the model output yhat in a loss: "
        + "; ".join(f"{k}: {v}" for k, v in LOSSES.items()),
    )
    parser.add_argument("--target", type=float, metavar="T", help="the target t of --loss")
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--latex", action="store_true", help="print LaTeX (an align* block)")
    out.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--standalone", action="store_true", help="with --latex: a complete document for pdflatex"
    )
    parser.add_argument(
        "--practice", action="store_true",
        help="ask each backward step before showing it (answers from standard input; an empty "
        "line shows the answer; end of input stops with the score)",
    )


def parse_at(text: str) -> dict[str, float]:
    """``"x=2, w=1/2"`` -> ``{"x": 2.0, "w": 0.5}`` (``symnn.assignments``); raises UsageError
    pointing at the bad part."""
    from symnn.assignments import AssignmentError, parse_assignments

    try:
        return parse_assignments(text)
    except AssignmentError as exc:
        raise _pointed(f"--at: {exc.message}", text, exc.position) from None


def _pointed(message: str, text: str, position: int) -> UsageError:
    shown = "".join(c if c.isprintable() else "?" for c in text[:200])
    caret = " " * min(position, len(shown)) + "^"
    return UsageError(f"{message} (at position {position})\n" + textwrap.indent(f"{shown}\n{caret}", "  "))


def _free_name(preferred: str, taken: set[str]) -> str:
    name = preferred
    while name in taken:
        name += "_"
    return name


def _times(c: float, node):
    """c * node, without the trivial products a reader would not write (0·y, 1·y)."""
    if c == 0:
        return None
    if c == 1:
        return node
    return -node if c == -1 else c * node


def _wrap_loss(kind: str, y, t: float):
    if kind == "mse":
        return (y - t) ** 2
    if kind == "mae":
        return (y - t).abs()
    if kind == "rmse":
        return ((y - t) ** 2).sqrt()
    if kind == "bce":
        terms = [x for x in (_times(t, y.log()), _times(1 - t, (1 - y).log())) if x is not None]
        return -(terms[0] + terms[1]) if len(terms) == 2 else -terms[0]
    if kind == "bce_logits":
        ty = _times(t, y)
        return y.softplus() if ty is None else y.softplus() - ty
    if kind == "hinge":
        ty = _times(t, y)
        return (1 - ty).relu() if ty is not None else (y * 0 + 1).relu()
    raise UsageError(f"unknown loss {kind!r}")


def build(args: argparse.Namespace):
    """(output Scalar, leaf names) from the arguments, or UsageError for bad input."""
    from symnn.scalar import graph
    from symnn.symbolic.parser import ParseError, parse_tree

    try:
        tree = parse_tree(args.expression)
    except ParseError as exc:
        raise _pointed(exc.message, args.expression, exc.position) from None
    names = tree.names()
    values = parse_at(args.at)
    unknown = sorted(set(values) - names)
    if unknown:
        raise UsageError(
            f"--at gives {', '.join(unknown)}, which the expression does not use "
            f"(variables: {', '.join(sorted(names)) or 'none'})"
        )
    if args.wrt not in names:
        raise UsageError(
            f"--wrt {''.join(c if c.isprintable() else '?' for c in args.wrt)}: "
            "not a variable of the expression "
            f"(variables: {', '.join(sorted(names)) or 'none'})"
        )
    if args.target is not None and args.loss is None:
        raise UsageError("--target needs --loss (e.g. --loss mse --target 1)")
    if args.loss is not None and args.target is None:
        raise UsageError(f"--loss {args.loss} needs --target T")
    if args.target is not None and not math.isfinite(args.target):
        raise UsageError(f"--target must be a finite number, got {args.target}")
    if args.standalone and not args.latex:
        raise UsageError("--standalone needs --latex")
    if args.practice and (args.latex or args.json):
        raise UsageError("--practice asks questions in the terminal; it cannot be combined "
                         "with --latex or --json")
    try:
        out = graph(args.expression, **values)
    except ParseError as exc:
        raise _pointed(exc.message, args.expression, exc.position) from None
    if args.loss is None:
        if out.parents:
            out.named(_free_name("f", names))
        return out
    if out.parents:
        out.named(_free_name("yhat", names))
    return _wrap_loss(args.loss, out, args.target).named(_free_name("L", names | {"yhat"}))


def _finite(x: float | None) -> float | None:
    return x if x is not None and math.isfinite(x) else None


def run(args: argparse.Namespace) -> int:
    out = build(args)
    d = out.derivation(wrt=args.wrt)
    if args.practice:
        from symnn.commands._practice import run_practice

        return run_practice(d)
    gradient = None
    if out.value is not None:
        out.backward()
        gradient = out.leaves()[args.wrt].grad
        numbers = [out.value, gradient] + [s.product_value for s in d.steps]
        if not all(math.isfinite(v) for v in numbers):
            print(
                "symnn derive: warning: some numbers overflowed the range of floats (beyond "
                "±1.8e308) or are undefined, and show as inf or nan; the formulas are exact",
                file=sys.stderr,
            )
    if args.json:
        print(json.dumps(_as_json(args, out, d, gradient), ensure_ascii=False))
    elif args.latex:
        print(d.to_latex(standalone=args.standalone))
    else:
        from symnn.symbolic.printing import unicode

        print(d)
        print(f"\nIn the variables: ∂{d.output_symbol}/∂{args.wrt} = {unicode(out.derivative(args.wrt))}")
    return 0


def _as_json(args, out, d, gradient) -> dict:
    steps = [
        {
            "node": str(s.node_form),
            "parent": str(s.parent_form),
            "local": str(s.local),
            "upstream": str(s.upstream),
            "product": str(s.product),
            "local_value": _finite(s.local_value),
            "upstream_value": _finite(s.upstream_value),
            "product_value": _finite(s.product_value),
        }
        for s in d.steps
    ]
    result = {
        "expression": str(out.expr),
        "wrt": args.wrt,
        "derivative": str(out.derivative(args.wrt)),
        "latex": d.to_latex(),
        "value": _finite(out.value),
        "gradient": _finite(gradient),
        "steps": steps,
    }
    if d.definitions:
        result["definitions"] = {str(k): str(v) for k, v in d.definitions}
    if args.loss is not None:
        result["loss"] = args.loss
        result["target"] = args.target
    return result
