"""The bias lesson's pieces: the exhaustive search over lines through the origin, and the
perceptron with and without a bias."""

import math

import numpy as np

from symnn.experiments import bias as B


def test_exhaustive_search_is_at_least_as_good_as_a_dense_sweep_of_directions():
    X, y = B.make_data(0, n=30)
    best, theta = B.best_origin_line(X, y)
    dense = B.origin_line_accuracy(X, y, np.linspace(0, 2 * math.pi, 20001))
    assert best >= dense.max()
    assert B.origin_line_accuracy(X, y, np.array([theta]))[0] == best


def test_data_straddling_the_origin_is_separated_by_a_line_through_it():
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(-2, 0.3, (20, 2)), rng.normal(2, 0.3, (20, 2))])
    y = np.repeat([0.0, 1.0], 20)
    assert B.best_origin_line(X, y)[0] == 1.0


def test_both_groups_lie_in_the_same_direction_from_the_origin():
    X, y = B.make_data(1)
    angles = np.degrees(np.arctan2(X[:, 1], X[:, 0]))
    assert np.all(X > 0)
    assert abs(np.median(angles[y == 0]) - np.median(angles[y == 1])) < 5


def test_without_a_bias_the_model_has_no_bias_parameter():
    X, y = B.make_data(2, n=20)
    model, losses = B.train_perceptron(X, y, bias=False, seed=2, steps=5)
    assert model.bias is None and [n for n, _ in model.named_parameters()] == ["weight"]
    assert len(losses) == 5
