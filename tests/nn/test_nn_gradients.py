"""Finite-difference gradient checks (float64) for every layer and loss: one table, one helper.

Each case builds a module (or loss) and its inputs; the helper compares the Tensor tape's
gradients of a random projection of the output with central differences, for the input and
for every parameter.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pytest

import symnn as sn
from symnn import nn
from symnn.nn import functional as F


@pytest.fixture(autouse=True)
def float64(float64_default):
    sn.manual_seed(0)


def _input(*shape: int, seed: int = 1) -> sn.Tensor:
    rng = np.random.default_rng(seed)
    return sn.tensor(rng.standard_normal(shape), requires_grad=True, dtype=np.float64)


def assert_gradients_match(fn: Callable[[], sn.Tensor], tensors: dict[str, sn.Tensor],
                           eps: float = 1e-6, rtol: float = 1e-5, atol: float = 1e-7) -> None:
    """Compare d fn() / d t from backward with central differences, for every named tensor."""
    for t in tensors.values():
        t.grad = None
    out = fn()
    assert out.shape == () or out.numel() == 1, "the checked function must return a scalar"
    out.backward()
    for name, t in tensors.items():
        assert t.grad is not None, f"{name} received no gradient"
        analytic = np.array(t.grad.data, dtype=np.float64)
        numeric = np.zeros_like(analytic)
        data = t.data
        for idx in np.ndindex(data.shape):
            old = data[idx]
            data[idx] = old + eps
            plus = float(fn().data)
            data[idx] = old - eps
            minus = float(fn().data)
            data[idx] = old
            numeric[idx] = (plus - minus) / (2 * eps)
        np.testing.assert_allclose(analytic, numeric, rtol=rtol, atol=atol,
                                   err_msg=f"gradient of {name}")


def _projection(shape: tuple[int, ...]) -> sn.Tensor:
    return sn.tensor(np.random.default_rng(7).standard_normal(shape), dtype=np.float64)


def _layer_case(make: Callable[[], nn.Module], shape: tuple[int, ...], train: bool = True,
                positive: bool = False):
    def build():
        layer = make()
        layer.train(train)
        x = _input(*shape)
        if positive:
            x.data[...] = np.abs(x.data) + 0.5
        with sn.no_grad():
            out_shape = layer(sn.tensor(x.data.copy())).shape
        r = _projection(out_shape)

        def fn():
            sn.manual_seed(3)  # the same dropout mask on every call
            return (layer(x) * r).sum()

        tensors = {"input": x}
        tensors.update(dict(layer.named_parameters()))
        return fn, tensors

    return build


def _loss_case(loss: nn.Module, input_shape, target, probabilities_input: bool = False):
    def build():
        x = _input(*input_shape)
        if probabilities_input:
            x.data[...] = 1 / (1 + np.exp(-x.data))
        t = target() if callable(target) else target
        return (lambda: loss(x, t)), {"input": x}

    return build


def _classes(*shape: int, n_classes: int = 4, ignore: bool = False):
    def make():
        t = np.random.default_rng(5).integers(0, n_classes, size=shape)
        if ignore:
            t.reshape(-1)[0] = -100
        return sn.tensor(t)

    return make


def _probs(*shape: int):
    def make():
        p = np.random.default_rng(6).random(shape)
        return sn.tensor(p / p.sum(axis=1, keepdims=True), dtype=np.float64)

    return make


def _uniform(*shape: int):
    return lambda: sn.tensor(np.random.default_rng(8).random(shape), dtype=np.float64)


CASES = {
    "Linear": _layer_case(lambda: nn.Linear(3, 2), (4, 3)),
    "Linear_no_bias_3d_input": _layer_case(lambda: nn.Linear(3, 2, bias=False), (2, 2, 3)),
    "Conv1d": _layer_case(lambda: nn.Conv1d(2, 3, 3, stride=2, padding=1), (2, 2, 7)),
    "Conv2d": _layer_case(lambda: nn.Conv2d(2, 2, 3, padding=1), (2, 2, 4, 4)),
    "Conv2d_groups_dilation": _layer_case(
        lambda: nn.Conv2d(4, 2, 2, dilation=2, groups=2), (1, 4, 5, 5)),
    "Conv2d_same": _layer_case(lambda: nn.Conv2d(1, 2, (2, 3), padding="same"), (1, 1, 4, 4)),
    "Conv3d": _layer_case(lambda: nn.Conv3d(1, 2, 2), (1, 1, 3, 3, 3)),
    "MaxPool1d": _layer_case(lambda: nn.MaxPool1d(2), (2, 2, 6)),
    "MaxPool2d": _layer_case(lambda: nn.MaxPool2d(2, stride=1, padding=1), (1, 2, 4, 4)),
    "MaxPool3d": _layer_case(lambda: nn.MaxPool3d(2), (1, 1, 4, 4, 4)),
    "AvgPool1d": _layer_case(lambda: nn.AvgPool1d(3, stride=2), (2, 2, 7)),
    "AvgPool2d": _layer_case(lambda: nn.AvgPool2d(2, padding=1), (1, 2, 4, 4)),
    "AvgPool3d": _layer_case(lambda: nn.AvgPool3d(2), (1, 1, 4, 4, 4)),
    "BatchNorm1d_train": _layer_case(lambda: nn.BatchNorm1d(3), (5, 3)),
    "BatchNorm1d_3d_train": _layer_case(lambda: nn.BatchNorm1d(2), (3, 2, 4)),
    "BatchNorm2d_train": _layer_case(lambda: nn.BatchNorm2d(2), (2, 2, 3, 3)),
    "BatchNorm2d_eval": _layer_case(lambda: nn.BatchNorm2d(2), (2, 2, 3, 3), train=False),
    "LayerNorm": _layer_case(lambda: nn.LayerNorm((3, 4)), (2, 3, 4)),
    "GroupNorm": _layer_case(lambda: nn.GroupNorm(2, 4), (2, 4, 3)),
    "InstanceNorm2d_affine": _layer_case(lambda: nn.InstanceNorm2d(2, affine=True), (2, 2, 3, 3)),
    "Dropout": _layer_case(lambda: nn.Dropout(0.4), (4, 5)),
    "Flatten": _layer_case(lambda: nn.Flatten(), (2, 3, 2)),
    "ReLU": _layer_case(lambda: nn.ReLU(), (3, 4)),
    "LeakyReLU": _layer_case(lambda: nn.LeakyReLU(0.2), (3, 4)),
    "Sigmoid": _layer_case(lambda: nn.Sigmoid(), (3, 4)),
    "Tanh": _layer_case(lambda: nn.Tanh(), (3, 4)),
    "ELU": _layer_case(lambda: nn.ELU(0.7), (3, 4)),
    "GELU": _layer_case(lambda: nn.GELU(), (3, 4)),
    "GELU_tanh": _layer_case(lambda: nn.GELU(approximate="tanh"), (3, 4)),
    "SiLU": _layer_case(lambda: nn.SiLU(), (3, 4)),
    "Softplus": _layer_case(lambda: nn.Softplus(2.0, 1.0), (3, 4)),
    "Softmax": _layer_case(lambda: nn.Softmax(dim=1), (3, 4)),
    "LogSoftmax": _layer_case(lambda: nn.LogSoftmax(dim=-1), (3, 4)),
    "MSELoss": _loss_case(nn.MSELoss(), (3, 4), _uniform(3, 4)),
    "MSELoss_sum": _loss_case(nn.MSELoss(reduction="sum"), (3, 4), _uniform(3, 4)),
    "L1Loss": _loss_case(nn.L1Loss(), (3, 4), _uniform(3, 4)),
    "CrossEntropyLoss": _loss_case(nn.CrossEntropyLoss(), (5, 4), _classes(5)),
    "CrossEntropyLoss_weight_ignore_smoothing": _loss_case(
        nn.CrossEntropyLoss(weight=np.array([0.5, 1.0, 2.0, 1.5]), label_smoothing=0.1),
        (5, 4), _classes(5, ignore=True)),
    "CrossEntropyLoss_spatial": _loss_case(nn.CrossEntropyLoss(), (2, 4, 3), _classes(2, 3)),
    "CrossEntropyLoss_probabilities": _loss_case(
        nn.CrossEntropyLoss(label_smoothing=0.2), (3, 4), _probs(3, 4)),
    "NLLLoss": _loss_case(nn.NLLLoss(weight=np.array([1.0, 2.0, 0.5, 1.0])), (5, 4),
                          _classes(5)),
    "BCELoss": _loss_case(nn.BCELoss(), (3, 4), _uniform(3, 4), probabilities_input=True),
    "BCEWithLogitsLoss": _loss_case(
        nn.BCEWithLogitsLoss(pos_weight=np.array([1.0, 2.0, 0.5, 3.0])), (3, 4),
        _uniform(3, 4)),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_backward_matches_finite_differences(case):
    fn, tensors = CASES[case]()
    assert_gradients_match(fn, tensors)


def test_functional_cross_entropy_sum_matches_finite_differences():
    x = _input(4, 3)
    t = sn.tensor(np.array([0, 2, 1, 2]))
    assert_gradients_match(lambda: F.cross_entropy(x, t, reduction="sum"), {"input": x})
