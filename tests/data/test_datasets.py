"""Seeded datasets: shapes, dtypes, labels, reproducibility, and the shipped digits."""

import numpy as np
import pytest

from symnn.data import datasets as ds

CLASSIFIERS = [
    ("moons", ds.moons, 2), ("circles", ds.circles, 2), ("spirals", ds.spirals, 3),
    ("blobs", ds.blobs, 3),
]


def test_xor_is_the_four_corners_with_xor_labels():
    X, y = ds.xor()
    assert X.dtype == np.float32 and y.dtype == np.int64
    assert y.tolist() == [int(a) ^ int(b) for a, b in X]
    assert sorted(map(tuple, X.tolist())) == [(0, 0), (0, 1), (1, 0), (1, 1)]


def test_noisy_xor_labels_follow_the_nearest_corner():
    X, y = ds.xor(n_samples=200, noise=0.1, seed=3)
    corner = np.round(X).clip(0, 1).astype(int)
    assert np.mean((corner[:, 0] ^ corner[:, 1]) == y) > 0.99
    assert np.bincount(y).tolist() == [100, 100]


@pytest.mark.parametrize("name,fn,k", CLASSIFIERS)
def test_classification_sets_have_balanced_integer_labels(name, fn, k):
    X, y = fn(n_samples=90, seed=1)
    assert X.shape == (90, 2) and X.dtype == np.float32
    assert y.dtype == np.int64 and np.bincount(y).tolist() == [90 // k] * k


@pytest.mark.parametrize("name,fn,k", CLASSIFIERS)
def test_same_seed_same_data_other_seed_other_data(name, fn, k):
    a, b, c = fn(seed=5), fn(seed=5), fn(seed=6)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


def test_moons_without_noise_lie_on_their_half_circles():
    X, y = ds.moons(n_samples=100, noise=0.0)
    r0 = np.hypot(X[y == 0, 0], X[y == 0, 1])
    r1 = np.hypot(1 - X[y == 1, 0], 0.5 - X[y == 1, 1])
    np.testing.assert_allclose(r0, 1.0, atol=1e-6)
    np.testing.assert_allclose(r1, 1.0, atol=1e-6)


def test_circles_radii_are_one_and_factor():
    X, y = ds.circles(n_samples=60, noise=0.0, factor=0.3)
    r = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(r[y == 0], 1.0, atol=1e-6)
    np.testing.assert_allclose(r[y == 1], 0.3, atol=1e-6)


def test_blobs_cluster_around_given_centers():
    centers = [[0.0, 0.0], [10.0, 10.0]]
    X, y = ds.blobs(n_samples=400, centers=centers, std=0.5, seed=0)
    for k, c in enumerate(centers):
        np.testing.assert_allclose(X[y == k].mean(0), c, atol=0.1)


def test_linear_regression_recovers_its_weights_by_least_squares():
    X, y = ds.linear(n_samples=500, n_features=2, weight=[3.0, -2.0], bias=1.0, noise=0.01)
    A = np.c_[X, np.ones(len(X))]
    coef = np.linalg.lstsq(A, y[:, 0], rcond=None)[0]
    np.testing.assert_allclose(coef, [3.0, -2.0, 1.0], atol=0.01)
    assert y.shape == (500, 1) and y.dtype == np.float32


def test_polynomial_without_noise_is_the_polynomial():
    X, y = ds.polynomial(n_samples=50, coefficients=(1.0, 0.0, 2.0), noise=0.0)
    np.testing.assert_allclose(y[:, 0], 1 + 2 * X[:, 0] ** 2, rtol=1e-5)


def test_digits_shipped_data_matches_description():
    X, y = ds.digits()
    assert X.shape == (1797, 64) and X.dtype == np.float32
    assert X.min() == 0 and X.max() == 16
    assert np.bincount(y).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    img, _ = ds.digits(images=True, scale=True)
    assert img.shape == (1797, 1, 8, 8) and img.max() == 1.0
    np.testing.assert_array_equal(img.reshape(1797, 64) * 16, X)


def test_digits_match_scikit_learn_copy():
    sklearn_datasets = pytest.importorskip("sklearn.datasets", reason="scikit-learn not installed")
    ref = sklearn_datasets.load_digits()
    X, y = ds.digits()
    np.testing.assert_array_equal(X, ref.data)
    np.testing.assert_array_equal(y, ref.target)


def test_load_by_name_and_unknown_name_error():
    X, y = ds.load("moons", n_samples=10)
    assert X.shape == (10, 2)
    with pytest.raises(ValueError, match="unknown dataset 'mnist'.*moons"):
        ds.load("mnist")


@pytest.mark.parametrize("bad", [0, -3, 2.5])
def test_bad_sample_count_is_named(bad):
    with pytest.raises(ValueError, match="n_samples"):
        ds.moons(n_samples=bad)


NOISY = [("xor", "noise"), ("moons", "noise"), ("circles", "noise"), ("spirals", "noise"),
         ("linear", "noise"), ("polynomial", "noise"), ("blobs", "std")]


@pytest.mark.parametrize("name, option", NOISY, ids=[n for n, _ in NOISY])
@pytest.mark.parametrize("level", [float("nan"), float("inf"), -0.1, 1e308, "0.1"])
def test_a_noise_level_that_is_not_a_standard_deviation_is_refused_naming_it(name, option,
                                                                             level):
    with pytest.raises(ValueError, match=f"{option} must be a number from 0 to 1e\\+06"):
        getattr(ds, name)(**{option: level})


@pytest.mark.parametrize("name, option", NOISY, ids=[n for n, _ in NOISY])
def test_the_largest_noise_level_gives_finite_data_without_warnings(name, option, recwarn):
    X, y = getattr(ds, name)(**{option: ds.MAX_NOISE})
    assert np.isfinite(X).all() and np.isfinite(y).all()
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]
