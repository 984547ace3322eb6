"""The losses lesson's pieces: Huber against PyTorch, each fitted line against its exact
minimizer, and what each loss charges one residual."""

import itertools

import numpy as np
import pytest

from symnn.experiments import losses as L


def test_huber_matches_torch_huber_loss():
    torch = pytest.importorskip("torch")
    r = np.array([-3.0, -1.0, -0.4, 0.0, 0.7, 1.0, 2.5])
    expected = torch.nn.functional.huber_loss(torch.tensor(r), torch.zeros(7), reduction="none",
                                              delta=L.HUBER_DELTA).numpy()
    np.testing.assert_allclose(L.huber(r), expected, rtol=1e-15)


def test_mse_and_rmse_fits_reach_the_least_squares_line():
    x, y, _ = L.make_data(0)
    exact = np.polyfit(x, y, 1)
    for name in ("MSE", "RMSE"):
        np.testing.assert_allclose(L.fit_line(x, y, name), exact, atol=1e-3, err_msg=name)


def test_mae_fit_reaches_the_least_absolute_deviation():
    x, y, _ = L.make_data(1)
    # the best line for the absolute error passes through two of the points: try every pair
    best = min(np.abs((y[j] - y[i]) / (x[j] - x[i]) * (x - x[i]) + y[i] - y).sum()
               for i, j in itertools.combinations(range(len(x)), 2))
    w, b = L.fit_line(x, y, "MAE")
    assert np.abs(w * x + b - y).sum() == pytest.approx(best, abs=1e-3)


def test_the_pull_of_each_point_is_the_derivative_of_its_loss():
    r = np.array([-2.0, -0.5, 0.3, 4.0])
    eps = 1e-6
    for name in L.LOSSES[:1] + L.LOSSES[2:]:
        numeric = np.abs((L.pointwise(name, r + eps) - L.pointwise(name, r - eps)) / (2 * eps))
        np.testing.assert_allclose(L.pointwise_slope(name, r), numeric, rtol=1e-6, err_msg=name)


def test_the_data_has_one_outlier_10_above_the_line():
    x, y, k = L.make_data(3)
    residual = y - (L.TRUE_SLOPE * x + L.TRUE_INTERCEPT)
    assert residual[k] > 8
    assert np.abs(np.delete(residual, k)).max() < 1
