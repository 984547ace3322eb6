"""Screen 4, the convexity lab: a verdict with its reason, the function with a movable chord.

The verdict, reason and counterexample come from ``sn.convexity``; the plotting range from the
domain (``Domain.window``), the function's values from ``sn.lab.surface`` and the largest rise
of f above the chord from ``symnn.symbolic.chord.chord_gap``. A function of two variables is a
heat map with the chord as a segment between two points of the plane.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual import on, work
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from tui.safety import describe, guarded
from tui.screens.base import SymnnScreen
from tui.values import fmt
from tui.widgets.error_panel import ErrorPanel
from tui.widgets.surface_plot import CURVE, SurfacePlot, Track

EXAMPLES = (("w^4 - 2*w^2", ""), ("x^2 + abs(x)", ""), ("log(x)", "x>0"), ("1/x", "x>0"),
            ("-x^2", ""), ("sigmoid(x)", ""), ("x*y", ""), ("x^2 + x*y + y^2", ""))
TIME_LIMIT = 10.0  # seconds SymPy may think about one function before the chord test decides
CHORD, ABOVE = "color(226)", "color(196)"
_MOVE = Binding.Group("Chord", compact=True)
_MOVE_2 = Binding.Group("Chord 2nd var", compact=True)
VERDICT_STYLE = {"convex": "bold green", "concave": "bold cyan", "affine": "bold blue",
                 "neither": "bold red", "unknown": "bold yellow"}


class ConvexityScreen(SymnnScreen):
    """Type f and a domain; read the verdict; move the chord's ends over the graph."""

    SCREEN_NAME = "convexity"
    TITLE = "Convexity lab"
    HELP = (
        "f is convex when every chord lies on or above the graph: "
        "f(t a + (1-t) b) <= t f(a) + (1-t) f(b). Type f (e) and a domain (d, e.g. x>0); "
        "the verdict comes with its reason and, when f is not convex, a counterexample "
        "(shown in red). Move the chord's ends with h/l (a) and j/k (b); c cycles examples. "
        "A function of two variables is drawn as a heat map with the chord as a segment: "
        "h/l and j/k move the ends along the first variable, H/L and J/K (shifted) along the "
        f"second. SymPy gets {TIME_LIMIT:g} s per function; then the numeric chord test decides "
        "alone. While it thinks, typing goes to the field with the cursor, c and the chord keys "
        "wait for the verdict, and esc cancels the analysis (the last verdict stays)."
    )
    CSS = """
    ConvexityScreen #cv-plot { width: 3fr; }
    """
    BINDINGS = [
        Binding("e", "focus_field('fx')", "Type f"),
        Binding("d", "focus_field('domain')", "Domain"),
        Binding("c", "next_example", "Example"),
        Binding("h", "move('a', -1)", "a left", group=_MOVE),
        Binding("l", "move('a', 1)", "a right", group=_MOVE),
        Binding("j", "move('b', -1)", "b left", group=_MOVE),
        Binding("k", "move('b', 1)", "b right", group=_MOVE),
        # a function of two variables: the same letters, shifted, move along the second one
        Binding("H", "move('a', -1, 1)", "a down", group=_MOVE_2),
        Binding("L", "move('a', 1, 1)", "a up", group=_MOVE_2),
        Binding("J", "move('b', -1, 1)", "b down", group=_MOVE_2),
        Binding("K", "move('b', 1, 1)", "b up", group=_MOVE_2),
        Binding("escape", "leave_input", "Leave field"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self) -> None:
        super().__init__(name="convexity")
        self.result = None
        self.surface = None
        self.window: tuple[tuple[float, float], ...] = ()
        self.example = 0
        self.a: tuple[float, ...] = (-1.0,)
        self.b: tuple[float, ...] = (1.0,)
        self.request = 0  # the latest analysis asked for; older answers are ignored
        self.analysing = False
        self.asked = ""  # f (and its domain) as the running analysis got it
        self.budget = None  # the running analysis' budget: cancelled when superseded or closed

    def compose_body(self) -> Iterable[Widget]:
        with Horizontal(classes="field-row"):
            yield Label("f =", classes="label")
            yield Input(value=EXAMPLES[0][0], id="fx", compact=True)
            yield Label("domain", classes="label")
            yield Input(placeholder="e.g. x>0 (empty: all reals)", id="domain", compact=True)
        yield ErrorPanel(id="error")
        with Horizontal(id="cv-main"):
            with VerticalScroll(id="cv-left", classes="panel"):
                yield Static(id="verdict")
                yield Static(id="chord")
            yield SurfacePlot(id="cv-plot", classes="panel")

    def on_mount(self) -> None:
        self.query_one("#cv-left").border_title = "Verdict"
        self.query_one("#cv-plot").border_title = "f with a chord"
        self.analyse()

    def on_unmount(self) -> None:
        self._cancel()

    @on(Input.Submitted)
    @guarded
    def _submitted(self, event: Input.Submitted) -> None:
        """Analyse the fields; on an error the cursor comes back to the field to correct."""
        self.leave_entered_field(event.input)
        self.analyse(event.input.id or "")

    @guarded
    def action_next_example(self) -> None:
        if self._busy("c (next example) waits"):
            return
        self.example = (self.example + 1) % len(EXAMPLES)
        text, domain = EXAMPLES[self.example]
        self.query_one("#fx", Input).value = text
        self.query_one("#domain", Input).value = domain
        self.analyse()

    @guarded
    def action_move(self, end: str, direction: int, axis: int = 0) -> None:
        """Move one end of the chord along variable ``axis`` (0 the first, 1 the second) by a
        twentieth of the window, inside the window."""
        if self._busy("the chord keys wait"):
            return
        if self.surface is None or not axis < self.surface.dim <= 2 or not self.window:
            return
        lo, hi = self.window[axis]
        point = list(getattr(self, end))
        point[axis] = min(hi, max(lo, point[axis] + (hi - lo) / 20 * direction))
        setattr(self, end, tuple(point))
        self.draw()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Esc cancels only while an analysis runs (and no field has the cursor); the keys
        for the second variable show only for a function of two."""
        if action == "cancel":
            return self.analysing and self.focused is None
        if action == "move" and len(parameters) > 2 and parameters[2] == 1:
            return self.surface is not None and self.surface.dim == 2
        return super().check_action(action, parameters)

    def _busy(self, what: str) -> bool:
        """While an analysis runs, the key (``what`` waits) would act on the previous
        function: say so and do nothing (its redraw would hide the "analysing…" note)."""
        if not self.analysing:
            return False
        self._show_analysing(f"{what} for the verdict; esc cancels the analysis")
        return True

    @guarded
    def action_cancel(self) -> None:
        """Stop the running analysis; the previous verdict and chord come back."""
        if not self.analysing:
            return
        self._cancel()
        self.request += 1  # an answer already on its way is ignored
        self._finished()
        self.editing = ""
        self.draw()
        self.query_one("#error", ErrorPanel).show_message(
            f"analysis of f = {self.asked} cancelled: the verdict shown is for the previous "
            "function (enter in f = analyses again)")

    # ---- analysing -----------------------------------------------------------------

    def _cancel(self) -> None:
        if self.budget is not None:
            self.budget.cancel()
            self.budget = None

    @guarded
    def analyse(self, editing: str = "") -> None:
        """Ask sn.convexity for the verdict in a worker thread (SymPy can take seconds) and
        show "analysing…" with the time limit; a newer request cancels an older one.
        ``editing`` names the field whose enter asked for it (its errors keep the cursor)."""
        from symnn.symbolic import Budget

        self.editing = editing
        text = self.query_one("#fx", Input).value
        domain = self.query_one("#domain", Input).value.strip() or None
        self._cancel()
        self.request += 1
        self.analysing = True
        self.refresh_bindings()
        self.asked = text + (f" on {domain}" if domain else "")
        self.budget = Budget(None, "the convexity analysis")
        self.query_one("#error", ErrorPanel).clear()
        self._show_analysing()
        self.query_one("#chord", Static).update("")
        self.sub_title = f"analysing… (at most about {TIME_LIMIT:g} s)"
        self._analyse(self.request, text, domain, self.budget)

    def _show_analysing(self, note: str = "") -> None:
        shown = Text()
        shown.append("analysing… ", style="bold yellow")
        shown.append(f"f = {self.asked}\n", style="yellow")
        shown.append(f"(SymPy gets {TIME_LIMIT:g} s, then the chord test decides; esc cancels, "
                     "and a new function replaces this request)", style="dim")
        if note:
            shown.append(f"\n\n{note}", style="bold yellow")
        self.query_one("#verdict", Static).update(shown)

    def _finished(self) -> None:
        self.analysing = False
        self.budget = None
        self.sub_title = ""
        self.refresh_bindings()

    @work(thread=True, group="convexity")
    def _analyse(self, request: int, text: str, domain: str | None, budget) -> None:
        """Worker: the verdict, the surface and its window, handed back to the UI thread."""
        import symnn as sn
        from symnn.symbolic import BudgetExceeded

        try:
            with budget:
                result = sn.convexity(text, domain=domain, time_limit=TIME_LIMIT)
                surface = sn.lab.surface(result.expression, name=text)
                window = tuple(result.domain.window(name) for name in surface.names)
        except BudgetExceeded as exc:
            if exc.cancelled:
                return  # superseded, or the screen closed: nobody waits for this answer
            outcome = (None, None, None, exc)
        except Exception as exc:  # shown in the app by _analysed
            outcome = (None, None, None, exc)
        else:
            outcome = (result, surface, window, None)
        try:
            self.app.call_from_thread(self._analysed, request, text, domain, *outcome)
        except Exception:
            pass  # the app closed while the analysis ran

    @guarded
    def _analysed(self, request: int, text: str, domain: str | None, result, surface, window,
                  exc: BaseException | None) -> None:
        """Show a finished analysis, unless a newer request has superseded it."""
        import symnn as sn

        if request != self.request:
            return  # stale: the learner asked about another function since
        self._finished()
        error = self.query_one("#error", ErrorPanel)
        if exc is not None:
            field = ""
            if isinstance(exc, sn.ParseError):
                error.show_error(text, exc)
                field = "fx"
            elif type(exc).__name__ == "DomainError" and getattr(exc, "position", None) is not None:
                error.show_error(domain or "", exc)  # the caret goes under the domain text
                field = "domain"
            else:
                error.show_message(describe(exc))
            self._keep_editing(field)
            self.draw()  # the last verdict stays on screen
            return
        self.editing = ""
        error.clear()
        self.result, self.surface, self.window = result, surface, window
        self.refresh_bindings()  # the keys for a second variable show or hide
        self._place_chord()
        self.draw()

    def _place_chord(self) -> None:
        """The chord for a new function: the counterexample's points when there is one (the
        window widened to show them), else a fifth of the window in from each corner."""
        ce = self.result.counterexample if self.result is not None else None
        dim = self.surface.dim
        if ce is not None and len(ce.a) == dim <= 2:
            self.a, self.b = tuple(ce.a), tuple(ce.b)
            self.window = tuple((min(lo, p, q), max(hi, p, q))
                                for (lo, hi), p, q in zip(self.window, self.a, self.b))
        else:
            self.a = tuple(lo + (hi - lo) * 0.2 for lo, hi in self.window)
            self.b = tuple(lo + (hi - lo) * 0.8 for lo, hi in self.window)

    # ---- drawing -------------------------------------------------------------------

    def draw(self) -> None:
        result = self.result
        if result is None:
            self.query_one("#verdict", Static).update("")
            return
        from symnn.symbolic import math_text

        text = Text()
        text.append(f"f({', '.join(result.variables)}) = {math_text(result.expression)}\n")
        text.append("verdict: ")
        text.append(result.verdict, style=VERDICT_STYLE.get(result.verdict, "bold"))
        text.append("\n\n")
        text.append(str(result.reason) + "\n")
        ce = result.counterexample
        if ce is not None:
            text.append("\ncounterexample: ", style="bold red")
            text.append(str(ce) + "\n")
        self.query_one("#verdict", Static).update(text)
        self._plot()

    def _plot(self) -> None:
        from symnn.symbolic import chord_gap

        plot = self.query_one("#cv-plot", SurfacePlot)
        status = self.query_one("#chord", Static)
        surface = self.surface
        if surface is None or surface.dim > 2:
            plot.show_message(f"a plot needs one or two variables; f has {surface.dim}"
                              if surface is not None else "")
            status.update("")
            plot.border_subtitle = ""
            return
        names = surface.names
        fa, fb = surface.value(self.a), surface.value(self.b)
        gap = chord_gap(surface.values, self.a, self.b)
        where = _point_text(names, self.a, "a") + ";  " + _point_text(names, self.b, "b")
        if surface.dim == 1:
            tracks = [Track(_points([(self.a[0], fa), (self.b[0], fb)]), CHORD)]
            if gap is not None:
                tracks.append(Track(_points([(gap.point[0], gap.chord),
                                             (gap.point[0], gap.value)]), ABOVE))
            legend = (("f", CURVE), ("chord", CHORD)) + ((("f above chord", ABOVE),)
                                                        if gap is not None else ())
        else:
            tracks = [Track(_points([self.a, self.b]), CHORD)]
            if gap is not None:
                tracks.append(Track(_points([gap.point]), ABOVE))
            legend = (("chord a to b", CHORD),) + ((("f above chord", ABOVE),)
                                                  if gap is not None else ())
        plot.show(surface, self.window, tracks, f"f(a) = {fmt(fa, 4)}, f(b) = {fmt(fb, 4)}",
                  legend)
        import math

        if not (math.isfinite(fa) and math.isfinite(fb)):
            short, style = "f is not finite at a chord end", "yellow"
            long = f"chord {where}: {short}"
        elif gap is None:
            short, style = "this chord lies on or above the graph", "green"
            long = f"chord {where}: on or above the graph"
        else:
            point = _without_dust(gap.point, self.a, self.b)
            at = _point_text(names, point)
            # the plot's border fits about 40 characters at 80 columns: two coordinates
            # go without their names there (the status line under the verdict has them)
            short = (f"f rises above this chord at {at}" if len(names) == 1 else
                     f"f above the chord at ({', '.join(fmt(v, 3) for v in point)})")
            style = "bold red"
            long = (f"chord {where}: f rises above it at {at} (f = {fmt(gap.value, 4)}, "
                    f"chord = {fmt(gap.chord, 4)})")
        status.update(Text(long, style=style))
        plot.border_subtitle = f"[{style}]{short}[/]"


def _points(rows) -> "np.ndarray":
    import numpy as np

    return np.asarray(rows, dtype=float).reshape(len(rows), -1)


def _without_dust(point, a, b) -> tuple[float, ...]:
    """``point`` with rounding dust set to 0: t·a + (1 - t)·b can give 2.22e-16 where the exact
    point is 0 (a coordinate below 1e-12 of the chord's scale is that dust)."""
    scale = max([1.0] + [abs(float(v)) for v in (*a, *b)])
    return tuple(0.0 if abs(float(v)) < 1e-12 * scale else float(v) for v in point)


def _point_text(names: tuple[str, ...], point: tuple[float, ...], label: str = "") -> str:
    """x = 1.5, or (x, y) = (1, 2), prefixed by the point's label when given (a = ...)."""
    if len(names) == 1:
        return f"{label + ': ' if label else ''}{names[0]} = {fmt(point[0], 4)}"
    values = ", ".join(fmt(v, 4) for v in point)
    return f"{label + ': ' if label else ''}({', '.join(names)}) = ({values})"
