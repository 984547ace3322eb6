"""Every layer and loss on both engines: sn.explain's gradients equal the NumPy backward to
1e-9 in float64, and the three-way check (backward, scalar engine, finite differences) passes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest

import symnn as sn
from symnn import nn
from symnn.testing import assert_grads_match


pytestmark = pytest.mark.usefixtures("float64_default")


@dataclass(frozen=True)
class Case:
    """A small model, its input shape, a loss and the kind of target the loss takes."""

    build: Callable[[], nn.Module]
    x_shape: tuple[int, ...]
    loss: Callable[[], object]
    target: str = "like"  # like | class | prob | binary
    train: bool = True


CASES: dict[str, Case] = {
    "Linear": Case(lambda: nn.Sequential(nn.Linear(3, 2)), (2, 3), nn.MSELoss),
    "Linear-no-bias": Case(lambda: nn.Linear(3, 2, bias=False), (2, 3), nn.MSELoss),
    "Conv1d": Case(lambda: nn.Conv1d(2, 2, 3, padding=1), (1, 2, 5), nn.MSELoss),
    "Conv1d-stride-dilation": Case(
        lambda: nn.Conv1d(2, 3, 2, stride=2, dilation=2), (2, 2, 7), nn.MSELoss),
    "Conv2d": Case(lambda: nn.Conv2d(1, 2, 3, padding=1), (1, 1, 4, 4), nn.MSELoss),
    "Conv2d-groups": Case(
        lambda: nn.Conv2d(2, 4, 2, stride=2, padding=1, groups=2), (1, 2, 3, 3), nn.MSELoss),
    "Conv2d-same-dilation": Case(
        lambda: nn.Conv2d(1, 2, 3, padding="same", dilation=2), (1, 1, 5, 5), nn.MSELoss),
    "Conv3d": Case(lambda: nn.Conv3d(1, 2, 2), (1, 1, 3, 3, 3), nn.MSELoss),
    "MaxPool1d": Case(lambda: nn.Sequential(nn.Conv1d(1, 2, 2), nn.MaxPool1d(2)),
                      (1, 1, 5), nn.MSELoss),
    "MaxPool2d": Case(lambda: nn.Sequential(nn.Conv2d(1, 2, 2), nn.MaxPool2d(2)),
                      (1, 1, 5, 5), nn.MSELoss),
    "MaxPool2d-stride-padding": Case(
        lambda: nn.Sequential(nn.Conv2d(1, 1, 2), nn.MaxPool2d(3, stride=2, padding=1)),
        (1, 1, 5, 5), nn.MSELoss),
    "MaxPool2d-ceil-mode": Case(
        lambda: nn.Sequential(nn.Conv2d(1, 1, 2), nn.MaxPool2d(2, ceil_mode=True)),
        (1, 1, 6, 6), nn.MSELoss),
    "MaxPool3d": Case(lambda: nn.Sequential(nn.Conv3d(1, 1, 2), nn.MaxPool3d(2)),
                      (1, 1, 3, 3, 3), nn.MSELoss),
    "AvgPool1d": Case(lambda: nn.Sequential(nn.Conv1d(1, 2, 2), nn.AvgPool1d(2)),
                      (1, 1, 5), nn.MSELoss),
    "AvgPool2d": Case(lambda: nn.Sequential(nn.Conv2d(1, 2, 2), nn.AvgPool2d(2, padding=1)),
                      (1, 1, 4, 4), nn.MSELoss),
    "AvgPool2d-exclude-pad": Case(
        lambda: nn.Sequential(nn.Conv2d(1, 2, 2),
                              nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False)),
        (1, 1, 5, 5), nn.MSELoss),
    "AvgPool3d": Case(lambda: nn.Sequential(nn.Conv3d(1, 1, 2), nn.AvgPool3d(2)),
                      (1, 1, 3, 3, 3), nn.MSELoss),
    "BatchNorm1d-batch-stats": Case(
        lambda: nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4)), (5, 3), nn.MSELoss),
    "BatchNorm1d-eval": Case(
        lambda: nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4)), (2, 3), nn.MSELoss,
        train=False),
    "BatchNorm2d-batch-stats": Case(
        lambda: nn.Sequential(nn.Conv2d(1, 2, 2), nn.BatchNorm2d(2)), (2, 1, 3, 3), nn.MSELoss),
    "LayerNorm": Case(lambda: nn.Sequential(nn.Linear(3, 4), nn.LayerNorm(4)), (2, 3),
                      nn.MSELoss),
    "GroupNorm": Case(lambda: nn.Sequential(nn.Conv2d(1, 4, 2), nn.GroupNorm(2, 4)),
                      (2, 1, 3, 3), nn.MSELoss),
    "InstanceNorm2d": Case(
        lambda: nn.Sequential(nn.Conv2d(1, 2, 2), nn.InstanceNorm2d(2, affine=True)),
        (2, 1, 3, 3), nn.MSELoss),
    "Dropout-eval": Case(
        lambda: nn.Sequential(nn.Linear(3, 4), nn.Dropout(0.5), nn.Linear(4, 2)), (2, 3),
        nn.MSELoss, train=False),
    "Dropout-train": Case(
        lambda: nn.Sequential(nn.Linear(3, 6), nn.Dropout(0.5), nn.Linear(6, 2)), (2, 3),
        nn.MSELoss),
    "Flatten": Case(lambda: nn.Sequential(nn.Conv2d(1, 2, 2), nn.Flatten(), nn.Linear(8, 2)),
                    (1, 1, 3, 3), nn.MSELoss),
    "ReLU": Case(lambda: nn.Sequential(nn.Linear(3, 5), nn.ReLU()), (2, 3), nn.MSELoss),
    "LeakyReLU": Case(lambda: nn.Sequential(nn.Linear(3, 5), nn.LeakyReLU(0.1)), (2, 3),
                      nn.MSELoss),
    "Sigmoid": Case(lambda: nn.Sequential(nn.Linear(3, 2), nn.Sigmoid()), (2, 3), nn.MSELoss),
    "Tanh": Case(lambda: nn.Sequential(nn.Linear(3, 2), nn.Tanh()), (2, 3), nn.MSELoss),
    "ELU": Case(lambda: nn.Sequential(nn.Linear(3, 4), nn.ELU(0.7)), (2, 3), nn.MSELoss),
    "GELU": Case(lambda: nn.Sequential(nn.Linear(3, 4), nn.GELU()), (2, 3), nn.MSELoss),
    "GELU_tanh": Case(lambda: nn.Sequential(nn.Linear(3, 4), nn.GELU(approximate="tanh")),
                      (2, 3), nn.MSELoss),
    "SiLU": Case(lambda: nn.Sequential(nn.Linear(3, 4), nn.SiLU()), (2, 3), nn.MSELoss),
    "Softplus": Case(lambda: nn.Sequential(nn.Linear(3, 4), nn.Softplus(2.0, 1.0)), (2, 3),
                     nn.MSELoss),
    "Softmax": Case(lambda: nn.Sequential(nn.Linear(3, 3), nn.Softmax(dim=1)), (2, 3),
                    nn.MSELoss),
    "LogSoftmax": Case(lambda: nn.Sequential(nn.Linear(3, 3), nn.LogSoftmax(dim=1)), (2, 3),
                       nn.MSELoss),
    "MSELoss-sum": Case(lambda: nn.Linear(3, 2), (2, 3), lambda: nn.MSELoss(reduction="sum")),
    "L1Loss": Case(lambda: nn.Linear(3, 2), (2, 3), nn.L1Loss),
    "CrossEntropyLoss": Case(lambda: nn.Linear(3, 4), (3, 3), nn.CrossEntropyLoss, "class"),
    "CrossEntropyLoss-smoothing-weight": Case(
        lambda: nn.Linear(3, 4), (3, 3),
        lambda: nn.CrossEntropyLoss(weight=sn.tensor([1.0, 2.0, 0.5, 1.5]),
                                    label_smoothing=0.1), "class"),
    "CrossEntropyLoss-probabilities": Case(
        lambda: nn.Linear(3, 4), (2, 3), nn.CrossEntropyLoss, "prob"),
    "NLLLoss": Case(lambda: nn.Sequential(nn.Linear(3, 4), nn.LogSoftmax(dim=1)), (3, 3),
                    nn.NLLLoss, "class"),
    "BCELoss": Case(lambda: nn.Sequential(nn.Linear(3, 2), nn.Sigmoid()), (2, 3), nn.BCELoss,
                    "binary"),
    "BCEWithLogitsLoss": Case(lambda: nn.Linear(3, 2), (2, 3), nn.BCEWithLogitsLoss, "binary"),
    "BCEWithLogitsLoss-pos-weight": Case(
        lambda: nn.Linear(3, 2), (2, 3),
        lambda: nn.BCEWithLogitsLoss(pos_weight=sn.tensor([2.0, 0.5])), "binary"),
}


def _problem(name: str):
    """The model, input and target of one case, from a seed derived from its name."""
    case = CASES[name]
    seed = sum(map(ord, name))
    sn.manual_seed(seed)
    model = case.build()
    model.train(case.train)
    rng = np.random.default_rng(seed)
    x = rng.normal(size=case.x_shape)
    with sn.no_grad():
        out_shape = tuple(model(sn.tensor(x)).shape)
    classes = out_shape[1]
    if case.target == "class":
        target = rng.integers(0, classes, size=out_shape[0])
    elif case.target == "prob":
        target = rng.dirichlet(np.ones(classes), size=out_shape[0])
    elif case.target == "binary":
        target = rng.integers(0, 2, size=out_shape).astype(np.float64)
    else:
        target = rng.normal(size=out_shape)
    return model, x, target, case.loss()


def _numpy_backward(model, x, target, loss_fn) -> tuple[float, dict[str, np.ndarray]]:
    model.zero_grad()
    loss = loss_fn(model(sn.tensor(x)), sn.tensor(target))
    loss.backward()
    return loss.item(), {name: np.asarray(p.grad.data) for name, p in model.named_parameters()}


@pytest.mark.parametrize("name", list(CASES))
def test_explained_gradients_equal_the_numpy_backward(name):
    model, x, target, loss_fn = _problem(name)
    explained = sn.explain(model, x, target, loss_fn)  # leaves the generator as it was, so
    loss, expected = _numpy_backward(model, x, target, loss_fn)  # the same dropout masks
    assert explained.loss.value == pytest.approx(loss, rel=1e-12, abs=1e-12)
    assert list(explained.grads) == list(expected)
    for pname, grad in expected.items():
        assert explained.grads[pname].shape == grad.shape
        np.testing.assert_allclose(explained.grads[pname], grad, rtol=1e-9, atol=1e-9,
                                   err_msg=f"{name}: gradient of {pname}")


@pytest.mark.parametrize("name", list(CASES))
def test_three_way_gradient_check_passes(name):
    model, x, target, loss_fn = _problem(name)
    assert_grads_match(model, x, target, loss_fn)
