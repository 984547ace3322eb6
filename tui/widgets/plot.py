"""A terminal plot (textual-plotext) that shows a message instead of failing to draw."""

from __future__ import annotations

import math
from collections.abc import Iterable

from rich.text import Text
from textual.app import RenderResult
from textual_plotext import PlotextPlot

from tui.safety import describe


class Plot(PlotextPlot):
    """A PlotextPlot whose drawing errors (odd data, a tiny terminal) become a message."""

    def render(self) -> RenderResult:
        # Plotext applies a log scale to the stored data in place while building, so a second
        # build (a resize) took log10 of logs ("math domain error"): build from a copy then.
        monitor = self._plot.monitor
        logged = "log" in (*monitor.xscale, *monitor.yscale)
        saved = monitor.copy() if logged else None
        try:
            return super().render()
        except Exception as exc:
            return Text(f"(plot unavailable: {describe(exc)})", style="red")
        finally:
            if saved is not None:
                self._plot.monitor = saved

    def reset(self, title: str = "") -> None:
        """Clear data and decorations before a redraw."""
        self.plt.clear_data()
        self.plt.clear_figure()
        if title:
            self.plt.title(title)

    def whole_xticks(self, low: float, high: float, most: int = 5) -> None:
        """Label the x axis at whole numbers only (epochs, steps, layers): plotext's own
        labels split the range evenly and print 100.8 or 8.5 epochs."""
        ticks = whole_ticks(low, high, most)
        self.plt.xticks(ticks, [str(t) for t in ticks])

    def round_ticks(self, axis: str, values: Iterable[float], most: int = 5) -> None:
        """Label the ``axis`` ("x" or "y") at round numbers (steps of 1, 2 or 5 times a power
        of ten) inside the values' range: plotext's own labels split the range evenly and
        print -2.2 -1.1 -0.0 1.0 2.1."""
        values = [v for v in values if math.isfinite(v)]
        if values:
            ticks = round_ticks(min(values), max(values), most)
            if len(ticks) >= 2:
                (self.plt.xticks if axis == "x" else self.plt.yticks)(
                    ticks, [f"{t:g}" for t in ticks])

    def log_yticks(self, values: Iterable[float]) -> None:
        """Label a log y axis inside the values' range: at powers of ten (1e-06 ... 1e-01)
        when they span three decades or more, else at 1, 2 and 5 times a power of ten
        (0.1 0.2 0.5 1 2); plotext's own labels would print 0.000003 or only one label."""
        ticks, labels = log_ticks([v for v in values if v > 0 and math.isfinite(v)])
        if ticks:
            self.plt.yticks(ticks, labels)

    def log_yaxis(self, values: Iterable[float]) -> None:
        """A log y axis over the values with at least two labelled ticks: a range too narrow
        for two (one point, or values within a few percent) is widened around them."""
        low, high = log_range([v for v in values if v > 0 and math.isfinite(v)])
        if low > 0:
            ticks, labels = log_ticks([low, high])
            self.plt.ylim(math.log10(low), math.log10(high))  # plotext takes log units here
            self.plt.yticks(ticks, labels)


def whole_ticks(low: float, high: float, most: int = 5) -> list[int]:
    """At most ``most`` whole numbers between ``low`` and ``high``: the multiples of the
    smallest step 1, 2, 5, 10, 20, ... that fits, with ``low`` itself in front (the first
    epoch) when it sits more than half a step before the first multiple."""
    first, last = math.ceil(low), math.floor(high)
    size = 1
    while last > first:
        for step in (size, 2 * size, 5 * size):
            ticks = list(range(-(-first // step) * step, last + 1, step))
            if ticks[0] - first > step / 2:
                ticks.insert(0, first)
            if len(ticks) <= most:
                return ticks
        size *= 10
    return [first]


def log_ticks(values: list[float], most: int = 6) -> tuple[list[float], list[str]]:
    """Ticks and labels for a log axis over ``values`` (all positive), none outside their
    range: powers of ten when three or more fall inside, else the first of the 1-2-5, 1-3,
    1 and 1..9 multiples of powers of ten that gives two to ``most`` ticks; else none."""
    if not values:
        return [], []
    low, high = min(values), max(values)
    first, last = math.ceil(math.log10(low) - 1e-9), math.floor(math.log10(high) + 1e-9)
    if last - first >= 2:
        step = max(1, math.ceil((last - first + 1) / most))
        powers = range(first, last + 1, step)
        return [10.0 ** k for k in powers], [f"1e{k:+03d}" for k in powers]
    for multiples in ((1, 2, 5), (1, 3), (1,), tuple(range(1, 10))):
        ticks = [m * 10.0 ** k for k in range(first - 1, last + 1) for m in multiples
                 if low <= m * 10.0 ** k * (1 + 1e-9) and m * 10.0 ** k <= high * (1 + 1e-9)]
        if 2 <= len(ticks) <= most:
            return ticks, [f"{t:.3g}" for t in ticks]
    return [], []


def log_range(values: list[float]) -> tuple[float, float]:
    """The values' range (all positive), widened by equal factors on both sides until
    :func:`log_ticks` finds two round numbers inside; (0, 0) when there are no values."""
    if not values:
        return 0.0, 0.0
    low, high = min(values), max(values)
    while len(log_ticks([low, high])[0]) < 2:
        low, high = low / 1.25, high * 1.25
    return low, high


def round_ticks(low: float, high: float, most: int = 5) -> list[float]:
    """At most ``most`` round numbers between ``low`` and ``high``: the multiples of the
    smallest step 1, 2 or 5 times a power of ten that leaves no more than ``most``."""
    if not high > low:
        return [low + 0.0]
    size = 10.0 ** math.floor(math.log10((high - low) / most))
    for step in (size, 2 * size, 5 * size, 10 * size, 20 * size, 50 * size):
        first, last = math.ceil(low / step - 1e-9), math.floor(high / step + 1e-9)
        if last - first + 1 <= most:
            digits = max(0, -math.floor(math.log10(step)) + 1)
            return [round(i * step, digits) + 0.0 for i in range(first, last + 1)]
    return [low + 0.0, high + 0.0]
