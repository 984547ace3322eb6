"""The computation graph as an indented tree of lines, output at the top.

Each node's line is rendered once and kept until its label changes, so a step key that
changes two or three labels redraws two or three lines, not the whole tree (a 300-node graph
would otherwise cost tens of milliseconds per key). Left/right belong to the screen, where
they step through the passes. A label may come with shorter forms (numbers to fewer digits),
the first that fits the panel is drawn; a line still cut at the panel's edge ends in
"…", so a cut number never reads as a whole one.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence

from rich.segment import Segment
from rich.text import Text
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

#: beyond this many lines a shared sub-graph is drawn once, later uses point back to it
MAX_LINES = 400


class GraphView(ScrollView, can_focus=True):
    """An indented tree of a graph (``show``), whose node labels are set one by one."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._lines: list[tuple[str, Hashable, bool]] = []  # guide prefix, node, repeat
        self._rows: dict[Hashable, list[int]] = {}
        self._labels: dict[Hashable, Text] = {}
        self._shorter: dict[Hashable, tuple[Text, ...]] = {}
        self._cache: dict[tuple[int, int], Strip] = {}

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("scroll_left", "scroll_right"):
            return False  # the key goes on to the screen's bindings
        return super().check_action(action, parameters)

    def show(self, root: Hashable, children: Callable[[Hashable], Sequence[Hashable]]) -> None:
        """Lay out the tree under ``root`` (``children(node)`` lists a node's inputs)."""
        lines: list[tuple[str, Hashable, bool]] = []
        expanded: set = set()
        stack: list[tuple[Hashable, str, str]] = [(root, "", "")]
        while stack:
            node, guide, indent = stack.pop()
            kids = list(children(node))
            repeat = bool(kids) and node in expanded and len(lines) > MAX_LINES
            lines.append((guide, node, repeat))
            if repeat:
                continue
            expanded.add(node)
            for i in reversed(range(len(kids))):
                last = i == len(kids) - 1
                stack.append((kids[i], indent + ("└ " if last else "├ "),
                              indent + ("  " if last else "│ ")))
        self._lines = lines
        self._rows = {}
        for row, (_, node, _) in enumerate(lines):
            self._rows.setdefault(node, []).append(row)
        self._labels = {}
        self._shorter = {}
        self._cache.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, len(lines))
        self.scroll_to(0, 0, animate=False)
        self.refresh()

    def set_label(self, node: Hashable, label: Text, *shorter: Text) -> None:
        """Give ``node`` a new label (``shorter`` forms, in order, are drawn where it does not
        fit); only its lines are redrawn."""
        self._labels[node] = label
        self._shorter[node] = shorter
        scroll_y = self.scroll_offset.y
        for row in self._rows.get(node, ()):
            for key in [k for k in self._cache if k[0] == row]:
                del self._cache[key]
            if scroll_y <= row < scroll_y + self.size.height:
                self.refresh(Region(0, row - scroll_y, self.size.width, 1))

    def row_of(self, node: Hashable) -> int | None:
        """The first line showing ``node`` (None if it is not drawn)."""
        rows = self._rows.get(node)
        return rows[0] if rows else None

    def keep_in_sight(self, node: Hashable) -> None:
        """Scroll only if ``node``'s first line is out of view (then a third from the top)."""
        row = self.row_of(node)
        if row is None:
            return
        top, height = self.scroll_offset.y, self.size.height
        if not top <= row < top + height:
            self.scroll_to(y=max(0, row - height // 3), animate=False)

    def line_text(self, row: int) -> str:
        """The whole text of line ``row`` (uncut), for tests and screen readers."""
        guide, node, repeat = self._lines[row]
        return guide + self._label_of(node, repeat).plain

    def _label_of(self, node: Hashable, repeat: bool, label: Text | None = None) -> Text:
        label = label or self._labels.get(node) or Text(str(node))
        if repeat:
            label = label.copy()
            label.append("  (inputs drawn above)", style="dim")
        return label

    def on_resize(self) -> None:
        self._cache.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, len(self._lines))

    def render_line(self, y: int) -> Strip:
        row = y + self.scroll_offset.y
        width = self.scrollable_content_region.width  # the vertical scrollbar takes the rest
        if row >= len(self._lines) or width <= 0:
            return Strip.blank(width, self.rich_style)
        key = (row, width)
        strip = self._cache.get(key)
        if strip is None:
            guide, node, repeat = self._lines[row]
            text = Text(guide, style="dim") + self._label_of(node, repeat)
            for shorter in self._shorter.get(node, ()):
                if text.cell_len <= width:
                    break
                text = Text(guide, style="dim") + self._label_of(node, repeat, shorter)
            text.no_wrap = True
            segments = list(text.render(self.app.console))
            strip = Strip(segments).apply_style(self.rich_style)
            if strip.cell_length > width:
                style = next((s.style for s in reversed(list(strip.crop(0, width - 1)))
                              if s.text), None)
                strip = Strip([*strip.crop(0, width - 1), Segment("…", style)], width)
            strip = strip.extend_cell_length(width, self.rich_style)
            self._cache[key] = strip
        return strip
