"""The same layer code on object arrays of ``sn.Scalar`` (how ``sn.explain`` runs a model):
forward values and scalar-graph gradients equal the float Tensor results."""

from __future__ import annotations

import numpy as np
import pytest

import symnn as sn
from symnn import nn


@pytest.fixture(autouse=True)
def float64(float64_default):
    sn.manual_seed(0)


def _scalars(a: np.ndarray) -> np.ndarray:
    out = np.empty(a.shape, dtype=object)
    for idx in np.ndindex(a.shape):
        out[idx] = sn.Scalar(float(a[idx]))
    return out


def _grads(a: np.ndarray) -> np.ndarray:
    return np.vectorize(lambda s: s.grad, otypes=[np.float64])(a)


LAYERS = {
    "Linear+ReLU": (lambda: nn.Sequential(nn.Linear(3, 4), nn.ReLU()), (2, 3)),
    "Conv2d_groups_same": (lambda: nn.Conv2d(2, 2, 3, padding="same", groups=2), (1, 2, 4, 4)),
    "Conv1d+MaxPool1d": (lambda: nn.Sequential(nn.Conv1d(1, 2, 2), nn.MaxPool1d(2)), (2, 1, 5)),
    "Conv3d+AvgPool3d": (lambda: nn.Sequential(nn.Conv3d(1, 1, 2), nn.AvgPool3d(2)),
                         (1, 1, 3, 3, 3)),
    "BatchNorm1d+Tanh": (lambda: nn.Sequential(nn.BatchNorm1d(3), nn.Tanh()), (4, 3)),
    "BatchNorm2d_eval": (lambda: nn.BatchNorm2d(2).eval(), (2, 2, 2, 2)),
    "LayerNorm+Sigmoid": (lambda: nn.Sequential(nn.LayerNorm(3), nn.Sigmoid()), (2, 3)),
    "GroupNorm+LeakyReLU": (lambda: nn.Sequential(nn.GroupNorm(2, 4), nn.LeakyReLU(0.1)),
                            (2, 4, 2)),
    "InstanceNorm2d_affine": (lambda: nn.InstanceNorm2d(2, affine=True), (1, 2, 3, 3)),
    "Dropout+Softmax": (lambda: nn.Sequential(nn.Dropout(0.3), nn.Softmax(dim=1)), (2, 5)),
    "Flatten+LogSoftmax": (lambda: nn.Sequential(nn.Flatten(), nn.LogSoftmax(dim=1)),
                           (2, 2, 2)),
}


@pytest.mark.parametrize("case", sorted(LAYERS))
def test_layer_on_scalars_matches_the_float_forward_and_gradients(case):
    make, shape = LAYERS[case]
    model = make()
    rng = np.random.default_rng(0)
    for p in model.parameters():  # affine parameters away from 1 and 0
        p.data[...] = rng.uniform(0.5, 1.5, p.shape) * np.sign(p.data + 1e-3)
    x = rng.standard_normal(shape)
    r = rng.standard_normal
    state = model.state_dict()

    xt = sn.tensor(x, requires_grad=True)
    sn.manual_seed(1)
    out = model(xt)
    projection = r(out.shape)
    (out * sn.tensor(projection)).sum().backward()
    model.load_state_dict(state)  # undo the running-statistics update

    params = dict(model.named_parameters())
    floats = {name: p.data for name, p in params.items()}
    leaves = {name: _scalars(p.data) for name, p in params.items()}
    x_leaves = _scalars(x)
    try:
        for name, p in params.items():
            p.data = leaves[name]
        sn.manual_seed(1)
        with sn.no_grad():
            out_s = model(sn.Tensor(x_leaves))
            loss = (out_s * sn.tensor(projection)).sum().item()
    finally:
        for name, p in params.items():
            p.data = floats[name]
    values = np.vectorize(lambda s: s.value, otypes=[np.float64])(out_s.data)
    np.testing.assert_allclose(values, out.data, rtol=1e-10, atol=1e-12)
    loss.backward()
    np.testing.assert_allclose(_grads(x_leaves), xt.grad.data, rtol=1e-8, atol=1e-10)
    for name, p in params.items():
        np.testing.assert_allclose(_grads(leaves[name]), p.grad.data, rtol=1e-8, atol=1e-10,
                                   err_msg=name)


LOSSES = {
    "MSELoss": (nn.MSELoss(), lambda rng: rng.standard_normal((3, 4))),
    "L1Loss": (nn.L1Loss(reduction="sum"), lambda rng: rng.standard_normal((3, 4))),
    "CrossEntropyLoss": (
        nn.CrossEntropyLoss(weight=np.array([1.0, 2.0, 0.5, 1.5]), label_smoothing=0.1),
        lambda rng: np.array([0, 3, -100])),
    "CrossEntropyLoss_probabilities": (nn.CrossEntropyLoss(),
                                       lambda rng: np.full((3, 4), 0.25)),
    "NLLLoss": (nn.NLLLoss(), lambda rng: np.array([1, 2, 0])),
    "BCELoss": (nn.BCELoss(), lambda rng: rng.random((3, 4))),
    "BCEWithLogitsLoss": (nn.BCEWithLogitsLoss(pos_weight=np.array([1.0, 2.0, 0.5, 3.0])),
                          lambda rng: rng.random((3, 4))),
}


@pytest.mark.parametrize("case", sorted(LOSSES))
def test_loss_on_scalars_matches_the_float_loss_and_gradient(case):
    loss_fn, make_target = LOSSES[case]
    rng = np.random.default_rng(2)
    x = rng.standard_normal((3, 4))
    if case == "BCELoss":
        x = 1 / (1 + np.exp(-x))
    target = sn.tensor(make_target(rng))
    xt = sn.tensor(x, requires_grad=True)
    expected = loss_fn(xt, target)
    expected.backward()
    leaves = _scalars(x)
    with sn.no_grad():
        loss = loss_fn(sn.Tensor(leaves), target).item()
    assert loss.value == pytest.approx(expected.item(), rel=1e-12)
    loss.backward()
    np.testing.assert_allclose(_grads(leaves), xt.grad.data, rtol=1e-8, atol=1e-12)
