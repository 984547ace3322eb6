"""The ``symnn`` command: with no arguments it opens the terminal app; subcommands print
derivations, convexity verdicts, optimizer runs, training results and gradient checks.

Each subcommand lives in its own module under ``symnn.commands`` and provides ``HELP`` (one
line), ``add_arguments(parser)`` and ``run(args) -> int``. Bad input is reported on stderr
with exit status 2 and nothing on stdout.
"""

from __future__ import annotations

import argparse
import importlib
import io
import os
import sys
import textwrap
from collections.abc import Sequence

from symnn import __version__
from symnn.commands import UsageError

# subcommand -> module implementing it (imported only when the command line is parsed)
COMMANDS: dict[str, str] = {
    "derive": "symnn.commands.derive",
    "convexity": "symnn.commands.convexity",
    "optimize": "symnn.commands.optimize",
    "train": "symnn.commands.train",
    "experiment": "symnn.commands.experiment",
    "gradcheck": "symnn.commands.gradcheck",
    "tui": "symnn.commands.tui",
}

EXIT_BAD_INPUT = 2
EXIT_INTERNAL_ERROR = 70  # EX_SOFTWARE from sysexits.h


class _HelpFormatter(argparse.HelpFormatter):
    """``--help`` shows each option's default and every accepted choice, unless its help
    text already says them, and never breaks a line inside a hyphenated name (lr-schedules)."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        return textwrap.wrap(" ".join(text.split()), width, break_on_hyphens=False)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return textwrap.fill(" ".join(text.split()), width, initial_indent=indent,
                             subsequent_indent=indent, break_on_hyphens=False)

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if action.choices is not None and not all(str(c) in text for c in action.choices):
            text += " (one of: " + ", ".join(map(str, action.choices)) + ")"
        default = action.default
        trivial = (default is None or default is False or default is argparse.SUPPRESS
                   or (isinstance(default, (str, list)) and not default))
        if action.option_strings and not trivial and "default" not in text:
            text += " (default: %(default)s)"
        return text


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own errors: same contract
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")

    def _parse_optional(self, arg_string):  # type: ignore[no-untyped-def]
        # Every symnn option is long (--wrt) except -h, so a single-dash word that is not an
        # option is a value: EXPR "-x^2" or "-log(x)", --start -1,2, --at "-..." (argparse
        # would otherwise take it for an unknown option and report EXPR as missing).
        if (arg_string.startswith("-") and not arg_string.startswith("--")
                and len(arg_string) > 1 and arg_string not in self._option_string_actions):
            return None
        return super()._parse_optional(arg_string)


def _load(name: str):
    try:
        return importlib.import_module(COMMANDS[name])
    except ModuleNotFoundError as exc:
        if exc.name == COMMANDS[name]:
            return None
        raise


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The ``symnn`` parser with every subcommand, or only the one named ``only`` (what a
    command line naming it needs: the other commands' modules are not imported, so
    `symnn` and `symnn tui` start without NumPy and the training stack)."""
    parser = _Parser(
        prog="symnn",
        description="The mathematics of neural networks, visible and checkable. "
        "Run without arguments to open the terminal app.",
    )
    parser.add_argument("--version", action="version", version=f"symnn {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS if only is None else [only]:
        module = _load(name)
        if module is None:
            continue
        p = sub.add_parser(name, help=module.HELP, description=module.HELP,
                           formatter_class=_HelpFormatter)
        module.add_arguments(p)
        p.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    typed_alone = not argv
    if typed_alone:
        if _load("tui") is None:
            build_parser().print_help()
            return 0
        argv = ["tui"]
    parser = build_parser(only=argv[0] if argv[0] in COMMANDS else None)
    args = parser.parse_args(argv)
    args._typed = " ".join(["symnn", *([] if typed_alone else argv)])  # for messages
    if getattr(args, "_run", None) is None:
        parser.print_help()
        return 0
    try:
        return int(args._run(args) or 0)
    except UsageError as exc:
        print(f"symnn {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (`symnn ... | head`): stop quietly
        _silence_stdout()
        return 141
    except Exception as exc:  # a bug in symnn, not bad input: one line, traceback on request
        if os.environ.get("SYMNN_DEBUG"):
            raise
        print(
            f"symnn {args.command}: internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in symnn; run again with SYMNN_DEBUG=1 to see the traceback.",
            file=sys.stderr,
        )
        return EXIT_INTERNAL_ERROR


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass


if __name__ == "__main__":
    sys.exit(main())
