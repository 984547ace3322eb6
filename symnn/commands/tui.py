"""`symnn tui [SCREEN]`: open the terminal app (also what `symnn` alone does).

The app needs a terminal on standard input and output: piped or redirected (`symnn | cat`,
a cron job), it would write escape codes nobody can read, so the command says so in one line
naming what was typed (`symnn`, `symnn tui layers`) and exits with status 2 instead.
"""

from __future__ import annotations

import argparse
import sys

from symnn.commands import UsageError

from tui.registry import SCREENS, lookup  # a plain table: no Textual import

SCREEN_NAMES = tuple(info.name for info in SCREENS)
KEYS = f"{SCREENS[0].key}-{SCREENS[-1].key}"

HELP = "open the terminal app (screens: " + ", ".join(SCREEN_NAMES) + ")"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "screen", nargs="?", default=None, metavar="SCREEN",
        help="screen to open first: a name (" + ", ".join(SCREEN_NAMES) + ") or its key " + KEYS,
    )


def run(args: argparse.Namespace) -> int:
    start = None
    if args.screen is not None:
        info = lookup(args.screen)
        if info is None:
            raise UsageError(
                f"unknown screen {args.screen!r}; choose one of {', '.join(SCREEN_NAMES)} or {KEYS}"
            )
        start = info.name
    not_a_terminal = _not_a_terminal()
    if not_a_terminal:
        typed = getattr(args, "_typed", "symnn tui")
        print(f"{typed}: the terminal app needs a terminal, and {not_a_terminal} is not one; "
              f"run `{typed}` in a terminal, or see `symnn --help` for the command-line tools",
              file=sys.stderr)
        return 2  # the status of any bad input (symnn.cli.EXIT_BAD_INPUT)
    import gc

    # No cycle collections while Textual and SymPy load (about 12% of the start-up's CPU
    # time); the app freezes what start-up made and turns collection back on when its first
    # screen is ready.
    gc.disable()
    from tui.app import run as run_app  # Textual only now, so `import symnn` stays light

    return run_app(start)


def _not_a_terminal() -> str | None:
    """The first of standard output and input that is not a terminal, or None."""
    for name, stream in (("standard output", sys.stdout), ("standard input", sys.stdin)):
        try:
            if stream is None or not stream.isatty():
                return name
        except (AttributeError, ValueError):  # closed, or replaced by an object without it
            return name
    return None
