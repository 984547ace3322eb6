"""RMSELoss / F.rmse_loss: sqrt(mean((x - y)²)), symnn's addition to PyTorch's losses. Its
gradient is checked three ways (the recorded chain rule, SymPy's own diff, finite differences)
and its values and gradients against torch.sqrt(F.mse_loss(...)) for every reduction."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

import symnn as sn
from symnn import nn
from symnn.nn import functional as F

REDUCTIONS = ("mean", "sum", "none")


def _data(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.standard_normal((4, 3)), rng.standard_normal((4, 3))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_rmse_is_the_square_root_of_mse_with_the_same_reduction(reduction):
    x, y = _data()
    got = F.rmse_loss(sn.tensor(x, dtype=np.float64), y, reduction=reduction).data
    by_hand = {"mean": np.sqrt(np.mean((x - y) ** 2)), "sum": np.sqrt(np.sum((x - y) ** 2)),
               "none": np.abs(x - y)}[reduction]
    np.testing.assert_allclose(got, by_hand, rtol=1e-15, atol=0)


def test_module_defaults_to_the_mean_and_matches_the_functional_form():
    x, y = _data(1)
    module = nn.RMSELoss()
    assert module.reduction == "mean"
    assert module(sn.tensor(x, dtype=np.float64), y).item() == pytest.approx(
        float(np.sqrt(np.mean((x - y) ** 2))), rel=1e-15)
    assert "RMSELoss" in nn.__all__ and "rmse_loss" in F.__all__


def test_an_unknown_reduction_is_refused_by_name():
    with pytest.raises(ValueError, match="'average'"):
        nn.RMSELoss(reduction="average")
    with pytest.raises(ValueError, match="'average'"):
        F.rmse_loss(sn.tensor([1.0]), [0.0], reduction="average")


@pytest.mark.parametrize("reduction", ("mean", "sum"))
def test_gradients_agree_three_ways_backward_scalar_engine_and_finite_differences(reduction):
    sn.manual_seed(0)
    model = nn.Linear(3, 2).double()
    x, _ = _data(2)
    target = np.random.default_rng(3).standard_normal((4, 2))
    sn.testing.assert_grads_match(model, x, target, nn.RMSELoss(reduction=reduction),
                                  atol=1e-8, rtol=1e-6)


def test_recorded_chain_rule_equals_sympy_diff_for_every_weight():
    sn.manual_seed(1)
    model = nn.Linear(3, 2).double()
    x, _ = _data(4)
    target = np.random.default_rng(5).standard_normal((4, 2))
    e = sn.explain(model, x, target, nn.RMSELoss())
    leaves = e.loss.leaves()
    symbols = {s.name: s for s in e.loss.expr.free_symbols}
    values = {s: leaves[name].value for name, s in symbols.items()}
    assert len(symbols) == 8  # 6 weights and 2 biases
    for name, symbol in symbols.items():
        recorded = float(e.loss.derivative(name).subs(values))
        by_sympy = float(sympy.diff(e.loss.expr, symbol).subs(values))
        assert recorded == pytest.approx(by_sympy, rel=1e-12, abs=1e-14), name


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_values_and_gradients_match_torch_sqrt_of_mse_loss(reduction):
    torch = pytest.importorskip("torch")
    x, y = _data(6)
    xs = sn.tensor(x, dtype=np.float64, requires_grad=True)
    xt = torch.tensor(x, requires_grad=True)
    ours = F.rmse_loss(xs, y, reduction=reduction)
    theirs = torch.sqrt(torch.nn.functional.mse_loss(xt, torch.tensor(y), reduction=reduction))
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-14)
    projection = np.random.default_rng(7).standard_normal(np.shape(ours.data))
    (ours * sn.tensor(projection, dtype=np.float64)).sum().backward()
    (theirs * torch.tensor(projection)).sum().backward()
    np.testing.assert_allclose(xs.grad.data, xt.grad.numpy(), rtol=1e-12)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_at_zero_error_the_gradient_is_undefined_as_in_torch():
    torch = pytest.importorskip("torch")
    xs = sn.tensor(np.zeros(3), dtype=np.float64, requires_grad=True)
    F.rmse_loss(xs, np.zeros(3)).backward()
    xt = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    torch.sqrt(torch.nn.functional.mse_loss(xt, torch.zeros(3, dtype=torch.float64))).backward()
    assert np.isnan(xs.grad.data).all() and torch.isnan(xt.grad).all()
