"""Screen 2, the network view: a small NumPy-backend model drawn as a network and explained on
the scalar engine.

The diagram shows every neuron with its value (layers numbered 1..L) and every weight as an
edge; choosing a weight highlights the paths its gradient takes to the loss. Its gradient
comes from the NumPy backend at once; ``sn.explain`` (the same forward on Scalar leaves), the
three-way check of ``sn.testing.assert_grads_match`` and the chain-rule text follow from a
worker thread, so the view opens without waiting for SymPy. Enter sends the weight's
derivation to the backprop stepper; t practises it here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Static

from tui.safety import describe, guarded
from tui.screens.base import SymnnScreen
from tui.values import fmt
from tui.widgets.network_diagram import Column, Diagram, NetworkDiagram
from tui.widgets.practice_panel import PracticePanel

_ACTIVATIONS = {"Sigmoid": "σ", "Tanh": "tanh", "ReLU": "ReLU", "LeakyReLU": "LReLU"}


@dataclass(frozen=True)
class NetworkPreset:
    """A model builder with one sample, its target and the loss."""

    title: str
    build: Callable[[], tuple]


def _f64(values):
    """A float64 tensor: the inputs a learner reads stay exact (0.8, not 0.800000011920929)."""
    import numpy as np

    import symnn as sn

    return sn.tensor(values, dtype=np.float64)


def _xor_mlp():
    import symnn as sn
    from symnn import nn

    sn.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 2), nn.Sigmoid(), nn.Linear(2, 1), nn.Sigmoid()).double()
    return model, _f64([[1.0, 0.0]]), _f64([[1.0]]), nn.MSELoss()


def _tanh_classifier():
    import symnn as sn
    from symnn import nn

    sn.manual_seed(1)
    model = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 2)).double()
    return model, _f64([[0.5, -1.0]]), sn.tensor([1]), nn.CrossEntropyLoss()


def _relu_regressor():
    import symnn as sn
    from symnn import nn

    sn.manual_seed(2)
    model = nn.Sequential(nn.Linear(1, 2), nn.ReLU(), nn.Linear(2, 1)).double()
    return model, _f64([[0.8]]), _f64([[0.3]]), nn.MSELoss()


PRESETS = (
    NetworkPreset("2-2-1 sigmoid MLP, MSE, one XOR sample", _xor_mlp),
    NetworkPreset("2-3-2 tanh classifier, cross-entropy, class 1", _tanh_classifier),
    NetworkPreset("1-2-1 ReLU regressor, MSE", _relu_regressor),
)


@dataclass(frozen=True)
class Parameter:
    """One weight or bias: its parameter name and index, the diagram column of the neuron it
    feeds, that neuron, and the input it comes from (None for a bias)."""

    name: str
    index: tuple[int, ...]
    column: int
    neuron: int
    source: int | None
    layer: int


class NetworkScreen(SymnnScreen):
    """Choose a weight (up/down) and read its gradient's chain-rule path."""

    SCREEN_NAME = "network"
    TITLE = "Network view"
    HELP = (
        "A small model from the NumPy backend, drawn as a network: inputs on the left, layers "
        "1..L (the layers that hold weights), the loss L on the right; each node shows its "
        "value. Up/down choose a weight (an edge) or a bias (a node): it is highlighted in "
        "yellow, and the paths its gradient takes to L in green. Its dL/dw comes from the "
        "NumPy backward; sn.explain runs the same forward on Scalar leaves, and "
        "sn.testing.assert_grads_match checks the NumPy backward, the scalar engine and "
        "finite differences against each other. Enter steps through the chosen weight's "
        "derivation in the backprop stepper; t practises it here; m cycles the models."
    )
    BINDINGS = [
        Binding("down,j", "move(1)", "Weight", key_display="↓"),
        Binding("up,k", "move(-1)", "Previous weight", key_display="↑", show=False),
        Binding("enter", "send_to_stepper", "Stepper"),
        Binding("t", "practice", "Practice"),
        Binding("m", "next_model", "Model"),
        Binding("escape", "leave_input", "Leave field"),
    ]

    def __init__(self) -> None:
        super().__init__(name="network")
        self.preset = 0
        self.chosen = 0
        self.parameters: list[Parameter] = []
        self.values: dict[str, object] = {}  # parameter name -> ndarray of its values
        self.backend_grads: dict[str, object] = {}
        self.loss_value: float | None = None
        self.explanation = None
        self.agreement: str | None = None  # sn.testing's verdict, once the worker has it
        self.paths: dict[tuple, tuple] = {}  # (name, index) -> (derivation, text)
        self.practice = None
        self._skip_css_refresh()

    def _skip_css_refresh(self) -> None:
        """Textual re-reads every stylesheet when a screen is first shown (0.2-0.8 s here).
        When another screen already loaded the styles of every widget this one uses, that
        re-read changes nothing: mark this screen's styles as current instead."""
        import inspect

        from textual.containers import Horizontal, Vertical, VerticalScroll
        from textual.widgets import Footer, Header, Input, Static

        try:
            app = self.app
            if not app.screen_stack or not isinstance(app.screen, SymnnScreen):
                return  # the app's first screen: the first styling pass is needed
            sheet = app.stylesheet
            for cls in (Header, Footer, Static, Input, Vertical, Horizontal, VerticalScroll):
                for base in cls.__mro__:
                    if base.__dict__.get("DEFAULT_CSS") and not sheet.has_source(
                            inspect.getfile(base), f"{base.__name__}.DEFAULT_CSS"):
                        return
            self._css_update_count = app._css_update_count
        except Exception:  # any doubt: let Textual re-read the styles
            return

    def compose_body(self) -> Iterable[Widget]:
        with Horizontal(id="nw-main"):
            with Vertical(id="nw-left", classes="panel"):
                yield NetworkDiagram(id="diagram")
            with VerticalScroll(id="nw-right", classes="panel"):
                yield Static(id="nw-detail")
                yield PracticePanel(id="practice")
                yield Static(id="path")

    def on_resize(self, event) -> None:
        """Below 110 columns the diagram goes above the weight's panel, full width, so its
        edges have room to slant."""
        super().on_resize(event)
        self.query_one("#nw-main").set_class(event.size.width < 110, "-narrow")

    def on_mount(self) -> None:
        self.query_one("#nw-right").border_title = "The chosen weight"
        self.load(0)

    # ---- loading -------------------------------------------------------------------

    @guarded
    def action_next_model(self) -> None:
        self.load((self.preset + 1) % len(PRESETS))

    def load(self, index: int) -> None:
        """Build preset ``index``, run it forward and backward on the NumPy backend and draw
        it; the scalar engine, the check and the derivations follow in a worker."""
        self.preset = index
        model, x, target, loss_fn = PRESETS[index].build()
        model.zero_grad()
        outputs = [x]
        for layer in model.children():  # each layer's output, for the neurons' values
            outputs.append(layer(outputs[-1]))
        loss = loss_fn(outputs[-1], target)
        loss.backward()
        self.loss_value = loss.item()
        self.values = {name: p.data.copy() for name, p in model.named_parameters()}
        self.backend_grads = {name: p.grad.numpy().copy() for name, p in model.named_parameters()}
        self.explanation, self.agreement, self.paths, self.practice = None, None, {}, None
        self.query_one("#practice", PracticePanel).stop()
        diagram, self.parameters = _diagram(model, outputs, target, self.loss_value)
        self.query_one("#diagram", NetworkDiagram).show(diagram)
        self.query_one("#nw-left").border_title = PRESETS[index].title
        self.sub_title = PRESETS[index].title
        self.chosen = 0
        self.show_chosen()
        self._explain(index, model, x, target, loss_fn)

    @work(thread=True, exclusive=True, group="explain")
    def _explain(self, index, model, x, target, loss_fn) -> None:
        """The scalar engine's explanation and sn.testing's three-way check (off the UI)."""
        import symnn as sn
        from symnn.testing import assert_grads_match

        explanation = sn.explain(model, x, target, loss_fn)
        try:
            assert_grads_match(model, x, target, loss_fn)
            verdict = ("✓ NumPy backward, scalar engine and finite differences agree "
                       "(sn.testing.assert_grads_match)")
        except AssertionError as exc:
            verdict = "✗ " + str(exc)  # sn.testing's table of the disagreeing gradients
        except Exception as exc:  # the check itself could not run: say why in words
            verdict = "✗ the check could not run: " + describe(exc)
        self.app.call_from_thread(self._explained, index, explanation, verdict)

    @guarded
    def _explained(self, index: int, explanation, verdict: str) -> None:
        if index != self.preset:
            return  # another model was chosen meanwhile
        self.explanation, self.agreement = explanation, verdict
        self.show_chosen()

    @work(thread=True, exclusive=True, group="path")
    def _derive(self, index: int, key: tuple) -> None:
        """The chosen weight's derivation and its text (SymPy printing, off the UI)."""
        derivation = self.explanation.derivation(*key)
        text = str(derivation)
        self.app.call_from_thread(self._derived, index, key, derivation, text)

    @guarded
    def _derived(self, index: int, key: tuple, derivation, text: str) -> None:
        if index != self.preset:
            return
        self.paths[key] = (derivation, text)
        self.show_chosen()

    # ---- choosing ------------------------------------------------------------------

    @guarded
    def action_move(self, delta: int) -> None:
        if self.parameters:
            self.chosen = (self.chosen + delta) % len(self.parameters)
            self.practice = None
            self.query_one("#practice", PracticePanel).stop()
            self.show_chosen()

    def _key(self) -> tuple:
        p = self.parameters[self.chosen]
        return p.name, p.index

    def show_chosen(self) -> None:
        """Highlight the chosen parameter and describe it; ask for its derivation."""
        if not self.parameters:
            return
        p = self.parameters[self.chosen]
        self.query_one("#diagram", NetworkDiagram).choose(p.column, p.neuron, p.source)
        leaf = self.explanation.leaf(p.name, p.index) if self.explanation else None
        name = leaf.name if leaf is not None else f"{p.name}{list(p.index)}"
        text = Text()
        text.append(f"{name}", style="bold yellow")
        text.append(f" = {fmt(float(self.values[p.name][p.index]))}\n")
        where = (f"bias of neuron {p.neuron} in layer {p.layer}" if p.source is None else
                 f"weight from {'input' if p.layer == 1 else 'neuron'} {p.source} "
                 f"to neuron {p.neuron} of layer {p.layer}")
        text.append(f"{where}  ({p.name}{list(p.index)})\n", style="dim")
        text.append(f"∂L/∂{name} = {fmt(float(self.backend_grads[p.name][p.index]))}",
                    style="bold cyan")
        text.append("  (NumPy backward)\n")
        if self.explanation is None:
            text.append("scalar engine and check: computing …\n", style="dim")
        else:
            text.append(f"scalar engine: {fmt(float(self.explanation.grads[p.name][p.index]))}"
                        "\n")
            agree = self.agreement or ""
            text.append(agree.splitlines()[0] + "\n" if agree else "",
                        style="green" if agree.startswith("✓") else "red")
        text.append("enter: step through it in the stepper · t: practise it\n", style="dim")
        self.query_one("#nw-detail", Static).update(text)
        self.query_one("#nw-right").border_title = f"∂L/∂{name}"
        path = self.query_one("#path", Static)
        if self.explanation is None:
            path.update("")
        elif self._key() in self.paths:
            derivation, body = self.paths[self._key()]
            path.update(Text(f"\nChain-rule path: {len(derivation.steps)} steps\n\n",
                             style="bold") + Text(body))
        else:
            path.update(Text("\npreparing the chain-rule path …", style="dim"))
            self._derive(self.preset, self._key())

    # ---- the stepper and practice ---------------------------------------------------

    @guarded
    async def action_send_to_stepper(self) -> None:
        """Step through the chosen weight's derivation in the backprop stepper."""
        if self.explanation is None:
            self.notify("The scalar engine is still explaining the model; a moment.",
                        title="Not ready")
            return
        p = self.parameters[self.chosen]
        leaf = self.explanation.leaf(p.name, p.index)
        loss = self.explanation.loss
        await self.app.action_show("backprop")
        stepper = self.app.screen
        if hasattr(stepper, "show_weight"):
            stepper.show_weight(loss, leaf, self._describe(p))

    def _describe(self, p: Parameter) -> str:
        """The parameter as the stepper's title names it: "weight W^(1)[0,1], 2-2-1 sigmoid
        MLP" (the model's short title keeps the header within 80 columns)."""
        kind, letter = ("bias", "b") if p.source is None else ("weight", "W")
        index = ",".join(str(i) for i in p.index)
        model = PRESETS[self.preset].title.split(",")[0]
        return f"{kind} {letter}^({p.layer})[{index}], {model}"

    @guarded
    def action_practice(self) -> None:
        """Practise the chosen weight's chain-rule steps: each asked before it is shown."""
        from symnn.practice import PracticeSession

        entry = self.paths.get(self._key()) if self.explanation is not None else None
        if entry is None:
            self.notify("The chain-rule path is still being prepared; a moment.",
                        title="Not ready")
            return
        self.practice = PracticeSession(entry[0])
        self.query_one("#practice", PracticePanel).ask(self.practice)
        self._practice_context()
        self.call_after_refresh(self._scroll_to_question)

    def _scroll_to_question(self) -> None:
        """Bring the question and its answer field to the top of the weight's panel: at
        80x24 the panel shows 7 rows and they come after the weight's details."""
        panel = self.query_one("#practice", PracticePanel)
        if panel.asking:
            self.query_one("#nw-right").scroll_to_widget(panel, animate=False, top=True)

    def _practice_context(self) -> None:
        session = self.practice
        question = session.current
        path = self.query_one("#path", Static)
        if question is None:
            path.update(Text(f"\nAll {len(session.derivation.steps)} steps done: "
                             f"{session.score_text()}.", style="bold green"))
            return
        path.update(Text(f"\nStep {question.index + 1} of {len(session.derivation.steps)}: "
                         f"edge {session.edge(question)}", style="bold"))

    @on(PracticePanel.Answered)
    @guarded
    def _answered(self, event: PracticePanel.Answered) -> None:
        panel = self.query_one("#practice", PracticePanel)
        if self.practice is None:
            return
        if self.practice.done:
            panel.show_feedback(event.feedback)
            panel.query_one("#question", Static).update("")
            self.set_focus(None)
        else:
            panel.ask(self.practice, event.feedback)
            self.call_after_refresh(self._scroll_to_question)
        self._practice_context()


def _diagram(model, outputs, target, loss_value: float) -> tuple[Diagram, list[Parameter]]:
    """The diagram of a Sequential of Linear layers and activations, and its parameters in
    reading order (each layer's weights row by row, then its biases)."""
    import numpy as np

    from symnn import nn

    layers = list(model.children())
    x = outputs[0].numpy().reshape(-1)
    columns = [Column("x", [fmt(float(v), 4) for v in x])]
    edges: list[list[tuple[int, int]]] = []
    parameters: list[Parameter] = []
    names = dict(model.named_children())
    paths = {id(module): path for path, module in names.items()}
    number = 0
    for i, layer in enumerate(layers):
        if not isinstance(layer, nn.Linear):
            continue
        number += 1
        activation = layers[i + 1] if i + 1 < len(layers) else None
        act_name = _ACTIVATIONS.get(type(activation).__name__) if activation is not None else None
        out = outputs[i + 2] if act_name else outputs[i + 1]
        values = out.numpy().reshape(-1)
        column = len(columns)
        columns.append(Column(f"{number} {act_name}" if act_name else f"{number}",
                              [fmt(float(v), 3) for v in values]))
        rows, cols = layer.weight.shape
        edges.append([(a, b) for b in range(rows) for a in range(cols)])
        prefix = paths[id(layer)]
        for b in range(rows):
            for a in range(cols):
                parameters.append(Parameter(f"{prefix}.weight", (b, a), column, b, a, number))
        if layer.bias is not None:
            for b in range(rows):
                parameters.append(Parameter(f"{prefix}.bias", (b,), column, b, None, number))
    t = np.asarray(target.numpy()).reshape(-1)
    shown = ", ".join(fmt(float(v), 4) for v in t)
    heading = f"L (class {shown})" if t.dtype.kind in "iu" else f"L (y={shown})"
    columns.append(Column(heading, [fmt(loss_value, 4)]))
    edges.append([(a, 0) for a in range(len(columns[-2].nodes))])
    return Diagram(columns, edges), parameters
