"""The result of an experiment: its numbers over all seeds, a readable summary, the claims'
verdicts, and plot panels."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from symnn.experiments.claims import ClaimResult
from symnn.train.history import jsonable

__all__ = ["Panel", "ExperimentResult"]


@dataclass
class Panel:
    """One subplot: named series of (x, y) points, drawn as lines or as bars (one bar per
    series, its y values' last entry), optionally with a logarithmic y axis."""

    title: str
    xlabel: str
    ylabel: str
    series: dict[str, tuple[list[float], list[float]]] = field(default_factory=dict)
    kind: str = "line"
    logy: bool = False

    def draw(self, ax) -> None:
        if self.kind == "bar":
            names = list(self.series)
            values = [self.series[k][1][-1] for k in names]
            ax.bar(range(len(names)), values, color=[f"C{i}" for i in range(len(names))])
            ax.set_xticks(range(len(names)), names, rotation=30, ha="right")
        else:
            for label, (xs, ys) in self.series.items():
                ax.plot(xs, ys, label=label, marker="o" if len(xs) <= 12 else None)
            if len(self.series) > 1:
                ax.legend(fontsize=8)
        if self.logy:
            ax.set_yscale("log")
        ax.set(title=self.title, xlabel=self.xlabel, ylabel=self.ylabel)


@dataclass
class ExperimentResult:
    """What an experiment measured over its seeds.

    ``numbers`` holds ``seeds``, the ``mean`` and ``std`` of every numeric leaf over the seeds
    and the per-seed ``runs`` (JSON-ready); ``summary`` the lines printed for a reader (the
    setup, the mean ± std table, the claims with their verdicts); ``claims`` each claim's
    verdict with its per-seed evidence; ``panels`` what ``plot`` draws.
    """

    name: str
    title: str
    numbers: dict[str, Any]
    summary: list[str]
    panels: list[Panel] = field(default_factory=list)
    seconds: float = 0.0
    claims: list[ClaimResult] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join([self.title, "=" * len(self.title), *self.summary])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: name, title, numbers, summary, claims, seconds and the plotted curves."""
        curves = {p.title: {k: {"x": list(v[0]), "y": list(v[1])} for k, v in p.series.items()}
                  for p in self.panels}
        return jsonable({"name": self.name, "title": self.title, "numbers": self.numbers,
                          "summary": self.summary, "claims": [c.to_dict() for c in self.claims],
                          "seconds": self.seconds, "curves": curves})

    @property
    def all_hold(self) -> bool:
        """True when every claim held on every seed."""
        return all(c.holds for c in self.claims)

    def plot(self, path: str) -> str:
        """Draw the panels side by side into a PNG at ``path`` (needs matplotlib)."""
        from symnn.train.plotting import figure

        n = max(len(self.panels), 1)
        ncols = min(n, 3)
        nrows = math.ceil(n / ncols)
        with figure(path, ncols=ncols, nrows=nrows, title=self.title) as (fig, axes):
            for panel, ax in zip(self.panels, axes):
                panel.draw(ax)
            for ax in axes[len(self.panels):]:
                ax.axis("off")
        return path
