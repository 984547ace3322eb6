"""Layers lab: activation derivatives, the convolution stepper, batch-norm modes."""

from __future__ import annotations

import numpy as np

import symnn as sn
import symnn.nn.functional as F
from tui.app import SymnnApp

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
        await pilot.press("c", "s", "d")  # stride 2, padding 1
        text = screen_text(app)
    out = F.conv2d(sn.zeros(1, 1, 6, 6), sn.zeros(1, 1, 3, 3), stride=2, padding=1)
    assert f"⌊(6 + 2·1 − 3) / 2⌋ + 1 = {out.shape[-1]}" in text


async def test_conv_slide_wraps_around_the_output_positions(screen_text):
    app = SymnnApp(start="layers")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("c", "p")  # from (0, 0) back to the last position of 4x4
        assert "position (3, 3) of 4×4" in screen_text(app)


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
        (variance,) = [line for line in lines if line.strip().startswith("variance ")]
        # the batch-statistics output: mean 0 and variance 1 per feature, shown as such
        assert mean.split()[4:7] == ["0.000"] * 3 and variance.split()[4:7] == ["1.000"] * 3
        assert "e-0" not in mean
