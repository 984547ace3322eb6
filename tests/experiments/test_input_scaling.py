"""The input-scaling lesson's pieces: the scalings, the Hessian behind the condition number,
and what counts as a stable learning rate."""

import numpy as np
import pytest

import symnn as sn
from symnn.experiments import input_scaling as IS
from symnn.nn import functional as F


def test_standardized_features_have_mean_0_and_variance_1_and_min_max_spans_0_to_1():
    X, _ = IS.make_data(0)
    s = IS.scale(X, "standardized")
    np.testing.assert_allclose(s.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(s.std(axis=0), 1, rtol=1e-12)
    m = IS.scale(X, "min-max")
    np.testing.assert_allclose(m.min(axis=0), 0, atol=1e-15)
    np.testing.assert_allclose(m.max(axis=0), 1, rtol=1e-15)
    assert IS.scale(X, "raw") is X
    with pytest.raises(ValueError, match="unknown scaling 'log'"):
        IS.scale(X, "log")


def _loss_gradient(X, y, params):
    w = sn.tensor(params, dtype=np.float64, requires_grad=True)
    logits = sn.tensor(X, dtype=np.float64) @ w[:-1].reshape(-1, 1) + w[-1]
    F.binary_cross_entropy_with_logits(logits, sn.tensor(y[:, None], dtype=np.float64)).backward()
    return w.grad.data


@pytest.mark.parametrize("how", IS.SCALINGS)
def test_hessian_at_zero_is_the_derivative_of_autograds_gradient(how):
    X, y = IS.make_data(1, n=40)
    X = IS.scale(X, how)
    H = IS.logistic_hessian_at_zero(X)
    eps = 1e-6 / max(1.0, float(np.abs(X).max()))
    numeric = np.stack([(_loss_gradient(X, y, eps * e) - _loss_gradient(X, y, -eps * e)) / (2 * eps)
                        for e in np.eye(3)], axis=1)
    np.testing.assert_allclose(H, numeric, rtol=1e-6, atol=1e-9 * np.abs(H).max())


def test_stability_means_the_loss_never_rises_above_its_start_and_ends_below():
    assert IS.is_stable([0.7, 0.6, 0.5], 3)
    assert not IS.is_stable([0.7, 0.8, 0.5], 3)      # rose above the start
    assert not IS.is_stable([0.7, 0.7, 0.7], 3)      # never moved
    assert not IS.is_stable([0.7, 0.6], 3)           # stopped early


def test_learning_rates_step_by_sqrt_10_from_1e_8_to_100():
    rates = IS.LEARNING_RATES
    assert rates[0] == pytest.approx(1e-8) and rates[-1] == pytest.approx(100)
    np.testing.assert_allclose(np.diff(np.log10(rates)), 0.5)


def test_a_rate_far_above_2_over_lambda_max_on_raw_inputs_stops_early():
    X, y = IS.make_data(0)
    losses, _ = IS.train(X, y, 1e-3, 50)
    assert len(losses) < 50 and losses[-1] > losses[0]
