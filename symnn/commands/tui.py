"""`symnn tui [SCREEN]`: open the terminal app (also what `symnn` alone does)."""

from __future__ import annotations

import argparse

from symnn.cli import UsageError

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
    from tui.app import run as run_app  # Textual only now, so `import symnn` stays light

    return run_app(start)
