"""Layers lab: activation derivatives, the convolution stepper, batch-norm modes."""

from __future__ import annotations

import re

import numpy as np
import pytest

import symnn as sn
import symnn.nn.functional as F
from tui.app import SymnnApp
from tui.values import fmt

SIZE = (120, 40)


async def test_sigmoid_pane_reports_the_peak_derivative_a_quarter(screen_text):
    app = SymnnApp(start="layers")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "largest derivative: 0.25 at x = 0" in screen_text(app)


async def test_f_cycles_through_the_activations(screen_text):
    app = SymnnApp(start="layers")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f", "f")
        assert app.screen.activation == 2
        assert "relu" in screen_text(app)


async def test_conv_output_size_follows_stride_and_padding(screen_text):
    app = SymnnApp(start="layers")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("c", "s", "d")  # stride 2, padding 2
        text = screen_text(app)
    out = F.conv2d(sn.zeros(1, 1, 6, 6), sn.zeros(1, 1, 3, 3), stride=2, padding=2)
    assert f"⌊(6 + 2·2 − 3) / 2⌋ + 1 = {out.shape[-1]}" in text


async def test_conv_slide_wraps_around_the_output_positions(screen_text):
    app = SymnnApp(start="layers")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("c", "p")  # from (0, 0) back to the last position of 6x6
        assert "position (5, 5) of 6×6" in screen_text(app)


async def test_batchnorm_training_batches_move_running_mean_and_eval_uses_them():
    app = SymnnApp(start="layers")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("m", "b", "b")
        bn = app.screen.bn
        assert app.screen.bn_batches == 2
        assert np.all(bn.running_mean.data != 0)
        await pilot.press("e")
        assert not bn.training
        running = bn.running_mean.data.copy()
        await pilot.press("b")  # an evaluation batch leaves the running statistics alone
        assert np.array_equal(bn.running_mean.data, running) and app.screen.bn_batches == 2


async def test_a_batch_fed_in_eval_mode_shows_only_the_running_stats_output(screen_text):
    app = SymnnApp(start="layers")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("m", "e", "b")
        text = screen_text(app)
        assert "output (running stats)" in text and "output (batch stats)" not in text
        await pilot.press("e", "b", "e")
        text = screen_text(app)
        assert "output (running stats)" in text and "output (batch stats)" in text


async def test_batchnorm_statistics_rows_are_labelled_and_read_at_fixed_precision(screen_text):
    app = SymnnApp(start="layers")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("m", "b", "e")
        await pilot.pause()
        lines = screen_text(app).splitlines()
        (mean,) = [line for line in lines if line.strip().startswith("mean ")]
        (variance,) = [line for line in lines if line.strip().startswith("var ÷n ")]
        # the batch-statistics output: mean 0 and variance 1 per feature, shown as such
        assert mean.split()[4:7] == ["0.000"] * 3 and variance.split()[5:8] == ["1.000"] * 3
        assert "e-0" not in mean


async def test_relu_has_derivative_1_for_every_positive_x_and_says_what_autograd_uses_at_0(
        screen_text):
    torch = pytest.importorskip("torch")
    app = SymnnApp(start="layers")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f", "f")  # relu
        text = " ".join(app.screen.query_one("#act-info").content.plain.split())
    assert "largest derivative: 1 for every x > 0" in text and "at x = 0.05" not in text
    x = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    torch.relu(x).sum().backward()
    assert f"relu'(0) = {x.grad.item():g}" in text  # PyTorch's convention: 0
    assert "jumps from 0 (left) to 1 (right)" in text


async def test_leaky_relu_at_0_uses_the_negative_slope_as_pytorch_does(screen_text):
    torch = pytest.importorskip("torch")
    from tui.screens.layers import LEAKY_SLOPE

    app = SymnnApp(start="layers")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f", "f", "f")  # leaky_relu
        text = " ".join(app.screen.query_one("#act-info").content.plain.split())
    x = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    torch.nn.functional.leaky_relu(x, LEAKY_SLOPE).sum().backward()
    assert f"leaky_relu'(0) = {x.grad.item():g}" in text
    assert f"smallest derivative: {LEAKY_SLOPE:g}" in text


async def test_sigmoid_and_tanh_have_no_kink_to_explain(screen_text):
    app = SymnnApp(start="layers")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "no derivative there" not in screen_text(app)
        await pilot.press("f")
        assert "largest derivative: 1 at x = 0" in screen_text(app)


async def test_the_convolution_input_shows_edges_of_both_signs_and_flat_zeros(screen_text):
    from tui.screens.layers import KERNEL, SQUARE

    app = SymnnApp(start="layers")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("c")
        text = screen_text(app)
    out = F.conv2d(sn.tensor([[SQUARE]], dtype=np.float64),
                   sn.tensor([[KERNEL]], dtype=np.float64), padding=1).data[0, 0]
    assert "padded by 1" in text and "output 6×6" in text  # the default: "same" padding
    assert (out[:, 1:3] < 0).all() and (out[:, 3:5] > 0).all()  # left edge -, right edge +
    assert (out[:, [0, 5]] == 0).all()  # flat input on both sides: 0
    for row in out:  # every output row on screen, right of the kernel
        shown = " ".join(f"{v:g}" for v in row)
        assert any(" ".join(line.split()).endswith(shown) for line in text.splitlines()), shown
    assert "negative at the block's left edge" in " ".join(text.split())


async def test_the_running_variance_update_checks_by_hand_and_matches_pytorch(screen_text):
    torch = pytest.importorskip("torch")
    app = SymnnApp(start="layers")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("m", "b")
        first = app.screen.bn_last[0].data.astype(np.float64)
        await pilot.press("b")
        second = app.screen.bn_last[0].data.astype(np.float64)
        text = " ".join(screen_text(app).split())
        shown = app.screen.bn.running_var.data.astype(np.float64)
    assert "var ÷n" in text and "var ÷(n−1)" in text
    # the line a learner checks by hand: (1−m) × old + m × var÷(n−1) = new, for feature 0
    found = re.search(r"running var = \(1−m\)·old \+ m·var÷\(n−1\) = ([\d.]+) × ([-\d.]+) "
                      r"\+ ([\d.]+) × ([-\d.]+) = ([-\d.]+)", text)
    keep, old, m, unbiased, new = (float(g) for g in found.groups())
    assert abs(keep * old + m * unbiased - new) < 2e-3  # from the printed numbers alone
    assert abs(unbiased - second[:, 0].var(ddof=1)) < 1e-3 and abs(new - shown[0]) < 1e-3
    # PyTorch's BatchNorm1d fed the same two batches keeps the same running variance
    bn = torch.nn.BatchNorm1d(3, dtype=torch.float64)
    for batch in (first, second):
        bn(torch.from_numpy(batch))
    np.testing.assert_allclose(shown, bn.running_var.numpy(), rtol=1e-5)


async def test_the_batch_norm_pane_fits_80x24_without_scrolling(screen_text):
    app = SymnnApp(start="layers")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("m", "b", "b", "e")
        await pilot.pause()
        text = screen_text(app)
        scroll = app.screen.query_one("#bn-info").parent
    assert scroll.max_scroll_y == 0
    assert "b feeds a batch." in text and "output (running stats)" in text
    assert "q Quit" in text.splitlines()[-1]


async def test_a_panes_keys_act_only_in_that_pane():
    app = SymnnApp(start="layers")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("s", "d", "b")  # on the activations pane
        assert (app.screen.stride, app.screen.padding, app.screen.bn_batches) == (1, 1, 0)
        await pilot.press("c", "s")
        assert app.screen.stride == 2


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu", "silu",
                                  "softplus"])
async def test_each_activations_largest_derivative_agrees_with_pytorch(name):
    torch = pytest.importorskip("torch")
    from tui.screens.layers import ACTIVATIONS, LEAKY_SLOPE

    functions = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu,
                 "leaky_relu": lambda t: torch.nn.functional.leaky_relu(t, LEAKY_SLOPE),
                 "elu": torch.nn.functional.elu, "gelu": torch.nn.functional.gelu,
                 "silu": torch.nn.functional.silu, "softplus": torch.nn.functional.softplus}
    x = torch.linspace(-6, 6, 241, dtype=torch.float64, requires_grad=True)
    functions[name](x).sum().backward()
    peak = x.grad.max().item()
    app = SymnnApp(start="layers")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(*["f"] * ACTIVATIONS.index(name))
        text = " ".join(app.screen.query_one("#act-info").content.plain.split())
    assert text.startswith(name)
    assert f"largest derivative: {peak:.4g}" in text
    assert f"smallest derivative: {fmt(x.grad.min().item(), 4)}" in text


async def test_batchnorm_says_batch_in_the_singular_and_prints_every_sample_with_3_decimals(
        screen_text):
    app = SymnnApp(start="layers")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("m", "b")
        text = screen_text(app)
        x = app.screen.bn_last[0].data
    assert "1 training batch seen" in text and "1 training batches" not in text
    for value in x[0]:
        shown = f"{value:.3f}"
        assert shown in text  # one fixed format: 6.200 next to 7.240 and -0.026


async def test_the_activation_plots_legend_sits_on_its_lower_border_not_over_the_curves(
        screen_text):
    app = SymnnApp(start="layers")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f", "f")  # relu
        await pilot.pause()
        lines = screen_text(app).splitlines()
    border = [line for line in lines if "━━ relu(x)  ━━ relu'(x)" in line]
    assert border and "╰" in border[0]  # the plot's lower border carries the legend
    plot = [line[:line.index("┤") + 44] for line in lines if "┤" in line]  # inside the axes
    assert plot and not any("relu" in line or "derivative" in line for line in plot)
    assert any("╭─ relu and its derivative (autograd) ─" in line for line in lines)


async def test_relus_derivative_is_drawn_in_two_pieces_with_a_dot_at_the_value_autograd_uses():
    app = SymnnApp(start="layers")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f", "f")  # relu
        await pilot.pause()
        drawn = app.screen.query_one("#act-plot")._plot.monitor
        series = list(zip(drawn.x, drawn.y))
    function, *derivative = series
    pieces, dots = derivative[:-1], derivative[-1]
    assert len(pieces) == 2  # no line from 0 up to 1 at the kink
    (left_x, left_y), (right_x, right_y) = pieces
    assert max(left_x) == 0 and set(left_y) == {0} and min(right_x) > 0 and set(right_y) == {1}
    assert (list(dots[0]), list(dots[1])) == ([0.0], [0.0])  # relu'(0) = 0, as autograd says


async def test_every_activations_plot_has_round_tick_labels_and_a_whole_title_never_minus_zero(
        screen_text):
    import re

    from tui.screens.layers import ACTIVATIONS

    app = SymnnApp(start="layers")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for name in ACTIVATIONS:
            lines = screen_text(app).splitlines()
            labels = [m.group(1) for line in lines for m in [re.search(r"│\s*(-?[\d.]+)┤", line)]
                      if m]
            assert len(labels) >= 2, (name, lines)
            assert not any(re.fullmatch(r"-0(\.0*)?", label) for label in labels), (name, labels)
            # round steps: at most two significant digits (1, 0.5, -0.25 is not produced)
            assert all(len(label.lstrip("-").replace(".", "").strip("0")) <= 2 for label in labels), \
                (name, labels)
            assert any(f"─ {name} and its derivative (autograd) ─" in line for line in lines)
            await pilot.press("f")
            await pilot.pause()
