"""symnn.optim.lr_scheduler: documented sequences and PyTorch's pitfalls, without torch."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import symnn as sn
from symnn import optim
from symnn.optim import lr_scheduler


def param():
    return sn.tensor(np.zeros(2), requires_grad=True)


def lrs(opt, sched, steps):
    out = [sched.get_last_lr()[0]]
    for _ in range(steps):
        opt.step()
        sched.step()
        out.append(sched.get_last_lr()[0])
    return out


def test_construction_takes_the_initial_step_and_records_initial_lr():
    opt = optim.SGD([param()], lr=0.1)
    sched = lr_scheduler.StepLR(opt, step_size=2)
    assert sched.last_epoch == 0
    assert sched.get_last_lr() == [0.1]
    assert opt.param_groups[0]["initial_lr"] == 0.1


def test_step_lr_halves_every_step_size_epochs():
    opt = optim.SGD([param()], lr=1.0)
    assert lrs(opt, lr_scheduler.StepLR(opt, step_size=3, gamma=0.5), 7) == [
        1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25]


def test_multistep_lr_applies_gamma_once_per_listing_of_a_milestone():
    opt = optim.SGD([param()], lr=1.0)
    got = lrs(opt, lr_scheduler.MultiStepLR(opt, milestones=[2, 4, 4], gamma=0.5), 5)
    assert got == [1.0, 1.0, 0.5, 0.5, 0.125, 0.125]


def test_exponential_lr_stays_on_the_closed_form():
    opt = optim.SGD([param()], lr=0.3)
    got = lrs(opt, lr_scheduler.ExponentialLR(opt, gamma=0.9), 60)
    np.testing.assert_allclose(got, [0.3 * 0.9**t for t in range(61)], rtol=1e-14)


def test_cosine_annealing_is_periodic_after_t_max():
    opt = optim.SGD([param()], lr=0.1)
    got = lrs(opt, lr_scheduler.CosineAnnealingLR(opt, T_max=10), 20)
    assert got[10] == pytest.approx(0.0, abs=1e-15)
    assert got[15] == pytest.approx(0.05, rel=1e-12)
    assert got[20] == pytest.approx(0.1, rel=1e-12)
    closed = [0.05 * (1 + math.cos(math.pi * t / 10)) for t in range(21)]
    np.testing.assert_allclose(got, closed, rtol=1e-12, atol=1e-15)


def test_cyclic_triangular2_halves_the_amplitude_each_cycle():
    opt = optim.SGD([param()], lr=1.0, momentum=0.9)
    sched = lr_scheduler.CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=3,
                                  mode="triangular2")
    got = lrs(opt, sched, 7)
    np.testing.assert_allclose(got, [0.01, 0.04, 0.07, 0.1, 0.07, 0.04, 0.01, 0.025], rtol=1e-12)


def test_cyclic_lr_turns_plain_sgd_into_momentum_sgd():
    opt = optim.SGD([param()], lr=0.1)
    lr_scheduler.CyclicLR(opt, base_lr=0.01, max_lr=0.1)
    assert opt.param_groups[0]["momentum"] == 0.9


def test_cyclic_lr_cycles_adam_beta1_inversely_to_the_lr():
    opt = optim.Adam([param()], lr=0.1)
    sched = lr_scheduler.CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=4)
    betas = []
    for _ in range(4):
        opt.step()
        sched.step()
        betas.append(opt.param_groups[0]["betas"][0])
    np.testing.assert_allclose(betas, [0.875, 0.85, 0.825, 0.8], rtol=1e-12)
    assert opt.param_groups[0]["betas"][1] == 0.999


@pytest.mark.parametrize("cls", [optim.Adagrad, optim.Adadelta])
def test_cyclic_lr_with_momentum_cycling_needs_momentum_or_beta1(cls):
    with pytest.raises(ValueError, match="must support momentum or beta1"):
        lr_scheduler.CyclicLR(cls([param()]), base_lr=0.01, max_lr=0.1)
    lr_scheduler.CyclicLR(cls([param()]), base_lr=0.01, max_lr=0.1, cycle_momentum=False)


def test_reduce_lr_on_plateau_documented_example():
    opt = optim.SGD([param()], lr=1.0)
    sched = lr_scheduler.ReduceLROnPlateau(opt, patience=1, cooldown=1, factor=0.5, min_lr=0.2)
    got = [sched.get_last_lr()[0]]
    for metric in [1, 0.99995, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9]:
        opt.step()
        sched.step(metric)
        got.append(sched.get_last_lr()[0])
    assert got == [1, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.25]


def test_reduce_lr_on_plateau_never_goes_below_min_lr():
    opt = optim.SGD([param()], lr=1.0)
    sched = lr_scheduler.ReduceLROnPlateau(opt, patience=0, factor=0.1, min_lr=0.05)
    for _ in range(5):
        sched.step(1.0)
    assert opt.param_groups[0]["lr"] == 0.05


def test_reduce_lr_on_plateau_rejects_factor_of_one_or_more():
    with pytest.raises(ValueError, match="Factor should be < 1.0"):
        lr_scheduler.ReduceLROnPlateau(optim.SGD([param()], lr=1.0), factor=1.0)


def test_scheduler_step_before_optimizer_step_warns():
    opt = optim.SGD([param()], lr=0.1)
    sched = lr_scheduler.StepLR(opt, step_size=1)
    with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
        sched.step()


def test_scheduler_after_optimizer_step_does_not_warn():
    opt = optim.SGD([param()], lr=0.1)
    sched = lr_scheduler.StepLR(opt, step_size=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt.step()
        sched.step()


def test_lambda_lr_scales_base_lr_per_group():
    opt = optim.SGD([{"params": [param()]}, {"params": [param()], "lr": 1.0}], lr=0.1)
    sched = lr_scheduler.LambdaLR(opt, [lambda e: 1 / (e + 1), lambda e: 0.5**e])
    opt.step()
    sched.step()
    assert sched.get_last_lr() == [0.05, 0.5]


def test_scheduler_state_dict_round_trip_resumes_the_sequence():
    opt = optim.SGD([param()], lr=0.1)
    sched = lr_scheduler.CosineAnnealingLR(opt, T_max=7)
    for _ in range(4):
        opt.step()
        sched.step()
    saved_opt, saved_sched = opt.state_dict(), sched.state_dict()
    expected = lrs(opt, sched, 5)[1:]
    opt2 = optim.SGD([param()], lr=0.1)
    sched2 = lr_scheduler.CosineAnnealingLR(opt2, T_max=7)
    opt2.load_state_dict(saved_opt)
    sched2.load_state_dict(saved_sched)
    assert lrs(opt2, sched2, 5)[1:] == expected


def test_scheduler_rejects_something_that_is_not_an_optimizer():
    with pytest.raises(TypeError, match="is not an Optimizer"):
        lr_scheduler.StepLR(object(), step_size=1)
