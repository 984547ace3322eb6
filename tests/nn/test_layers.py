"""Layer behaviour beyond gradients: initialization, modes, running statistics, dropout,
bad-input messages."""

from __future__ import annotations

import math

import numpy as np
import pytest

import symnn as sn
from symnn import nn
from symnn.nn import functional as F


def _x(*shape, seed=0, dtype=np.float32):
    return sn.tensor(np.random.default_rng(seed).standard_normal(shape), dtype=dtype)


# ----------------------------------------------------------------------------- initialization
@pytest.mark.parametrize("make, fan_in", [
    (lambda: nn.Linear(50, 40), 50),
    (lambda: nn.Conv2d(6, 8, 3, groups=2), 3 * 9),
    (lambda: nn.Conv1d(4, 20, 5), 20),
])
def test_default_init_is_uniform_within_one_over_sqrt_fan_in(make, fan_in):
    sn.manual_seed(0)
    layer = make()
    bound = 1 / math.sqrt(fan_in)
    for p in (layer.weight.data, layer.bias.data):
        assert np.all(np.abs(p) <= bound)
    # a uniform sample spreads over the interval: its extremes come close to ±bound
    w = layer.weight.data
    assert w.max() > 0.9 * bound and w.min() < -0.9 * bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.1 * bound


def test_manual_seed_makes_initialization_repeatable():
    sn.manual_seed(42)
    a = nn.Linear(3, 3).weight.data.copy()
    sn.manual_seed(42)
    b = nn.Linear(3, 3).weight.data.copy()
    np.testing.assert_array_equal(a, b)


def test_parameters_take_the_default_dtype():
    assert nn.Linear(2, 2).weight.dtype == np.float32
    previous = sn.get_default_dtype()
    sn.set_default_dtype(np.float64)
    try:
        assert nn.Conv2d(1, 1, 2).weight.dtype == np.float64
    finally:
        sn.set_default_dtype(previous)


def test_init_gains_and_xavier_bounds():
    assert nn.init.calculate_gain("relu") == math.sqrt(2)
    assert nn.init.calculate_gain("leaky_relu", math.sqrt(5)) == math.sqrt(1 / 3)
    assert nn.init.calculate_gain("tanh") == 5 / 3
    w = sn.tensor(np.zeros((30, 20)))
    nn.init.xavier_uniform_(w)
    assert np.abs(w.data).max() <= math.sqrt(6 / 50)
    nn.init.zeros_(w)
    assert not w.data.any()


# ----------------------------------------------------------------------------- bad input
def test_linear_shape_mismatch_names_layer_and_both_shapes():
    with pytest.raises(ValueError) as info:
        nn.Linear(3, 2)(_x(4, 5))
    assert str(info.value) == "Linear(3, 2) expected input (..., 3), got (4, 5)"


def test_conv_wrong_channel_count_names_the_layer():
    with pytest.raises(ValueError, match=r"Conv2d\(3, 8, kernel_size=\(3, 3\)\) expected input "
                                         r"with 3 channels, got 4 channels"):
        nn.Conv2d(3, 8, 3)(_x(2, 4, 8, 8))


@pytest.mark.parametrize("layer, shape, name", [
    (nn.Conv2d(1, 1, 2), (4, 4), "Conv2d"),
    (nn.Conv1d(1, 1, 2), (1, 1, 4, 4), "Conv1d"),
    (nn.MaxPool2d(2), (4,), "MaxPool2d"),
    (nn.AvgPool3d(2), (1, 4, 4), "AvgPool3d"),
    (nn.BatchNorm2d(3), (2, 3), "BatchNorm2d"),
    (nn.BatchNorm1d(3), (2, 3, 4, 4), "BatchNorm1d"),
])
def test_wrong_number_of_dimensions_names_the_layer(layer, shape, name):
    with pytest.raises(ValueError, match=rf"^{name}\(.*{len(shape)}D input"):
        layer(_x(*shape))


def test_batchnorm_with_one_value_per_channel_in_training_is_an_error():
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        nn.BatchNorm1d(3)(_x(1, 3))
    nn.BatchNorm1d(3).eval()(_x(1, 3))  # fine with running statistics


def test_batchnorm_wrong_channel_count_names_the_layer():
    with pytest.raises(ValueError, match=r"BatchNorm2d\(3\) expected input with 3 channels"):
        nn.BatchNorm2d(3)(_x(2, 4, 2, 2))


def test_layernorm_wrong_trailing_shape_names_both_shapes():
    with pytest.raises(ValueError, match=r"LayerNorm\(\(4,\)\) expected input \(\.\.\., 4\), "
                                         r"got \(2, 5\)"):
        nn.LayerNorm(4)(_x(2, 5))


def test_unknown_reduction_is_refused():
    with pytest.raises(ValueError, match="'average'"):
        nn.MSELoss(reduction="average")


def test_cross_entropy_target_out_of_range_names_the_value():
    with pytest.raises(IndexError, match="Target 7 is out of bounds"):
        F.cross_entropy(_x(2, 3), sn.tensor(np.array([0, 7])))


# ----------------------------------------------------------------------------- BatchNorm
def test_batchnorm_running_stats_use_momentum_and_the_unbiased_variance():
    bn = nn.BatchNorm1d(2)
    x = np.array([[1.0, 2.0], [3.0, 6.0], [5.0, 7.0]], dtype=np.float32)
    bn(sn.tensor(x))
    np.testing.assert_allclose(bn.running_mean.data, 0.1 * x.mean(0), rtol=1e-6)
    np.testing.assert_allclose(bn.running_var.data, 0.9 + 0.1 * x.var(0, ddof=1), rtol=1e-6)
    assert bn.num_batches_tracked.dtype == np.int64 and int(bn.num_batches_tracked.data) == 1


def test_batchnorm_training_normalizes_with_the_biased_batch_variance():
    x = np.array([[1.0], [2.0], [4.0]])
    out = nn.BatchNorm1d(1).double()(sn.tensor(x, dtype=np.float64)).data
    np.testing.assert_allclose(out, (x - x.mean()) / np.sqrt(x.var() + 1e-5), rtol=1e-12)


def test_batchnorm_momentum_none_is_a_cumulative_average():
    bn = nn.BatchNorm1d(1, momentum=None).double()
    batches = [np.array([[1.0], [3.0]]), np.array([[5.0], [9.0]]), np.array([[0.0], [1.0]])]
    for b in batches:
        bn(sn.tensor(b, dtype=np.float64))
    np.testing.assert_allclose(bn.running_mean.data, [np.mean([b.mean() for b in batches])])


def test_batchnorm_eval_uses_running_statistics():
    bn = nn.BatchNorm1d(1).double()
    bn.running_mean.data[...] = 2.0
    bn.running_var.data[...] = 4.0
    bn.eval()
    out = bn(sn.tensor(np.array([[6.0]]), dtype=np.float64))
    np.testing.assert_allclose(out.data, [[4.0 / math.sqrt(4.0 + 1e-5)]])


def test_batchnorm_without_tracking_has_no_buffers_and_uses_batch_stats_in_eval():
    bn = nn.BatchNorm1d(2, track_running_stats=False).eval()
    assert list(bn.state_dict()) == ["weight", "bias"]
    assert bn.running_mean is None
    out = bn(_x(4, 2)).data
    np.testing.assert_allclose(out.mean(0), [0, 0], atol=1e-6)


def test_instance_norm_has_no_parameters_or_buffers_by_default():
    layer = nn.InstanceNorm2d(3)
    assert layer.state_dict() == {}
    out = layer(_x(2, 3, 4, 4)).data
    np.testing.assert_allclose(out.mean(axis=(2, 3)), np.zeros((2, 3)), atol=1e-5)


def test_group_norm_statistics_are_per_sample_and_group():
    x = _x(2, 4, 3, dtype=np.float64)
    out = nn.GroupNorm(2, 4).double()(x).data.reshape(2, 2, -1)
    np.testing.assert_allclose(out.mean(-1), 0, atol=1e-12)
    np.testing.assert_allclose(out.var(-1), 1, rtol=1e-3)


# ----------------------------------------------------------------------------- Dropout
def test_dropout_scales_survivors_by_one_over_keep_probability():
    sn.manual_seed(0)
    out = nn.Dropout(0.25)(sn.tensor(np.ones((200, 50), dtype=np.float32))).data
    np.testing.assert_allclose(np.unique(out), [0.0, 4 / 3], rtol=1e-6)
    kept = (out != 0).mean()
    assert abs(kept - 0.75) < 0.02  # 10,000 draws: std of the fraction is 0.0043


def test_dropout_is_identity_in_eval_mode_and_repeatable_with_a_seed():
    x = _x(10, 10)
    layer = nn.Dropout(0.5)
    assert layer.eval()(x) is x
    layer.train()
    sn.manual_seed(1)
    a = layer(x).data
    sn.manual_seed(1)
    np.testing.assert_array_equal(a, layer(x).data)


def test_dropout_probability_outside_unit_interval_is_refused():
    with pytest.raises(ValueError, match="1.5"):
        nn.Dropout(1.5)


# ----------------------------------------------------------------------------- losses
def test_bce_clamps_the_log_at_minus_100():
    loss = nn.BCELoss()(sn.tensor(np.array([0.0])), sn.tensor(np.array([1.0])))
    assert loss.item() == pytest.approx(100.0)


def test_bce_with_logits_is_finite_for_large_logits():
    x = sn.tensor(np.array([200.0, -200.0]), dtype=np.float64)
    loss = F.binary_cross_entropy_with_logits(x, sn.tensor(np.array([0.0, 1.0]),
                                                           dtype=np.float64), reduction="none")
    np.testing.assert_allclose(loss.data, [200.0, 200.0])


def test_cross_entropy_mean_with_every_target_ignored_is_nan():
    loss = F.cross_entropy(_x(2, 3), sn.tensor(np.array([-100, -100])))
    assert math.isnan(loss.item())


def test_softmax_rows_sum_to_one_and_log_softmax_is_its_log():
    x = _x(3, 5, dtype=np.float64) * 30
    p = F.softmax(x, dim=1).data
    np.testing.assert_allclose(p.sum(1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(F.log_softmax(x, dim=1).data, np.log(p), rtol=1e-9)


def test_softmax_without_dim_warns_and_picks_pytorchs_legacy_dimension():
    x = _x(2, 3, 4, dtype=np.float64)
    with pytest.warns(UserWarning, match="Implicit dimension"):
        p = F.softmax(x)
    np.testing.assert_allclose(p.data.sum(axis=0), 1.0, rtol=1e-12)  # 3-D input: dim 0


def test_init_constant_and_ones_fill_in_place_and_return_the_tensor():
    w = nn.Linear(3, 2).weight
    assert nn.init.constant_(w, -0.5) is w
    np.testing.assert_array_equal(w.data, np.full((2, 3), -0.5))
    assert nn.init.ones_(w) is w
    np.testing.assert_array_equal(w.data, np.ones((2, 3)))


def test_batchnorm_reset_running_stats_restores_zero_mean_unit_var_and_no_batches():
    bn = nn.BatchNorm1d(3)
    bn(sn.tensor(np.arange(12.0).reshape(4, 3)))
    assert int(bn.num_batches_tracked.item()) == 1 and bn.running_mean.data.any()
    bn.reset_running_stats()
    np.testing.assert_array_equal(bn.running_mean.data, np.zeros(3))
    np.testing.assert_array_equal(bn.running_var.data, np.ones(3))
    assert int(bn.num_batches_tracked.item()) == 0


@pytest.mark.parametrize("kwargs, message", [
    (dict(in_channels=3, out_channels=4, groups=2), r"Conv2d\(3, 4\): in_channels 3 is not divisible by groups 2"),
    (dict(in_channels=4, out_channels=3, groups=2), r"Conv2d\(4, 3\): out_channels 3 is not divisible by groups 2"),
    (dict(in_channels=4, out_channels=4, groups=0), r"Conv2d\(4, 4\): groups must be a positive integer, got 0"),
])
def test_conv_groups_errors_name_the_layer_and_the_numbers(kwargs, message):
    with pytest.raises(ValueError, match=message):
        nn.Conv2d(kernel_size=3, **kwargs)


def test_linear_with_no_inputs_outputs_its_bias_which_starts_at_zero_as_in_pytorch():
    with pytest.warns(UserWarning, match="zero-element tensors is a no-op"):
        layer = nn.Linear(0, 2)
    assert layer.weight.shape == (2, 0)
    np.testing.assert_array_equal(layer.bias.data, [0.0, 0.0])
    x = sn.tensor(np.zeros((3, 0)), requires_grad=True)
    out = layer(x)
    np.testing.assert_array_equal(out.data, np.zeros((3, 2)))
    out.sum().backward()
    np.testing.assert_array_equal(layer.bias.grad.data, [3.0, 3.0])
    assert layer.weight.grad.shape == (2, 0) and x.grad.shape == (3, 0)


@pytest.mark.parametrize("args", [(-1, 2), (2, -3), (2.5, 2), ("3", 2), (True, 2)])
def test_linear_refuses_sizes_that_are_not_whole_numbers_naming_the_argument(args):
    with pytest.raises(ValueError, match="must be a whole number >= 0"):
        nn.Linear(*args)
