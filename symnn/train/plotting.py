"""Matplotlib plumbing shared by training-history and experiment plots: a headless figure written
atomically to a PNG. matplotlib is optional (the ``plot`` extra)."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from symnn._atomic_write import atomic_path
from symnn._install import install_hint

__all__ = ["figure", "require_matplotlib"]


def require_matplotlib():
    """Import matplotlib with the headless Agg backend, or explain how to install it."""
    try:
        import matplotlib
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise RuntimeError(f"plotting needs matplotlib: {install_hint('plot')}") from exc
    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


@contextmanager
def figure(path: str, ncols: int = 1, nrows: int = 1, title: str | None = None) -> Iterator:
    """Yield ``(fig, axes)`` (axes flattened to a list) and save the figure to ``path``.

    The PNG is written to a temporary file in the same directory and renamed, so a failed
    plot never leaves a half-written file behind."""
    plt = require_matplotlib()
    fig, axes = plt.subplots(nrows, ncols, figsize=(5.2 * ncols, 3.9 * nrows), squeeze=False)
    try:
        yield fig, list(axes.ravel())
        if title:
            fig.suptitle(title)
        fig.tight_layout()
        with atomic_path(path) as tmp:
            fig.savefig(tmp, dpi=110, format="png")
    finally:
        plt.close(fig)
