"""Screen 3, the optimizer playground: optimizers on a loss surface, step by step.

Every trajectory, loss, status and update formula comes from ``sn.lab.descend`` (the real
``sn.optim`` optimizers); the screen reveals the recorded run one step at a time.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Label, Select, SelectionList, Static

from tui.safety import guarded
from tui.screens.base import SymnnScreen
from tui.values import fmt, parse_values
from tui.widgets.error_panel import ErrorPanel
from tui.widgets.hardened import SafeSelect, SafeSelectionList
from tui.widgets.plot import Plot

TYPED = "(typed)"
COLORS = ("cyan", "magenta", "yellow", "green", "red", "blue", "white", "orange")
STATUS_STYLE = {"converged": "green", "diverged": "bold red", "max_steps": "yellow"}
_STEP = Binding.Group("Step", compact=True)


class OptimizerScreen(SymnnScreen):
    """Pick a surface and optimizers; step, run, pause, reset; read each update."""

    SCREEN_NAME = "optimizer"
    TITLE = "Optimizer playground"
    HELP = (
        "Each optimizer starts at the same point and follows its update rule on the surface; "
        "the panel shows the current update with its numbers. w runs the learning-rate lesson "
        "on f(w) = w^2 with lr 0.4 (straight in), 0.6 (zig-zag in) and 1.2 (zig-zag out: "
        "diverges). Choose a preset surface or type f (f), tick optimizers (o, then space), set "
        "lr, options, start and steps, then enter or g. Options apply to every ticked optimizer "
        "(momentum=0.9) or to one (sgd.momentum=0.9, adam.lr=0.1)."
    )
    BINDINGS = [
        Binding("n,right", "step(1)", "Next step", group=_STEP),
        Binding("p,left", "step(-1)", "Previous step", group=_STEP),
        Binding("u", "toggle_run", "Run/pause"),
        Binding("r", "reset", "Reset"),
        Binding("w", "lesson", "lr lesson"),
        Binding("f", "focus_field('fx')", "Function"),
        Binding("o", "focus_field('optimizers')", "Optimizers"),
        Binding("g", "go", "Go"),
        Binding("escape", "leave_input", "Leave field", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(name="optimizer")
        self.runs: list[tuple[str, object]] = []
        self.k = 0
        self.timer = None

    def compose_body(self) -> Iterable[Widget]:
        import symnn as sn

        with Horizontal(classes="field-row"):
            yield Label("surface", classes="label")
            yield SafeSelect([(name, name) for name in sn.lab.preset_names()] + [(TYPED, TYPED)],
                         value="rosenbrock", allow_blank=False, id="surface", compact=True)
            yield Label("f =", classes="label")
            yield Input(placeholder="or type f, e.g. x**2 + 10*y**2", id="fx", compact=True)
        with Horizontal(classes="field-row"):
            yield Label("lr", classes="label")
            yield Input(value="0.01", id="lr", compact=True)
            yield Label("options", classes="label")
            yield Input(placeholder="e.g. sgd.momentum=0.9, adam.lr=0.1", id="options",
                        compact=True)
            yield Label("start", classes="label")
            yield Input(placeholder="default", id="start", compact=True)
            yield Label("steps", classes="label")
            yield Input(value="60", id="steps", compact=True)
        yield ErrorPanel(id="error")
        with Horizontal(id="op-main"):
            with Vertical(id="op-left"):
                yield SafeSelectionList(
                    *((name, name, name in ("gd", "adam")) for name in sn.lab.optimizer_names()),
                    id="optimizers", classes="panel")
                with VerticalScroll(id="op-info", classes="panel"):
                    yield Static(id="update")
            yield Plot(id="op-plot", classes="panel")

    def on_mount(self) -> None:
        self.query_one("#optimizers").border_title = "Optimizers (space ticks)"
        self.query_one("#op-info").border_title = "Current update"
        self.query_one("#op-plot").border_title = "Surface and trajectories"
        self.action_go()

    # ---- running -------------------------------------------------------------------

    @guarded
    def action_go(self) -> None:
        """Run every ticked optimizer on the surface (sn.lab.descend) and show step 0."""
        import symnn as sn

        error = self.query_one("#error", ErrorPanel)
        typed = self.query_one("#fx", Input).value.strip()
        spec = typed or self.query_one("#surface", Select).value
        if spec == TYPED:
            error.show_message("type a function in f = (press f), or choose a preset surface")
            return
        fields = {}
        for name in ("lr", "options", "start", "steps"):
            source = self.query_one(f"#{name}", Input).value
            try:
                fields[name] = _read(name, source)
            except ValueError as exc:
                error.show_error(source, exc)
                return
        chosen = list(self.query_one("#optimizers", SelectionList).selected)
        if not chosen:
            error.show_message("tick at least one optimizer (o, then space)")
            return
        options = fields["options"]
        strays = sorted({key.split(".")[0] for key in options if "." in key} - set(chosen))
        if strays:
            error.show_message(f"options for {', '.join(strays)}, which is not ticked "
                               f"(ticked: {', '.join(chosen)})")
            return
        runs = []
        try:
            for name in chosen:
                own = {k: v for k, v in options.items() if "." not in k}
                own.update({k.split(".", 1)[1]: v for k, v in options.items()
                            if k.startswith(name + ".")})
                lr = own.pop("lr", fields["lr"])
                label = f"{name} lr={lr:g}" + "".join(f" {k}={v:g}" for k, v in own.items())
                runs.append((label, sn.lab.descend(
                    spec, optimizer=name, lr=lr, start=fields["start"],
                    steps=fields["steps"], **own)))
        except sn.ParseError as exc:
            error.show_error(typed, exc)
            return
        except (ValueError, TypeError) as exc:
            error.show_message(f"{name}: {type(exc).__name__}: {exc}")
            return
        error.clear()
        select = self.query_one("#surface", Select)
        if typed and select.value != TYPED:
            with self.prevent(Select.Changed):
                select.value = TYPED
        self._show(runs)

    @guarded
    def action_lesson(self) -> None:
        """The learning-rate lesson on w^2: lr 0.4, 0.6 and 1.2 from w = 1."""
        import symnn as sn

        runs = [(f"gd lr={lr}", sn.lab.descend("w**2", optimizer="gd", lr=lr, start=[1.0],
                                               steps=20)) for lr in (0.4, 0.6, 1.2)]
        self.query_one("#error", ErrorPanel).clear()
        self._show(runs)
        self.k = 1

    def _show(self, runs) -> None:
        self._stop()
        self.runs = runs
        self.k = 0
        self.draw()

    @property
    def max_k(self) -> int:
        return max((run.steps for _, run in self.runs), default=0)

    @guarded
    def action_step(self, delta: int) -> None:
        self.k = max(0, min(self.max_k, self.k + delta))
        self.draw()

    @guarded
    def action_reset(self) -> None:
        self._stop()
        self.k = 0
        self.draw()

    @guarded
    def action_toggle_run(self) -> None:
        """Play the runs one step every 0.15 s, or pause."""
        if self.timer is not None:
            self._stop()
            return
        if self.k >= self.max_k:
            self.k = 0
        self.timer = self.set_interval(0.15, self._tick)

    def _tick(self) -> None:
        if self.k >= self.max_k:
            self._stop()
            return
        self.k += 1
        self.draw()

    def _stop(self) -> None:
        if self.timer is not None:
            self.timer.stop()
            self.timer = None

    @on(Input.Submitted)
    @guarded
    def _submitted(self, event: Input.Submitted) -> None:
        self.action_go()
        self.set_focus(None)

    @on(Select.Changed, "#surface")
    @guarded
    def _surface_chosen(self, event: Select.Changed) -> None:
        if event.value != TYPED and self.is_mounted:
            self.query_one("#fx", Input).value = ""
            self.action_go()

    # ---- drawing -------------------------------------------------------------------

    def draw(self) -> None:
        text = Text()
        for i, (label, run) in enumerate(self.runs):
            k = min(self.k, run.steps)
            color = COLORS[i % len(COLORS)]
            text.append(f"{label}", style=f"bold {color}")
            point = ", ".join(fmt(v, 5) for v in run.points[k])
            text.append(f"  step {k}/{run.steps}  ({point})  loss {fmt(run.losses[k], 5)}\n")
            if k == run.steps:
                text.append(f"  {run.status}: {run.reason}\n",
                            style=STATUS_STYLE.get(run.status, ""))
            if k >= 1:
                text.append(str(run.explain(k)) + "\n", style="dim")
            text.append("\n")
        if not self.runs:
            text.append("no run yet: press g")
        self.query_one("#update", Static).update(text)
        self.sub_title = f"step {self.k} of {self.max_k}" + ("  ▶ running" if self.timer else "")
        self._plot()

    def _plot(self) -> None:
        import numpy as np

        plot = self.query_one("#op-plot", Plot)
        plot.reset()
        if not self.runs:
            plot.refresh()
            return
        surface = self.runs[0][1].surface
        window = [list(w) for w in surface.window]
        for _, run in self.runs:  # widen the view to keep every shown point in sight
            shown = run.points[: self.k + 1]
            finite = shown[np.all(np.isfinite(shown), axis=1)]
            if len(finite):
                for d in range(surface.dim):
                    window[d][0] = min(window[d][0], float(finite[:, d].min()))
                    window[d][1] = max(window[d][1], float(finite[:, d].max()))
        window = tuple(tuple(w) for w in window)
        if surface.dim == 1:
            xs, ys = surface.grid(n=161, window=window)
            keep = np.isfinite(ys)
            plot.plt.plot(xs[keep].tolist(), ys[keep].tolist(), color="gray", marker="braille")
        elif surface.dim == 2:
            X, Y, Z = surface.grid(n=31, window=window)
            _heat(plot, X, Y, Z)
        else:
            plot.plt.title(f"{surface.dim} variables: no plot (the updates are on the left)")
        for i, (label, run) in enumerate(self.runs):
            shown = run.points[: min(self.k, run.steps) + 1]
            keep = np.all(np.isfinite(shown), axis=1)
            shown = shown[keep]
            if not len(shown) or surface.dim > 2:
                continue
            color = COLORS[i % len(COLORS)]
            if surface.dim == 1:
                xs, ys = shown[:, 0].tolist(), run.losses[: len(keep)][keep].tolist()
            else:
                xs, ys = shown[:, 0].tolist(), shown[:, 1].tolist()
            plot.plt.plot(xs, ys, color=color, label=label, marker="dot")
            plot.plt.scatter(xs[-1:], ys[-1:], color=color, marker="●")
        plot.plt.title(f"{surface.name}: step {self.k}")
        plot.refresh()


def _heat(plot: Plot, X, Y, Z) -> None:
    """A shaded background: grid points coloured by which fifth of the values of f it falls in (a colour map)."""
    import numpy as np

    finite = np.isfinite(Z)
    if not finite.any():
        return
    edges = np.quantile(Z[finite], np.linspace(0, 1, 6)[1:-1])
    band = np.digitize(np.where(finite, Z, np.inf), edges)
    shades = ((60, 60, 110), (50, 80, 120), (50, 100, 100), (70, 90, 60), (90, 70, 50), (0, 0, 0))
    for level in range(5):
        mask = band == level
        if mask.any():
            plot.plt.scatter(X[mask].tolist(), Y[mask].tolist(), color=shades[level],
                             marker="·")


def _read(name: str, text: str):
    """The typed value of one field (lr, options, start or steps)."""
    from tui.values import ValuesError

    text = text.strip()
    if name == "options":
        return parse_values(text)
    if name == "start":
        if not text:
            return None
        try:
            return [float(part) for part in text.replace(";", ",").split(",")]
        except ValueError:
            raise ValuesError("start must be numbers separated by commas, e.g. 1, 1", 0) from None
    if name == "steps":
        if not text.isdigit() or not 0 < int(text) <= 5000:
            raise ValuesError("steps must be a whole number from 1 to 5000", 0)
        return int(text)
    try:
        value = float(text)
    except ValueError:
        raise ValuesError("lr must be a number, e.g. 0.01", 0) from None
    if not value > 0 or value == float("inf"):
        raise ValuesError("lr must be a positive number", 0)
    return value
