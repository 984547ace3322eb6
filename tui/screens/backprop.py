"""Screen 1, the backprop stepper: forward pass node by node, backward pass edge by edge.

The graph comes from ``sn.graph`` (typed text), a preset, or a weight chosen in the network
view; the steps, local derivatives, upstream gradients, products and gradients all come from
``L.derivation()``. In practice mode (t) each backward step is asked before it is shown; a
``symnn.practice.PracticeSession`` judges the answers.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static

from symnn.scalar import forward_order, reading_order
from tui.safety import describe, guarded
from tui.screens.backprop_presets import PRESETS
from tui.screens.base import SymnnScreen
from tui.typed_text import NotTypeable, typed_text
from tui.values import fmt
from tui.widgets.error_panel import ErrorPanel
from tui.widgets.graph_tree import GraphView
from tui.widgets.hardened import SafeSelect
from tui.widgets.practice_panel import PracticePanel

_STEP = Binding.Group("Step", compact=True)
_JUMP = Binding.Group("Jump", compact=True)
CUSTOM = -1  # the Select value meaning "typed expression"
NETWORK = -2  # the Select value meaning "the weight sent from the network view"
_WIDE_ONLY = ("toggle_symbolic", "export")
_NARROW_LABELS = {"focus_field('expr')": "f"}  # "e f": the key of the field labelled f =
PREPARE_SLICE = 0.012  # seconds of step printing per idle tick after a graph is loaded


class BackpropScreen(SymnnScreen):
    """Type an expression or pick a preset, then step forward and backward through it."""

    SCREEN_NAME = "backprop"
    TITLE = "Backprop stepper"
    HELP = (
        "The forward pass computes each node from its inputs; the backward pass applies the "
        "chain rule edge by edge: dL/dparent += dL/dnode * dnode/dparent. Type an expression "
        "(e), give leaf values (v, e.g. x=2, w=1/2; names without a value stay symbolic), or "
        "cycle the presets (r). Step with n/p or the arrow keys; a, b and z jump to the start, "
        "the backward pass and the end. Practice (t): each backward step is asked before it "
        "is shown - type the local derivative (a formula or a number), then the product; a "
        "wrong answer gets a hint and a second try, Enter on an empty answer shows it."
    )
    BINDINGS = [
        Binding("n,right", "step(1)", "Next step", group=_STEP),
        Binding("p,left", "step(-1)", "Previous step", group=_STEP),
        Binding("a", "jump('start')", "Go to start", show=False),
        Binding("b", "jump('backward')", "Go to backward pass", show=False),
        Binding("z", "jump('end')", "Go to end", show=False),
        Binding("t", "toggle_practice", "Practice"),
        Binding("s", "toggle_symbolic", "Symbolic"),
        Binding("e", "focus_field('expr')", "Expr"),
        Binding("v", "focus_field('values')", "Values"),
        Binding("r", "next_preset", "Preset"),
        Binding("x", "export", "Export"),
        Binding("escape", "leave_input", "Leave field"),
    ]

    def __init__(self) -> None:
        super().__init__(name="backprop")
        self.output = None
        self.derivation = None
        self.forward: list = []  # computed nodes in the order the forward pass makes them
        self.position = 0
        self.symbolic = False
        self.preset_index = 0
        self.source = ""
        self.export_dir = Path.cwd()
        self.practice = None  # a PracticeSession while practice mode is on
        self.labels: dict = {}
        self.label_keys: dict = {}
        self.views: dict = {}
        self._to_prepare: list = []
        self._preparing = None
        self._last_feedback = None  # the practice session's verdict on the last answer
        self._narrow: bool | None = None  # whether the footer shows the narrow key set
        self._wide_bindings: dict | None = None  # the keys as declared, for the wide footer
        self._preset_pending = False  # r chose a preset that is not built yet
        self.weight: SentWeight | None = None  # the last weight sent from the network view
        self._collected_before = False  # the first graph's tidy-up only freezes

    # ---- layout --------------------------------------------------------------------

    def compose_body(self) -> Iterable[Widget]:
        with Horizontal(classes="field-row"):
            yield Label("Preset", classes="label")
            yield SafeSelect(self._choices(), value=0, allow_blank=False, id="preset",
                             compact=True)
        with Horizontal(classes="field-row"):
            yield Label("f =", classes="label")
            yield Input(placeholder="type an expression, e.g. (sigmoid(w*x + b) - y)^2",
                        id="expr", compact=True)
        with Horizontal(classes="field-row"):
            yield Label("at", classes="label")
            yield Input(placeholder="leaf values, e.g. x=2, w=1/2 (none: symbolic)",
                        id="values", compact=True)
        yield ErrorPanel(id="error")
        with Horizontal(id="bp-main"):
            with Vertical(id="bp-left", classes="panel"):
                yield GraphView(id="graph")
            with Vertical(id="bp-right"):
                with VerticalScroll(id="bp-step", classes="panel"):
                    yield Static(id="step")
                    yield PracticePanel(id="practice")
                with VerticalScroll(id="bp-grads", classes="panel"):
                    yield Static(id="grads")

    def on_resize(self, event) -> None:
        """Below 110 columns the footer leaves out the symbolic switch and export (they still
        work, and help lists them) and names e by its field, f, so the keys to step,
        practise, type f and its values, pick a preset and ? Help, q Quit fit in 80 columns."""
        super().on_resize(event)
        import dataclasses

        narrow = event.size.width < 110
        if narrow == self._narrow:
            return  # the same keys: rebuilding the footer would cost a frame for nothing
        self._narrow = narrow
        if self._wide_bindings is None:
            self._wide_bindings = dict(self._bindings.key_to_bindings)
        for key, bindings in self._wide_bindings.items():
            self._bindings.key_to_bindings[key] = [
                dataclasses.replace(b, show=False) if narrow and b.action in _WIDE_ONLY else
                dataclasses.replace(b, description=_NARROW_LABELS[b.action])
                if narrow and b.action in _NARROW_LABELS else b
                for b in bindings]
        self.refresh_bindings()

    def on_mount(self) -> None:
        self.query_one("#bp-left").border_title = "Graph (output at the top)"
        self.query_one("#bp-step").border_title = "Step"
        self.query_one("#bp-grads").border_title = "Gradients so far"
        self.query_one("#step", Static).update(Text("Building the graph ...", style="dim"))
        self.query_one("#graph", GraphView).focus()
        # The first frame goes out before SymPy is loaded for the derivation.
        after_first_frame = getattr(self.app, "after_first_frame", None)
        if after_first_frame is None:
            self.set_timer(0.05, self._first_load)
        else:
            after_first_frame(self._first_load)

    @guarded
    def _first_load(self) -> None:
        if self.derivation is None:
            self.load_preset(self.preset_index)

    # ---- building the graph --------------------------------------------------------

    def load_preset(self, index: int) -> None:
        """Build preset ``index`` with its default values and show it."""
        from symnn.assignments import format_assignments

        preset = PRESETS[index]
        self.preset_index = index
        self.query_one("#expr", Input).value = preset.text
        self.query_one("#values", Input).value = format_assignments(preset.values)
        self.source = preset.title
        self._show_graph(preset.build(dict(preset.values)))

    def show_weight(self, output, leaf, source: str) -> None:
        """Step through the backward pass from ``output`` to one leaf (a weight chosen in
        the network view): the whole forward pass, then the edges on the paths to ``leaf``.
        ``source`` names it ("weight W^(1)[0,1], 2-2-1 sigmoid MLP"); the fields show
        the graph as text with its values, to read or edit like a typed expression."""
        from symnn.assignments import format_assignments

        try:
            text, values, names = typed_text(output)
        except NotTypeable:
            text, values, names = "", {}, {}
        self.weight = SentWeight(output, leaf, source, text, format_assignments(values),
                                 names.get(leaf, ""))
        select = self.query_one("#preset", Select)
        with self.prevent(Select.Changed):
            select.set_options(self._choices())
        self._set_select(NETWORK)
        self._show_weight()

    def _show_weight(self) -> None:
        weight = self.weight
        self.query_one("#expr", Input).value = weight.text
        self.query_one("#values", Input).value = weight.values
        self.source = weight.source
        self._show_graph(weight.output, wrt=weight.leaf)

    def _choices(self) -> list[tuple[str, int]]:
        """The preset list: the presets, a typed expression, and the last weight sent from
        the network view."""
        choices = [(p.title, i) for i, p in enumerate(PRESETS)] + [("Typed expression", CUSTOM)]
        if self.weight is not None:
            choices.append((_capitalized(self.weight.source) + " (network view)", NETWORK))
        return choices

    def _show_graph(self, output, wrt=None) -> None:
        derivation = output.derivation(wrt=wrt)  # SymPy work happens here, once per graph
        self.output = output
        self.derivation = derivation
        self.forward = forward_order(output)
        self.position = 0
        self.labels, self.label_keys, self.views = {}, {}, {}
        self.query_one("#error", ErrorPanel).clear()
        if output.value is None and not self.symbolic:
            # a leaf without a value has no numbers to show: the symbolic forms say it all
            self.symbolic = True
            self.notify("Some leaves have no value, so the steps are shown symbolically "
                        "(s toggles; v gives values).", title="Symbolic on")
        if self.practice is not None:
            self._start_practice()
        self.query_one("#graph", GraphView).show(output, lambda node: node.parents)
        self.refresh_view()
        self._prepare_views()

    def _prepare_views(self) -> None:
        """Print every step of the new graph ahead of the step keys, a slice per idle tick
        (so keys stay responsive meanwhile), then tidy memory once: the collector would
        otherwise walk every SymPy object of the graph in the middle of a later step key
        (pauses of 20-500 ms); freezing what is alive takes it out of later collections.
        After the first graph only freezing: what start-up loaded (Textual, SymPy) stays
        for good, and a full collection of it would hold the first step key 0.1-0.2 s."""
        if self._preparing is not None:
            self._preparing.stop()
        self._to_prepare = list(range(self.last_position, -1, -1))
        gc.unfreeze()
        self._preparing = self.set_interval(0.02, self._prepare_some)

    @guarded
    def _prepare_some(self) -> None:
        import time

        deadline = time.perf_counter() + PREPARE_SLICE
        while self._to_prepare and time.perf_counter() < deadline:
            self._view(self._to_prepare.pop())
        if not self._to_prepare and self._preparing is not None:
            self._preparing.stop()
            self._preparing = None
            if self._collected_before:
                gc.collect()
            self._collected_before = True
            gc.freeze()
            _warm_imports()

    @guarded
    def rebuild(self, field: str = "values") -> None:
        """Rebuild from the fields: the preset while its text is unchanged (keeping its named
        nodes), otherwise the typed expression; with the typed values. A value for a name the
        expression does not use is an error naming it, except after a new expression
        (``field="expr"``): values of the previous graph's names no longer apply and are
        dropped from the values, with a note naming them."""
        import symnn as sn
        from symnn.assignments import AssignmentError, parse_assignments, unknown_names

        error = self.query_one("#error", ErrorPanel)
        expr_field = self.query_one("#expr", Input)
        expr_text, values_text = expr_field.value, self.query_one("#values", Input).value
        preset = PRESETS[self.preset_index]
        chosen = self.query_one("#preset", Select).value
        weight = self.weight if chosen == NETWORK else None
        if not expr_text.strip():
            # an emptied field is not a request for a new graph: the current one stays
            expr_field.value = (weight.text if weight is not None else preset.text
                                if chosen != CUSTOM else self.source
                                if self.source != preset.title else "")
            error.show_message("type an expression (r picks a preset); the current one stays")
            return
        try:
            values = parse_assignments(values_text)
        except AssignmentError as exc:
            error.show_error(values_text, exc)
            return
        use_preset = chosen not in (CUSTOM, NETWORK) and expr_text.strip() == preset.text
        dropped: list[str] = []
        same_weight = weight is not None and expr_text.strip() == weight.text
        if same_weight and values == parse_assignments(weight.values):
            self._show_weight()  # as sent: the network's own graph, with its names
            return
        try:
            if use_preset:
                unknown_names(values, set(preset.values), values_text, "this preset")
                output = preset.build({**dict.fromkeys(preset.values), **values})
            else:
                names = set(sn.graph(expr_text).leaves())  # as typed: no SymPy, linear time
                if field == "expr" and self.output is not None:
                    before = self.output.leaves()  # the names the values applied to
                    dropped = [name for name in values if name not in names and name in before]
                    values = {name: v for name, v in values.items() if name not in dropped}
                unknown_names(values, names, values_text)
                output = sn.graph(expr_text, **values)
        except sn.ParseError as exc:
            error.show_error(expr_text, exc)
            return
        except AssignmentError as exc:
            error.show_error(values_text, exc)
            return
        except (ValueError, TypeError, ZeroDivisionError, OverflowError) as exc:
            error.show_message(f"this expression cannot be built: {describe(exc)}")
            return
        problem = _non_finite(output)
        if problem:
            error.show_message(problem + " The graph shown is the previous one.")
            return
        if same_weight:  # the weight's graph with other values: still its backward pass
            self.source = weight.source
            self._show_graph(output, wrt=output.leaves().get(weight.leaf_name))
            return
        if not use_preset:
            self.source = expr_text
            self._set_select(CUSTOM)
        if dropped:
            self.query_one("#values", Input).value = _without(values_text, dropped)
            self.notify(f"dropped {', '.join(dropped)}: not in the new expression",
                        title="Values", timeout=4)
        self._show_graph(output)

    def _set_select(self, value: int) -> None:
        select = self.query_one("#preset", Select)
        if select.value != value:
            with self.prevent(Select.Changed):
                select.value = value

    # ---- events --------------------------------------------------------------------

    @on(Input.Submitted, "#expr, #values")
    @guarded
    def _submitted(self, event: Input.Submitted) -> None:
        """Build from the fields; on an error the cursor stays in the field to correct it
        (the keys typed next must not switch screens or step)."""
        self.rebuild(event.input.id or "values")
        if not self.query_one("#error", ErrorPanel).shown:
            self.set_focus(self.query_one("#graph", GraphView))

    @on(Select.Changed, "#preset")
    @guarded
    def _preset_chosen(self, event: Select.Changed) -> None:
        if event.value == self.preset_index and self.output is None:
            return  # the list's first value, announced at mount: the first load follows
        if event.value == NETWORK and self.weight is not None:
            self._show_weight()
        elif isinstance(event.value, int) and event.value >= 0:
            self.load_preset(event.value)
        elif event.value == CUSTOM:
            self.set_focus(self.query_one("#expr", Input))

    @on(PracticePanel.Answered)
    @guarded
    def _answered(self, event: PracticePanel.Answered) -> None:
        panel = self.query_one("#practice", PracticePanel)
        self.query_one("#bp-step").border_subtitle = self._score_title()
        if self._question_here():
            panel.ask(self.practice, event.feedback)  # the product after the local derivative
            return
        panel.stop()
        self._last_feedback = event.feedback
        self.refresh_view()
        self.set_focus(self.query_one("#graph", GraphView))

    # ---- actions -------------------------------------------------------------------

    @property
    def last_position(self) -> int:
        steps = len(self.derivation.steps) if self.derivation is not None else 0
        return len(self.forward) + steps

    def _limit(self) -> int:
        """The furthest position open: in practice mode, the step of the pending question."""
        if self.practice is not None and not self.practice.done:
            return len(self.forward) + self.practice.current.index + 1
        return self.last_position

    @guarded
    def action_step(self, delta: int) -> None:
        """One step forward (1) or back (-1) through the forward and backward passes."""
        target = max(0, min(self.last_position, self.position + delta))
        if target > self._limit():
            self.notify("Answer the question first (Enter on an empty answer shows it).",
                        title="Practice")
            target = self._limit()
        self.position = target
        self.refresh_view()

    @guarded
    def action_jump(self, where: str) -> None:
        """Go to the start, the first backward step, or the end."""
        targets = {"start": 0, "backward": len(self.forward), "end": self.last_position}
        self.position = min(targets.get(where, self.position), self._limit())
        self.refresh_view()

    @guarded
    def action_toggle_symbolic(self) -> None:
        """Show or hide the fully symbolic forms next to the numbers."""
        self.symbolic = not self.symbolic
        self.refresh_view()

    @guarded
    def action_toggle_practice(self) -> None:
        """Practice mode: each backward step is asked before it is shown."""
        if self.derivation is None:
            return
        if self.practice is None:
            self._start_practice()
            if not self._narrow:  # at 80x24 a notice would cover the gradient table; the
                # step panel's border says "practice: ..." at once
                self.notify("Each backward step is asked first: its local derivative, then "
                            "the product. t: off.", title="Practice on", timeout=4)
        else:
            session, self.practice = self.practice, None
            self.query_one("#practice", PracticePanel).stop()
            score = f" ({session.score_text()})" if session.answered else ""
            self.notify(f"Practice off{score}.", title="Practice")
        self.refresh_view()

    def _start_practice(self) -> None:
        from symnn.practice import PracticeSession

        self.practice = PracticeSession(self.derivation)
        self.practice.skip_to(self.position - len(self.forward))  # those shown: not asked
        self._last_feedback = None

    def _score_title(self) -> str:
        """The score in the step panel's border, short enough for its 40 columns at 80x24:
        "practice: 2 of 3, 1 first try"."""
        session = self.practice
        if session is None:
            return ""
        return f"practice: {session.correct} of {session.answered}, {session.first_try} first try"

    @guarded
    def action_next_preset(self) -> None:
        """Cycle through the presets. The title and the Preset list name the chosen one at
        once and are drawn before it is built (a second or more under load), so they agree
        meanwhile; r pressed again before that builds only the last one chosen."""
        index = (self.preset_index + 1) % len(PRESETS)
        self.preset_index = index
        self._set_select(index)
        self.sub_title = PRESETS[index].title
        if not self._preset_pending:
            self._preset_pending = True
            self.call_after_refresh(self._load_chosen_preset)

    @guarded
    def _load_chosen_preset(self) -> None:
        self._preset_pending = False
        self.load_preset(self.preset_index)

    @guarded
    def action_export(self) -> None:
        """Write the derivation, with its setup and forward pass, as a standalone LaTeX
        document under a new name (an existing file is never replaced)."""
        from symnn.scalar import derivation_document, write_new_file

        if self.derivation is None:
            self.notify("No graph yet.", severity="warning")
            return
        try:
            path = write_new_file(derivation_document(self.derivation, self.source),
                                  self.export_dir)
        except OSError as exc:
            self.notify(f"Could not write the file in {self.export_dir.resolve()}: "
                        f"{exc.strerror or exc}", title="Not exported", severity="error")
            return
        self.notify(f"Derivation written to {path} (a new file; nothing was overwritten)",
                    title="Exported")

    # ---- drawing -------------------------------------------------------------------

    def _label(self, node) -> str:
        """The node's display form (printed once per graph, then cached)."""
        label = self.labels.get(node)
        if label is None:
            from symnn.symbolic import unicode

            d = self.derivation
            if node is self.output:
                label = unicode(d.output_symbol)
            elif node.is_constant:
                label = fmt(node.value)
            elif node in d.forms:
                label = self._u(d.forms[node])
            else:  # off the paths to the chosen leaf: its expression
                label = self._u(node.expr) if len(node.parents) < 3 else node.op.label
            self.labels[node] = label
        return label

    def _state(self, position: int):
        """What ``position`` shows: the start, a forward node or a backward step."""
        f = len(self.forward)
        if position == 0:
            return "start", None
        if position <= f:
            return "forward", self.forward[position - 1]
        return "backward", self.derivation.steps[position - f - 1]

    def _done_steps(self, position: int) -> list:
        """The backward steps already taken at ``position``."""
        return self.derivation.steps[: max(0, position - len(self.forward))]

    def _question_here(self) -> bool:
        """Whether practice mode asks the step at the current position before showing it."""
        practice = self.practice
        return (practice is not None and not practice.done
                and self.position == len(self.forward) + practice.current.index + 1)

    def _view(self, position: int):
        """The step panel and gradient table for ``position`` (SymPy printing, once each)."""
        key = (position, self.symbolic)
        view = self.views.get(key)
        if view is None:
            phase, item = self._state(position)
            view = self.views[key] = (self._step_text(phase, item, position),
                                      self._grads_table(self._done_steps(position)))
        return view

    def _node_label(self, node, shown_value: bool, shown_grad: bool, numeric: bool,
                    digits: int, op: bool) -> Text:
        """A graph line's label: name, op (if ``op``), value and ∂L to ``digits`` significant
        digits; the screen passes shorter forms too, for lines that would be cut."""
        label = Text(self._label(node))
        if op and node.parents and node.name is not None:  # an unnamed node shows its op already
            label.append(f"  [{node.op.label}]", style="dim")
        if shown_value:
            label.append(f" = {fmt(node.value, digits)}", style="cyan")
        if shown_grad:
            label.append(f"  ∂L = {fmt(self.derivation.numeric_gradients.get(node), digits)}"
                         if numeric else "  ∂L ✓", style="green")
        return label

    def refresh_view(self) -> None:
        """Redraw the changed graph lines, the step panel and the gradients for ``position``."""
        if self.derivation is None:
            return
        asking = self._question_here()
        phase, item = self._state(self.position)
        computed = set(self.forward[: min(self.position, len(self.forward))])
        done_steps = self._done_steps(self.position - asking)
        finished = {s.parent for s in done_steps if s.last}
        if done_steps:
            finished.add(self.output)
        numeric = self.derivation.value is not None
        graph = self.query_one("#graph", GraphView)
        for node in graph._rows:
            shown_value = numeric and (not node.parents or node in computed)
            shown_grad = node in finished and not node.is_constant
            current = (phase == "forward" and node is item) or (
                phase == "backward" and node in (item.node, item.parent))
            key = (shown_value, shown_grad, current)
            if self.label_keys.get(node) == key:
                continue  # unchanged: the graph keeps its rendered line
            self.label_keys[node] = key
            labels = [self._node_label(node, shown_value, shown_grad, numeric, digits, op)
                      for digits, op in ((6, True), (4, True), (4, False))]
            if current:
                for label in labels:
                    label.stylize("reverse")
            graph.set_label(node, *labels)
        focus = item if phase == "forward" else item.parent if phase == "backward" else None
        if focus is not None:
            graph.keep_in_sight(focus)
        panel = self.query_one("#practice", PracticePanel)
        if asking:
            self.query_one("#step", Static).update(self._question_text(item))
            if not panel.asking or panel.session is not self.practice:
                panel.ask(self.practice, self._last_feedback)
            grads = self._view(self.position - 1)[1]
        else:
            panel.stop()
            step, grads = self._view(self.position)
            feedback = self._last_feedback
            if feedback is not None and self.practice is not None and phase == "backward":
                step = Group(Text(feedback.message,  # the score: in the border
                                  style="green" if feedback.verdict == "correct"
                                  else "magenta"), step)
            _update(self.query_one("#step", Static), step)
        _update(self.query_one("#grads", Static), grads)
        # the counter in the panel's title: setting the screen's subtitle would repaint
        # every widget at each key
        step_panel = self.query_one("#bp-step")
        step_panel.border_title = f"Step {self.position} of {self.last_position}"
        step_panel.border_subtitle = self._score_title()
        if self.sub_title != self.source:
            self.sub_title = self.source

    def _question_text(self, step) -> Text:
        """The step's heading and its chain-rule line, without the answer (practice mode)."""
        text = Text()
        k = self.position - len(self.forward)
        out = self._out()
        node_l, parent_l = self._paren(step.node_form), self._paren(step.parent_form)
        text.append(f"Backward {k} of {len(self.derivation.steps)}: edge {node_l} → "
                    f"{parent_l}\n", style="bold")
        op = "=" if step.first and step.last else "+="
        text.append(f"∂{out}/∂{parent_l} {op} ∂{out}/∂{node_l} · ∂{node_l}/∂{parent_l}",
                    style="bold cyan")
        return text

    def _out(self) -> str:
        from symnn.symbolic import unicode

        return unicode(self.derivation.output_symbol)

    def _step_text(self, phase: str, item, position: int) -> Text | Group:
        from symnn.symbolic import number

        d = self.derivation
        text = Text()
        f, b = len(self.forward), len(d.steps)
        if phase == "start":
            text.append("Start\n", style="bold")
            text.append(f"{self._out()} = ", style="bold")
            text.append(f"{self._header_form()}\n")
            leaves = reading_order(self.output)
            if leaves:
                text.append("Leaves: " + ", ".join(
                    f"{name} = {fmt(leaf.value)}" for name, leaf in leaves) + "\n")
            text.append(f"\nForward pass: {_count(f, 'node')}, then backward pass: "
                        f"{_count(b, 'edge')}.\n"
                        "Press n (or →) to step" + (", t to practise." if self.practice is None
                                                    else "."), style="dim")
            return text
        if phase == "forward":
            node = item
            text.append(f"Forward {position} of {f}\n", style="bold")
            args = [self._label(p) for p in node.parents]
            if all(p in d.forms for p in node.parents):
                definition = self._u(node.op.sympy(*(d.forms[p] for p in node.parents),
                                                   *(number(a) for a in node.arg)))
            else:
                definition = f"{node.op.label}({', '.join(args)})"
            if definition == self._label(node):  # an unnamed node: its label is its definition
                text.append(f"compute {definition}   [{node.op.label}]\n", style="bold cyan")
            else:
                text.append(f"{self._label(node)} = {definition}\n", style="bold cyan")
            if node.value is not None:
                inputs = ", ".join(f"{a} = {fmt(p.value)}" for a, p in zip(args, node.parents))
                text.append(f"with {inputs}\n")
                text.append(f"{self._label(node)} = {fmt(node.value)}\n", style="bold")
            if self.symbolic:
                text.append(f"\nIn the leaves: {self._u(node.expr)}\n", style="magenta")
            return text
        step = item
        k = position - f
        out = self._out()
        node_l, parent_l = self._paren(step.node_form), self._paren(step.parent_form)
        text.append(f"Backward {k} of {b}: edge {node_l} → {parent_l}\n", style="bold")
        op = "=" if step.first and step.last else "+="
        text.append(f"∂{out}/∂{parent_l} {op} ∂{out}/∂{node_l} · ∂{node_l}/∂{parent_l}\n",
                    style="bold cyan")
        table = Table.grid(padding=(0, 2))
        table.add_row("local", f"∂{node_l}/∂{parent_l} = {self._u(step.local)}",
                      fmt(step.local_value))
        table.add_row("upstream", f"∂{out}/∂{node_l}"
                      + (f" = {self._u(step.upstream)}" if self.symbolic else ""),
                      fmt(step.upstream_value))
        table.add_row("product", self._u(step.product) if self.symbolic else "upstream · local",
                      fmt(step.product_value))
        result = Text()
        if step.product_value is not None:
            result.append(f"{fmt(step.upstream_value)} × {fmt(step.local_value)} = "
                          f"{fmt(step.product_value)}\n", style="bold")
        if not (step.first and step.last):
            result.append(("first of several paths into " if step.first else
                           "last path into " if step.last else "another path into ")
                          + f"{parent_l}: contributions add up\n", style="yellow")
        return Group(text, table, Text(), result)

    def _u(self, form) -> str:
        """``form`` printed with the derivation's typed forms in the order they were typed."""
        from symnn.symbolic import unicode

        return unicode(form, typed=self.derivation.typed)

    def _header_form(self) -> str:
        """The output's formula in the leaves, as typed (SymPy's form past the header limit)."""
        from symnn.scalar import HEADER_LIMIT
        from symnn.symbolic import unicode

        d = self.derivation
        full = d.typed_output(HEADER_LIMIT)
        if full is None:
            return self._u(self.output.expr)
        return unicode(full, typed=d.typed_header)

    def _paren(self, form) -> str:
        text = self._u(form)
        return text if form.is_Symbol else f"({text})"

    def _grads_table(self, done_steps, limit: int = 12) -> Table | Group:
        """The nodes reached so far with their contributions, the latest ``limit`` of them
        first (the graph shows every ∂L; a long table would cost every step key its
        rendering). Before the backward pass, a sentence that wraps to the panel."""
        d = self.derivation
        table = Table(expand=True, show_edge=False, box=None, padding=(0, 1))
        table.add_column("node", ratio=1, overflow="ellipsis", no_wrap=True)
        # the contributions wrap between terms: a number is never cut to "-0.0070…"
        table.add_column("Σ paths", ratio=1, overflow="fold")
        table.add_column("∂L/∂node", no_wrap=True)
        if self.symbolic:
            table.add_column("symbolic", ratio=2, overflow="ellipsis", no_wrap=True)
        parts: dict = {}
        for step in done_steps:
            if not step.parent.is_constant:
                parts.setdefault(step.parent, []).append(step)
        rows = list(parts.items())[::-1]  # the latest first: in sight in a short panel
        for node, steps in rows[:limit]:
            contributions = _sum_text([fmt(s.product_value, 4) for s in steps])
            complete = steps[-1].last
            total = fmt(d.numeric_gradients.get(node)) if complete and d.numeric_gradients else (
                "✓" if complete else "…")
            row = [self._label(node), contributions, total]
            if self.symbolic:
                row.append(self._u(d.gradient(node)) if complete else "")
            table.add_row(*row)
        if len(rows) > limit:
            table.add_row(Text(f"… {len(rows) - limit} earlier", style="dim"), "", "")
        if not parts:
            return Group(table, Text("No gradient yet: the backward pass has not started.",
                                     style="dim"))
        return table


@dataclass(frozen=True)
class SentWeight:
    """A weight sent from the network view: the loss graph, the weight's leaf, where it
    comes from, the graph as typed text with its values, and the leaf's name in that text."""

    output: object
    leaf: object
    source: str
    text: str
    values: str
    leaf_name: str


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def _warm_imports() -> None:
    """Import what the network view needs in a background thread once the stepper is idle,
    so switching to it does not wait for the NumPy backend's modules (about 0.4 s)."""
    import threading

    def load() -> None:
        import importlib

        for name in ("symnn.nn", "symnn.explain", "symnn.testing.assertions", "symnn.practice"):
            importlib.import_module(name)

    threading.Thread(target=load, name="symnn-warm-imports", daemon=True).start()


def _update(widget: Static, content) -> None:
    """Show ``content``; lay the screen out again only if its height changed (a layout
    repaints every widget, which costs a step key tens of milliseconds on a big graph)."""
    before = widget.size.height
    widget.update(content, layout=False)
    width = widget.size.width
    if width and widget.get_content_height(widget.size, widget.size, width) != before:
        widget.refresh(layout=True)


def _non_finite(output) -> str:
    """A learner's sentence about the first node whose value is infinite or undefined, or ""."""
    for node in forward_order(output) or [output]:
        value = node.value
        if value is None or math.isfinite(value):
            continue
        if not node.parents:
            return ("A number in the expression is too large for a floating-point number "
                    "(beyond ±1.8e308): it overflowed to infinity.")
        inputs = [fmt(p.value) for p in node.parents]
        if node.op.name == "powc":
            inputs.append(fmt(node.arg[0]))
        label = node.op.label
        where = (f"{inputs[0]} {label} {inputs[1]}" if len(inputs) == 2 and len(label) == 1
                 else f"{label}({', '.join(inputs)})")
        if math.isnan(value):
            return (f"The value is undefined (not a number) at {where}: e.g. the square root "
                    f"or log of a negative number, or inf - inf.")
        return (f"The value is {'−' if value < 0 else ''}infinite at {where}: the numbers "
                f"overflowed (beyond ±1.8e308, the largest floating-point number), or a "
                f"division by zero or log(0). Try smaller values.")
    return ""


def _count(n: int, noun: str) -> str:
    """``1 node``, ``2 nodes``."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _sum_text(terms: list[str]) -> str:
    """Printed terms joined as a sum: ``["1", "-2", "3"]`` -> ``"1 − 2 + 3"`` (text only)."""
    text = terms[0] if terms else ""
    for term in terms[1:]:
        text += f" − {term[1:]}" if term.startswith("-") else f" + {term}"
    return text


def _without(values_text: str, names: list[str]) -> str:
    """The typed values less the assignments to ``names``, the others as typed: "x=2, w=1/2,
    b=1" less w -> "x=2, b=1" (commas inside brackets, as in max(1, 2), are not splits)."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(values_text + ","):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth <= 0:
            parts.append(values_text[start:i].strip())
            start = i + 1
    return ", ".join(p for p in parts if p and p.split("=")[0].strip() not in names)
