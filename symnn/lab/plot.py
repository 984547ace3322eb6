"""Plots of optimizer runs: a contour map with trajectories (two variables) or the curve with
the visited points (one variable). Needs matplotlib (the ``plot`` extra); files are written
atomically, so a failed plot never leaves a half-written file."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from symnn._atomic_write import atomic_path
from symnn._install import install_hint
from symnn.lab.descend import Run

__all__ = ["plot_runs", "PlotUnavailable"]


class PlotUnavailable(RuntimeError):
    """matplotlib is not installed, or the run cannot be drawn (more than two variables)."""


def _figure():
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise PlotUnavailable(f"plotting needs matplotlib: {install_hint('plot')}") from exc
    fig = Figure(figsize=(6.4, 4.8), dpi=100)
    FigureCanvasAgg(fig)
    return fig


def _window(runs: list[Run]) -> tuple[tuple[float, float], ...]:
    """The surface's window, widened to include every (finite) visited point."""
    surf = runs[0].surface
    window = []
    for i, (lo, hi) in enumerate(surf.window):
        coords = np.concatenate([r.points[:, i] for r in runs])
        coords = coords[np.isfinite(coords)]
        lo, hi = min(lo, coords.min(initial=lo)), max(hi, coords.max(initial=hi))
        pad = 0.05 * (hi - lo or 1.0)
        window.append((lo - pad, hi + pad))
    return tuple(window)


def plot_runs(runs: Run | Iterable[Run], path: str | os.PathLike, title: str | None = None,
              labels: Iterable[str] | None = None) -> Path:
    """Draw runs on their (shared) surface and save to ``path`` (format from the suffix)."""
    runs = [runs] if isinstance(runs, Run) else list(runs)
    if not runs:
        raise ValueError("nothing to plot: no runs given")
    surf = runs[0].surface
    if surf.dim > 2:
        raise PlotUnavailable(f"cannot plot {surf.dim} variables; plots show 1 or 2")
    labels = list(labels) if labels is not None else [
        f"{r.optimizer} lr={r.lr:g} ({r.status})" for r in runs]
    fig = _figure()
    ax = fig.add_subplot(1, 1, 1)
    window = _window(runs)
    if surf.dim == 1:
        xs, ys = surf.grid(400, window)
        ax.plot(xs, ys, color="0.3", lw=1.5, label=f"f({surf.names[0]})")
        for run, label in zip(runs, labels):
            ax.plot(run.points[:, 0], run.losses, "o-", ms=3, lw=0.8, label=label)
        ax.set_xlabel(surf.names[0])
        ax.set_ylabel("loss")
    else:
        X, Y, Z = surf.grid(161, window)
        finite = Z[np.isfinite(Z)]
        lo = finite.min() if finite.size else 0.0
        if finite.size and lo >= 0 and finite.max() > 100 * (lo + 1e-12) + 1:
            levels = lo + np.geomspace(1e-3, finite.max() - lo + 1e-3, 30)  # log-spaced
        else:
            levels = 30
        ax.contour(X, Y, Z, levels=levels, cmap="viridis", linewidths=0.7)
        for run, label in zip(runs, labels):
            ax.plot(run.points[:, 0], run.points[:, 1], "o-", ms=2.5, lw=1, label=label)
        for m in surf.minima:
            ax.plot(m[0], m[1], "k*", ms=9)
        ax.set_xlabel(surf.names[0])
        ax.set_ylabel(surf.names[1])
    ax.set_title(title or f"{surf.name}")
    ax.legend(fontsize=8, loc="best")
    path = Path(path)
    suffix = path.suffix.lower().lstrip(".") or "png"
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format=suffix)
    return path
