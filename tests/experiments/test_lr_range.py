"""The learning-rate range lesson's pieces: the sweep, and what counts as diverged."""

import math

import numpy as np
import pytest

from symnn.experiments import lr_range as LR


def test_the_sweep_goes_from_1e_5_to_10_in_factors_of_about_3():
    rates = LR.LEARNING_RATES
    assert rates[0] == 1e-5 and rates[-1] == 10
    ratios = np.array(rates[1:]) / np.array(rates[:-1])
    assert np.all((ratios > 2.99) & (ratios < 3.34)), ratios
    assert 1e-3 in rates and 1e-4 in rates


@pytest.mark.parametrize("losses,diverged", [
    ([1.0, 2.0, 999.0], False),
    ([1.0, 1001.0], True),
    ([1.0, math.inf], True),
    ([1.0, math.nan], True),
])
def test_diverged_means_not_finite_or_above_1000_times_the_first_loss(losses, diverged):
    assert LR.diverged(losses) is diverged


def test_a_good_rate_runs_every_step_and_a_huge_one_stops_at_divergence():
    x, y = LR.make_data(0)
    good = LR.train(x, y, "adam", 1e-2, 30, seed=0)
    assert len(good) == 31 and good[-1] < good[0]
    bad = LR.train(x, y, "sgd", 10.0, 30, seed=0)
    assert len(bad) < 31 and LR.diverged(bad)


def test_every_rate_starts_from_the_same_weights():
    x, y = LR.make_data(2)
    starts = {LR.train(x, y, opt, lr, 0, seed=2)[0] for opt in LR.OPTIMIZERS for lr in (1e-5, 1.0)}
    assert len(starts) == 1
