"""Running a lesson over several seeds: every numeric leaf of the seeds' numbers as mean and
standard deviation, and the table of each variant's numbers as ``mean ± std``.

A lesson's ``run_seed`` returns a nested dict of JSON-ready numbers. Its ``"variants"`` entry,
when present, maps each variant (``"none"``, ``"dropout 0.5"``, ...) to its scalar numbers;
those become the rows of the printed table.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Real
from typing import Any

import numpy as np

__all__ = ["aggregate", "variant_cells", "variant_table", "format_mean_std", "seed_range"]


def _is_number(v: Any) -> bool:
    return isinstance(v, Real) and not isinstance(v, (bool, np.bool_))


def aggregate(runs: Sequence[Any]) -> tuple[Any, Any] | None:
    """``(mean, std)`` trees over the seeds' values: numbers become their mean and population
    standard deviation, equal-length lists of numbers their element-wise mean and std, dicts
    are aggregated key by key (keys present in every seed). Anything else (text, flags, None,
    lists of different lengths) has no mean: ``None`` (left out of the trees)."""
    first = runs[0]
    if all(_is_number(r) for r in runs):
        mean, std = _mean_std(np.asarray(runs, dtype=float)[:, None])
        return float(mean[0]), float(std[0])
    if isinstance(first, dict) and all(isinstance(r, dict) for r in runs):
        mean, std = {}, {}
        for key in first:
            if all(key in r for r in runs):
                pair = aggregate([r[key] for r in runs])
                if pair is not None:
                    mean[key], std[key] = pair
        return (mean, std) if mean else None
    if (isinstance(first, list) and first and all(isinstance(r, list) and len(r) == len(first)
                                                  for r in runs)
            and all(_is_number(v) for r in runs for v in r)):
        mean, std = _mean_std(np.asarray(runs, dtype=float))
        return mean.tolist(), std.tolist()
    return None


def _mean_std(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and population std of each column over the rows (the seeds), without overflow
    or warnings: a column holding inf or nan on some seed has that mean (inf, -inf, or nan
    when both signs or a nan occur) and std nan; finite columns are first divided by a
    power of two near their largest magnitude (exact), so numbers near the float limit
    (1e308) do not overflow."""
    mean = np.full(values.shape[1], np.nan)
    std = np.full(values.shape[1], np.nan)
    finite = np.isfinite(values).all(axis=0)
    for sign in (np.inf, -np.inf):
        only = ~finite & (values == sign).any(axis=0) & ~(values == -sign).any(axis=0)
        mean[only & ~np.isnan(values).any(axis=0)] = sign
    scale = np.ldexp(1.0, np.frexp(np.abs(values[:, finite]).max(axis=0, initial=0.0))[1] - 1)
    scaled = values[:, finite] / scale
    mean[finite] = scaled.mean(axis=0) * scale
    std[finite] = scaled.std(axis=0) * scale
    return mean, std


def format_mean_std(mean: float, std: float, integer: bool = False) -> str:
    """``0.912 ± 0.011``; counts (``integer``) as ``12`` or ``12.4 ± 1.2``; very large or
    small numbers in scientific notation; a mean that is not finite (some seed gave inf or
    nan) as ``inf (on some seed)``."""
    if not math.isfinite(mean):
        return f"{mean} (on some seed)"
    if not math.isfinite(std):
        return f"{mean:.3g} ± {std:.2g}"
    if integer:
        return f"{int(mean)}" if std == 0 else f"{mean:.1f} ± {std:.1f}"
    if mean != 0 and (abs(mean) >= 1e4 or abs(mean) < 1e-3):
        return f"{mean:.2e} ± {std:.1e}"
    return f"{mean:.3f} ± {std:.3f}"


def variant_cells(runs: Sequence[dict[str, Any]]) -> tuple[list[str], dict[str, list[str]]]:
    """The table of the runs' ``variants``: the column headers and, per variant, each scalar
    number as ``mean ± std`` over the seeds (no columns when the lesson reports no variants)."""
    if not runs or "variants" not in runs[0]:
        return [], {}
    pair = aggregate([r["variants"] for r in runs])
    if pair is None:
        return [], {}
    mean, std = pair
    columns: list[str] = []
    for row in mean.values():
        columns += [k for k, v in row.items() if isinstance(v, float) and k not in columns]
    counts = {c for c in columns if all(isinstance(v.get(c, 0), int) for r in runs
                                        for v in r["variants"].values())}
    cells = {name: [format_mean_std(row[c], std[name][c], c in counts) if c in row else "-"
                    for c in columns] for name, row in mean.items()}
    return [c.replace("_", " ") for c in columns], cells


def variant_table(runs: Sequence[dict[str, Any]]) -> list[str]:
    """The ``variants`` of the runs as text rows: one variant a line, each scalar number as
    ``mean ± std`` over the seeds (empty when the lesson reports no variants)."""
    headers, cells = variant_cells(runs)
    if not cells:
        return []
    first = max(len("variant"), *(len(n) for n in cells))
    widths = [max(len(h), *(len(row[i]) for row in cells.values())) for i, h in enumerate(headers)]
    lines = ["  " + "variant".ljust(first) + "".join(f"  {h:>{w}}" for h, w in zip(headers, widths))]
    for name, row in cells.items():
        lines.append("  " + name.ljust(first) + "".join(f"  {c:>{w}}" for c, w in zip(row, widths)))
    return lines


def seed_range(seeds: Sequence[int]) -> str:
    """``seeds 0-4`` for a consecutive run, else ``seeds 0, 3, 7``."""
    seeds = list(seeds)
    if len(seeds) == 1:
        return f"seed {seeds[0]}"
    if seeds == list(range(seeds[0], seeds[0] + len(seeds))):
        return f"seeds {seeds[0]}-{seeds[-1]}"
    return "seeds " + ", ".join(map(str, seeds))
