"""A terminal plot (textual-plotext) that shows a message instead of failing to draw."""

from __future__ import annotations

from rich.text import Text
from textual.app import RenderResult
from textual_plotext import PlotextPlot

from tui.safety import describe


class Plot(PlotextPlot):
    """A PlotextPlot whose drawing errors (odd data, a tiny terminal) become a message."""

    def render(self) -> RenderResult:
        try:
            return super().render()
        except Exception as exc:
            return Text(f"(plot unavailable: {describe(exc)})", style="red")

    def reset(self, title: str = "") -> None:
        """Clear data and decorations before a redraw."""
        self.plt.clear_data()
        self.plt.clear_figure()
        if title:
            self.plt.title(title)
