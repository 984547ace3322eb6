"""The README's lesson tables, written from the lessons themselves.

``python -m symnn.experiments.table`` prints the claims table (what each lesson claims; no
running needed); ``--measure`` runs every lesson on its default seeds and prints the measured
table (each claim's verdict and the numbers that decide it, mean ± std over the seeds);
``--write README.md`` replaces the text between the README's markers with them.
"""

from __future__ import annotations

import argparse
import platform
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from symnn.experiments.result import ExperimentResult

__all__ = ["claims_table", "measured_table", "replace_block", "CLAIMS_MARKERS",
           "MEASURED_MARKERS"]

CLAIMS_MARKERS = ("<!-- lessons-claims:begin -->", "<!-- lessons-claims:end -->")
MEASURED_MARKERS = ("<!-- lessons-measured:begin -->", "<!-- lessons-measured:end -->")


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def claims_table() -> str:
    """One row per lesson: its name, its description and its claims."""
    from symnn import experiments as E

    rows = ["| lesson | what it shows | claims (each checked on seeds 0-4) |", "|---|---|---|"]
    for name in E.names():
        claims = "<br>".join(f"{i}. {_cell(c)}" for i, c in enumerate(E.claims_of(name), 1))
        rows.append(f"| `{name}` | {_cell(E.describe(name))} | {claims} |")
    return "\n".join(rows)


def _evidence(result: ExperimentResult, index: int) -> str:
    """The numeric evidence of one claim as mean ± std over the seeds (lists of numbers as
    their element-wise means)."""
    from symnn.experiments.seeds import format_mean_std

    from symnn.experiments.seeds import aggregate

    evidence = result.claims[index].evidence
    parts = []
    for key in evidence[0]:
        pair = None if key in ("seed", "holds") else aggregate([e.get(key) for e in evidence])
        if pair is None:
            continue
        mean, std = pair
        if isinstance(mean, list):
            shown = "[" + ", ".join(f"{m:.3g}" for m in mean) + "] (means)"
        else:
            shown = format_mean_std(mean, std)
        parts.append(f"{key} {shown}")
    return "; ".join(parts)


def measured_table(results: Sequence[ExperimentResult]) -> str:
    """Each lesson's claims with their verdicts and numeric evidence (mean ± std)."""
    from symnn.experiments.seeds import seed_range

    rows = ["| lesson | claim | verdict | evidence, mean ± std over the seeds |", "|---|---|---|---|"]
    for result in results:
        seeds = seed_range(result.numbers["seeds"])
        for i, claim in enumerate(result.claims):
            rows.append(f"| `{result.name}` | {_cell(claim.text)} | {claim.verdict()} ({seeds}) "
                        f"| {_cell(_evidence(result, i))} |")
    return "\n".join(rows)


def machine() -> str:
    """A line naming where the measured table was made."""
    import numpy as np

    return (f"Measured with `python -m symnn.experiments.table --measure` on {platform.machine()}, "
            f"Python {platform.python_version()}, NumPy {np.__version__}; the numbers depend on "
            "the machine (its BLAS rounds differently), the verdicts must not.")


def replace_block(text: str, markers: tuple[str, str], content: str) -> str:
    """``text`` with the part between the two markers replaced by ``content``."""
    begin, end = markers
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.DOTALL)
    if not pattern.search(text):
        raise ValueError(f"markers {begin} ... {end} not found")
    return pattern.sub(lambda _: f"{begin}\n{content}\n{end}", text, count=1)


def block(text: str, markers: tuple[str, str]) -> str:
    """The content between the two markers of ``text``."""
    begin, end = markers
    start = text.index(begin) + len(begin)
    return text[start:text.index(end, start)].strip("\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m symnn.experiments.table",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--measure", action="store_true",
                        help="run every lesson and add the measured table")
    parser.add_argument("--write", metavar="README", help="replace the tables in this file")
    args = parser.parse_args(argv)
    from symnn import experiments as E

    tables: dict[tuple[str, str], str] = {CLAIMS_MARKERS: claims_table()}
    if args.measure:
        results: list[Any] = [E.run(name) for name in E.names()]
        tables[MEASURED_MARKERS] = machine() + "\n\n" + measured_table(results)
    if args.write:
        path = Path(args.write)
        text = path.read_text(encoding="utf-8")
        for markers, content in tables.items():
            text = replace_block(text, markers, content)
        path.write_text(text, encoding="utf-8")
    else:
        print("\n\n".join(tables.values()))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
