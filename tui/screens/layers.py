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
from textual.css.query import NoMatches
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Static, TabbedContent, TabPane

from tui.safety import guarded
from tui.screens.base import SymnnScreen
from tui.values import fmt
from tui.widgets.plot import Plot

ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu", "silu", "softplus")
LEAKY_SLOPE = 0.1
KERNEL = [[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]]  # a Sobel edge detector
SIDE = 6  # the convolution input is SIDE x SIDE
#: a bright 4x2 block on a dark background: the edge detector answers at its two edges
SQUARE = [[1.0 if 1 <= r <= 4 and 2 <= c <= 3 else 0.0 for c in range(SIDE)]
          for r in range(SIDE)]
_PANE_KEYS = {"activations": {"next_activation"},
              "convolution": {"slide", "conv"},
              "batchnorm": {"feed_batch", "toggle_mode"}}
_TABS = Binding.Group("Pane", compact=True)
_SLIDE = Binding.Group("Slide", compact=True)
_CONV = Binding.Group("Stride/pad/size", compact=True)


class LayersScreen(SymnnScreen):
    """Three panes: activations, convolution, batch norm."""

    SCREEN_NAME = "layers"
    TITLE = "Layers lab"
    HELP = (
        "Activations (a): each function with its derivative from autograd; sigmoid's "
        "derivative peaks at 0.25, which is why deep sigmoid networks' gradients vanish. Where "
        "a function has a kink (ReLU at 0) the screen gives both one-sided slopes and the "
        "value autograd uses there (ReLU'(0) = 0, as in PyTorch). "
        "Convolution (c): the kernel slides over the (padded) input, a bright block on a dark "
        "background; n/p move it, s, d and k change stride, padding and kernel size, and the "
        "output size follows OH = floor((H + 2P - K) / S) + 1. Batch norm (m): b feeds a "
        "training batch (batch statistics; running averages move), e switches training / "
        "evaluation mode. Training normalizes with the batch variance divided by n (biased); "
        "the running variance is updated with the variance divided by n - 1 (unbiased), "
        "PyTorch's convention: running_var = (1 - m)·running_var + m·var_unbiased. Keys act "
        "in their own pane."
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
        # padding 1 ("same"): the output is as large as the input, and its outer columns see
        # only flat input (0) on both sides of the block's edges
        self.stride, self.padding, self.kernel_size = 1, 1, 3
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
        self.call_after_refresh(self.refresh_bindings)

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self.refresh_bindings()  # the footer shows the keys of the pane on screen

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A pane's keys act (and show in the footer) while that pane is on screen."""
        for pane, actions in _PANE_KEYS.items():
            if action in actions:
                try:
                    return self.query_one("#panes", TabbedContent).active == pane
                except NoMatches:
                    return False
        return super().check_action(action, parameters)

    # ---- activations ---------------------------------------------------------------

    @guarded
    def action_next_activation(self) -> None:
        self.activation = (self.activation + 1) % len(ACTIVATIONS)
        self.action_pane("activations")
        self.draw_activation()

    def draw_activation(self) -> None:
        import numpy as np

        import symnn as sn

        name = ACTIVATIONS[self.activation]
        fn = _activation_fn(name)
        x = sn.tensor(np.linspace(-6.0, 6.0, 241), requires_grad=True, dtype=np.float64)
        y = fn(x)
        y.sum().backward()  # d(sum y)/dx_i = f'(x_i): the derivative at every point at once
        xs, ys, ds = x.data, y.data, x.grad.data
        plot = self.query_one("#act-plot", Plot)
        plot.reset()
        plot.border_title = f"{name} and its derivative (autograd)"
        plot.plt.plot(xs.tolist(), ys.tolist(), color="cyan", marker="braille")
        # the derivative drawn in pieces between its jumps (ReLU's at 0): a line joining 0 to
        # 1 there would read as every slope in between; a dot marks the value autograd uses
        jumps = np.flatnonzero(np.abs(np.diff(ds)) > 0.25 * max(float(np.ptp(ds)), 1e-12)) + 1
        for part_x, part_d in zip(np.split(xs, jumps), np.split(ds, jumps)):
            plot.plt.plot(part_x.tolist(), part_d.tolist(), color="yellow", marker="braille")
        kink = _kink_at_zero(fn)
        if kink is not None:
            plot.plt.scatter([0.0], [kink[2]], color="yellow", marker="●")
        # round labels (plotext's own split the range evenly and print -0.00 or 4.9)
        plot.plt.xticks([-6, -3, 0, 3, 6], ["-6", "-3", "0", "3", "6"])
        plot.round_ticks("y", [*ys.tolist(), *ds.tolist()], most=6)
        legend = Text()  # below the plot, where it hides no line
        legend.append("━━ ", style="cyan")
        legend.append(f"{name}(x)  ")
        legend.append("━━ ", style="yellow")
        legend.append(f"{name}'(x)")
        plot.border_subtitle = legend
        plot.refresh()
        text = Text()
        text.append(f"{name}\n\n", style="bold")
        text.append(f"output range on [-6, 6]: {fmt(ys.min(), 4)} .. {fmt(ys.max(), 4)}\n")
        text.append(f"largest derivative: {_where_largest(xs, ds)}\n")
        text.append(f"smallest derivative: {fmt(ds.min(), 4)}\n")
        if kink is not None:
            left, right, used = kink
            text.append(f"at x = 0 the slope jumps from {fmt(left, 3)} (left) to "
                        f"{fmt(right, 3)} (right): no derivative there; autograd uses "
                        f"{name}'(0) = {fmt(used, 3)}, as PyTorch does\n", style="cyan")
        text.append("\n")
        lesson = {
            "sigmoid": "Its derivative never exceeds 0.25: each sigmoid layer multiplies the "
                       "backward signal by at most 0.25, so early layers of a deep sigmoid "
                       "network barely learn (vanishing gradient).",
            "tanh": "Zero-centred, derivative at most 1 (at 0), but it saturates too: "
                    "far from 0 the derivative vanishes.",
            "relu": "Derivative 0 or 1: no shrinking for active units, but a unit whose "
                    "input stays negative gets no gradient at all (a dead unit).",
            "leaky_relu": f"A small slope (here {LEAKY_SLOPE}) for negative inputs keeps a "
                          "gradient flowing, so units cannot die.",
            "elu": "x for x > 0, e^x − 1 below (alpha 1): smooth at 0 (both slopes are 1), and "
                   "its negative outputs, down to −1, pull a layer's mean output towards 0.",
            "gelu": "x·Φ(x), Φ the standard normal CDF: ReLU made smooth. It dips below 0 for "
                    "negative x, where its derivative turns negative, and its derivative "
                    "exceeds 1 a little around x = 1.5.",
            "silu": "x·sigmoid(x) (also called swish): smooth like GELU, a small negative dip, "
                    "a derivative a little above 1 for moderate x.",
            "softplus": "log(1 + e^x): a smooth ReLU whose derivative is exactly sigmoid(x), "
                        "always between 0 and 1; it never reaches 1.",
        }[name]
        text.append(lesson, style="italic")
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
        image = sn.tensor(SQUARE, dtype=np.float64).reshape(1, 1, SIDE, SIDE)
        kernel = sn.tensor([[row[:k] for row in KERNEL[:k]]], dtype=np.float64).reshape(1, 1, k, k)
        out = F.conv2d(image, kernel, stride=s, padding=p)
        padded = F.pad(image, (p, p, p, p)).data[0, 0]
        oh, ow = out.shape[-2:]
        self.position %= oh * ow
        i, j = divmod(self.position, ow)
        rows, cols = range(i * s, i * s + k), range(j * s, j * s + k)  # where the kernel sits

        grid = Table(title=f"input {SIDE}×{SIDE}, padded by {p}", show_header=False, box=None,
                     padding=(0, 1))
        for r in range(padded.shape[0]):
            cells = []
            for c in range(padded.shape[1]):
                inside = r in rows and c in cols
                pad = not (p <= r < p + SIDE and p <= c < p + SIDE)
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
        text.append(f"OH = ⌊(H + 2P − K) / S⌋ + 1 = ⌊({SIDE} + 2·{p} − {k}) / {s}⌋ + 1 = {oh}"
                    f"   (likewise OW = {ow})\n")
        text.append(f"position ({i}, {j}) of {oh}×{ow}: the highlighted window times the "
                    f"kernel, summed, is output[{i}, {j}] = {fmt(out.data[0, 0, i, j], 6)}\n",
                    style="cyan")
        text.append("The input is a bright block (1) on a dark background (0). The kernel weighs "
                    "the left column +, the right column −: it answers where brightness "
                    "changes from left to right, negative at the block's left edge (dark to "
                    "bright), positive at its right edge, 0 where the input is flat.\n",
                    style="italic")
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
        before = (bn.running_mean.data.copy(), bn.running_var.data.copy())
        with sn.no_grad():
            y = bn(x)
        if bn.training:
            self.bn_batches += 1
        # y: the batch-statistics output; before: the running statistics this batch updated
        self.bn_last = (x, y if bn.training else None, before if bn.training else None)
        self.action_pane("batchnorm")
        self.draw_bn()

    @guarded
    def action_toggle_mode(self) -> None:
        bn = self._bn()
        bn.eval() if bn.training else bn.train()
        self.action_pane("batchnorm")
        self.draw_bn()

    def draw_bn(self) -> None:
        from rich.console import Group

        bn = self._bn()
        mode = "training" if bn.training else "evaluation"
        head = Text()
        head.append(f"BatchNorm1d(3), {mode} mode", style="bold")
        batches = "batch" if self.bn_batches == 1 else "batches"
        head.append(f", {self.bn_batches} training {batches} seen; m = {bn.momentum}, "
                    f"eps = {bn.eps:g}")
        parts: list = [head]
        if self.bn_last is not None:
            parts += [Text(), self._batch_table(bn)]
        stats = Table(box=None, show_header=False, padding=(0, 1))
        stats.add_row(Text("running mean", style="green"),
                      *(Text(_fixed(v), style="green") for v in bn.running_mean.data))
        stats.add_row(Text("running var", style="green"),
                      *(Text(_fixed(v), style="green") for v in bn.running_var.data))
        parts += [Text(), stats]
        if self.bn_last is not None and self.bn_last[2] is not None:
            parts.append(self._update_text(bn))
        parts.append(Text(
            "\nTraining normalizes each feature with the batch mean and var ÷n; evaluation "
            "(e) with the running averages. b feeds a batch.", style="dim"))
        self.query_one("#bn-info", Static).update(Group(*parts))

    def _batch_table(self, bn) -> Table:
        """The last batch and its outputs, each with its per-feature mean and both variances."""
        import symnn as sn

        x, y_train, _ = self.bn_last
        columns = [("input x", x)]
        if y_train is not None:
            columns.append(("output (batch stats)", y_train))
        if not bn.training:
            with sn.no_grad():
                columns.append(("output (running stats)", bn(x)))
        n = x.shape[0]
        labels = Table(title=" ", box=None, show_header=False, padding=0)
        for r in range(n):
            labels.add_row(Text(f"sample {r + 1}", style="dim"))
        labels.add_row(Text("mean", style="cyan"))
        labels.add_row(Text("var ÷n", style="cyan"))
        labels.add_row(Text("var ÷(n−1)", style="cyan"))
        blocks = [labels]
        for title, t in columns:
            block = Table(title=title, box=None, show_header=False, padding=(0, 0, 0, 1),
                          min_width=len(title) + 1)
            for _ in range(t.shape[1]):
                block.add_column(justify="right")  # the decimal points line up
            for r in range(n):
                block.add_row(*(_fixed(v) for v in t.data[r]))
            # fixed precision: a mean of -7.45e-08 is 0 to the batch's precision
            block.add_row(*(Text(_fixed(v), style="cyan") for v in t.mean(0).data))
            block.add_row(*(Text(_fixed(v), style="cyan") for v in t.var(0, unbiased=False).data))
            block.add_row(*(Text(_fixed(v), style="cyan") for v in t.var(0, unbiased=True).data))
            blocks.append(block)
        table = Table.grid(padding=(0, 2))
        table.add_row(*blocks)
        return table

    def _update_text(self, bn) -> Text:
        """The running-average update of feature 0 with its numbers, so it can be checked by
        hand: the mean moves with the batch mean, the variance with the unbiased variance."""
        x, _, (mean_before, var_before) = self.bn_last
        m = bn.momentum
        batch_mean = float(x.mean(0).data[0])
        unbiased = float(x.var(0, unbiased=True).data[0])
        text = Text("feature 0, as PyTorch updates it (var ÷(n−1) for the running variance):\n",
                    style="green")
        text.append(f"  running mean = (1−m)·old + m·mean = {1 - m:g} × {_fixed(mean_before[0])}"
                    f" + {m:g} × {_fixed(batch_mean)} = {_fixed(bn.running_mean.data[0])}\n")
        text.append(f"  running var = (1−m)·old + m·var÷(n−1) = {1 - m:g} × "
                    f"{_fixed(var_before[0])} + {m:g} × {_fixed(unbiased)} = "
                    f"{_fixed(bn.running_var.data[0])}")
        return text


def _fixed(value: float, places: int = 3) -> str:
    """``value`` with a fixed number of decimals, without a sign on zero (-0.000 reads 0.000)."""
    text = f"{value:.{places}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def _activation_fn(name: str):
    """The functional form of an activation by name (from ``symnn.nn.functional``)."""
    import symnn.nn.functional as F

    return {"sigmoid": F.sigmoid, "tanh": F.tanh, "relu": F.relu,
            "leaky_relu": lambda t: F.leaky_relu(t, LEAKY_SLOPE), "elu": F.elu,
            "gelu": F.gelu, "silu": F.silu, "softplus": F.softplus}[name]


def _where_largest(xs, ds) -> str:
    """Where the derivative reaches its largest value on the grid: one point, or a whole
    stretch (ReLU's 1 holds for every x > 0, not at one x)."""
    import numpy as np

    peak = float(ds.max())
    hits = np.flatnonzero(np.abs(ds - peak) <= 1e-12 * max(1.0, abs(peak)))
    if len(hits) == 1:
        edge = " (the end of the range: it grows further)" if hits[0] == len(xs) - 1 else ""
        return f"{fmt(peak, 4)} at x = {fmt(xs[hits[0]], 3)}{edge}"
    first, last = int(hits[0]), int(hits[-1])
    contiguous = last - first + 1 == len(hits)
    if contiguous and last == len(xs) - 1:
        if first > 0 and xs[first - 1] == 0.0:
            return f"{fmt(peak, 4)} for every x > 0"
        return f"{fmt(peak, 4)} for every x ≥ {fmt(xs[first], 3)}"
    if contiguous:
        return f"{fmt(peak, 4)} for x from {fmt(xs[first], 3)} to {fmt(xs[last], 3)}"
    return f"{fmt(peak, 4)} at {len(hits)} points of the grid"


def _kink_at_zero(fn) -> tuple[float, float, float] | None:
    """(slope from the left, slope from the right, autograd's derivative) at x = 0 when the
    one-sided slopes differ (a kink), else None. The slopes are difference quotients of the
    forward function over h = 1e-6."""
    import numpy as np

    import symnn as sn

    h = 1e-6
    with sn.no_grad():
        f = fn(sn.tensor(np.array([-h, 0.0, h]), dtype=np.float64)).data
    left, right = (f[1] - f[0]) / h, (f[2] - f[1]) / h
    if abs(right - left) < 1e-3:
        return None
    x = sn.tensor(np.array([0.0]), requires_grad=True, dtype=np.float64)
    fn(x).sum().backward()
    return float(left), float(right), float(x.grad.data[0])
