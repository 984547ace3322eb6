"""L1 / L2 penalties, their relation to weight_decay, and weight noise."""

import numpy as np
import pytest

import symnn as sn
from symnn import nn, optim
from symnn.data.datasets import moons
from symnn.train.loop import array_loader, fit
from symnn.train.models import mlp
from symnn.train.regularizers import L1, L2, ElasticNet, WeightNoise


def _model():
    sn.manual_seed(0)
    return mlp([2, 8, 2])


def test_l2_value_is_half_lambda_sum_of_squared_weights():
    model = _model()
    w = [p.data for p in model.parameters() if p.ndim >= 2]
    expected = 0.5 * 0.1 * sum(float((a.astype(np.float64) ** 2).sum()) for a in w)
    assert L2(0.1)(model).item() == pytest.approx(expected, rel=1e-5)
    every = sum(float((p.data.astype(np.float64) ** 2).sum()) for p in model.parameters())
    assert L2(0.1, params="all")(model).item() == pytest.approx(0.05 * every, rel=1e-5)


def test_l1_value_and_elastic_net_sum():
    model = _model()
    w = [p.data for p in model.parameters() if p.ndim >= 2]
    l1 = 0.01 * sum(float(np.abs(a).sum()) for a in w)
    assert L1(0.01)(model).item() == pytest.approx(l1, rel=1e-5)
    assert ElasticNet(0.01, 0.1)(model).item() == pytest.approx(l1 + L2(0.1)(model).item(), rel=1e-5)


def _train(opt_factory, regularizer=None, epochs=3):
    X, y = moons(n_samples=64, seed=0)
    model = _model()
    fit(model, nn.CrossEntropyLoss(), opt_factory(model.parameters()),
        array_loader(X, y, 16), epochs=epochs, regularizer=regularizer, progress=False)
    return [p.data.copy() for p in model.parameters()]


@pytest.mark.parametrize("cls,kw", [(optim.SGD, {"lr": 0.1}), (optim.SGD, {"lr": 0.1, "momentum": 0.9}),
                                    (optim.Adam, {"lr": 0.01})])
def test_l2_penalty_equals_coupled_weight_decay(cls, kw):
    lam = 0.05
    with_penalty = _train(lambda p: cls(p, **kw), L2(lam, params="all"))
    with_decay = _train(lambda p: cls(p, weight_decay=lam, **kw))
    for a, b in zip(with_penalty, with_decay):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


def test_adamw_decoupled_decay_differs_from_l2_penalty_in_adam():
    lam = 0.05
    penalty = _train(lambda p: optim.Adam(p, lr=0.01), L2(lam, params="all"))
    decoupled = _train(lambda p: optim.AdamW(p, lr=0.01, weight_decay=lam))
    assert max(float(np.abs(a - b).max()) for a, b in zip(penalty, decoupled)) > 1e-3


def test_l1_makes_weights_sparser_than_l2():
    def small(ws):
        w = np.concatenate([a.ravel() for a in ws if a.ndim >= 2])
        return float(np.mean(np.abs(w) < 1e-2))

    l1 = _train(lambda p: optim.SGD(p, lr=0.05), L1(0.02), epochs=40)
    l2 = _train(lambda p: optim.SGD(p, lr=0.05), L2(0.04), epochs=40)
    assert small(l1) > small(l2) + 0.1


def test_weight_noise_perturbs_forward_but_leaves_weights_clean():
    X, y = moons(n_samples=32, seed=0)
    model = _model()
    before = [p.data.copy() for p in model.parameters()]
    seen = []

    class Spy:
        def on_after_backward(self, state):  # runs before WeightNoise restores the weights
            seen.append(float(np.abs(state.model[0].weight.data - before[0]).max()))

    noise = WeightNoise(std=0.5, seed=0)
    fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.0),
        array_loader(X, y, 16), epochs=1, callbacks=[Spy(), noise], progress=False)
    assert min(seen) > 0.1  # the backward pass saw noisy weights
    for a, b in zip(before, model.parameters()):
        np.testing.assert_array_equal(a, b.data)  # lr 0: the clean weights are back


def test_penalty_arguments_checked():
    with pytest.raises(ValueError, match="lam must be >= 0"):
        L2(-1.0)
    with pytest.raises(ValueError, match="params must be 'weights' or 'all'"):
        L1(0.1, params="bias")(_model())
