"""The bias-variance lesson's pieces: the least-squares fit, and the causes-and-remedies table
of the notes in its summary."""

import numpy as np
import pytest

from symnn.experiments import bias_variance as BV


def test_fit_recovers_a_polynomial_of_its_own_degree_exactly():
    x = np.linspace(-1, 1, 12)
    y = 0.5 - x + 2 * x ** 3
    coef = BV.fit_polynomial(x, y, 3, ridge=0.0)
    grid = np.linspace(-1, 1, 7)
    np.testing.assert_allclose(BV.predict_polynomial(coef, grid), 0.5 - grid + 2 * grid ** 3,
                               atol=1e-12)


def test_fit_is_the_least_squares_line_for_degree_one():
    rng = np.random.default_rng(0)
    x, y = rng.uniform(-1, 1, 30), rng.standard_normal(30)
    slope, intercept = np.polyfit(x, y, 1)
    coef = BV.fit_polynomial(x, y, 1, ridge=0.0)
    np.testing.assert_allclose(BV.predict_polynomial(coef, x), slope * x + intercept, atol=1e-12)


def test_training_error_never_rises_with_the_degree():
    train = [v["train_mse"] for v in BV.run_seed(0, quick=True)["variants"].values()]
    assert all(b <= a * (1 + 1e-6) for a, b in zip(train, train[1:])), train


def test_bias_and_variance_are_measured_from_the_bootstrap_fits():
    n = BV.run_seed(3, quick=True, max_degree=3)
    assert n["n_bootstrap"] == 20 and n["degrees"] == [0, 1, 2, 3]
    # a constant cannot follow sin(pi x): its bias² is at least the function's variance around
    # its mean on [-1, 1], 1/2, less sampling error
    assert n["variants"]["degree 0"]["bias2"] > 0.4
    assert all(v["variance"] > 0 for v in n["variants"].values())


@pytest.mark.parametrize("phrase", ["too little data", "too large a model", "too long training",
                                    "too small a model", "too short training",
                                    "too strong a penalty"])
def test_the_summary_lists_the_notes_causes_of_under_and_overfitting(phrase):
    lines, panels = BV.summarize([BV.run_seed(0, quick=True, max_degree=2)])
    assert any(phrase in line for line in lines), phrase
    assert [p.title for p in panels] == ["error against capacity (mean over seeds)",
                                         "bias² and variance (bootstrap)"]
