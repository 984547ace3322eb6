"""Property: for any small MLP, input and loss, the scalar engine's gradients (sn.explain)
equal the NumPy backward, and the recorded chain rule equals sympy.diff of the expression."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import symnn as sn
from symnn import nn
from symnn.symbolic.functions import symbol

ACTIVATIONS = {
    "ReLU": nn.ReLU, "LeakyReLU": lambda: nn.LeakyReLU(0.2), "Sigmoid": nn.Sigmoid,
    "Tanh": nn.Tanh,
}


pytestmark = pytest.mark.usefixtures("float64_default")


@settings(max_examples=20, deadline=None)
@given(
    widths=st.lists(st.integers(1, 4), min_size=2, max_size=4),
    activation=st.sampled_from(sorted(ACTIVATIONS)),
    batch=st.integers(1, 3),
    seed=st.integers(0, 2**16),
    classification=st.booleans(),
)
def test_explained_gradients_equal_the_numpy_backward_for_random_mlps(
    widths, activation, batch, seed, classification
):
    sn.manual_seed(seed)
    layers = []
    for n_in, n_out in zip(widths, widths[1:]):
        layers += [nn.Linear(n_in, n_out), ACTIVATIONS[activation]()]
    model = nn.Sequential(*layers[:-1])
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(batch, widths[0]))
    if classification:
        target, loss_fn = rng.integers(0, widths[-1], size=batch), nn.CrossEntropyLoss()
    else:
        target, loss_fn = rng.normal(size=(batch, widths[-1])), nn.MSELoss()

    loss = loss_fn(model(sn.tensor(x)), sn.tensor(target))
    loss.backward()
    e = sn.explain(model, x, target, loss_fn)
    assert e.loss.value == pytest.approx(loss.item(), rel=1e-12, abs=1e-12)
    for name, p in model.named_parameters():
        np.testing.assert_allclose(e.grads[name], p.grad.data, rtol=1e-9, atol=1e-12)


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**16), activation=st.sampled_from(["Sigmoid", "Tanh"]))
def test_recorded_chain_rule_equals_sympy_diff_on_a_small_network(seed, activation):
    sn.manual_seed(seed)
    model = nn.Sequential(nn.Linear(2, 2), ACTIVATIONS[activation](), nn.Linear(2, 1))
    rng = np.random.default_rng(seed)
    e = sn.explain(model, rng.normal(size=(1, 2)), rng.normal(size=(1, 1)), nn.MSELoss(),
                   symbolic=True)
    leaf = e.leaf("0.weight", (1, 0))
    values = {symbol(node.name): node.value for node in e.loss.leaves().values()}
    assembled = float(e.derivative("0.weight", (1, 0)).subs(values))
    direct = float(sympy.diff(e.expr, symbol(leaf.name)).subs(values))
    assert assembled == pytest.approx(direct, rel=1e-10, abs=1e-14)
    assert assembled == pytest.approx(e.grads["0.weight"][1, 0], rel=1e-10, abs=1e-14)
