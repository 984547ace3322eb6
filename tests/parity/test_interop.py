"""symnn.interop: models to PyTorch and back with the same architecture, weights and outputs."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pytest

import symnn as sn
from symnn import interop, nn

torch = pytest.importorskip("torch", reason="PyTorch not installed")


def mlp():
    sn.manual_seed(1)
    return nn.Sequential(nn.Linear(6, 5), nn.Tanh(), nn.Dropout(0.25), nn.Linear(5, 4, bias=False),
                         nn.LeakyReLU(0.2), nn.LayerNorm(4), nn.Linear(4, 3), nn.LogSoftmax(dim=1))


def cnn():
    sn.manual_seed(2)
    return nn.Sequential(
        nn.Conv2d(2, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 6, (3, 2), stride=(1, 2), dilation=1, groups=2, bias=False),
        nn.GroupNorm(3, 6), nn.Sigmoid(), nn.AvgPool2d(2, ceil_mode=True), nn.Flatten(),
        nn.Linear(6 * 1 * 1, 3), nn.Softmax(dim=-1),
    )


def conv1d_named():
    sn.manual_seed(3)
    return nn.Sequential(OrderedDict([
        ("conv", nn.Conv1d(3, 4, 3)), ("norm", nn.BatchNorm1d(4)), ("act", nn.ReLU()),
        ("pool", nn.MaxPool1d(2)), ("flat", nn.Flatten()), ("head", nn.Linear(4 * 3, 2)),
    ]))


MODELS = [(mlp, (7, 6)), (cnn, (3, 2, 8, 8)), (conv1d_named, (5, 3, 8))]


def _input(shape):
    return np.random.default_rng(0).standard_normal(shape).astype(np.float32)


@pytest.mark.parametrize("build,shape", MODELS, ids=[m[0].__name__ for m in MODELS])
def test_to_torch_gives_same_keys_weights_and_outputs(build, shape):
    model = build().eval()
    converted = interop.to_torch(model)
    assert isinstance(converted, torch.nn.Module) and not converted.training
    ours, theirs = model.state_dict(), converted.state_dict()
    assert list(ours) == list(theirs)
    for key in ours:
        np.testing.assert_array_equal(np.asarray(ours[key]), theirs[key].numpy(), err_msg=key)
    x = _input(shape)
    with sn.no_grad():
        expected = model(sn.tensor(x)).data
    got = converted(torch.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("build,shape", MODELS, ids=[m[0].__name__ for m in MODELS])
def test_from_torch_round_trip_restores_the_model(build, shape):
    model = build().eval()
    back = interop.from_torch(interop.to_torch(model))
    assert [type(m).__name__ for m in back.modules()] == [type(m).__name__ for m in model.modules()]
    assert repr(back) == repr(model)
    x = _input(shape)
    with sn.no_grad():
        np.testing.assert_array_equal(back(sn.tensor(x)).data, model(sn.tensor(x)).data)


def test_from_torch_reads_a_model_built_in_torch():
    torch.manual_seed(0)
    tmodel = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
    model = interop.from_torch(tmodel)
    x = _input((5, 4))
    with sn.no_grad():
        got = model(sn.tensor(x)).data
    np.testing.assert_allclose(got, tmodel(torch.from_numpy(x)).detach().numpy(), rtol=1e-5,
                               atol=1e-6)


def test_float64_models_stay_float64_both_ways():
    sn.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 2, dtype=np.float64))
    converted = interop.to_torch(model)
    assert converted[0].weight.dtype == torch.float64
    assert interop.from_torch(converted)[0].weight.data.dtype == np.float64


def test_training_mode_is_carried_over():
    model = mlp()
    assert interop.to_torch(model.train()).training
    assert not interop.to_torch(model.eval())[2].training


class Doubler(nn.Module):
    def forward(self, x):
        return x * 2


def test_a_layer_without_counterpart_is_named_in_the_error():
    model = nn.Sequential(nn.Linear(2, 2), Doubler())
    with pytest.raises(TypeError, match=r"layer 1 of type .*Doubler has no counterpart in torch\.nn"):
        interop.to_torch(model)


def test_a_torch_layer_without_counterpart_is_named_in_the_error():
    tmodel = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Sequential(torch.nn.GELU()))
    with pytest.raises(TypeError, match=r"layer 1\.0 of type GELU has no counterpart in symnn\.nn"):
        interop.from_torch(tmodel)


def test_wrong_argument_types_are_rejected():
    with pytest.raises(TypeError, match="expects a symnn.nn.Module"):
        interop.to_torch(torch.nn.Linear(2, 2))
    with pytest.raises(TypeError, match="expects a torch.nn.Module"):
        interop.from_torch(nn.Linear(2, 2))


def test_tensor_constructor_arguments_are_converted_both_ways():
    model = nn.Sequential(nn.Linear(2, 3),
                          nn.CrossEntropyLoss(weight=sn.tensor(np.array([1.0, 2.0, 3.0])),
                                              label_smoothing=0.1))
    converted = interop.to_torch(model)
    assert isinstance(converted[1].weight, torch.Tensor)
    np.testing.assert_array_equal(converted[1].weight.numpy(), [1.0, 2.0, 3.0])
    assert converted[1].label_smoothing == 0.1
    back = interop.from_torch(converted)
    np.testing.assert_array_equal(back[1].weight.data, [1.0, 2.0, 3.0])


def test_module_list_is_walked_with_its_children():
    layers = nn.ModuleList([nn.Linear(3, 2), nn.ReLU()])
    converted = interop.to_torch(layers)
    assert isinstance(converted, torch.nn.ModuleList)
    assert [type(m).__name__ for m in converted] == ["Linear", "ReLU"]
    np.testing.assert_array_equal(converted[0].weight.detach().numpy(), layers[0].weight.data)
