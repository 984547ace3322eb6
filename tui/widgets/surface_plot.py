"""A surface with optimizer trajectories, drawn cell by cell (fast enough for every step key).

In 2-D the background is a heat map: every cell is coloured by the band of f at its centre, the
bands being the ninths of f's values over the window (equal areas, so a narrow valley such as
Rosenbrock's shows however steep its walls). In 1-D it is the graph of f, its y range cut to
where most of the values lie (a pole would otherwise squash the curve into one row). Trajectories
are braille lines in their run's colour; the current point of each run is a dot. Without a
surface, the same drawing makes a line chart (``show_chart``: loss against step). A legend row
under the title names each colour. The values of f come from the Surface (``grid``); this
widget only maps them to cells and colours.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

from tui.safety import describe
from tui.values import fmt
from tui.widgets.plot import round_ticks

# Dark to light, blue to brown: distinct entries of the 256-colour palette, dark enough that
# the bright trajectory colours stay readable on top of them.
HEAT = ("color(17)", "color(18)", "color(19)", "color(24)", "color(30)", "color(29)",
        "color(64)", "color(100)", "color(94)")
CURVE = "color(250)"
MARGIN = 8  # columns for the y-axis labels
_BRAILLE = np.array([[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]])


def y_range(values: np.ndarray) -> tuple[float, float]:
    """A y range for a curve: all finite values, unless a few of them (near a pole) stretch it
    over 10 times the range of the middle 90%, which is then shown with a margin instead."""
    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite)]
    if not finite.size:
        return (0.0, 1.0)
    lo, hi = float(finite.min()), float(finite.max())
    q_lo, q_hi = (float(v) for v in np.quantile(finite, [0.05, 0.95]))
    if hi - lo > 10 * (q_hi - q_lo) and q_hi > q_lo:
        pad = (q_hi - q_lo) * 0.25
        lo, hi = max(lo, q_lo - pad), min(hi, q_hi + pad)
    pad = (hi - lo) * 0.05 or 1.0
    return (lo - pad, hi + pad)


@dataclass
class Track:
    """One run to draw: its points (x, y) in plot coordinates so far, and its colour."""

    points: np.ndarray
    color: str


class SurfacePlot(Widget):
    """A heat map (2-D) or graph (1-D) of a surface, with trajectories on top."""

    DEFAULT_CSS = "SurfacePlot { height: 1fr; }"

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.surface = None
        self.window: tuple[tuple[float, float], ...] = ()
        self.tracks: list[Track] = []
        self.heading = ""
        self.legend: tuple[tuple[str, str], ...] = ()
        self.chart = False  # a line chart: no surface, the y range is window[1]
        self.yformat = None  # a line chart's y label from its coordinate (a log scale)
        self.message = ""
        self._background_key = None
        self._background: list[list[str | None]] | None = None
        self._curve: np.ndarray | None = None
        self._yrange = (0.0, 1.0)
        self._strips: list[Strip] | None = None

    # ---- what to show ---------------------------------------------------------------

    def show(self, surface, window, tracks: list[Track], title: str,
             legend: tuple[tuple[str, str], ...] = ()) -> None:
        """Draw ``surface`` over ``window`` (one (lo, hi) per variable) with ``tracks``; the
        legend pairs a label with each colour."""
        if surface is not self.surface or window != self.window or self.chart:
            self._background_key = None
        self.surface, self.window, self.tracks, self.heading = surface, window, tracks, title
        self.legend, self.chart, self.message = tuple(legend), False, ""
        self._strips = None
        self.refresh()

    def show_chart(self, window, tracks: list[Track], title: str,
                   legend: tuple[tuple[str, str], ...] = (), yformat=None) -> None:
        """A line chart of ``tracks`` (x, y points) over ``window`` ((x0, x1), (y0, y1));
        ``yformat`` turns a y coordinate into its label (10^y on a log scale)."""
        self.surface, self.window, self.tracks, self.heading = None, window, tracks, title
        self.yformat = yformat
        self.legend, self.chart, self.message = tuple(legend), True, ""
        self._background_key, self._background, self._curve = None, None, None
        self._strips = None
        self.refresh()

    def show_message(self, message: str) -> None:
        """Show a line of text instead of a plot (no run yet, too many variables)."""
        self.surface, self.tracks, self.message, self.chart = None, [], message, False
        self._strips = None
        self.refresh()

    # ---- rendering ------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width, height = self.size.width, self.size.height
        if self._strips is None or len(self._strips) != height:
            try:
                self._strips = self._render_all(width, height)
            except Exception as exc:  # odd values never end the app: say what went wrong
                text = f"(plot unavailable: {describe(exc)})"[:width]
                self._strips = [Strip([Segment(text, Style(color="red"))])] + [
                    Strip.blank(width)] * (height - 1)
        return self._strips[y] if 0 <= y < len(self._strips) else Strip.blank(width)

    def on_resize(self) -> None:
        self._strips = None
        self._background_key = None

    def _render_all(self, width: int, height: int) -> list[Strip]:
        blank = [Strip.blank(width) for _ in range(height)]
        legend = self._title_strips(width) + self._legend_strips(width)
        top = len(legend)  # the title's rows, and the legend's
        pw, ph = width - MARGIN, height - top - 1  # plot area: x labels below
        if (self.surface is None and not self.chart) or pw < 4 or ph < 2:
            if self.message and height:
                blank[0] = Strip([Segment(self.message[:width], Style(italic=True))])
            return blank
        (x0, x1) = self.window[0]
        if not self.chart:
            self._prepare(pw, ph)
        y0, y1 = (self.window[1] if self.chart or self.surface.dim == 2 else self._yrange)
        # braille dots: 2 across and 4 down per cell; each track's colour per cell
        dots = np.zeros((ph * 4, pw * 2), dtype=bool)
        owner = np.full((ph, pw), -1)
        layers = []
        if not self.chart and self.surface.dim == 1 and self._curve is not None:
            layers.append((self._curve, CURVE))
        layers.extend((t.points, t.color) for t in self.tracks)
        colors = []
        for points, color in layers:
            mask = self._trace(points, (x0, x1), (y0, y1), pw, ph)
            if mask is None:
                continue
            dots |= mask
            cells = mask.reshape(ph, 4, pw, 2).any(axis=(1, 3))
            owner[cells] = len(colors)
            colors.append(color)
        code = (dots.reshape(ph, 4, pw, 2) * _BRAILLE[None, :, None, :]).sum(axis=(1, 3))
        heads = {}
        for t in self.tracks:  # the current point of each run: a dot in its colour
            if len(t.points):
                cell = self._cell(t.points[-1], (x0, x1), (y0, y1), pw, ph)
                if cell is not None:
                    heads[cell] = t.color
        styles: dict[tuple, Style] = {}

        def style(fg, bg, bold=False) -> Style:
            key = (fg, bg, bold)
            if key not in styles:
                styles[key] = Style(color=fg, bgcolor=bg, bold=bold)
            return styles[key]

        label_style = Style(dim=True)
        strips = list(legend)
        ylabels = self._ylabels(y0, y1, ph)
        for r in range(ph):
            segments = [Segment(ylabels.get(r, "").rjust(MARGIN - 1)[: MARGIN - 1] + "│",
                                label_style)]
            background = self._background[r] if self._background is not None else None
            codes, owners = code[r].tolist(), owner[r].tolist()
            run_text, run_style = "", None  # cells of one style join one segment
            for c in range(pw):
                bg = background[c] if background is not None else None
                if (r, c) in heads:
                    ch, st = "●", style(heads[(r, c)], bg, True)
                elif codes[c]:
                    fg = colors[owners[c]] if owners[c] >= 0 else CURVE
                    ch, st = chr(0x2800 + codes[c]), style(fg, bg)
                else:
                    ch, st = " ", style(None, bg)
                if st is not run_style and run_text:
                    segments.append(Segment(run_text, run_style))
                    run_text = ""
                run_text += ch
                run_style = st
            if run_text:
                segments.append(Segment(run_text, run_style))
            strips.append(Strip(segments, width))
        left, mid, right = fmt(x0, 4), fmt((x0 + x1) / 2, 4), fmt(x1, 4)
        axis = [" "] * pw
        for text, at in ((left, 0), (mid, pw // 2 - len(mid) // 2), (right, pw - len(right))):
            for i, ch in enumerate(text):
                if 0 <= at + i < pw:
                    axis[at + i] = ch
        strips.append(Strip([Segment(" " * (MARGIN - 1) + "└", label_style),
                             Segment("".join(axis), label_style)], width))
        return [s.crop_extend(0, width, None) for s in strips[:height]] + blank[len(strips):]

    def _ylabels(self, y0: float, y1: float, ph: int) -> dict[int, str]:
        """The y labels by row: a log chart's at its top, middle and bottom; otherwise at
        round numbers (1, 2 or 5 times a power of ten) on the rows they fall in, at most one
        every other row, not the window's ends (-1.449 ... 8.45)."""
        if self.chart and self.yformat:
            label = self.yformat
            return {0: label(y1), ph - 1: label(y0), (ph - 1) // 2: label((y0 + y1) / 2)}
        if not y1 > y0:
            return {(ph - 1) // 2: fmt(y0, 4)}
        labels: dict[int, str] = {}
        for tick in round_ticks(y0, y1, max(2, min(5, (ph + 1) // 2))):
            labels.setdefault(int(round((y1 - tick) / (y1 - y0) * (ph * 4 - 1))) // 4, f"{tick:g}")
        return labels

    def _title_strips(self, width: int) -> list[Strip]:
        """The title, and for a heat map the colour scale "f: low ▇…▇ high": after the title
        when both fit on the row, else on a row of its own (a long title would cut it)."""
        title = Segment(self.heading, Style(bold=True))
        if self.surface is None or self.surface.dim != 2:
            return [Strip([title]).crop_extend(0, width, None)]
        hint = [Segment("f: low ", Style(dim=True)),
                *(Segment(" ", Style(bgcolor=c)) for c in HEAT), Segment(" high", Style(dim=True))]
        gap = Segment("   ")
        if title.cell_length + gap.cell_length + Strip(hint).cell_length <= width:
            return [Strip([title, gap, *hint]).crop_extend(0, width, None)]
        return [Strip(row).crop_extend(0, width, None) for row in ([title], hint)]

    def _legend_strips(self, width: int) -> list[Strip]:
        """The legend, as many rows as its entries need (at most a third of the height); a
        label wider than the plot goes on over the next rows, broken between words."""
        import textwrap

        rows: list[list[Segment]] = []
        used = width
        for label, color in self.legend:
            lines = textwrap.wrap(label, max(8, width - 3)) or [""]
            size = 3 + len(lines[0]) + 2
            if used + size - 2 > width and (not rows or used > 0):
                rows.append([])
                used = 0
            rows[-1] += [Segment("━━ ", Style(color=color, bold=True)), Segment(lines[0] + "  ")]
            used += size
            for line in lines[1:]:
                rows.append([Segment("   " + line + "  ")])
                used = width  # the next entry starts a row of its own
        rows = rows[: max(1, self.size.height // 3)]
        return [Strip(row).crop_extend(0, width, None) for row in rows]

    def _prepare(self, pw: int, ph: int) -> None:
        """The background (2-D heat bands) or the curve (1-D), recomputed only when the
        surface, window or size changes."""
        key = (id(self.surface), self.window, pw, ph)
        if key == self._background_key:
            return
        self._background_key = key
        self._background, self._curve = None, None
        surface = self.surface
        if surface.dim == 2:
            n = max(pw, ph)
            X, Y, Z = surface.grid(n=n, window=self.window)
            cols = np.linspace(0, n - 1, pw).round().astype(int)
            rows = np.linspace(n - 1, 0, ph).round().astype(int)  # top row: largest y
            Z = np.asarray(Z, dtype=float)[np.ix_(rows, cols)]
            finite = np.isfinite(Z)
            if not finite.any():
                return
            edges = np.quantile(Z[finite], np.linspace(0, 1, len(HEAT) + 1)[1:-1])
            bands = np.digitize(np.where(finite, Z, np.inf), edges)
            self._background = [[HEAT[b] if b < len(HEAT) else None for b in row]
                                for row in bands.tolist()]
        else:
            xs, ys = surface.grid(n=pw * 2, window=self.window)
            ys = np.asarray(ys, dtype=float)
            finite = np.isfinite(ys)
            self._yrange = y_range(ys)
            # beyond the y range (near a pole) the curve is cut, not joined across the gap
            shown = finite & (ys >= self._yrange[0]) & (ys <= self._yrange[1])
            self._curve = np.column_stack([xs, np.where(shown, ys, np.nan)])

    @staticmethod
    def _scale(points: np.ndarray, xr, yr, pw: int, ph: int) -> np.ndarray:
        """Plot coordinates to braille-dot coordinates (column, row from the top)."""
        sx = (pw * 2 - 1) / ((xr[1] - xr[0]) or 1.0)
        sy = (ph * 4 - 1) / ((yr[1] - yr[0]) or 1.0)
        with np.errstate(all="ignore"):
            return np.column_stack([(points[:, 0] - xr[0]) * sx, (yr[1] - points[:, 1]) * sy])

    def _cell(self, point, xr, yr, pw, ph):
        if not np.all(np.isfinite(point)):
            return None
        col, row = self._scale(np.asarray(point, dtype=float)[None, :], xr, yr, pw, ph)[0]
        if 0 <= col <= pw * 2 - 1 and 0 <= row <= ph * 4 - 1:
            return int(round(row)) // 4, int(round(col)) // 2
        return None

    def _trace(self, points: np.ndarray, xr, yr, pw: int, ph: int):
        """The braille dots of the polyline through ``points`` (clipped to the window)."""
        points = np.asarray(points, dtype=float)
        if points.ndim != 2 or points.shape[1] != 2 or not len(points):
            return None
        if not np.all(np.isfinite(points)):  # a gap (NaN) splits the line into pieces
            cut = ~np.all(np.isfinite(points), axis=1)
            parts = [part[np.all(np.isfinite(part), axis=1)]
                     for part in np.split(points, np.flatnonzero(cut))]
            masks = [self._trace(part, xr, yr, pw, ph) for part in parts if len(part)]
            masks = [m for m in masks if m is not None]
            return np.logical_or.reduce(masks) if masks else None
        P = self._scale(points, xr, yr, pw, ph)
        limit = 4.0 * max(pw, ph) * 4  # far-away points: clip before interpolating
        P = np.clip(P, -limit, limit)
        if len(P) > 1:
            d = P[1:] - P[:-1]
            n = np.clip(np.ceil(np.abs(d).max(axis=1)), 1, 4 * (pw + ph)).astype(int)
            seg = np.repeat(np.arange(len(n)), n)
            t = (np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)) / np.repeat(n, n)
            S = np.vstack([P[:-1][seg] + d[seg] * t[:, None], P[-1:]])
        else:
            S = P
        ix = np.round(S).astype(int)
        keep = (ix[:, 0] >= 0) & (ix[:, 0] < pw * 2) & (ix[:, 1] >= 0) & (ix[:, 1] < ph * 4)
        mask = np.zeros((ph * 4, pw * 2), dtype=bool)
        mask[ix[keep, 1], ix[keep, 0]] = True
        return mask
