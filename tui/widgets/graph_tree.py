"""The computation graph as a tree whose left/right keys belong to the screen (stepping)."""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import Tree


class GraphTree(Tree):
    """A Tree that leaves left/right to the screen: there they step through the passes."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("scroll_left", "scroll_right"):
            return False  # the key goes on to the screen's bindings
        return super().check_action(action, parameters)

    def render_line(self, y: int) -> Strip:
        """A line cut at the panel's right edge ends in "…", so a cut number (∂L = -0.0461
        for -0.0461662) never reads as a whole one."""
        strip = super().render_line(y)
        width = self.scrollable_content_region.width  # the line may run under the scrollbar
        try:  # the whole line, uncut (Tree caches it; the public render_line crops it)
            scroll_x, scroll_y = self.scroll_offset
            whole = self._render_line(y + scroll_y, scroll_x, scroll_x + 100_000,
                                      self.rich_style).text.rstrip()
        except Exception:
            whole = strip.text.rstrip()
        if width >= 2 and len(whole) > width:
            style = next((seg.style for seg in reversed(list(strip.crop(0, width)))
                          if seg.text), None)
            strip = Strip([*strip.crop(0, width - 1), Segment("…", style)], width)
        return strip
