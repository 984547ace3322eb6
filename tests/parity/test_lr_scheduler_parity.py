"""60-step learning-rate (and momentum) sequences of every symnn scheduler against torch's."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import symnn as sn
from symnn import optim

torch = pytest.importorskip("torch", reason="PyTorch not installed")

STEPS = 60


def param():
    return sn.tensor(np.zeros(3), requires_grad=True)


def two_groups(module, make, opt_name, opt_kwargs):
    a, b = make(), make()
    return getattr(module, opt_name)([{"params": [a]}, {"params": [b], "lr": 0.3}], **opt_kwargs)


def lambda_half_life(epoch: int) -> float:
    return 0.5 ** (epoch / 7)


CASES = [
    ("StepLR", {"step_size": 7}, "SGD", {"lr": 0.1}),
    ("StepLR", {"step_size": 3, "gamma": 0.5}, "SGD", {"lr": 0.1}),
    ("MultiStepLR", {"milestones": [5, 12, 12, 40]}, "SGD", {"lr": 0.1}),
    ("MultiStepLR", {"milestones": [30, 10], "gamma": 0.3}, "Adam", {"lr": 0.1}),
    ("ExponentialLR", {"gamma": 0.9}, "SGD", {"lr": 0.1}),
    ("CosineAnnealingLR", {"T_max": 10}, "SGD", {"lr": 0.1}),
    ("CosineAnnealingLR", {"T_max": 17, "eta_min": 0.01}, "Adam", {"lr": 0.1}),
    ("CyclicLR", {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 3}, "SGD", {"lr": 0.1}),
    ("CyclicLR", {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 3, "mode": "triangular2"},
     "SGD", {"lr": 0.1, "momentum": 0.5}),
    ("CyclicLR", {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 4, "step_size_down": 6,
                  "mode": "exp_range", "gamma": 0.97}, "RMSprop", {"lr": 0.1}),
    ("CyclicLR", {"base_lr": [0.01, 0.02], "max_lr": 0.1, "step_size_up": 5,
                  "base_momentum": 0.7, "max_momentum": 0.95}, "Adam", {"lr": 0.1}),
    ("CyclicLR", {"base_lr": 0.001, "max_lr": 0.01, "step_size_up": 2, "mode": "triangular2"},
     "AdamW", {"lr": 0.1}),
    ("CyclicLR", {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 5, "cycle_momentum": False},
     "Adagrad", {"lr": 0.1}),
    ("LambdaLR", {"lr_lambda": lambda_half_life}, "SGD", {"lr": 0.1}),
]


def sequence(module, make, case) -> list[tuple]:
    sched_name, sched_kwargs, opt_name, opt_kwargs = case
    opt = two_groups(module, make, opt_name, opt_kwargs)
    sched = getattr(module.lr_scheduler, sched_name)(opt, **sched_kwargs)
    out = [tuple(sched.get_last_lr()) + momenta(opt)]
    for _ in range(STEPS):
        opt.step()
        sched.step()
        out.append(tuple(sched.get_last_lr()) + momenta(opt))
    return out


def momenta(opt) -> tuple:
    groups = opt.param_groups
    if "betas" in groups[0]:
        return tuple(g["betas"][0] for g in groups)
    if "momentum" in groups[0]:
        return tuple(g["momentum"] for g in groups)
    return ()


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}-{c[2]}-{i}" for i, c in enumerate(CASES)])
def test_scheduler_sequence_matches_torch_for_60_steps(case):
    ours = np.array(sequence(optim, param, case))
    theirs = np.array(sequence(torch.optim, lambda: torch.zeros(3, requires_grad=True), case))
    assert ours.shape == theirs.shape == (STEPS + 1, ours.shape[1])
    np.testing.assert_allclose(ours, theirs, rtol=1e-13, atol=1e-17)
    assert len(set(ours[:, 0])) > 1, "the schedule never changed the lr"


PLATEAU_CASES = [
    ({"patience": 1, "cooldown": 1, "factor": 0.5, "min_lr": 0.2},
     [1, 0.99995, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9]),
    ({"patience": 2}, [1.0, 0.8, 0.8, 0.8, 0.79, 0.7, 0.7, 0.7, 0.7, 0.6] * 6),
    ({"mode": "max", "patience": 0, "threshold": 0.05, "threshold_mode": "abs",
      "factor": 0.7, "cooldown": 2}, list(np.linspace(0, 1, 20)) + [1.0] * 40),
    ({"mode": "max", "patience": 3, "threshold_mode": "rel", "factor": 0.5},
     [0.1, 0.2, 0.2, 0.2, 0.2, 0.2, 0.21, 0.3] * 8),
    ({"mode": "min", "threshold_mode": "abs", "threshold": 0.1, "patience": 1, "factor": 0.9,
      "min_lr": [0.05, 0.25]}, [5 - 0.05 * i for i in range(60)]),
]


@pytest.mark.parametrize("kwargs,losses", PLATEAU_CASES)
def test_reduce_lr_on_plateau_matches_torch_on_fixed_losses(kwargs, losses):
    sequences = []
    for module, make in ((optim, param), (torch.optim, lambda: torch.zeros(3, requires_grad=True))):
        opt = two_groups(module, make, "SGD", {"lr": 1.0})
        sched = module.lr_scheduler.ReduceLROnPlateau(opt, **kwargs)
        lrs = [tuple(sched.get_last_lr())]
        for loss in losses:
            opt.step()
            sched.step(loss)
            lrs.append(tuple(sched.get_last_lr()))
        sequences.append(np.array(lrs))
    np.testing.assert_allclose(sequences[0], sequences[1], rtol=1e-15, atol=0)
    assert sequences[0][-1, 0] < sequences[0][0, 0], "the lr was never reduced"


def test_closed_form_jump_with_epoch_argument_matches_torch():
    results = []
    for module, make in ((optim, param), (torch.optim, lambda: torch.zeros(3, requires_grad=True))):
        opt = module.SGD([make()], lr=0.1)
        sched = module.lr_scheduler.StepLR(opt, step_size=4, gamma=0.5)
        opt.step()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sched.step(13)
        results.append(sched.get_last_lr())
    assert results[0] == results[1]
