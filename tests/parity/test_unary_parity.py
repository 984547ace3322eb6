"""Every declared elementwise op against PyTorch in float64 (values and gradients, special
values included), and the activation modules ELU, GELU, SiLU, Softplus against torch.nn."""

from __future__ import annotations

import math

import numpy as np
import pytest

import symnn as sn
from symnn import nn
from symnn.unary import UNARY

torch = pytest.importorskip("torch", reason="PyTorch not installed")
TF = torch.nn.functional

PARAMS = {"leaky_relu": (0.2,), "elu": (0.7,)}
TORCH = {
    "exp": torch.exp, "log": torch.log, "sqrt": torch.sqrt, "abs": torch.abs,
    "tanh": torch.tanh, "sin": torch.sin, "cos": torch.cos, "sigmoid": torch.sigmoid,
    "relu": torch.relu, "leaky_relu": TF.leaky_relu, "softplus": TF.softplus, "elu": TF.elu,
    "gelu": TF.gelu, "gelu_tanh": lambda t: TF.gelu(t, approximate="tanh"), "silu": TF.silu,
}
X = np.array([-30.0, -3.1, -1.2, -0.35, 0.0, 0.4, 0.9, 2.6, 19.0, 21.0])
X_POSITIVE = np.array([1e-3, 0.2, 0.7, 1.5, 3.0, 50.0])


def test_every_declared_op_has_a_pytorch_counterpart_here():
    assert set(TORCH) == set(UNARY)


@pytest.mark.parametrize("name", sorted(UNARY))
def test_values_and_gradients_match_pytorch(name):
    xs = X_POSITIVE if name in ("log", "sqrt") else X
    params = PARAMS.get(name, ())
    method, keywords = UNARY[name].method_call()
    x = sn.tensor(xs, requires_grad=True, dtype=np.float64)
    y = getattr(x, method)(*params, **keywords)
    g = np.linspace(-1.0, 1.5, len(xs))
    (y * sn.tensor(g, dtype=np.float64)).sum().backward()
    xt = torch.tensor(xs, requires_grad=True)
    yt = TORCH[name](xt, *params)
    (yt * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(y.data, yt.detach().numpy(), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(x.grad.data, xt.grad.numpy(), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", sorted(UNARY))
def test_out_of_domain_and_infinite_inputs_match_pytorch(name):
    xs = np.array([0.0, -1.0, -800.0, 800.0, math.inf, -math.inf])
    params = PARAMS.get(name, ())
    method, keywords = UNARY[name].method_call()
    with np.errstate(all="ignore"):
        y = getattr(sn.tensor(xs, dtype=np.float64), method)(*params, **keywords).data
    np.testing.assert_allclose(y, TORCH[name](torch.tensor(xs), *params).numpy(), rtol=1e-12,
                               equal_nan=True)


@pytest.mark.parametrize(
    "ours,theirs",
    [
        (nn.ELU(), torch.nn.ELU()),
        (nn.ELU(alpha=0.3), torch.nn.ELU(alpha=0.3)),
        (nn.GELU(), torch.nn.GELU()),
        (nn.GELU(approximate="tanh"), torch.nn.GELU(approximate="tanh")),
        (nn.SiLU(), torch.nn.SiLU()),
        (nn.Softplus(beta=2.0, threshold=5.0), torch.nn.Softplus(beta=2.0, threshold=5.0)),
    ],
    ids=["elu", "elu-0.3", "gelu", "gelu-tanh", "silu", "softplus-beta2"],
)
def test_activation_modules_match_torch_nn_in_values_gradients_and_repr(ours, theirs):
    xs = np.random.default_rng(3).standard_normal((4, 5)) * 4
    x = sn.tensor(xs, requires_grad=True, dtype=np.float64)
    ours(x).sum().backward()
    xt = torch.tensor(xs, requires_grad=True)
    theirs(xt).sum().backward()
    np.testing.assert_allclose(ours(x).data, theirs(xt).detach().numpy(), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(x.grad.data, xt.grad.numpy(), rtol=1e-12, atol=1e-15)
    assert repr(ours) == repr(theirs)


def test_functional_forms_match_torch_functional():
    import symnn.nn.functional as F

    xs = np.linspace(-4, 4, 9)
    x, xt = sn.tensor(xs, dtype=np.float64), torch.tensor(xs)
    for ours, theirs in [(F.elu(x, 0.5), TF.elu(xt, 0.5)), (F.gelu(x), TF.gelu(xt)),
                         (F.gelu(x, approximate="tanh"), TF.gelu(xt, approximate="tanh")),
                         (F.silu(x), TF.silu(xt)), (F.softplus(x, 3.0, 2.0), TF.softplus(xt, 3.0, 2.0))]:
        np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-12, atol=1e-15)
