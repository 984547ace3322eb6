"""``symnn gradcheck MODULE:FUNCTION [--json]``: check a function's gradient from the shell.

Convention: ``MODULE:FUNCTION`` names a zero-argument callable that returns ``(fn, inputs)``,
exactly what ``sn.testing.gradcheck(fn, inputs)`` takes. MODULE is a dotted module name
importable from the current directory (``mypkg.checks``) or a path to a ``.py`` file
(``tests/checks.py``). The module is imported (its code runs, as pytest runs a test file);
the text on the command line itself is never evaluated.

Exit status: 0 when the gradients agree, 1 when they do not (the report lists the worst
elements; a backward that raises counts as disagreeing), 2 for bad input (a missing module
or function, a wrong return value, float32 inputs, a function that raises).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.util
import json
import math
import sys
from pathlib import Path
from typing import Any

from symnn.cli import UsageError

HELP = "check a function's analytic gradient against finite differences (MODULE:FUNCTION)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "target",
        metavar="MODULE:FUNCTION",
        help="a zero-argument function returning (fn, inputs); MODULE is a dotted module "
        "name or a path to a .py file",
    )
    parser.add_argument("--eps", type=float, default=1e-6, help="finite-difference step")
    parser.add_argument("--atol", type=float, default=1e-5, help="absolute tolerance")
    parser.add_argument("--rtol", type=float, default=1e-3, help="relative tolerance")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def _load_module(spec: str) -> Any:
    """Import a ``.py`` path or a dotted module name (the current directory searched first)."""
    if spec.endswith(".py") or "/" in spec or "\\" in spec:
        path = Path(spec)
        if not path.is_file():
            raise UsageError(f"no such file: {spec}")
        module_spec = importlib.util.spec_from_file_location(path.stem, path)
        if module_spec is None or module_spec.loader is None:
            raise UsageError(f"cannot import {spec} as a Python module")
        module = importlib.util.module_from_spec(module_spec)
        folder = str(path.resolve().parent)
        sys.path.insert(0, folder)
        try:
            module_spec.loader.exec_module(module)
        except Exception as exc:
            raise UsageError(f"importing {spec} failed: {type(exc).__name__}: {exc}") from None
        finally:
            if folder in sys.path:
                sys.path.remove(folder)
        return module
    folder = str(Path.cwd())
    sys.path.insert(0, folder)
    try:
        return importlib.import_module(spec)
    except ModuleNotFoundError as exc:
        if exc.name and spec.startswith(exc.name):
            raise UsageError(
                f"no module named {spec!r} (looked on the Python path and in the current "
                f"directory; a file path ending in .py works too)"
            ) from None
        raise UsageError(f"importing {spec} failed: {exc}") from None
    except Exception as exc:
        raise UsageError(f"importing {spec} failed: {type(exc).__name__}: {exc}") from None
    finally:
        if folder in sys.path:
            sys.path.remove(folder)


def resolve(target: str) -> tuple[Any, Any]:
    """Import MODULE, call FUNCTION(), and return its ``(fn, inputs)`` pair."""
    module_name, sep, func_name = target.rpartition(":")
    if not sep or not module_name or not func_name:
        raise UsageError(
            f"expected MODULE:FUNCTION (e.g. mychecks:cube_check or checks.py:cube_check), "
            f"got {target!r}"
        )
    if not func_name.isidentifier():
        raise UsageError(f"{func_name!r} is not a Python function name")
    module = _load_module(module_name)
    factory = getattr(module, func_name, None)
    if factory is None:
        raise UsageError(f"module {module_name!r} has no attribute {func_name!r}")
    if not callable(factory):
        raise UsageError(f"{target} is a {type(factory).__name__}, not a function")
    try:
        result = factory()
    except TypeError as exc:
        raise UsageError(
            f"calling {target}() failed: {exc}; it must take no arguments and return "
            f"(fn, inputs)"
        ) from None
    except Exception as exc:
        raise UsageError(f"calling {target}() raised {type(exc).__name__}: {exc}") from None
    except SystemExit as exc:
        raise UsageError(f"calling {target}() called sys.exit({exc.code!r})") from None
    if not (isinstance(result, tuple) and len(result) == 2 and callable(result[0])):
        raise UsageError(
            f"{target}() must return a pair (fn, inputs) with fn callable, got "
            f"{type(result).__name__}"
        )
    return result


def _json_safe(value: Any) -> Any:
    """NaN and infinities become null, so the output is standard JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    return value


def run(args: argparse.Namespace) -> int:
    for name in ("atol", "rtol"):
        value = getattr(args, name)
        if not (math.isfinite(value) and value >= 0):
            raise UsageError(f"--{name} must be a finite number >= 0, got {value}")
    # the user's module may print: its output goes to stderr, so stdout holds only the report
    # (with --json exactly one JSON object)
    with contextlib.redirect_stdout(sys.stderr):
        text, status = _check(args)
    print(text)
    return status


def _check(args: argparse.Namespace) -> tuple[str, int]:
    """Import and run the check; (the report to print, exit status)."""
    from symnn.testing.gradcheck import GradcheckError, gradient_report

    fn, inputs = resolve(args.target)
    try:
        report = gradient_report(fn, inputs, eps=args.eps, atol=args.atol, rtol=args.rtol)
    except GradcheckError as exc:  # a structural failure such as a wrongly shaped gradient
        if args.json:
            return json.dumps({"target": args.target, "ok": False, "message": str(exc)}), 1
        return f"{args.target}: {exc}", 1
    except (TypeError, ValueError) as exc:
        raise UsageError(str(exc).removeprefix("gradcheck: ")) from None
    except Exception as exc:  # the function under check raised
        raise UsageError(
            f"the function returned by {args.target}() raised {type(exc).__name__}: {exc}"
        ) from None
    status = 0 if report.ok else 1
    if args.json:
        return json.dumps(_json_safe({"target": args.target, **report.as_dict()})), status
    return f"{args.target}: {report.message()}", status
