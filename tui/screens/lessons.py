"""Screen 7, the lessons: every lesson of ``symnn.experiments`` with the claims it makes; run
one (in a separate process, so the app stays responsive and the run can be cancelled), then
read the mean ± std table over the seeds, each claim's verdict ("holds on k of N seeds") with
its evidence, and the lesson's plots.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import Iterable
from typing import Any

from rich.console import Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.css.query import NoMatches
from textual.widget import Widget
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from tui.safety import describe, guarded
from tui.screens.base import SymnnScreen
from tui.values import fmt
from tui.widgets.plot import Plot, whole_ticks

SEED_CHOICES = (None, 1, 3, 5)  # None: the lesson's own default
#: one 256-colour index per series (plotext and Rich both take them), distinct on a dark
#: background: cyan, magenta, yellow, green, red, blue, orange, white, pink, lime, violet, grey
_COLORS = (51, 201, 226, 46, 196, 33, 208, 255, 213, 154, 135, 245)


class LessonsScreen(SymnnScreen):
    """Choose a lesson (up/down), run it (r or enter), cancel (x); s sets the seeds, g the plot."""

    SCREEN_NAME = "lessons"
    TITLE = "Lessons"
    HELP = (
        "Each lesson of the syllabus is an experiment that states its claims and checks them "
        "on every seed it runs. Choose one with up/down (its description and claims show on "
        "the right), r or enter runs it in the background (the app stays usable; x cancels), "
        "s chooses how many seeds (the lesson's default, 1, 3 or 5), pgdn/pgup page the text. "
        "The result is each "
        "variant's numbers as mean ± std over the seeds, each claim with 'holds on k of N "
        "seeds' and the numbers that decide it, and the lesson's plots (g shows the next one). "
        "The same runs as `symnn experiment NAME --seeds N`."
    )
    BINDINGS = [
        Binding("r", "run", "Run"),
        Binding("x", "cancel", "Cancel"),
        Binding("s", "seeds", "Seeds"),
        Binding("g", "next_plot", "Plot"),
        Binding("pagedown", "scroll_text(1)", "Scroll", key_display="pgdn", priority=True),
        Binding("pageup", "scroll_text(-1)", "Scroll up", key_display="pgup", show=False,
                priority=True),
    ]

    @property
    def active_bindings(self):
        """The screen's keys with the page keys last, so the footer reads "? Help  q Quit
        r Run ..." first: the list's own page-down binding, met first on the way from the
        focused list up to the screen, would otherwise put "pgdn Scroll" in front."""
        keys = super().active_bindings
        paging = [key for key, active in keys.items()
                  if active.binding.action.startswith("scroll_text")]
        return {**{k: v for k, v in keys.items() if k not in paging},
                **{k: keys[k] for k in paging}}

    def __init__(self) -> None:
        super().__init__(name="lessons")
        self.results: dict[str, dict[str, Any]] = {}  # lesson -> its last result (plain data)
        self.errors: dict[str, str] = {}
        self.running: str | None = None                 # the lesson being run
        self.progress: tuple[int, int] | None = None
        self.seed_choice = 0
        self.quick = False     # tiny settings (tests use them: they check the plumbing)
        self.panel = 0
        self.lesson_run = None  # the LessonRun of the current run
        self.cancel_event = threading.Event()
        self._started = 0.0

    # ---- layout --------------------------------------------------------------------

    def compose_body(self) -> Iterable[Widget]:
        from symnn import experiments

        with Horizontal(id="ls-main"):
            yield OptionList(*(Option(name, id=name) for name in experiments.names()),
                             id="ls-list", classes="panel")
            # one scroll, the plot first: it keeps a readable height on a short terminal and
            # the text below it pages (pgdn) instead of squeezing it
            with VerticalScroll(id="ls-text", classes="panel"):
                yield Plot(id="ls-plot", classes="panel")
                yield Static(id="ls-legend")
                yield Static(id="ls-bars", classes="panel")
                yield Static(id="ls-head")
                yield Static(id="ls-info")
        yield Static(id="ls-status")

    def on_mount(self) -> None:
        self.query_one("#ls-list").border_title = "Lessons"
        lessons = self.query_one("#ls-list", OptionList)
        lessons.highlighted = 0
        self.set_focus(lessons)
        self._status("up/down chooses a lesson, r runs it.")
        self.draw()

    def on_unmount(self) -> None:
        self.cancel_event.set()  # the worker ends the lesson's process

    @property
    def lesson(self) -> str:
        """The highlighted lesson's name."""
        lessons = self.query_one("#ls-list", OptionList)
        index = lessons.highlighted or 0
        return lessons.get_option_at_index(index).id or ""

    @property
    def seeds(self) -> int | None:
        return SEED_CHOICES[self.seed_choice]

    # ---- actions -------------------------------------------------------------------

    @on(OptionList.OptionHighlighted, "#ls-list")
    @guarded
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.panel = 0
        self.draw()

    @on(OptionList.OptionSelected, "#ls-list")
    @guarded
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.action_run()

    @guarded
    def action_run(self) -> None:
        """Run the highlighted lesson in the background (one run at a time)."""
        if self.running is not None:
            self.notify(f"{self.running} is running: x cancels it.", severity="warning")
            return
        self.start(self.lesson, self.seeds, self.quick)

    def start(self, name: str, seeds: int | None, quick: bool = False) -> None:
        """Run lesson ``name`` on ``seeds`` seeds (None: its default) in a child process."""
        self.running, self.progress = name, None
        self.errors.pop(name, None)
        self.cancel_event.clear()
        self._started = time.monotonic()
        self._status(f"Running {name} ...")
        self.draw()
        self._run_lesson(name, seeds, quick)

    @guarded
    def action_cancel(self) -> None:
        if self.running is not None:
            self.cancel_event.set()

    @guarded
    def action_seeds(self) -> None:
        self.seed_choice = (self.seed_choice + 1) % len(SEED_CHOICES)
        self._status(f"Seeds for the next run: {self._seeds_text(self.lesson)}.")
        self.draw()

    @guarded
    def action_scroll_text(self, direction: int) -> None:
        """Page the lesson's text (its table and claims) down or up."""
        text = self.query_one("#ls-text", VerticalScroll)
        if direction > 0:
            text.scroll_page_down(animate=False)
        else:
            text.scroll_page_up(animate=False)

    @guarded
    def action_next_plot(self) -> None:
        panels = self.results.get(self.lesson, {}).get("panels", [])
        if panels:
            self.panel = (self.panel + 1) % len(panels)
            self.draw_plot()
            self.query_one("#ls-text", VerticalScroll).scroll_home(animate=False)

    # ---- the worker ------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="lesson")
    def _run_lesson(self, name: str, seeds: int | None, quick: bool) -> None:
        """Start the lesson's process and wait for its messages, ending it on cancel."""
        from tui.lesson_runner import LessonRun

        worker = get_current_worker()
        outcome: tuple[str, Any] = ("cancelled", None)
        run = None
        try:
            run = self.lesson_run = LessonRun(name, seeds, quick)
            while not (worker.is_cancelled or self.cancel_event.is_set()):
                message = run.poll(0.1)
                if message is None:
                    continue
                if message[0] == "progress":
                    self._from_thread(self._progressed, name, message[1], message[2])
                    continue
                outcome = (message[0], message[1])
                break
        except Exception as exc:  # the process could not start: say so in the app
            outcome = ("error", describe(exc))
        finally:
            if run is not None:
                run.cancel()
        self._from_thread(self._finished, name, *outcome)

    def _from_thread(self, callback, *args) -> None:
        try:
            self.app.call_from_thread(callback, *args)
        except RuntimeError:
            pass  # the app has closed

    def _progressed(self, name: str, done: int, total: int) -> None:
        self.progress = (done, total)
        self._status(f"Running {name}: {done} of {total} seeds done "
                     f"({time.monotonic() - self._started:.0f} s) ...")

    def _finished(self, name: str, kind: str, payload: Any) -> None:
        self.running, self.progress, self.lesson_run = None, None, None
        if kind == "done":
            self.results[name] = payload
            held = sum(c["holds"] for c in payload["claims"])
            self._status(f"{name}: {held} of {len(payload['claims'])} claims held on every "
                         f"seed ({payload['seconds']:.1f} s).")
        elif kind == "error":
            self.errors[name] = str(payload)
            self._status(f"{name} could not run: {payload}", error=True)
        else:
            self._status(f"{name}: cancelled.")
        self.panel = 0
        try:
            self.draw()
        except NoMatches:
            pass  # the screen is closing

    # ---- drawing -------------------------------------------------------------------

    def _status(self, message: str, error: bool = False) -> None:
        try:
            self.query_one("#ls-status", Static).update(
                Text(message, style="red" if error else ""))
        except NoMatches:
            pass

    def _seeds_text(self, name: str) -> str:
        from symnn import experiments

        if self.seeds is not None:
            return f"{self.seeds} (seeds 0-{self.seeds - 1})" if self.seeds > 1 else "1 (seed 0)"
        return f"the lesson's default, {experiments.default_seeds(name)}"

    def draw(self) -> None:
        """The highlighted lesson: its claims, or its last result; and its plot."""
        from symnn import experiments

        name = self.lesson
        parts: list[Any] = []
        head = Text()
        head.append(f"{name}\n", style="bold")
        head.append(experiments.describe(name) + "\n", style="italic")
        run_line = f"seeds: {self._seeds_text(name)} (s changes)"
        if self.running == name:
            run_line += "   running ... (x cancels)"
        head.append(run_line, style="dim")
        self.query_one("#ls-head", Static).update(head)
        result = self.results.get(name)
        if result is not None:
            parts += self._result_parts(result)
        else:
            claims = Text("\nClaims (checked on every seed when it runs; r runs it):\n",
                          style="bold")
            for text in experiments.claims_of(name):
                claims.append(f"• {text}\n", style="")
            if not experiments.claims_of(name):
                claims.append("This lesson states no claims yet: it reports its numbers.\n",
                              style="dim")
            parts.append(claims)
        if name in self.errors:
            parts.append(Text(f"\nThe last run could not finish: {self.errors[name]}",
                              style="red"))
        self.query_one("#ls-info", Static).update(Group(*parts))
        self.draw_plot()

    def _result_parts(self, result: dict[str, Any]) -> list[Any]:
        parts: list[Any] = []
        seeds = result["seeds"]
        span = (f"seeds {seeds[0]}-{seeds[-1]}" if len(seeds) > 1 else
                f"seed {seeds[0]}") if seeds else "its seeds"
        parts.append(Text(f"\n{result['title']} ({result['seconds']:.1f} s)", style="bold"))
        setup: list[str] = []
        for line in result["summary"]:
            if line.startswith("mean ± std over") or line.startswith("claims, checked"):
                break  # the table and the claims are drawn below, structured
            setup.append(line)
        parts += [*_summary_parts(setup, self._text_width()), Text()]
        if result["rows"]:
            parts.append(_variant_table(result["headers"], result["rows"], span,
                                        self._text_width()))
        if result["claims"]:
            claims = Text(f"\nClaims, checked on each of {span}:\n", style="bold")
            for claim in result["claims"]:
                mark, style = ("✓", "green") if claim["holds"] else ("✗", "red")
                claims.append(f"{mark} {claim['verdict']}: ", style=f"bold {style}")
                claims.append(claim["text"] + "\n")
                for evidence in claim["evidence"]:
                    shown = ", ".join(f"{k} {_short(v)}" for k, v in evidence.items()
                                      if k not in ("seed", "holds"))
                    fails = "" if evidence["holds"] else " (fails)"
                    claims.append(f"    seed {evidence['seed']}{fails}: {shown}\n",
                                  style="dim" if evidence["holds"] else "red")
            parts.append(claims)
        return parts

    def _text_width(self) -> int:
        """The columns the lesson's text has (before the first layout: a guess for 80)."""
        try:
            width = self.query_one("#ls-info", Static).content_region.width
        except NoMatches:
            width = 0
        return width if width > 0 else 54

    def on_resize(self, event) -> None:
        super().on_resize(event)
        if self.results.get(self.lesson) is not None:
            self.call_after_refresh(self.draw)  # the table's layout depends on the width

    def draw_plot(self) -> None:
        """The current panel of the highlighted lesson's result (g cycles the panels): lines
        with their legend below the plot (where it hides no line), or bars with their names
        and values."""
        plot = self.query_one("#ls-plot", Plot)
        legend = self.query_one("#ls-legend", Static)
        bars = self.query_one("#ls-bars", Static)
        plot.reset()
        panels = self.results.get(self.lesson, {}).get("panels", [])
        plot.display = legend.display = bars.display = False  # before a run: the claims
        if not panels:
            return
        self.panel %= len(panels)
        panel = panels[self.panel]
        title = Text(panel["title"])  # taken as text, not markup
        count = Text(f"{self.panel + 1} of {len(panels)}, g: next" if len(panels) > 1 else "")
        width = self._text_width()
        box = bars if panel.get("kind") == "bar" else plot
        box.display = True
        box.border_title, box.border_subtitle = title, count
        if box is bars:
            bars.update(_bar_chart(panel, width - 4))
            return
        legend.display = True
        key = _legend(_draw_panel(plot, panel), width)
        legend.update(key)
        self._fit_plot(plot, len(key.plain.splitlines()))
        plot.refresh()

    def _fit_plot(self, plot: Plot, legend_rows: int) -> None:
        """On a short terminal the plot and its legend fill the panel; on a tall one the plot
        takes two thirds of it; never fewer than 15 rows (the text below scrolls)."""
        view = self.query_one("#ls-text", VerticalScroll).scrollable_content_region.height
        if view <= 0:
            return  # before the first layout: the style sheet's height holds
        share = view - legend_rows - (1 if legend_rows else 0) if view < 24 else view * 2 // 3
        plot.styles.height = max(15, share)


def _cells(line: str) -> list[str]:
    """A text-table line's cells: the runs separated by two or more spaces."""
    return re.split(r"\s{2,}", line.strip())


def _summary_parts(lines: list[str], width: int) -> list[Any]:
    """A lesson's summary lines: prose as it is; a block of aligned text-table lines wider
    than ``width`` (which wrapping would scramble) as a table that fits, cell by cell."""
    parts: list[Any] = []
    i = 0
    while i < len(lines):
        count = len(_cells(lines[i]))
        j = i
        while j < len(lines) and count >= 3 and len(_cells(lines[j])) == count:
            j += 1
        block = lines[i:j]
        if len(block) >= 2 and max(len(line) for line in block) > width:
            table = Table(box=None, padding=(0, 0, 0, 1), show_header=True,
                          header_style="bold")
            for header in _cells(block[0]):  # fold rather than cut a cell that cannot fit
                table.add_column(header, justify="right", overflow="fold")
            for line in block[1:]:
                table.add_row(*_cells(line))
            parts.append(table)
            i = j
        else:
            parts.append(Text(lines[i]))
            i += 1
    return parts


def _variant_table(headers: list[str], rows: dict[str, list[str]], span: str,
                   width: int) -> Any:
    """The mean ± std table: one row per variant when it fits in ``width`` columns, else one
    block per variant with its numbers as "name value" pairs, as many to a line as fit."""
    title = Text(f"mean ± std over {span}", style="bold")
    cell = max(len(c) for cells in rows.values() for c in cells)
    first = max(len("variant"), *(len(n) for n in rows))
    natural = first + sum(max(len(h), cell) + 2 for h in headers)
    if natural <= width:
        table = Table(box=None, padding=(0, 1), header_style="bold")
        table.add_column("variant", no_wrap=True)
        for header in headers:
            table.add_column(header, justify="right", no_wrap=True)
        for variant, cells in rows.items():
            table.add_row(variant, *cells)
        return Group(title, table)
    item = max(len(h) for h in headers) + 1 + cell
    per_line = max(1, (width - 2) // (item + 3))
    blocks: list[Any] = [title]
    for variant, cells in rows.items():
        grid = Table.grid(padding=(0, 3))
        for _ in range(per_line):
            grid.add_column(no_wrap=True)
        pairs = [Text.assemble((f"{h} ", "dim"), c) for h, c in zip(headers, cells)]
        for i in range(0, len(pairs), per_line):
            grid.add_row(*pairs[i:i + per_line])
        blocks += [Text(variant, style="bold cyan"), Padding(grid, (0, 0, 0, 2))]
    return Group(*blocks)


def _draw_panel(plot: Plot, panel: dict[str, Any]) -> list[tuple[str, int]]:
    """One ``symnn.experiments.Panel`` (as plain data) on a terminal plot: lines, or one bar
    per series (its last y value), with a log y axis when the panel asks and can have one,
    and whole-number x ticks when x counts (epochs, steps, layers). Returns the lines'
    legend: (label, colour) pairs."""
    series = panel["series"]
    logy = panel.get("logy", False)
    xlabel = panel.get("xlabel", "")
    legend: list[tuple[str, int]] = []
    shown: list[float] = []
    if panel.get("kind") == "bar":
        names = [n for n, (_, ys) in series.items() if ys and _finite(ys[-1])]
        shown = [series[n][1][-1] for n in names]
        if names:  # one row per bar, its name beside it: no name is dropped for room
            plot.plt.bar(names[::-1], shown[::-1], color=_COLORS[0],
                         orientation="horizontal", width=0.6)
    else:
        xs_all: set[float] = set()
        for i, (label, (xs, ys)) in enumerate(series.items()):
            pairs = [(x, y) for x, y in zip(xs, ys) if _finite(x) and _finite(y)]
            if not pairs:
                continue
            color = _COLORS[i % len(_COLORS)]
            xs_, ys_ = [p[0] for p in pairs], [p[1] for p in pairs]
            plot.plt.plot(xs_, ys_, color=color, marker="braille")
            if len(pairs) <= 12:  # a few measured points: mark each on its line
                plot.plt.scatter(xs_, ys_, color=color, marker="●")
            legend.append((label, color))
            xs_all.update(p[0] for p in pairs)
            shown += [p[1] for p in pairs]
        if xs_all and xlabel.startswith("log10"):  # x = log10 of a rate: label the rate
            ticks = whole_ticks(min(xs_all), max(xs_all), 6)
            plot.plt.xticks(ticks, [f"{10.0 ** t:g}" for t in ticks])
            xlabel = xlabel[len("log10"):].strip(" ()")  # the ticks show the log scale
        elif xs_all and all(float(x).is_integer() for x in xs_all):
            if len(xs_all) <= 6:  # a few counted points: label each of them
                ticks = sorted(int(x) for x in xs_all)
                plot.plt.xticks(ticks, [str(t) for t in ticks])
            else:
                plot.whole_xticks(min(xs_all), max(xs_all))
        elif xs_all:
            plot.round_ticks("x", xs_all)
    if logy and shown and all(v > 0 for v in shown):
        plot.plt.yscale("log")
        plot.log_yticks(shown)
    elif shown and panel.get("kind") != "bar":
        plot.round_ticks("y", shown, most=6)
    plot.plt.xlabel(xlabel)
    plot.plt.ylabel(panel.get("ylabel", ""))
    return legend


def _legend(entries: list[tuple[str, int]], width: int) -> Text:
    """Each line's colour and label, as many to a row of ``width`` columns as fit, no entry
    split across rows (nothing for a single line)."""
    text = Text(no_wrap=True, overflow="fold")
    if len(entries) < 2:
        return text
    column = 0
    for label, color in entries:
        size = len(label) + 3
        if column and column + 2 + size > width:
            text.append("\n")
            column = 0
        elif column:
            text.append("  ")
            column += 2
        text.append("━━ ", style=f"color({color})")
        text.append(label)
        column += size
    return text


def _bar_chart(panel: dict[str, Any], width: int) -> Text:
    """One row per series: its name, a bar as long as its last y value (from 0) and the value
    itself, so every bar is named and can be read to three digits."""
    series = panel["series"]
    values = {n: ys[-1] for n, (_, ys) in series.items() if ys and _finite(ys[-1])}
    text = Text(f"{panel.get('ylabel', '')}\n", style="dim")
    if not values:
        return text
    name_width = max(len(n) for n in values)
    shown = {n: f"{v:#.3g}" for n, v in values.items()}  # 1.20 and 1.78 in one format
    room = max(4, width - name_width - max(len(v) for v in shown.values()) - 3)
    top = max(abs(v) for v in values.values()) or 1.0
    for i, (name, value) in enumerate(values.items()):
        length = round(abs(value) / top * room)
        text.append(f"{name:>{name_width}} ")
        text.append("█" * length, style=f"color({_COLORS[0]})")
        text.append(f" {shown[name]}" + ("\n" if i < len(values) - 1 else ""))
    return text


def _finite(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def _short(x: Any) -> str:
    """An evidence number printed short (3 significant digits)."""
    if isinstance(x, float):
        return fmt(x, 3)
    if isinstance(x, list):
        return "[" + ", ".join(_short(v) for v in x) + "]"
    return str(x)
