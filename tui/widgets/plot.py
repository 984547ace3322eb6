"""A terminal plot (textual-plotext) that shows a message instead of failing to draw."""

from __future__ import annotations

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
