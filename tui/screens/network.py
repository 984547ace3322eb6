"""Screen 2, the network view: a small NumPy-backend model explained on the scalar engine.

``sn.explain`` runs the model's own forward on Scalar leaves; the table lists every weight
with its gradient from both engines (the scalar graph and the NumPy backend's backward), and
choosing a weight shows its gradient's chain-rule path (``Explanation.derivation``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import DataTable, Static

from tui.safety import guarded
from tui.screens.base import SymnnScreen
from tui.values import fmt


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


class NetworkScreen(SymnnScreen):
    """Pick a weight (up/down) and read its gradient's chain-rule path."""

    SCREEN_NAME = "network"
    TITLE = "Network view"
    HELP = (
        "A small model from the NumPy backend, run once more on the scalar engine by "
        "sn.explain (the same forward code, with each weight a named Scalar). The table lists "
        "every weight with dL/dw from the scalar graph and from the NumPy backend's backward: "
        "they must agree. Move with up/down to choose a weight; its chain-rule path is on the "
        "right. m cycles the models."
    )
    BINDINGS = [
        Binding("m", "next_model", "Model"),
        Binding("up,k", "move(-1)", "Weight up", show=False),
        Binding("down,j", "move(1)", "Weight down", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(name="network")
        self.preset = 0
        self.explanation = None
        self.rows: list[tuple[str, tuple[int, ...]]] = []

    def compose_body(self) -> Iterable[Widget]:
        with Horizontal(id="nw-main"):
            with Vertical(id="nw-left"):
                yield Static(id="nw-model", classes="panel")
                yield DataTable(id="weights", cursor_type="row", classes="panel")
            with VerticalScroll(id="nw-right", classes="panel"):
                yield Static(id="path")

    def on_mount(self) -> None:
        self.query_one("#nw-model").border_title = "Model"
        self.query_one("#weights").border_title = "Weights (↑/↓ choose)"
        self.query_one("#nw-right").border_title = "Chain-rule path of the chosen weight"
        self.load(0)
        self.query_one("#weights").focus()

    @guarded
    def action_next_model(self) -> None:
        self.load((self.preset + 1) % len(PRESETS))

    @guarded
    def action_move(self, delta: int) -> None:
        table = self.query_one("#weights", DataTable)
        if table.row_count:
            table.move_cursor(row=(table.cursor_row + delta) % table.row_count)

    def load(self, index: int) -> None:
        """Build preset ``index``, explain it, and list every weight with both gradients."""
        import numpy as np

        import symnn as sn

        self.preset = index
        model, x, target, loss_fn = PRESETS[index].build()
        explanation = sn.explain(model, x, target, loss_fn)
        model.zero_grad()
        loss = loss_fn(model(x), target)
        loss.backward()  # the NumPy backend's own gradients, for the side-by-side check
        backend = {name: p.grad.numpy() for name, p in model.named_parameters()}
        self.explanation = explanation

        table = self.query_one("#weights", DataTable)
        table.clear(columns=True)
        table.add_columns("weight", "value", "dL/dw scalar", "dL/dw NumPy", "")
        self.rows = []
        for name, leaves in explanation.leaves.items():
            for idx in np.ndindex(*leaves.shape):
                leaf = leaves[idx]
                scalar_grad = explanation.grads[name][idx]
                numpy_grad = float(backend[name][idx])
                agree = bool(np.isclose(scalar_grad, numpy_grad, rtol=1e-4, atol=1e-6))
                table.add_row(leaf.name, fmt(leaf.value, 4), fmt(scalar_grad, 5),
                              fmt(numpy_grad, 5), Text("✓" if agree else "✗",
                                                       style="green" if agree else "red"))
                self.rows.append((name, idx))
        text = Text()
        text.append(PRESETS[index].title + "\n", style="bold")
        text.append(f"{model}\n", style="dim")
        text.append(f"x = {x.numpy().tolist()}   target = {target.numpy().tolist()}\n")
        text.append(f"loss: scalar engine {fmt(explanation.loss.value)}, "
                    f"NumPy backend {fmt(loss.item())}\n")
        self.query_one("#nw-model", Static).update(text)
        self.sub_title = PRESETS[index].title
        self.show_path(0)

    @on(DataTable.RowHighlighted, "#weights")
    @guarded
    def _row(self, event: DataTable.RowHighlighted) -> None:
        self.show_path(event.cursor_row)

    def show_path(self, row: int) -> None:
        if not self.rows or self.explanation is None:
            return
        name, idx = self.rows[max(0, min(row, len(self.rows) - 1))]
        derivation = self.explanation.derivation(name, idx)
        leaf = self.explanation.leaf(name, idx)
        text = Text()
        text.append(f"∂L/∂{leaf.name}", style="bold cyan")
        text.append(f"  ({name}{list(idx)}): {len(derivation.steps)} chain-rule steps\n\n")
        text.append(str(derivation))
        self.query_one("#path", Static).update(text)
