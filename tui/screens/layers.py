"""Screen 6, the layers lab: activations and their derivatives, a convolution stepper, and
batch normalization in training versus evaluation mode.

Every value shown comes from the NumPy backend: activations and their derivatives from
``symnn.nn.functional`` and autograd, convolution outputs from ``F.conv2d``, batch-norm
outputs and running statistics from ``nn.BatchNorm1d``.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table
from rich.text import Text
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Static, TabbedContent, TabPane

from tui.safety import guarded
from tui.screens.base import SymnnScreen
from tui.values import fmt
from tui.widgets.plot import Plot

ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu")
KERNEL = [[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]]  # a Sobel edge detector
_TABS = Binding.Group("Pane", compact=True)
_SLIDE = Binding.Group("Slide", compact=True)
_CONV = Binding.Group("Stride/pad/size", compact=True)


class LayersScreen(SymnnScreen):
    """Three panes: activations, convolution, batch norm."""

    SCREEN_NAME = "layers"
    TITLE = "Layers lab"
    HELP = (
        "Activations (a): each function with its derivative from autograd; sigmoid's "
        "derivative peaks at 0.25, which is why deep sigmoid networks' gradients vanish. "
        "Convolution (c): the kernel slides over the (padded) input; n/p move it, s, d and k "
        "change stride, padding and kernel size, and the output size follows "
        "OH = floor((H + 2P - K) / S) + 1. Batch norm (m): b feeds a training batch (batch "
        "statistics; running averages move), e switches training/evaluation mode."
    )
    BINDINGS = [
        Binding("a", "pane('activations')", "Activations", group=_TABS),
        Binding("c", "pane('convolution')", "Convolution", group=_TABS),
        Binding("m", "pane('batchnorm')", "Batch norm", group=_TABS),
        Binding("f", "next_activation", "Function"),
        Binding("n,right", "slide(1)", "Next position", group=_SLIDE),
        Binding("p,left", "slide(-1)", "Previous position", group=_SLIDE),
        Binding("s", "conv('stride')", "Stride", group=_CONV),
        Binding("d", "conv('padding')", "Padding", group=_CONV),
        Binding("k", "conv('kernel')", "Kernel size", group=_CONV),
        Binding("b", "feed_batch", "Batch"),
        Binding("e", "toggle_mode", "Mode"),
    ]

    def __init__(self) -> None:
        super().__init__(name="layers")
        self.activation = 0
        self.stride, self.padding, self.kernel_size = 1, 0, 3
        self.position = 0
        self.bn = None
        self.bn_batches = 0
        self.bn_last = None

    def compose_body(self) -> Iterable[Widget]:
        with TabbedContent(id="panes"):
            with TabPane("Activations (a)", id="activations"):
                with Horizontal():
                    yield Plot(id="act-plot", classes="panel")
                    yield Static(id="act-info", classes="panel")
            with TabPane("Convolution (c)", id="convolution"):
                with VerticalScroll():
                    yield Static(id="conv-info")
            with TabPane("Batch norm (m)", id="batchnorm"):
                with VerticalScroll():
                    yield Static(id="bn-info")

    def on_mount(self) -> None:
        self.draw_activation()
        self.draw_conv()
        self.draw_bn()

    @guarded
    def action_pane(self, pane: str) -> None:
        self.query_one("#panes", TabbedContent).active = pane

    # ---- activations ---------------------------------------------------------------

    @guarded
    def action_next_activation(self) -> None:
        self.activation = (self.activation + 1) % len(ACTIVATIONS)
        self.action_pane("activations")
        self.draw_activation()

    def draw_activation(self) -> None:
        import numpy as np

        import symnn as sn
        import symnn.nn.functional as F

        name = ACTIVATIONS[self.activation]
        x = sn.tensor(np.linspace(-6.0, 6.0, 241), requires_grad=True, dtype=np.float64)
        fn = {"sigmoid": F.sigmoid, "tanh": F.tanh, "relu": F.relu,
              "leaky_relu": lambda t: F.leaky_relu(t, 0.1)}[name]
        y = fn(x)
        y.sum().backward()  # d(sum y)/dx_i = f'(x_i): the derivative at every point at once
        xs, ys, ds = x.data, y.data, x.grad.data
        plot = self.query_one("#act-plot", Plot)
        plot.reset(f"{name}(x) and its derivative (from autograd)")
        plot.plt.plot(xs.tolist(), ys.tolist(), label=name, marker="braille")
        plot.plt.plot(xs.tolist(), ds.tolist(), label="derivative", color="yellow",
                      marker="braille")
        plot.refresh()
        peak = int(np.argmax(ds))
        text = Text()
        text.append(f"{name}\n\n", style="bold")
        text.append(f"output range on [-6, 6]: {fmt(ys.min(), 4)} .. {fmt(ys.max(), 4)}\n")
        text.append(f"largest derivative: {fmt(ds[peak], 4)} at x = {fmt(xs[peak], 3)}\n")
        text.append(f"smallest derivative: {fmt(ds.min(), 4)}\n\n")
        lesson = {
            "sigmoid": "Its derivative never exceeds 0.25: each sigmoid layer multiplies the "
                       "backward signal by at most 0.25, so early layers of a deep sigmoid "
                       "network barely learn (vanishing gradient).",
            "tanh": "Zero-centred, derivative at most 1 (at 0), but it saturates too: "
                    "far from 0 the derivative vanishes.",
            "relu": "Derivative 0 or 1: no shrinking for active units, but a unit whose "
                    "input stays negative gets no gradient at all (a dead unit).",
            "leaky_relu": "A small slope (here 0.1) for negative inputs keeps a gradient "
                          "flowing, so units cannot die.",
        }[name]
        text.append(lesson, style="italic")
        text.append("\n\nf cycles the function", style="dim")
        self.query_one("#act-info", Static).update(text)

    # ---- convolution ---------------------------------------------------------------

    @guarded
    def action_conv(self, what: str) -> None:
        """Cycle stride (1, 2), padding (0, 1, 2) or kernel size (3, 2)."""
        if what == "stride":
            self.stride = 2 if self.stride == 1 else 1
        elif what == "padding":
            self.padding = (self.padding + 1) % 3
        elif what == "kernel":
            self.kernel_size = 2 if self.kernel_size == 3 else 3
        self.position = 0
        self.action_pane("convolution")
        self.draw_conv()

    @guarded
    def action_slide(self, delta: int) -> None:
        self.position += delta
        self.action_pane("convolution")
        self.draw_conv()

    def draw_conv(self) -> None:
        import numpy as np

        import symnn as sn
        import symnn.nn.functional as F

        k, s, p = self.kernel_size, self.stride, self.padding
        image = sn.arange(36, dtype=np.float64).reshape(1, 1, 6, 6)
        kernel = sn.tensor([[row[:k] for row in KERNEL[:k]]], dtype=np.float64).reshape(1, 1, k, k)
        out = F.conv2d(image, kernel, stride=s, padding=p)
        padded = F.pad(image, (p, p, p, p)).data[0, 0]
        oh, ow = out.shape[-2:]
        self.position %= oh * ow
        i, j = divmod(self.position, ow)
        rows, cols = range(i * s, i * s + k), range(j * s, j * s + k)  # where the kernel sits

        grid = Table(title=f"input 6×6, padded by {p}", show_header=False, box=None,
                     padding=(0, 1))
        for r in range(padded.shape[0]):
            cells = []
            for c in range(padded.shape[1]):
                inside = r in rows and c in cols
                pad = not (p <= r < p + 6 and p <= c < p + 6)
                style = "reverse bold" if inside else ("dim" if pad else "")
                cells.append(Text(fmt(padded[r, c], 3), style=style))
            grid.add_row(*cells)
        ktable = Table(title=f"kernel {k}×{k}", show_header=False, box=None, padding=(0, 1))
        for row in kernel.data[0, 0]:
            ktable.add_row(*(fmt(v, 3) for v in row))
        otable = Table(title=f"output {oh}×{ow}", show_header=False, box=None, padding=(0, 1))
        for r in range(oh):
            otable.add_row(*(Text(fmt(out.data[0, 0, r, c], 4),
                                  style="reverse bold" if (r, c) == (i, j) else "")
                             for c in range(ow)))
        layout = Table.grid(padding=(0, 4))
        layout.add_row(grid, ktable, otable)
        text = Text()
        text.append("Output size: ", style="bold")
        text.append(f"OH = ⌊(H + 2P − K) / S⌋ + 1 = ⌊(6 + 2·{p} − {k}) / {s}⌋ + 1 = {oh}"
                    f"   (likewise OW = {ow})\n")
        text.append(f"position ({i}, {j}) of {oh}×{ow}: the highlighted window times the "
                    f"kernel, summed, is output[{i}, {j}] = {fmt(out.data[0, 0, i, j], 6)}\n",
                    style="cyan")
        text.append(f"stride S = {s} (s), padding P = {p} (d), kernel K = {k} (k); "
                    "n/p slide the kernel", style="dim")
        from rich.console import Group

        self.query_one("#conv-info", Static).update(Group(layout, Text(), text))

    # ---- batch norm ----------------------------------------------------------------

    def _bn(self):
        if self.bn is None:
            import symnn as sn
            from symnn import nn

            sn.manual_seed(0)
            self.bn = nn.BatchNorm1d(3)
        return self.bn

    @guarded
    def action_feed_batch(self) -> None:
        """One forward pass of a new batch (4 samples, 3 features, shifted and scaled)."""
        import symnn as sn

        bn = self._bn()
        x = sn.randn(4, 3) * 2.0 + 5.0
        with sn.no_grad():
            y = bn(x)
        if bn.training:
            self.bn_batches += 1
        self.bn_last = (x, y if bn.training else None)  # y: the batch-statistics output
        self.action_pane("batchnorm")
        self.draw_bn()

    @guarded
    def action_toggle_mode(self) -> None:
        bn = self._bn()
        bn.eval() if bn.training else bn.train()
        self.action_pane("batchnorm")
        self.draw_bn()

    def draw_bn(self) -> None:
        bn = self._bn()
        text = Text()
        mode = "training" if bn.training else "evaluation"
        text.append(f"BatchNorm1d(3) in {mode} mode", style="bold")
        text.append(f"   ({self.bn_batches} training batches seen, momentum {bn.momentum})\n\n")
        stats = Table(title="running statistics (used in evaluation mode)", box=None)
        stats.add_column("")
        for f in range(3):
            stats.add_column(f"feature {f}")
        stats.add_row("running mean", *(fmt(v, 4) for v in bn.running_mean.data))
        stats.add_row("running var", *(fmt(v, 4) for v in bn.running_var.data))
        parts = [text, stats]
        if self.bn_last is not None:
            import symnn as sn

            x, y_train = self.bn_last
            columns = [("input x", x)]
            if y_train is not None:
                columns.append(("output (batch stats)", y_train))
            if not bn.training:
                with sn.no_grad():
                    columns.append(("output (running stats)", bn(x)))
            labels = Table(title=" ", box=None, show_header=False)
            for r in range(x.shape[0]):
                labels.add_row(Text(f"sample {r + 1}", style="dim"))
            labels.add_row(Text("mean", style="cyan"))
            labels.add_row(Text("variance", style="cyan"))
            blocks = [labels]
            for title, t in columns:
                block = Table(title=title, box=None, show_header=False, min_width=len(title) + 2)
                for r in range(x.shape[0]):
                    block.add_row(*(fmt(v, 4) for v in t.data[r]))
                # fixed precision: a mean of -7.45e-08 is 0 to the batch's precision
                block.add_row(*(Text(_fixed(v), style="cyan") for v in t.mean(0).data))
                block.add_row(*(Text(_fixed(v), style="cyan")
                                for v in t.var(0, unbiased=False).data))
                blocks.append(block)
            table = Table.grid(padding=(0, 3))
            table.add_row(*blocks)
            table.caption = "last batch: 4 samples × 3 features; mean and variance (cyan) are " \
                "each feature's over the batch"
            parts += [Text(), table]
        parts.append(Text(
            "\nTraining mode normalizes with the batch's own mean and variance (outputs have "
            "mean 0, variance 1 per feature) and moves the running averages; evaluation mode "
            "uses the running averages, so the same batch comes out differently (the third "
            "block, in evaluation mode). b feeds a batch, e switches mode.", style="dim"))
        from rich.console import Group

        self.query_one("#bn-info", Static).update(Group(*parts))


def _fixed(value: float, places: int = 3) -> str:
    """``value`` with a fixed number of decimals, without a sign on zero (-0.000 reads 0.000)."""
    text = f"{value:.{places}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text
