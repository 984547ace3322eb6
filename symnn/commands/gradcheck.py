"""``symnn gradcheck MODULE:FUNCTION [--json]``: check a function's gradient from the shell.

Convention: ``MODULE:FUNCTION`` names a zero-argument callable that returns ``(fn, inputs)``,
exactly what ``sn.testing.gradcheck(fn, inputs)`` takes. MODULE is a dotted module name
importable from the current directory (``mypkg.checks``) or a path to a ``.py`` file
(``tests/checks.py``).

This runs user code: the module is imported and the function called, as pytest runs a test
file (the text on the command line itself is never evaluated). It runs in a child Python
process with standard input closed and ``breakpoint()`` disabled, so whatever it does (exit,
``os.abort()``, a crash in an extension, a debugger prompt, waiting for input) the command
reports it on stderr with exit status 2 instead of dying, hanging or dropping into pdb; what
the code prints goes to stderr, so stdout holds only the report. Python's own modules
(``os``, ``sys``, ``builtins``, ...) are refused as targets: they hold no checks.

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
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from symnn.commands import UsageError

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
    parser.epilog = ("This runs your code, as pytest does: MODULE is imported and FUNCTION "
                     "called, in a child process, so a debugger, sys.exit or os.abort in it is "
                     "reported as an error instead of taking over symnn. Name only code you "
                     "trust.")


# modules whose functions are never checks, several of which would stop or take over the
# process (os.abort, os._exit, sys.exit, breakpoint, pdb.set_trace, input)
NOT_CHECKS = frozenset({"builtins", "os", "posix", "nt", "sys", "pdb", "bdb", "signal",
                        "subprocess", "shutil", "ctypes", "code", "faulthandler", "threading",
                        "multiprocessing", "_thread"})


def _guarded(what: str, call: Any) -> Any:
    """``call()``, with anything it raises or any attempt to leave (sys.exit, ctrl-c) turned
    into a UsageError naming ``what``."""
    try:
        return call()
    except UsageError:
        raise
    except (Exception, SystemExit, KeyboardInterrupt) as exc:
        raise _usage_error(what, exc) from None


def _usage_error(what: str, exc: BaseException) -> UsageError:
    if isinstance(exc, SystemExit):
        return UsageError(f"{what} called sys.exit({exc.code!r})")
    return UsageError(f"{what} raised {type(exc).__name__}: {exc}")


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
            _guarded(f"importing {spec}", lambda: module_spec.loader.exec_module(module))
        finally:
            if folder in sys.path:
                sys.path.remove(folder)
        return module
    if spec.split(".")[0] in NOT_CHECKS or spec in sys.builtin_module_names:
        raise UsageError(f"{spec!r} is one of Python's own modules, not a module of checks; "
                         "name your own file (checks.py:cube) or module (mypkg.checks:cube)")
    folder = str(Path.cwd())
    sys.path.insert(0, folder)
    try:
        return _guarded(f"importing {spec}", lambda: _import(spec))
    finally:
        if folder in sys.path:
            sys.path.remove(folder)


def _import(spec: str) -> Any:
    try:
        return importlib.import_module(spec)
    except ModuleNotFoundError as exc:
        if exc.name and spec.startswith(exc.name):
            raise UsageError(
                f"no module named {spec!r} (looked on the Python path and in the current "
                f"directory; a file path ending in .py works too)"
            ) from None
        raise


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
        result = _guarded(f"calling {target}()", factory)
    except UsageError as exc:
        if "raised TypeError" not in str(exc):
            raise
        raise UsageError(f"{exc}; it must take no arguments and return (fn, inputs)") from None
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
    if not (math.isfinite(args.eps) and args.eps > 0):
        raise UsageError(f"--eps must be a finite number > 0, got {args.eps}")
    for name in ("atol", "rtol"):
        value = getattr(args, name)
        if not (math.isfinite(value) and value >= 0):
            raise UsageError(f"--{name} must be a finite number >= 0, got {value}")
    result = _run_in_child(args)
    if "error" in result:
        raise UsageError(result["error"])
    print(result["text"])
    return int(result["status"])


def _run_in_child(args: argparse.Namespace) -> dict:
    """Run ``_check`` in a child Python process and return what it reported: the report text
    and exit status, or the error. What the user's code prints is passed on to stderr."""
    import symnn

    root = str(Path(symnn.__file__).resolve().parents[1])  # this symnn, whatever the path
    env = dict(os.environ, PYTHONBREAKPOINT="0",
               PYTHONPATH=os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])))
    fd, result_path = tempfile.mkstemp(prefix="symnn-gradcheck-", suffix=".json")
    os.close(fd)
    try:
        child = subprocess.run(
            [sys.executable, "-c", "from symnn.commands.gradcheck import child_main; child_main()",
             result_path, json.dumps({"target": args.target, "eps": args.eps,
                                      "atol": args.atol, "rtol": args.rtol, "json": args.json})],
            stdin=subprocess.DEVNULL, capture_output=True, text=True, errors="replace", env=env)
        printed = child.stdout + child.stderr
        sys.stderr.write(printed + ("\n" if printed and not printed.endswith("\n") else ""))
        with open(result_path, encoding="utf-8") as fh:
            text = fh.read()
    finally:
        os.unlink(result_path)
    if text:
        return json.loads(text)
    if child.returncode < 0:
        name = signal.Signals(-child.returncode).name
        return {"error": f"checking {args.target} stopped the process with {name} (os.abort(), "
                         "a crash in compiled code, or a kill) before it could report"}
    return {"error": f"checking {args.target} ended the process (exit status "
                     f"{child.returncode}, as os._exit does) before it could report"}


def child_main() -> None:
    """The child process: ``argv`` holds the result file and the options as JSON."""
    result_path, options = sys.argv[1], json.loads(sys.argv[2])
    sys.breakpointhook = lambda *args, **kwargs: None  # breakpoint() does nothing here
    try:
        with contextlib.redirect_stdout(sys.stderr):  # stdout is for the report only
            text, status = _check(argparse.Namespace(**options))
        result = {"text": text, "status": status}
    except UsageError as exc:
        result = {"error": str(exc)}
    with open(result_path, "w", encoding="utf-8") as fh:
        json.dump(result, fh)


def _check(args: argparse.Namespace) -> tuple[str, int]:
    """Import and run the check; (the report to print, exit status)."""
    from symnn.testing.finite_differences import GradcheckError, gradient_report

    fn, inputs = resolve(args.target)
    try:
        report = gradient_report(fn, inputs, eps=args.eps, atol=args.atol, rtol=args.rtol)
    except GradcheckError as exc:  # a structural failure such as a wrongly shaped gradient
        if args.json:
            return json.dumps({"target": args.target, "ok": False, "message": str(exc)}), 1
        return f"{args.target}: {exc}", 1
    except (TypeError, ValueError) as exc:
        raise UsageError(str(exc).removeprefix("gradcheck: ")) from None
    except (Exception, SystemExit, KeyboardInterrupt) as exc:  # the function under check
        raise _usage_error(f"the function returned by {args.target}()", exc) from None
    status = 0 if report.ok else 1
    if args.json:
        return json.dumps(_json_safe({"target": args.target, **report.as_dict()})), status
    return f"{args.target}: {report.message()}", status
