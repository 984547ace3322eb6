"""Data checks report each problem with what to do about it."""

import numpy as np
import pytest

from symnn.data.checks import check_data
from symnn.data.datasets import digits, moons


def test_clean_balanced_data_passes():
    X, y = moons(n_samples=100)
    report = check_data(X, y)
    assert report.ok and report.class_counts == {0: 50, 1: 50}
    assert "no problems found" in str(report)


def test_missing_and_infinite_values_are_errors_naming_the_features():
    X = np.ones((10, 3)) * np.arange(10)[:, None]
    X[2, 1] = np.nan
    X[4, 2] = np.inf
    report = check_data(X)
    by_kind = {f.kind: f for f in report.findings}
    assert by_kind["missing"].severity == "error" and "features 1" in by_kind["missing"].message
    assert "features 2" in by_kind["infinite"].message and "NaN" in by_kind["infinite"].advice


def test_none_in_object_array_counts_as_missing():
    X = np.array([[1.0, None], [2.0, 3.0], [0.5, 1.0]], dtype=object)
    assert "missing" in check_data(X).kinds()


def test_constant_and_badly_scaled_features_get_advice():
    rng = np.random.default_rng(0)
    X = np.c_[rng.normal(size=50), np.full(50, 7.0), 1e4 * rng.normal(size=50)]
    report = check_data(X)
    assert report.kinds() == ["constant", "scale"]
    assert "standardize" in report.findings[1].advice.lower()


def test_large_values_without_spread_ratio_still_flagged():
    X = np.random.default_rng(0).normal(5e4, 1.0, size=(30, 2))
    assert check_data(X).kinds() == ["scale"]


def test_class_imbalance_is_reported_with_counts():
    y = np.r_[np.zeros(95, int), np.ones(5, int)]
    report = check_data(np.random.default_rng(0).normal(size=(100, 2)), y)
    (f,) = report.findings
    assert f.kind == "imbalance" and "ratio 19.0" in f.message and "stratified" in f.advice


def test_labels_that_are_not_class_indices():
    X = np.zeros((3, 1)) + np.arange(3)[:, None]
    assert check_data(X, np.array([0.5, 1.0, 0.0])).kinds() == ["labels"]
    assert check_data(X, np.array([0, 2, 2])).kinds() == ["labels"]  # class 1 absent
    assert check_data(X, np.array([0, 1])).kinds() == ["length"]


def test_regression_targets_checked_for_non_finite():
    X = np.arange(4.0)[:, None]
    assert check_data(X, np.array([1.0, np.nan, 2.0, 3.0]), task="regression").kinds() == ["target"]
    with pytest.raises(ValueError, match="task"):
        check_data(X, task="clustering")


def test_digits_report_flags_constant_border_pixels():
    report = check_data(*digits())
    assert "constant" in report.kinds()
    assert report.to_dict()["class_counts"]["0"] == 178
