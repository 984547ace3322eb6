"""A small dense network drawn in the terminal: neurons as labelled nodes in columns (inputs,
layers 1..L, the loss), edges as lines, one chosen edge (or bias) and the paths its gradient
takes to the loss highlighted. The screen supplies every number; this widget only places
text on a grid."""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.text import Text
from textual.widget import Widget

EDGE = "grey50"
PATH = "green"
CHOSEN = "bold black on yellow"


@dataclass
class Column:
    """One column of nodes: a heading (``x``, ``layer 1 σ``, ``L``) and each node's text."""

    heading: str
    nodes: list[str]


@dataclass
class Diagram:
    """Columns left to right; ``edges[k]`` joins column k to k + 1 as (from, to) pairs, and
    every node of the last-but-one column feeds the last (the loss)."""

    columns: list[Column]
    edges: list[list[tuple[int, int]]] = field(default_factory=list)


class NetworkDiagram(Widget):
    """Draws a :class:`Diagram`; ``choose(column, to, source)`` highlights one edge into node
    ``to`` of ``column`` (source None: the node itself, for a bias) and the paths after it."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.diagram: Diagram | None = None
        self.chosen: tuple[int, int, int | None] | None = None

    def show(self, diagram: Diagram) -> None:
        self.diagram = diagram
        self.chosen = None
        self.refresh()

    def choose(self, column: int, to: int, source: int | None) -> None:
        self.chosen = (column, to, source)
        self.refresh()

    def _rows(self, count: int, top: int, height: int) -> list[int]:
        """``count`` rows spread evenly over ``height`` rows starting at ``top``."""
        if count == 1:
            return [top + height // 2]
        step = (height - 1) / (count - 1)
        return [top + round(i * step) for i in range(count)]

    def render(self) -> Text:
        width, height = self.size.width, self.size.height
        d = self.diagram
        if d is None or width < 10 or height < 3:
            return Text("")
        grid = [[" "] * width for _ in range(height)]
        styles: list[list[str | None]] = [[None] * width for _ in range(height)]
        n = len(d.columns)
        # the neurons' values set the node width (a long heading such as "L (class 1)" may
        # spread over the gap), so the edges keep room to be drawn in a narrow panel
        node_width = max(len(t) for c in d.columns for t in c.nodes) + 2
        node_width = min(node_width, max(4, width // n - 1))
        left = [round(k * (width - node_width) / max(1, n - 1)) for k in range(n)]
        pitch = (width - node_width) // max(1, n - 1)
        tallest = max(len(c.nodes) for c in d.columns)
        span = min(height - 3, 4 * (tallest - 1) + 1)  # at most 4 rows between neurons
        top = 2 + (height - 3 - span) // 2
        rows = [self._rows(len(c.nodes), top + (span - min(span, 4 * (len(c.nodes) - 1) + 1))
                           // 2, min(span, 4 * (len(c.nodes) - 1) + 1)) for c in d.columns]
        on_path = self._path_nodes()

        def put(y: int, x: int, ch: str, style: str | None) -> None:
            if 0 <= y < height and 0 <= x < width:
                grid[y][x] = ch
                styles[y][x] = style

        def line(k: int, a: int, b: int, style: str) -> None:
            x0, x1 = left[k] + node_width, left[k + 1] - 1
            y0, y1 = rows[k][a], rows[k + 1][b]
            span = max(1, x1 - x0)
            for x in range(x0, x1 + 1):
                f0, f1 = (x - x0) / span, min(1.0, (x + 1 - x0) / span)
                ya, yb = y0 + (y1 - y0) * f0, y0 + (y1 - y0) * f1
                lo, hi = sorted((round(ya), round(yb)))
                ch = "─" if lo == hi else "╲" if y1 > y0 else "╱"
                for y in range(lo, max(lo, hi - (lo != hi)) + 1):
                    put(y, x, ch, style)

        edge_list = [(k, a, b) for k, pairs in enumerate(d.edges) for a, b in pairs]
        chosen_edge = None
        if self.chosen is not None and self.chosen[2] is not None:
            column, to, source = self.chosen
            chosen_edge = (column - 1, source, to)
        for key in sorted(edge_list, key=lambda e: (e == chosen_edge, (e[0], e[1]) in on_path)):
            k, a, b = key
            style = CHOSEN if key == chosen_edge else PATH if (k, a) in on_path else EDGE
            line(k, a, b, style)
        for k, column in enumerate(d.columns):
            room = max(node_width, pitch - 1)
            heading = column.heading[:room]
            start = left[k] + (node_width - len(heading)) // 2
            start = max(0, min(start, width - len(heading)))
            for i, ch in enumerate(heading):
                put(top - 2, start + i, ch, "bold")  # just above the neurons
            for j, label in enumerate(column.nodes):
                text = f"({label})" if len(label) + 2 <= node_width else label[:node_width]
                text = text.center(node_width)
                chosen_node = self.chosen is not None and self.chosen[:2] == (k, j) \
                    and self.chosen[2] is None
                style = CHOSEN if chosen_node else PATH if (k, j) in on_path else "bold cyan"
                for i, ch in enumerate(text):
                    put(rows[k][j], left[k] + i, ch, style if ch != " " else None)
        legend = "yellow: the chosen weight · green: its gradient's paths to L"
        for i, ch in enumerate(legend[:width]):
            put(height - 1, i, ch, "dim")
        out = Text()
        for y in range(height):
            for x in range(width):
                out.append(grid[y][x], styles[y][x] or "")
            if y < height - 1:
                out.append("\n")
        return out

    def _path_nodes(self) -> set[tuple[int, int]]:
        """The nodes the chosen parameter's gradient flows through: its neuron and every
        node after it (as (column, node) pairs)."""
        d = self.diagram
        if self.chosen is None or d is None:
            return set()
        column, to, _ = self.chosen
        reached = {(column, to)}
        for k in range(column, len(d.columns) - 1):
            for a, b in d.edges[k]:
                if (k, a) in reached:
                    reached.add((k + 1, b))
        return reached
