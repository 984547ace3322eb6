"""25-step float64 trajectories of every symnn optimizer and option against torch.optim."""

from __future__ import annotations

import numpy as np
import pytest

import symnn as sn
from symnn import optim

torch = pytest.importorskip("torch", reason="PyTorch not installed")


def param(values: np.ndarray, dtype=np.float64):
    return sn.tensor(np.array(values, dtype=dtype), requires_grad=True, dtype=dtype)


def grad_tensor(values: np.ndarray):
    return sn.tensor(values, dtype=values.dtype)

STEPS = 25
START = {
    "w": np.array([[0.8, -1.3, 0.25], [2.0, -0.4, 1.1]]),
    "b": np.array([0.3, -0.7]),
}


def gradient(name: str, value: np.ndarray) -> np.ndarray:
    """A fixed, non-quadratic gradient field, evaluated the same way for both libraries."""
    offset = 0.2 if name == "w" else -0.35
    return np.sin(2.0 * value) + 0.3 * value + offset


def symnn_trajectory(cls_name: str, kwargs: dict, groups: list[dict] | None) -> list[dict]:
    params = {k: param(v)
              for k, v in START.items()}
    if groups is None:
        opt = getattr(optim, cls_name)(list(params.values()), **kwargs)
    else:
        opt = getattr(optim, cls_name)(
            [dict(g, params=[params[n] for n in g["params"]]) for g in groups], **kwargs)
    out = []
    for _ in range(STEPS):
        for name, p in params.items():
            p.grad = grad_tensor(gradient(name, p.data))
        opt.step()
        out.append({k: p.data.copy() for k, p in params.items()})
    return out


def torch_trajectory(cls_name: str, kwargs: dict, groups: list[dict] | None) -> list[dict]:
    params = {k: torch.tensor(v.copy(), dtype=torch.float64, requires_grad=True)
              for k, v in START.items()}
    if groups is None:
        opt = getattr(torch.optim, cls_name)(list(params.values()), **kwargs)
    else:
        opt = getattr(torch.optim, cls_name)(
            [dict(g, params=[params[n] for n in g["params"]]) for g in groups], **kwargs)
    out = []
    for _ in range(STEPS):
        for name, p in params.items():
            p.grad = torch.from_numpy(gradient(name, p.detach().numpy()))
        opt.step()
        out.append({k: p.detach().numpy().copy() for k, p in params.items()})
    return out


CASES = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {}),
    ("SGD", {"lr": 0.1, "momentum": 0.9}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.5}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    ("SGD", {"lr": 0.1, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.5, "weight_decay": 0.1, "maximize": True}),
    ("Adagrad", {}),
    ("Adagrad", {"lr": 0.3, "lr_decay": 0.1}),
    ("Adagrad", {"lr": 0.3, "initial_accumulator_value": 0.5}),
    ("Adagrad", {"lr": 0.3, "weight_decay": 0.2, "eps": 1e-3}),
    ("Adagrad", {"lr": 0.3, "maximize": True}),
    ("Adadelta", {}),
    ("Adadelta", {"lr": 0.5, "rho": 0.5, "eps": 1e-4}),
    ("Adadelta", {"weight_decay": 0.1}),
    ("Adadelta", {"maximize": True}),
    ("RMSprop", {}),
    ("RMSprop", {"lr": 0.05, "centered": True}),
    ("RMSprop", {"lr": 0.05, "momentum": 0.8}),
    ("RMSprop", {"lr": 0.05, "alpha": 0.9, "centered": True, "momentum": 0.8,
                 "weight_decay": 0.1}),
    ("RMSprop", {"lr": 0.05, "maximize": True}),
    ("Adam", {}),
    ("Adam", {"lr": 0.1}),
    ("Adam", {"lr": 0.1, "betas": (0.5, 0.9), "eps": 1e-3}),
    ("Adam", {"lr": 0.1, "amsgrad": True}),
    ("Adam", {"lr": 0.1, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.1, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("Adam", {"lr": 0.1, "maximize": True}),
    ("AdamW", {}),
    ("AdamW", {"lr": 0.1, "weight_decay": 0.3}),
    ("AdamW", {"lr": 0.1, "amsgrad": True, "maximize": True}),
]

GROUP_CASES = [
    ("SGD", {"lr": 0.1, "momentum": 0.9},
     [{"params": ["w"], "lr": 0.05, "momentum": 0.5, "dampening": 0.3}, {"params": ["b"]}]),
    ("Adagrad", {"lr": 0.2}, [{"params": ["w"]}, {"params": ["b"], "lr_decay": 0.2}]),
    ("Adadelta", {}, [{"params": ["w"], "rho": 0.7}, {"params": ["b"], "lr": 0.5}]),
    ("RMSprop", {"lr": 0.02}, [{"params": ["w"], "centered": True}, {"params": ["b"]}]),
    ("Adam", {"lr": 0.1}, [{"params": ["w"], "amsgrad": True}, {"params": ["b"], "lr": 0.01,
                                                                 "betas": (0.8, 0.99)}]),
    ("AdamW", {"lr": 0.1}, [{"params": ["b"], "weight_decay": 0.5}, {"params": ["w"]}]),
]


def _case_id(case: tuple) -> str:
    name, kwargs = case[0], case[1]
    return name + "-" + ("-".join(f"{k}={v}" for k, v in kwargs.items()) or "defaults")


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_optimizer_trajectory_matches_torch_for_25_steps(case):
    cls_name, kwargs = case
    ours = symnn_trajectory(cls_name, kwargs, None)
    theirs = torch_trajectory(cls_name, kwargs, None)
    for step, (a, b) in enumerate(zip(ours, theirs), start=1):
        for name in START:
            np.testing.assert_allclose(a[name], b[name], rtol=1e-6, atol=0,
                                       err_msg=f"{cls_name} {kwargs} step {step} param {name}")
    assert not np.allclose(ours[-1]["w"], START["w"]), "the trajectory did not move"


@pytest.mark.parametrize("case", GROUP_CASES, ids=[_case_id(c) + "-groups" for c in GROUP_CASES])
def test_param_groups_trajectory_matches_torch(case):
    cls_name, kwargs, groups = case
    ours = symnn_trajectory(cls_name, kwargs, groups)
    theirs = torch_trajectory(cls_name, kwargs, groups)
    for step, (a, b) in enumerate(zip(ours, theirs), start=1):
        for name in START:
            np.testing.assert_allclose(a[name], b[name], rtol=1e-6, atol=0,
                                       err_msg=f"{cls_name} groups step {step} param {name}")


STATE_CASES = [
    ("SGD", {"lr": 0.1, "momentum": 0.9}),
    ("Adagrad", {"lr": 0.1}),
    ("Adadelta", {}),
    ("RMSprop", {"centered": True, "momentum": 0.5}),
    ("Adam", {"amsgrad": True}),
    ("AdamW", {}),
]


@pytest.mark.parametrize("case", STATE_CASES, ids=[c[0] for c in STATE_CASES])
def test_state_dict_has_torch_keys_and_values(case):
    cls_name, kwargs = case
    ours_p = param(START["w"])
    theirs_p = torch.tensor(START["w"].copy(), requires_grad=True)
    ours = getattr(optim, cls_name)([ours_p], **kwargs)
    theirs = getattr(torch.optim, cls_name)([theirs_p], **kwargs)
    for _ in range(3):
        ours_p.grad = grad_tensor(gradient("w", ours_p.data))
        theirs_p.grad = torch.from_numpy(gradient("w", theirs_p.detach().numpy()))
        ours.step()
        theirs.step()
    a, b = ours.state_dict(), theirs.state_dict()
    assert sorted(a["state"]) == sorted(b["state"]) == [0]
    assert sorted(a["state"][0]) == sorted(b["state"][0])
    for key, value in b["state"][0].items():
        np.testing.assert_allclose(np.asarray(a["state"][0][key]), value.numpy(), rtol=1e-12,
                                   err_msg=f"{cls_name} state {key}")
    torch_group = {k: v for k, v in b["param_groups"][0].items()
                   if k not in ("foreach", "differentiable", "fused", "capturable")}
    assert a["param_groups"][0] == torch_group


def test_float32_adam_matches_torch_within_float32_rounding():
    ours_p = param(START["w"], np.float32)
    theirs_p = torch.tensor(START["w"].astype(np.float32), requires_grad=True)
    ours, theirs = optim.Adam([ours_p], lr=0.05), torch.optim.Adam([theirs_p], lr=0.05)
    for _ in range(STEPS):
        g = gradient("w", ours_p.data.astype(np.float64)).astype(np.float32)
        ours_p.grad = grad_tensor(g)
        theirs_p.grad = torch.from_numpy(g.copy())
        ours.step()
        theirs.step()
        assert ours_p.data.dtype == np.float32
        np.testing.assert_allclose(ours_p.data, theirs_p.detach().numpy(), rtol=1e-5, atol=1e-6)


ERROR_CASES = [
    ("SGD", {"lr": -0.1}),
    ("SGD", {"momentum": -0.5}),
    ("SGD", {"weight_decay": -1.0}),
    ("SGD", {"nesterov": True}),
    ("SGD", {"nesterov": True, "momentum": 0.9, "dampening": 0.1}),
    ("Adagrad", {"lr_decay": -1.0}),
    ("Adagrad", {"initial_accumulator_value": -1.0}),
    ("Adagrad", {"eps": -1.0}),
    ("Adadelta", {"rho": 1.5}),
    ("Adadelta", {"lr": -1.0}),
    ("RMSprop", {"alpha": -0.1}),
    ("RMSprop", {"momentum": -0.1}),
    ("Adam", {"betas": (1.0, 0.999)}),
    ("Adam", {"betas": (0.9, -0.1)}),
    ("Adam", {"eps": -1e-8}),
    ("AdamW", {"weight_decay": -0.1}),
]


@pytest.mark.parametrize("case", ERROR_CASES, ids=[_case_id(c) for c in ERROR_CASES])
def test_bad_hyperparameters_raise_value_error_like_torch(case):
    cls_name, kwargs = case
    with pytest.raises(ValueError) as theirs:
        getattr(torch.optim, cls_name)([torch.zeros(2, requires_grad=True)], **kwargs)
    with pytest.raises(ValueError) as ours:
        getattr(optim, cls_name)([param(np.zeros(2))], **kwargs)
    assert str(ours.value) == str(theirs.value)
