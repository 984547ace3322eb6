"""Screen 3, the optimizer playground: optimizers on a loss surface, step by step.

Every trajectory, loss, status and update formula comes from ``sn.lab.descend`` (the real
``sn.optim`` optimizers). The runs are computed once, in a worker thread; a step key then only
moves the index of the step shown, so it redraws at once however long the runs are.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual import on, work
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Label, Select, SelectionList, Static

from tui.safety import describe, guarded
from tui.screens.base import SymnnScreen
from tui.values import fmt, parse_values
from tui.widgets.error_panel import ErrorPanel
from tui.widgets.hardened import SafeSelect, SafeSelectionList
from tui.widgets.surface_plot import SurfacePlot, Track

TYPED = "(typed)"
# one distinct colour of the 256-colour palette per optimizer (there are ten)
COLORS = ("color(51)", "color(201)", "color(226)", "color(46)", "color(208)", "color(255)",
          "color(39)", "color(219)", "color(196)", "color(141)")
LESSON_LRS = (0.4, 0.6, 1.2)
LESSON_F = "w**2"
FIELD_DEFAULTS = {"lr": "", "start": "", "steps": "60"}  # what the fields hold at first
PLAY_TICK = 0.1  # seconds between frames while a run plays
PLAY_FRAMES = 150  # a run plays in at most this many frames (long runs skip steps)
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
        "lr, options, start and steps, then enter or g. Each optimizer has its own default "
        "learning rate (Newton 1); a number in lr applies to every ticked optimizer, and "
        "adam.lr=0.1 in options sets one optimizer's (it wins over the lr field). Options apply "
        "to every ticked optimizer (momentum=0.9) or to one (sgd.momentum=0.9); options for an "
        "unticked optimizer wait until it is ticked. l switches the plot between the surface and "
        "loss against step."
    )
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]
    # the footer shows the keys a learner needs at 80 columns; e, r and w are in the help
    BINDINGS = [
        Binding("n,right", "step(1)", "Next step", group=_STEP),
        Binding("p,left", "step(-1)", "Previous step", group=_STEP),
        Binding("u", "toggle_run", "Run"),
        Binding("e,end", "to_end", "End", show=False),
        Binding("r", "reset", "Reset", show=False),
        Binding("w", "lesson", "lr lesson", show=False),
        Binding("f", "focus_field('fx')", "Type f"),
        Binding("o", "focus_field('optimizers')", "Tick"),
        Binding("g", "go", "Go"),
        Binding("l", "toggle_view", "Plot"),
        Binding("escape", "leave_input", "Leave field"),
    ]

    def __init__(self) -> None:
        super().__init__(name="optimizer")
        self.runs: list[tuple[str, object]] = []
        self.surface_choice = "rosenbrock"  # the surface Select's value, as last handled
        self.k = 0
        self.timer = None
        self.request = 0  # the latest computation asked for; older results are ignored
        self.computing = False
        self.view_window: tuple[tuple[float, float], ...] = ()
        self._explained: dict[tuple[int, int], str] = {}
        self.note = ""  # said under the fields after a run (options waiting for an optimizer)
        self.view = "surface"  # or "loss": the plot shows loss against step
        self.start_asked = ""  # the start field's text when the pending runs were asked for
        self.f_text = ""  # the runs' f as the plot's title names it
        self.lesson_fields: dict[str, str] = {}  # the lr lesson's settings, while shown

    def compose_body(self) -> Iterable[Widget]:
        import symnn as sn

        with Horizontal(classes="field-row"):
            yield Label("surface", classes="label")
            yield SafeSelect([(name, name) for name in sn.lab.preset_names()] + [(TYPED, TYPED)],
                         value=self.surface_choice, allow_blank=False, id="surface",
                         compact=True)
            yield Label("f =", classes="label")
            yield Input(placeholder="or type f, e.g. x**2 + 4*y**2", id="fx", compact=True)
        with Horizontal(classes="field-row"):
            yield Label("lr", classes="label")
            yield Input(placeholder="default", id="lr", compact=True)  # each optimizer's own
            yield Label("options", classes="label")
            yield Input(placeholder="e.g. sgd.momentum=0.9", id="options",
                        compact=True)
            yield Label("start", classes="label")
            yield Input(placeholder="default", id="start", compact=True)  # or type: default
            yield Label("steps", classes="label")
            yield Input(value=FIELD_DEFAULTS["steps"], id="steps", compact=True)
        yield ErrorPanel(id="error")
        with Horizontal(id="op-main"):
            with Vertical(id="op-left"):
                yield SafeSelectionList(
                    *((_row(name, name in ("gd", "adam")), name, name in ("gd", "adam"))
                      for name in sn.lab.optimizer_names()),
                    id="optimizers", classes="panel")
                with VerticalScroll(id="op-info", classes="panel"):
                    yield Static(id="update")
            yield SurfacePlot(id="op-plot", classes="panel")

    def on_mount(self) -> None:
        self.query_one("#optimizers").border_title = "Optimizers (space ticks)"
        self.query_one("#op-info").border_title = "Current update"
        self.query_one("#op-plot").border_title = "Surface and trajectories"
        self.action_go()

    # ---- running -------------------------------------------------------------------

    @guarded
    def action_go(self, editing: str = "") -> None:
        """Run every ticked optimizer on the surface (sn.lab.descend) and show step 0;
        ``editing`` names the field whose enter asked for it (its errors keep the cursor)."""
        import symnn as sn

        self.editing = editing
        error = self.query_one("#error", ErrorPanel)
        typed = self.query_one("#fx", Input).value.strip()
        if typed != LESSON_F:
            self._forget_lesson()
        spec = typed or self.query_one("#surface", Select).value
        if spec == TYPED:
            error.show_message("type a function in f = (press f), or choose a preset surface")
            self._keep_editing("fx")
            return
        fields = {}
        for name in ("lr", "options", "start", "steps"):
            source = self.query_one(f"#{name}", Input).value
            try:
                fields[name] = _read(name, source)
            except ValueError as exc:
                error.show_error(source, exc)
                self._keep_editing(name)
                return
        chosen = list(self.query_one("#optimizers", SelectionList).selected)
        if not chosen:
            error.show_message("tick at least one optimizer (o, then space)")
            return
        options = fields["options"]
        if "lr" in options:
            error.show_message("lr=... in options: type a learning rate for every ticked "
                               "optimizer in the lr field, or one optimizer's as adam.lr=0.1")
            self._keep_editing("options")
            return
        waiting = sorted({key.split(".")[0] for key in options if "." in key} - set(chosen))
        jobs = []
        for name in chosen:
            own = {k: v for k, v in options.items() if "." not in k}
            own.update({k.split(".", 1)[1]: v for k, v in options.items()
                        if k.startswith(name + ".")})
            lr = own.pop("lr", fields["lr"])  # None: the optimizer's own default
            jobs.append((None, dict(f=spec, optimizer=name, lr=lr, start=fields["start"],
                                    steps=fields["steps"], **own)))
        self.note = (f"options for {', '.join(waiting)} apply once ticked" if waiting else "")
        error.clear()
        self._compute(jobs, typed)

    def _forget_lesson(self) -> None:
        """A new f after the lr lesson: the lesson's lr, start and steps that the learner has
        not changed go back to the defaults (each optimizer's own lr, Newton's 1)."""
        for field, value in self.lesson_fields.items():
            widget = self.query_one(f"#{field}", Input)
            if widget.value == value:
                widget.value = FIELD_DEFAULTS[field]
        self.lesson_fields = {}

    def _compute(self, jobs: list[tuple[str, dict]], typed: str = "") -> None:
        """Start the runs in a worker thread and say so; a newer request supersedes it."""
        self._stop()
        self.request += 1
        self.computing = True
        self.start_asked = self.query_one("#start", Input).value
        self.sub_title = "computing…"
        self.query_one("#update", Static).update(Text(
            f"computing {len(jobs)} run(s)… (the keys keep working)", style="yellow"))
        self._run_jobs(self.request, jobs, typed)

    @work(thread=True, group="optimizer")
    def _run_jobs(self, request: int, jobs: list[tuple[str, dict]], typed: str) -> None:
        """Worker: every run recorded by sn.lab.descend, handed back to the UI thread."""
        import symnn as sn

        runs, failure, reset = [], None, ""
        for label, kwargs in jobs:
            try:
                surface = sn.lab.surface(kwargs["f"])
                start = kwargs["start"]
                if start is not None and len(start) != surface.dim:
                    kwargs["start"] = None  # typed for another function: the default start
                    reset = _start_reset(surface)
                run = sn.lab.descend(**{**kwargs, "f": surface})
                label = label or (f"{kwargs['optimizer']} lr={run.lr:g}" + "".join(
                    f" {k}={v:g}" for k, v in run.options.items()))
                runs.append((label, run))
            except Exception as exc:  # shown in the app by _computed
                failure = (kwargs["optimizer"], exc)
                break
        try:
            self.app.call_from_thread(self._computed, request, runs, failure, typed, reset)
        except Exception:
            pass  # the app closed while the runs were computed

    @guarded
    def _computed(self, request: int, runs, failure, typed: str, reset: str = "") -> None:
        """Show finished runs (or the error), unless a newer request has superseded them;
        ``reset`` says the typed start did not fit f (the field is emptied, unless the learner
        has typed another start since)."""
        import symnn as sn

        if request != self.request:
            return
        self.computing = False
        error = self.query_one("#error", ErrorPanel)
        if failure is not None:
            name, exc = failure
            if isinstance(exc, sn.ParseError):
                error.show_error(typed, exc)
            else:
                error.show_message(f"{name}: {describe(exc)}")
            self._keep_editing("fx" if typed and isinstance(exc, sn.ParseError) else "")
            self.draw()  # the previous runs stay on screen
            return
        error.clear()
        if reset:
            start = self.query_one("#start", Input)
            if start.value == self.start_asked:
                start.value = ""
            error.show_message(reset)
            self._keep_editing("start")  # the message is about the start field: type there
        elif self.note:
            error.show_message(self.note)
        self.editing = ""
        select = self.query_one("#surface", Select)
        if typed and select.value != TYPED:
            self.surface_choice = TYPED
            with self.prevent(Select.Changed):
                select.value = TYPED
        self._show(runs)

    @guarded
    def action_lesson(self) -> None:
        """The learning-rate lesson on w^2: lr 0.4, 0.6 and 1.2 from w = 1; the controls show
        the lesson's settings (g then reruns gd with the lr typed)."""
        self.query_one("#error", ErrorPanel).clear()
        with self.prevent(Select.Changed):
            self.query_one("#surface", Select).value = TYPED
        self.lesson_fields = {"lr": str(LESSON_LRS[0]), "start": "1", "steps": "20"}
        for field, value in (("fx", LESSON_F), ("options", ""), *self.lesson_fields.items()):
            self.query_one(f"#{field}", Input).value = value
        optimizers = self.query_one("#optimizers", SelectionList)
        optimizers.deselect_all()
        optimizers.select("gd")
        self._compute([(f"gd lr={lr}", dict(f=LESSON_F, optimizer="gd", lr=lr, start=[1.0],
                                            steps=20)) for lr in LESSON_LRS], LESSON_F)

    def _show(self, runs) -> None:
        import gc

        import numpy as np

        # One full garbage collection now, then the surviving objects (SymPy, Textual, the
        # runs) are frozen out of later collections: otherwise a full collection of that heap
        # (about 0.1 s) falls on every few step keys.
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self._stop()
        self.runs = runs
        self.f_text = _f_text(runs[0][1].surface) if runs else ""  # printed once, not per key
        self._explained = {}
        self.k = 0
        # a fixed window for the whole run set: the surface's own window, widened to every
        # point of the runs that did not diverge (a diverging run is clipped at the border)
        window = [list(w) for w in runs[0][1].surface.window] if runs else []
        for _, run in runs:
            if run.status == "diverged":
                continue
            finite = run.points[np.all(np.isfinite(run.points), axis=1)]
            for d in range(min(len(window), finite.shape[1] if finite.ndim == 2 else 0)):
                if len(finite):
                    window[d][0] = min(window[d][0], float(finite[:, d].min()))
                    window[d][1] = max(window[d][1], float(finite[:, d].max()))
        self.view_window = tuple((float(lo), float(hi)) for lo, hi in window)
        self.draw()

    @property
    def max_k(self) -> int:
        return max((run.steps for _, run in self.runs), default=0)

    @guarded
    def action_step(self, delta: int) -> None:
        self.k = max(0, min(self.max_k, self.k + delta))
        self.draw()

    @guarded
    def action_to_end(self) -> None:
        """Jump to the last step of the longest run."""
        self._stop()
        self.k = self.max_k
        self.draw()

    @guarded
    def action_reset(self) -> None:
        self._stop()
        self.k = 0
        self.draw()

    @guarded
    def action_toggle_run(self) -> None:
        """Play the runs (a long run skips steps so that it plays in a few seconds), or
        pause; at the end, play again from step 0."""
        if self.timer is not None:
            self._stop()
            self.draw()
            return
        if not self.runs:
            return
        if self.k >= self.max_k:
            self.k = 0
        self.timer = self.set_interval(PLAY_TICK, self._tick)
        self.draw()

    def _tick(self) -> None:
        stride = max(1, -(-self.max_k // PLAY_FRAMES))
        self.k = min(self.max_k, self.k + stride)
        if self.k >= self.max_k:
            self._stop()
        self.draw()

    def _stop(self) -> None:
        if self.timer is not None:
            self.timer.stop()
            self.timer = None

    @guarded
    def action_toggle_view(self) -> None:
        """Switch the plot between the surface with trajectories and loss against step."""
        self.view = "loss" if self.view == "surface" else "surface"
        self._plot()

    @on(SelectionList.SelectedChanged, "#optimizers")
    @guarded
    def _ticked(self, event: SelectionList.SelectedChanged) -> None:
        """Each row says whether it is ticked in words, not only by colour."""
        optimizers = event.selection_list
        chosen = set(optimizers.selected)
        for index in range(optimizers.option_count):
            name = optimizers.get_option_at_index(index).value
            optimizers.replace_option_prompt_at_index(index, _row(name, name in chosen))
        if chosen != {run.optimizer for _, run in self.runs}:
            self.query_one("#error", ErrorPanel).show_message(
                "press g to run the ticked optimizers")

    @on(Input.Submitted)
    @guarded
    def _submitted(self, event: Input.Submitted) -> None:
        """Run from the fields; on an error the cursor comes back to the field to correct."""
        self.leave_entered_field(event.input)
        self.action_go(event.input.id or "")

    @on(Select.Changed, "#surface")
    @guarded
    def _surface_chosen(self, event: Select.Changed) -> None:
        # Only a new choice runs: the Changed message of the initial value can arrive after
        # the learner's first keys (the w lesson) and must not replace their runs.
        if event.value == self.surface_choice:
            return
        self.surface_choice = event.value
        if event.value != TYPED:
            self.query_one("#fx", Input).value = ""
            self.action_go()

    # ---- drawing -------------------------------------------------------------------

    def draw(self) -> None:
        """Show step k of every run: the update panel and the plot (no computing here)."""
        text = Text()
        width = max(20, self.query_one("#update", Static).size.width or 60)
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
                text.append(self._explanation(i, run, k, width) + "\n", style="dim")
            text.append("\n")
        if self.computing:
            text.append("computing the new runs…\n", style="yellow")
        elif not self.runs:
            text.append("no run yet: press g")
        self.query_one("#update", Static).update(text)
        # the step number is in the plot's title: a title bar that changed on every key would
        # redraw the whole screen (about 40 ms under load), so it only names the state
        state = "▶ running" if self.timer else ("computing…" if self.computing else "")
        if self.sub_title != state:
            self.sub_title = state
        self._plot()

    def _explanation(self, i: int, run, k: int, width: int) -> str:
        """Step k's update formula (from Run.explain), its long lines broken at " = "."""
        key = (i, k, width)
        if key not in self._explained:
            self._explained[key] = "\n".join(
                _break_formula(_readable(line), width)
                for line in str(run.explain(k)).splitlines())
        return self._explained[key]

    def _plot(self) -> None:
        plot = self.query_one("#op-plot", SurfacePlot)
        plot.border_title = ("Loss against step" if self.view == "loss"
                             else "Surface and trajectories")
        if not self.runs:
            plot.show_message("no run yet: press g")
            return
        if self.view == "loss":
            self._loss_chart(plot)
            return
        surface = self.runs[0][1].surface
        if surface.dim > 2:
            plot.show_message(f"plots need 1–2 variables; {self.f_text} has {surface.dim} "
                              "(l shows loss against step)")
            return
        tracks, legend = [], []
        for i, (label, run) in enumerate(self.runs):
            k = min(self.k, run.steps)
            shown = run.points[: k + 1]
            if surface.dim == 1:
                shown = _column_stack(shown[:, 0], run.losses[: k + 1])
            color = COLORS[i % len(COLORS)]
            tracks.append(Track(shown, color))
            off = not all(lo <= v <= hi for v, (lo, hi) in zip(run.points[k], self.view_window))
            status = "diverged, " if run.status == "diverged" else ""
            legend.append((label + (f" ({status}off the plot)" if off else ""), color))
        plot.show(surface, self.view_window, tracks, f"{self.f_text}, step {self.k}",
                  tuple(legend))

    def _loss_chart(self, plot: SurfacePlot) -> None:
        """Every run's loss against step up to step k, on a log scale when all are positive."""
        import numpy as np

        losses = [run.losses for _, run in self.runs]
        finite = np.concatenate([v[np.isfinite(v)] for v in losses])
        log = finite.size > 0 and bool(np.all(finite > 0))
        tracks, legend = [], []
        for i, (label, run) in enumerate(self.runs):
            k = min(self.k, run.steps)
            y = run.losses[: k + 1]
            with np.errstate(all="ignore"):
                y = np.log10(y) if log else y
            color = COLORS[i % len(COLORS)]
            tracks.append(Track(_column_stack(np.arange(k + 1, dtype=float), y), color))
            legend.append((label, color))
        if finite.size:
            ys = np.log10(finite) if log else finite
            lo, hi = float(ys.min()), float(ys.max())
        else:
            lo, hi = 0.0, 1.0
        pad = (hi - lo) * 0.05 or 1.0
        # a loss that is never negative gets no negative axis (the padding stops at 0)
        bottom = lo - pad if log or lo < 0 else max(lo - pad, 0.0)
        window = ((0.0, float(max(self.max_k, 1))), (bottom, hi + pad))
        title = f"loss{' (log scale)' if log else ''}, step {self.k}"
        plot.show_chart(window, tracks, title, tuple(legend),
                        (lambda v: fmt(10.0 ** v, 3)) if log else None)


def _row(name: str, ticked: bool) -> str:
    """An optimizer row: its name and, when ticked, the word that says so."""
    return f"{name:<9}{' ✓ ticked' if ticked else ''}"


def _f_text(surface) -> str:
    """A surface as the learner reads it: a preset's name, or typed f in readable math
    (x² + 10·y², not x**2 + 10*y**2)."""
    import symnn as sn
    from symnn.symbolic import math_text

    return surface.name if surface.name in sn.lab.preset_names() else math_text(surface.expr)


def _start_reset(surface) -> str:
    """Why a typed start was replaced: f has another number of variables."""
    name = _f_text(surface)
    start = ", ".join(fmt(v, 4) for v in surface.start)
    count = f"{surface.dim} variable{'s' if surface.dim != 1 else ''}"
    return f"start reset to the default ({start}) of {name}: it has {count}"


def _column_stack(xs, ys):
    import numpy as np

    return np.column_stack([xs, ys])


# the update formulas as a learner reads them: β₁·m_prev, (H + μI)⁻¹ ∇f, μ = 1 − λ_min, g²
_READABLE = ((r"\(H \+ mu I\)\^-1", "(H + μI)⁻¹"), (r"\^-1\b", "⁻¹"), (r"\bgrad f\b", "∇f"),
             (r"\blambda_min\b", "λ_min"), (r"\bmu\b", "μ"), (r"\bbeta1\b", "β₁"),
             (r"\bbeta2\b", "β₂"), (r"\balpha\b", "α"), (r"\brho\b", "ρ"),
             (r"\beps\b", "ε"), (r"\^2\b", "²"), (r"\bsqrt\(", "√("), (r" - ", " − "),
             (r" \* ", " · "), (r"(?<=\S)\*(?=\S)", "·"))


def _readable(line: str) -> str:
    """One line of an update's explanation with Greek letters, superscripts and · for *."""
    import re

    for pattern, replacement in _READABLE:
        line = re.sub(pattern, replacement, line)
    return line


def _break_formula(line: str, width: int) -> str:
    """A formula line longer than ``width`` broken before each " = ", the continuation lines
    indented under the first "=", so a panel wraps at the equals signs, not mid-expression."""
    if len(line) <= width or " = " not in line:
        return line
    head, first, *rest = line.split(" = ")
    indent = " " * min(len(head) + 1, width // 3)
    return f"{head} = {first}" + "".join(f"\n{indent}= {part}" for part in rest)


def _read(name: str, text: str):
    """The typed value of one field (lr, options, start or steps)."""
    from tui.values import ValuesError

    text = text.strip()
    if name == "options":
        return parse_values(text)
    if name == "lr" and (not text or text.lower() == "default"):
        return None  # each optimizer's own default
    if name == "start":
        if not text or text.lower() == "default":
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
