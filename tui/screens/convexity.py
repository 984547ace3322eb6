"""Screen 4, the convexity lab: a verdict with its reason, the function with a movable chord.

The verdict, reason and counterexample come from ``sn.convexity``; the function's values on
the plot come from ``sn.lab.surface`` (its ``grid`` and ``value``).
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
from tui.widgets.plot import Plot

EXAMPLES = ("w**4 - 2*w**2", "x**2 + abs(x)", "log(x)", "-x**2", "sigmoid(x)", "x*y")
_MOVE = Binding.Group("Move chord", compact=True)
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
        "(shown in red). Move the chord's ends with h/l (a) and j/k (b); c cycles examples."
    )
    BINDINGS = [
        Binding("e", "focus_field('fx')", "Function"),
        Binding("d", "focus_field('domain')", "Domain"),
        Binding("c", "next_example", "Example"),
        Binding("h", "move('a', -1)", "a left", group=_MOVE),
        Binding("l", "move('a', 1)", "a right", group=_MOVE),
        Binding("j", "move('b', -1)", "b left", group=_MOVE),
        Binding("k", "move('b', 1)", "b right", group=_MOVE),
        Binding("escape", "leave_input", "Leave field"),
    ]

    def __init__(self) -> None:
        super().__init__(name="convexity")
        self.result = None
        self.surface = None
        self.example = 0
        self.a = -1.0
        self.b = 1.0
        self.request = 0  # the latest analysis asked for; older answers are ignored
        self.analysing = False

    def compose_body(self) -> Iterable[Widget]:
        with Horizontal(classes="field-row"):
            yield Label("f =", classes="label")
            yield Input(value=EXAMPLES[0], id="fx", compact=True)
            yield Label("domain", classes="label")
            yield Input(placeholder="e.g. x>0 (empty: all reals)", id="domain", compact=True)
        yield ErrorPanel(id="error")
        with Horizontal(id="cv-main"):
            with VerticalScroll(id="cv-left", classes="panel"):
                yield Static(id="verdict")
                yield Static(id="chord")
            yield Plot(id="cv-plot", classes="panel")

    def on_mount(self) -> None:
        self.query_one("#cv-left").border_title = "Verdict"
        self.query_one("#cv-plot").border_title = "f with a chord"
        self.analyse()

    @on(Input.Submitted)
    @guarded
    def _submitted(self, event: Input.Submitted) -> None:
        self.analyse()
        self.set_focus(None)

    @guarded
    def action_next_example(self) -> None:
        self.example = (self.example + 1) % len(EXAMPLES)
        self.query_one("#fx", Input).value = EXAMPLES[self.example]
        self.query_one("#domain", Input).value = "x>0" if "log" in EXAMPLES[self.example] else ""
        self.analyse()

    @guarded
    def action_move(self, end: str, direction: int) -> None:
        """Move one end of the chord by a twentieth of the plotted window."""
        if self.surface is None or self.surface.dim != 1:
            return
        lo, hi = self.surface.window[0]
        step = (hi - lo) / 20 * direction
        value = min(hi, max(lo, getattr(self, end) + step))
        setattr(self, end, value)
        self.draw()

    @guarded
    def analyse(self) -> None:
        """Ask sn.convexity for the verdict in a worker thread (SymPy can take seconds) and
        show "analysing…" meanwhile; a newer request supersedes an older one."""
        text = self.query_one("#fx", Input).value
        domain = self.query_one("#domain", Input).value.strip() or None
        self.request += 1
        self.analysing = True
        self.query_one("#error", ErrorPanel).clear()
        shown = Text()
        shown.append("analysing… ", style="bold yellow")
        shown.append(f"f = {text}" + (f" on {domain}" if domain else "") + "\n", style="yellow")
        shown.append("(the keys keep working; a new function replaces this request)",
                     style="dim")
        self.query_one("#verdict", Static).update(shown)
        self.sub_title = "analysing…"
        self._analyse(self.request, text, domain)

    @work(thread=True, group="convexity")
    def _analyse(self, request: int, text: str, domain: str | None) -> None:
        """Worker: the verdict and the plotted surface, handed back to the UI thread."""
        import symnn as sn

        try:
            result = sn.convexity(text, domain=domain)
            surface = sn.lab.surface(text)
        except Exception as exc:  # shown in the app by _analysed
            outcome = (None, None, exc)
        else:
            outcome = (result, surface, None)
        try:
            self.app.call_from_thread(self._analysed, request, text, domain, *outcome)
        except Exception:
            pass  # the app closed while the analysis ran

    @guarded
    def _analysed(self, request: int, text: str, domain: str | None, result, surface,
                  exc: BaseException | None) -> None:
        """Show a finished analysis, unless a newer request has superseded it."""
        import symnn as sn

        if request != self.request:
            return  # stale: the learner asked about another function since
        self.analysing = False
        self.sub_title = ""
        error = self.query_one("#error", ErrorPanel)
        if exc is not None:
            if isinstance(exc, sn.ParseError):
                error.show_error(text, exc)
            elif isinstance(exc, (ValueError, TypeError)) and (
                    type(exc).__name__ == "DomainError"
                    and getattr(exc, "position", None) is not None):
                error.show_error(domain or "", exc)  # the caret goes under the domain text
            elif isinstance(exc, (ValueError, TypeError)):
                error.show_message(f"{type(exc).__name__}: {exc}")
            else:
                error.show_message(describe(exc))
            self.draw()  # the last verdict stays on screen
            return
        error.clear()
        self.result, self.surface = result, surface
        if surface.dim == 1:
            lo, hi = surface.window[0]
            ce = result.counterexample
            if ce is not None and len(ce.a) == 1:
                self.a, self.b = ce.a[0], ce.b[0]
                lo, hi = min(lo, self.a, self.b), max(hi, self.a, self.b)
                surface.window = ((lo, hi),)
            else:
                self.a, self.b = lo + (hi - lo) * 0.2, lo + (hi - lo) * 0.8
        self.draw()

    def draw(self) -> None:
        result = self.result
        if result is None:
            self.query_one("#verdict", Static).update("")
            return
        text = Text()
        text.append(f"f({', '.join(map(str, result.variables))}) = {text_of(result.expression)}\n")
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
        plot = self.query_one("#cv-plot", Plot)
        plot.reset()
        surface = self.surface
        if surface is None or surface.dim != 1:
            plot.plt.title("a plot needs a function of one variable")
            plot.refresh()
            return
        import numpy as np

        xs, ys = surface.grid(n=161)
        keep = np.isfinite(ys)
        plot.plt.plot(xs[keep].tolist(), ys[keep].tolist(), label="f", marker="braille")
        fa, fb = surface.value([self.a]), surface.value([self.b])
        if np.isfinite(fa) and np.isfinite(fb):
            plot.plt.plot([self.a, self.b], [fa, fb], label="chord", color="yellow",
                          marker="braille")
            plot.plt.scatter([self.a, self.b], [fa, fb], color="yellow", marker="●")
        above = self._above_chord(surface, fa, fb)
        if above is not None:  # where f rises highest above the chord as it is now
            m, value, chord = above
            plot.plt.scatter([m, m], [value, chord], color="red", marker="x",
                             label="f above chord")
        plot.plt.title(f"a = {fmt(self.a, 3)}, f(a) = {fmt(fa, 4)};  "
                       f"b = {fmt(self.b, 3)}, f(b) = {fmt(fb, 4)}")
        status = self.query_one("#chord", Static)
        if not (np.isfinite(fa) and np.isfinite(fb)):
            short, style = "f is not finite at a chord end", "yellow"
            status.update(Text(f"chord: {short}", style=style))
        elif above is None:
            short, style = "this chord lies on or above the graph", "green"
            status.update(Text(f"chord a = {fmt(self.a, 3)} to b = {fmt(self.b, 3)}: on or "
                               "above the graph", style=style))
        else:
            m, value, chord = above
            short, style = f"f rises above this chord at x = {fmt(m, 4)}", "bold red"
            status.update(Text(f"chord a = {fmt(self.a, 3)} to b = {fmt(self.b, 3)}: f rises "
                               f"above it at x = {fmt(m, 4)} (f = {fmt(value, 4)}, chord = "
                               f"{fmt(chord, 4)})", style=style))
        plot.border_subtitle = f"[{style}]{short}[/]"
        plot.refresh()


    def _above_chord(self, surface, fa: float, fb: float):
        """(x, f(x), chord at x) where f is furthest above the chord from a to b, read off
        f's values on the chord's span (``Surface.grid``); None when f stays on or below."""
        import numpy as np

        lo, hi = sorted((self.a, self.b))
        if not (hi > lo and np.isfinite(fa) and np.isfinite(fb)):
            return None
        xs, ys = surface.grid(n=81, window=((lo, hi),))
        f_lo, f_hi = (fa, fb) if self.a <= self.b else (fb, fa)
        chord = f_lo + (xs - lo) * ((f_hi - f_lo) / (hi - lo))  # the straight line drawn
        gap = np.where(np.isfinite(ys), ys - chord, -np.inf)
        i = int(np.argmax(gap))
        if gap[i] <= 1e-9 * (1 + abs(chord[i])):
            return None
        return float(xs[i]), float(ys[i]), float(chord[i])


def text_of(expr) -> str:
    """A SymPy expression in the engine's readable Unicode form."""
    from symnn.scalar.render import unicode

    return unicode(expr)
