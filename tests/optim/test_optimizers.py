"""symnn.optim optimizers: hand-computed updates, dtype, state, groups and zero_grad."""

from __future__ import annotations

import math

import numpy as np
import pytest

import symnn as sn
from symnn import optim


def param(values, dtype=np.float64):
    return sn.tensor(np.array(values, dtype=dtype), requires_grad=True, dtype=dtype)


def set_grad(p, values) -> None:
    p.grad = sn.tensor(np.array(values, dtype=p.data.dtype), dtype=p.data.dtype)


ALL = [
    (optim.SGD, {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.1}),
    (optim.Adagrad, {"lr_decay": 0.1, "weight_decay": 0.1}),
    (optim.Adadelta, {"weight_decay": 0.1}),
    (optim.RMSprop, {"centered": True, "momentum": 0.5, "weight_decay": 0.1}),
    (optim.Adam, {"amsgrad": True, "weight_decay": 0.1}),
    (optim.AdamW, {"amsgrad": True}),
]
IDS = [cls.__name__ for cls, _ in ALL]


def test_sgd_momentum_buffer_starts_as_gradient_then_dampens():
    p = param([0.0])
    opt = optim.SGD([p], lr=1.0, momentum=0.9, dampening=0.5)
    set_grad(p, [1.0])
    opt.step()
    assert opt.state[p]["momentum_buffer"][0] == 1.0  # first step: no dampening
    set_grad(p, [2.0])
    opt.step()
    assert opt.state[p]["momentum_buffer"][0] == pytest.approx(0.9 * 1.0 + 0.5 * 2.0)
    assert p.data[0] == pytest.approx(-(1.0 + 1.9))


def test_sgd_nesterov_steps_along_gradient_plus_momentum_times_buffer():
    p = param([0.0])
    opt = optim.SGD([p], lr=0.1, momentum=0.5, nesterov=True)
    set_grad(p, [2.0])
    opt.step()
    assert p.data[0] == pytest.approx(-0.1 * (2.0 + 0.5 * 2.0))


def test_adam_first_step_moves_each_coordinate_by_lr_against_the_gradient_sign():
    p = param([1.0, -1.0, 3.0])
    opt = optim.Adam([p], lr=0.01)
    set_grad(p, [0.5, -4.0, 1e-3])
    opt.step()
    # m_hat = g and v_hat = g², so the step is lr·g/(|g| + eps)
    expected = np.array([1.0, -1.0, 3.0]) - 0.01 * np.array([0.5, -4.0, 1e-3]) / (
        np.abs([0.5, -4.0, 1e-3]) + 1e-8)
    np.testing.assert_allclose(p.data, expected, rtol=1e-12)


def test_adamw_decays_weights_by_lr_times_decay_before_the_adam_step():
    p, q = param([2.0]), param([2.0])
    decayed = optim.AdamW([p], lr=0.1, weight_decay=0.5)
    plain = optim.Adam([q], lr=0.1)
    set_grad(p, [1.0])
    set_grad(q, [1.0])
    decayed.step()
    plain.step()
    assert p.data[0] == pytest.approx(2.0 * (1 - 0.1 * 0.5) - 0.1, rel=1e-7)
    assert q.data[0] == pytest.approx(2.0 - 0.1, rel=1e-7)


def test_adagrad_divides_by_root_of_accumulated_squares_with_decayed_lr():
    p = param([0.0])
    opt = optim.Adagrad([p], lr=1.0, lr_decay=0.5, initial_accumulator_value=1.0, eps=0.0)
    set_grad(p, [3.0])
    opt.step()
    assert p.data[0] == pytest.approx(-3.0 / math.sqrt(10.0))
    set_grad(p, [1.0])
    opt.step()
    assert p.data[0] == pytest.approx(-3.0 / math.sqrt(10.0) - (1.0 / 1.5) / math.sqrt(11.0))


def test_adadelta_first_step_is_sqrt_eps_over_rms_of_gradient():
    p = param([0.0])
    opt = optim.Adadelta([p], lr=1.0, rho=0.9, eps=1e-6)
    set_grad(p, [2.0])
    opt.step()
    v = 0.1 * 4.0
    assert p.data[0] == pytest.approx(-math.sqrt(1e-6) / math.sqrt(v + 1e-6) * 2.0)


def test_rmsprop_keeps_eps_outside_the_square_root():
    p = param([0.0])
    opt = optim.RMSprop([p], lr=0.1, alpha=0.5, eps=0.25)
    set_grad(p, [2.0])
    opt.step()
    assert p.data[0] == pytest.approx(-0.1 * 2.0 / (math.sqrt(0.5 * 4.0) + 0.25))


def test_rmsprop_centered_subtracts_squared_mean_gradient():
    p = param([0.0])
    opt = optim.RMSprop([p], lr=0.1, alpha=0.5, eps=0.0, centered=True)
    set_grad(p, [2.0])
    opt.step()
    avg = math.sqrt(0.5 * 4.0 - (0.5 * 2.0) ** 2)
    assert p.data[0] == pytest.approx(-0.1 * 2.0 / avg)


@pytest.mark.parametrize("cls,kwargs", ALL, ids=IDS)
def test_float32_parameters_and_state_stay_float32(cls, kwargs):
    p = param([[0.5, -1.5], [2.0, 0.1]], np.float32)
    opt = cls([p], **kwargs)
    data_before = p.data
    for _ in range(3):
        set_grad(p, [[0.1, 0.2], [-0.3, 0.4]])
        opt.step()
    assert p.data is data_before, "the update must be in place on p.data"
    assert p.data.dtype == np.float32
    for key, value in opt.state[p].items():
        if isinstance(value, np.ndarray):
            assert value.dtype == np.float32, key


@pytest.mark.parametrize("cls,kwargs", ALL, ids=IDS)
def test_parameters_without_gradient_are_left_alone(cls, kwargs):
    p, q = param([1.0, 2.0]), param([3.0])
    opt = cls([p, q], **kwargs)
    set_grad(p, [0.5, 0.5])
    opt.step()
    assert q.data[0] == 3.0
    assert not np.array_equal(p.data, [1.0, 2.0])


@pytest.mark.parametrize("cls,kwargs", ALL, ids=IDS)
def test_state_dict_round_trip_continues_the_same_trajectory(cls, kwargs):
    def grad(x):
        return np.cos(x) + 0.1 * x

    p = param([0.3, -1.2, 2.0])
    opt = cls([p], **kwargs)
    for _ in range(5):
        set_grad(p, grad(p.data))
        opt.step()
    saved = opt.state_dict()
    q = param(p.data.copy())
    restored = cls([q], **kwargs)
    restored.load_state_dict(saved)
    for _ in range(5):
        set_grad(p, grad(p.data))
        set_grad(q, grad(q.data))
        opt.step()
        restored.step()
    np.testing.assert_array_equal(p.data, q.data)


def test_state_dict_is_a_snapshot_and_indexes_parameters():
    p = param([1.0])
    opt = optim.SGD([p], lr=0.1, momentum=0.9)
    set_grad(p, [1.0])
    opt.step()
    saved = opt.state_dict()
    opt.step()
    assert saved["state"][0]["momentum_buffer"][0] == 1.0
    assert saved["param_groups"][0]["params"] == [0]
    assert saved["param_groups"][0]["momentum"] == 0.9


def test_load_state_dict_rejects_a_different_group_layout():
    p, q = param([1.0]), param([2.0])
    saved = optim.SGD([p, q], lr=0.1).state_dict()
    with pytest.raises(ValueError, match="doesn't match the size"):
        optim.SGD([p], lr=0.1).load_state_dict(saved)
    with pytest.raises(ValueError, match="different number of parameter groups"):
        optim.SGD([{"params": [p]}, {"params": [q]}], lr=0.1).load_state_dict(saved)


def test_load_state_dict_restores_group_hyperparameters():
    p = param([1.0])
    source = optim.Adam([p], lr=0.5, betas=(0.8, 0.9))
    target = optim.Adam([param([1.0])])
    target.load_state_dict(source.state_dict())
    assert target.param_groups[0]["lr"] == 0.5
    assert target.param_groups[0]["betas"] == (0.8, 0.9)


def test_zero_grad_sets_gradients_to_none_by_default_or_zeros_on_request():
    p = param([1.0, 2.0])
    opt = optim.SGD([p], lr=0.1)
    set_grad(p, [3.0, 4.0])
    opt.zero_grad(set_to_none=False)
    np.testing.assert_array_equal(p.grad.data, [0.0, 0.0])
    opt.zero_grad()
    assert p.grad is None


def test_param_groups_override_defaults_and_add_param_group_extends():
    p, q, r = param([1.0]), param([1.0]), param([1.0])
    opt = optim.SGD([{"params": [p], "lr": 0.5}, {"params": [q]}], lr=0.1, momentum=0.9)
    assert opt.param_groups[0]["lr"] == 0.5 and opt.param_groups[0]["momentum"] == 0.9
    assert opt.param_groups[1]["lr"] == 0.1
    opt.add_param_group({"params": r, "lr": 0.01})
    assert opt.param_groups[2]["params"] == [r] and opt.param_groups[2]["momentum"] == 0.9
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [p]})


def test_adagrad_creates_accumulators_at_construction_and_for_added_groups():
    p, q = param([1.0]), param([1.0, 2.0])
    opt = optim.Adagrad([p], initial_accumulator_value=0.25)
    assert opt.state[p]["step"] == 0 and opt.state[p]["sum"][0] == 0.25
    opt.add_param_group({"params": [q]})
    np.testing.assert_array_equal(opt.state[q]["sum"], [0.25, 0.25])


def test_named_parameters_are_kept_as_param_names():
    p = param([1.0])
    opt = optim.SGD([("layer.weight", p)], lr=0.1)
    assert opt.param_groups[0]["params"] == [p]
    assert opt.state_dict()["param_groups"][0]["param_names"] == ["layer.weight"]


@pytest.mark.parametrize("bad,error,match", [
    ([], ValueError, "empty parameter list"),
    ([np.zeros(2)], TypeError, "can only optimize Tensors"),
    ({"params": []}, TypeError, "iterable of Tensors or dicts"),
])
def test_bad_parameter_lists_raise_clear_errors(bad, error, match):
    params = bad if not isinstance(bad, dict) else sn.tensor(np.zeros(1), requires_grad=True)
    with pytest.raises(error, match=match):
        optim.SGD(params, lr=0.1)


def test_nesterov_without_momentum_raises_value_error():
    with pytest.raises(ValueError, match="Nesterov momentum requires a momentum"):
        optim.SGD([param([1.0])], lr=0.1, nesterov=True)


def test_closure_result_is_returned_by_step():
    p = param([1.0])
    opt = optim.SGD([p], lr=0.1)

    def closure():
        set_grad(p, [2.0])
        return 42.0

    assert opt.step(closure) == 42.0
    assert p.data[0] == pytest.approx(0.8)
