"""assert_grads_match: NumPy backward, scalar engine and finite differences must agree."""

from __future__ import annotations

import numpy as np
import pytest

import symnn as sn
from symnn import nn
from symnn.testing import assert_grads_match


pytestmark = pytest.mark.usefixtures("float64_default")


class CubeSignSlip(sn.Function):
    """y = x**3 whose backward gets the sign wrong where x < 0 (-3x**2 instead of 3x**2).

    Its forward is plain arithmetic on ``.data``, so on object arrays the scalar engine
    records the true chain rule while the NumPy backward uses the wrong formula."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return sn.tensor(x.data ** 3, dtype=x.dtype)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        g = np.asarray(grad_output.data if isinstance(grad_output, sn.Tensor) else grad_output)
        return np.where(x.data < 0, -3.0, 3.0) * x.data ** 2 * g


class CubedWeights(nn.Module):
    """out = w**3 * x elementwise, with w passed through a custom Function."""

    def __init__(self, function, w) -> None:
        super().__init__()
        self.function = function
        self.w = nn.Parameter(sn.tensor(np.asarray(w, dtype=np.float64)))

    def forward(self, x):
        return self.function.apply(self.w) * x


W = [[0.5, -0.3], [0.8, 0.2]]
X = np.array([[1.0, 2.0], [-0.5, 1.5]])
T = np.array([[0.2, 0.1], [0.0, -0.3]])


def test_a_correct_model_passes():
    sn.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    assert_grads_match(model, np.array([[0.3, -0.8, 1.2]]), np.array([1]), nn.CrossEntropyLoss())


def test_a_wrong_backward_is_shown_against_the_scalar_engine_and_finite_differences():
    model = CubedWeights(CubeSignSlip, W)
    with pytest.raises(AssertionError) as info:
        assert_grads_match(model, X, T, nn.MSELoss())
    lines = str(info.value).splitlines()
    assert "disagree at 1 of 4 parameter elements" in lines[0]
    assert len(lines) == 3
    row = lines[2].split()
    assert row[0] == "w[0," and row[1] == "1]"
    # dL/dw for L = mean((w**3 x - t)**2): 2/4 * (w**3 x - t) * x * 3 w**2, here at w = -0.3
    w, x, t = -0.3, 2.0, 0.1
    right = 0.5 * (w ** 3 * x - t) * x * 3 * w ** 2
    backward, scalar, numeric = (float(v) for v in row[2:5])
    assert backward == pytest.approx(-right, rel=1e-8)
    assert scalar == pytest.approx(right, rel=1e-8)
    assert numeric == pytest.approx(right, rel=1e-6)
    assert "backward != scalar engine and backward != finite difference" in lines[2]


def test_frozen_parameters_are_skipped_and_the_rest_checked():
    sn.manual_seed(1)
    model = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))
    model[0].weight.requires_grad_(False)
    x, t = np.array([[0.3, -0.6]]), np.array([[0.2]])
    assert_grads_match(model, x, t, nn.MSELoss())
    wrong = nn.Sequential(model[0], nn.Tanh(), CubedWeights(CubeSignSlip, [[-0.5, 0.4, 0.3]]))
    with pytest.raises(AssertionError, match=r"disagree at 1 of 6 parameter elements") as info:
        assert_grads_match(wrong, x, np.array([[0.2, 0.1, -0.1]]), nn.MSELoss())
    assert "2.w[0, 0]" in str(info.value) and "0.weight" not in str(info.value)


def test_the_model_is_left_as_it_was():
    sn.set_default_dtype(np.float32)
    sn.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3), nn.Tanh(), nn.Linear(3, 1))
    params = [(p, p.data, p.data.copy()) for p in model.parameters()]
    bn = model[1]
    buffers = [(t, t.data, t.data.copy()) for t in (bn.running_mean, bn.running_var,
                                                     bn.num_batches_tracked)]
    assert_grads_match(model, np.array([[0.1, 0.4], [-0.3, 0.9], [0.5, -0.2]]),
                       np.array([[0.3], [-0.1], [0.2]]), nn.MSELoss())
    for p, data, values in params:
        assert p.data is data and p.data.dtype == np.float32
        np.testing.assert_array_equal(p.data, values)
        assert p.grad is None
    for t, data, values in buffers:
        assert t.data is data and t.data.dtype == values.dtype
        np.testing.assert_array_equal(t.data, values)


def test_dropout_in_training_mode_uses_one_mask_for_all_three():
    sn.manual_seed(4)
    model = nn.Sequential(nn.Linear(3, 8), nn.Dropout(0.5), nn.Linear(8, 1))
    assert_grads_match(model, np.array([[0.3, -0.8, 1.2]]), np.array([[0.5]]), nn.MSELoss())


class CubeSignSlipNanAtOneOne(sn.Function):
    """CubeSignSlip whose backward also gives NaN at element (1, 1)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return sn.tensor(x.data ** 3, dtype=x.dtype)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        g = np.asarray(grad_output.data if isinstance(grad_output, sn.Tensor) else grad_output)
        out = np.where(x.data < 0, -3.0, 3.0) * x.data ** 2 * g
        out[1, 1] = np.nan
        return out


def test_a_nan_gradient_is_listed_first_as_the_worst_disagreement():
    model = CubedWeights(CubeSignSlipNanAtOneOne, W)
    with pytest.raises(AssertionError) as info:
        assert_grads_match(model, X, T, nn.MSELoss())
    lines = str(info.value).splitlines()
    assert "disagree at 2 of 4 parameter elements" in lines[0]
    assert lines[2].split()[:3] == ["w[1,", "1]", "nan"] and lines[3].startswith("  w[0, 1]")
