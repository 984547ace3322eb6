"""Module bookkeeping: registration, iteration, modes, gradients, state_dict, repr, dtype."""

from __future__ import annotations

import numpy as np
import pytest

import symnn as sn
from symnn import nn


class TwoLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(2, 3)
        self.norm = nn.BatchNorm1d(3)
        self.scale = nn.Parameter(np.ones(1, dtype=np.float32))
        self.register_buffer("steps", sn.tensor(np.array(0)))
        self.fc2 = nn.Linear(3, 1)

    def forward(self, x):
        return self.fc2(self.norm(self.fc1(x)).relu()) * self.scale


def test_named_parameters_follow_registration_order_recursively():
    names = [name for name, _ in TwoLayer().named_parameters()]
    assert names == ["scale", "fc1.weight", "fc1.bias", "norm.weight", "norm.bias",
                     "fc2.weight", "fc2.bias"]


def test_state_dict_puts_parameters_before_buffers_within_each_module():
    keys = list(TwoLayer().state_dict())
    assert keys == ["scale", "steps", "fc1.weight", "fc1.bias", "norm.weight", "norm.bias",
                    "norm.running_mean", "norm.running_var", "norm.num_batches_tracked",
                    "fc2.weight", "fc2.bias"]


def test_state_dict_values_are_independent_array_copies():
    model = nn.Linear(2, 2)
    state = model.state_dict()
    assert isinstance(state["weight"], np.ndarray)
    state["weight"][...] = 123.0
    assert not np.any(model.weight.data == 123.0)


def test_buffers_children_and_modules_are_listed():
    model = TwoLayer()
    assert [n for n, _ in model.named_buffers()] == [
        "steps", "norm.running_mean", "norm.running_var", "norm.num_batches_tracked"]
    assert [n for n, _ in model.named_children()] == ["fc1", "norm", "fc2"]
    assert [n for n, _ in model.named_modules()] == ["", "fc1", "norm", "fc2"]
    assert list(model.children())[1] is model.norm
    assert len(list(model.modules())) == 4


def test_shared_parameter_is_listed_once():
    layer = nn.Linear(2, 2)
    model = nn.Sequential(layer, nn.ReLU(), layer)
    assert len(list(model.parameters())) == 2


def test_train_and_eval_switch_every_submodule():
    model = TwoLayer()
    assert model.eval() is model
    assert not model.training and not model.norm.training
    model.train()
    assert all(m.training for m in model.modules())


def test_zero_grad_sets_gradients_to_none_by_default_or_zeros():
    model = nn.Linear(2, 1)
    model(sn.tensor(np.ones((3, 2)))).sum().backward()
    assert model.weight.grad is not None
    model.zero_grad(set_to_none=False)
    np.testing.assert_array_equal(model.weight.grad.data, np.zeros((1, 2)))
    model.zero_grad()
    assert model.weight.grad is None and model.bias.grad is None


def test_load_state_dict_copies_arrays_and_tensors_in_place():
    source, target = nn.Linear(3, 2), nn.Linear(3, 2)
    weight_array = target.weight.data
    state = source.state_dict()
    state["bias"] = sn.tensor(state["bias"])
    result = target.load_state_dict(state)
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert target.weight.data is weight_array
    np.testing.assert_array_equal(target.weight.data, source.weight.data)
    np.testing.assert_array_equal(target.bias.data, source.bias.data)


def test_load_state_dict_names_missing_and_unexpected_keys():
    model = nn.Sequential(nn.Linear(2, 2))
    state = model.state_dict()
    del state["0.bias"]
    state["0.extra"] = np.zeros(1)
    with pytest.raises(RuntimeError) as info:
        model.load_state_dict(state)
    assert '"0.bias"' in str(info.value) and '"0.extra"' in str(info.value)
    assert "Missing" in str(info.value) and "Unexpected" in str(info.value)


def test_load_state_dict_non_strict_returns_the_mismatched_keys():
    model = nn.Sequential(nn.Linear(2, 2))
    state = model.state_dict()
    del state["0.bias"]
    state["0.extra"] = np.zeros(1)
    result = model.load_state_dict(state, strict=False)
    assert result.missing_keys == ["0.bias"] and result.unexpected_keys == ["0.extra"]


def test_load_state_dict_names_a_mis_shaped_key_and_changes_nothing():
    model = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2))
    before = model[0].weight.data.copy()
    state = model.state_dict()
    state["0.weight"] = np.full((2, 2), 9.0)
    state["1.weight"] = np.zeros((3, 2))
    with pytest.raises(RuntimeError, match=r"size mismatch for 1\.weight.*\(3, 2\).*\(2, 2\)"):
        model.load_state_dict(state)
    np.testing.assert_array_equal(model[0].weight.data, before)


def test_repr_matches_pytorch_layout():
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Sequential(nn.Dropout(0.25)))
    assert repr(model) == (
        "Sequential(\n"
        "  (0): Linear(in_features=2, out_features=3, bias=True)\n"
        "  (1): ReLU()\n"
        "  (2): Sequential(\n"
        "    (0): Dropout(p=0.25, inplace=False)\n"
        "  )\n"
        ")"
    )


def test_to_double_casts_parameters_and_float_buffers_but_not_counters():
    model = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2)).double()
    assert model[0].weight.dtype == np.float64
    assert model[1].running_var.dtype == np.float64
    assert model[1].num_batches_tracked.dtype == np.int64
    assert model.float()[0].weight.dtype == np.float32


def test_assigning_a_plain_array_to_a_parameter_slot_is_refused():
    layer = nn.Linear(2, 2)
    with pytest.raises(TypeError, match="weight"):
        layer.weight = np.zeros((2, 2))


def test_module_without_forward_says_so():
    with pytest.raises(NotImplementedError, match="Empty"):
        type("Empty", (nn.Module,), {})()(1)


def test_sequential_indexing_len_and_slicing():
    model = nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 1))
    assert len(model) == 3 and isinstance(model[-1], nn.Linear)
    assert list(model[1:].state_dict()) == ["2.weight", "2.bias"]  # names kept, as in torch
    with pytest.raises(IndexError, match="3"):
        model[3]


def test_module_list_registers_its_modules():
    layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    assert len(list(layers.parameters())) == 6
    assert list(layers.state_dict())[:2] == ["0.weight", "0.bias"]


def test_non_persistent_buffer_is_listed_but_not_saved():
    model = nn.Linear(2, 2)
    model.register_buffer("scratch", np.zeros(3), persistent=False)
    assert "scratch" in dict(model.named_buffers())
    assert "scratch" not in model.state_dict()


def test_buffer_keeps_its_float64_dtype_under_a_float32_default():
    model = nn.Module()
    model.register_buffer("stat", np.zeros(2, dtype=np.float64))
    assert model.stat.dtype == np.float64


def test_apply_visits_children_before_the_parent():
    model = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.ReLU()))
    visited = []
    model.apply(lambda m: visited.append(type(m).__name__))
    assert visited == ["Linear", "ReLU", "Sequential", "Sequential"]


def test_requires_grad_false_freezes_every_parameter():
    model = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 1)).requires_grad_(False)
    assert not any(p.requires_grad for p in model.parameters())


def test_parameter_keeps_the_dtype_of_the_array_it_wraps():
    p = nn.Parameter(np.zeros(3, dtype=np.float64))
    assert p.dtype == np.float64 and p.requires_grad and p.is_leaf
    assert repr(p).startswith("Parameter containing:\ntensor(")


def test_to_cpu_is_accepted_and_other_devices_are_refused():
    model = nn.Linear(2, 2)
    assert model.to("cpu") is model and model.weight.dtype == np.float32
    assert model.to("cpu", np.float64).weight.dtype == np.float64
    with pytest.raises(ValueError, match="'cuda'"):
        model.to("cuda")


def test_replacing_a_parameter_keeps_its_place_in_the_state_dict():
    layer = nn.Linear(2, 2)
    layer.weight = nn.Parameter(np.zeros((2, 2), dtype=np.float32))
    assert list(layer.state_dict()) == ["weight", "bias"]
    assert not layer.weight.data.any()


def test_sequential_item_assignment_replaces_the_layer_in_place():
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    replacement = nn.Linear(3, 4)
    model[-1] = replacement
    model[1] = nn.Tanh()
    assert model[2] is replacement
    assert isinstance(model[1], nn.Tanh)
    assert list(model.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert model.state_dict()["2.weight"].shape == (4, 3)
    with pytest.raises(IndexError, match="out of range for a Sequential of length 3"):
        model[3] = nn.ReLU()
