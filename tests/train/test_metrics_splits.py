"""Accuracy, confusion matrix, splits, k-fold and bootstrap."""

import numpy as np
import pytest

from symnn.train.metrics import (accuracy, confusion_matrix, generalization_gap,
                                 per_class_recall, predictions)
from symnn.train.splits import bootstrap_estimate, bootstrap_indices, kfold_indices, train_val_test_split


def test_accuracy_from_logits_probabilities_and_binary_logits():
    logits = np.array([[2.0, 1.0], [0.0, 3.0], [5.0, -1.0]])
    assert accuracy(logits, np.array([0, 1, 1])) == pytest.approx(2 / 3)
    assert accuracy(np.array([[0.3], [-0.2]]), np.array([1, 0])) == 1.0
    assert accuracy(logits, np.array([[1, 0], [0, 1], [1, 0]])) == 1.0  # one-hot targets
    assert predictions(np.array([3, 1])).tolist() == [3, 1]


def test_accuracy_shape_mismatch_is_named():
    with pytest.raises(ValueError, match="3 predictions but 2 targets"):
        accuracy(np.zeros((3, 2)), np.zeros(2))


def test_confusion_matrix_rows_are_truth_columns_predictions():
    true = np.array([0, 0, 1, 2, 2, 2])
    pred = np.array([0, 1, 1, 2, 0, 2])
    C = confusion_matrix(true, pred, n_classes=3)
    assert C.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]
    np.testing.assert_allclose(per_class_recall(C), [0.5, 1.0, 2 / 3])
    assert generalization_gap(0.99, 0.9) == pytest.approx(0.09)


def test_stratified_split_keeps_class_proportions_and_partitions():
    y = np.r_[np.zeros(80, int), np.ones(20, int)]
    X = np.arange(100)[:, None]
    (Xa, ya), (Xb, yb), (Xc, yc) = train_val_test_split(X, y, val=0.2, test=0.2, seed=1)
    assert np.bincount(yb).tolist() == [16, 4] and np.bincount(yc).tolist() == [16, 4]
    assert sorted(np.r_[Xa[:, 0], Xb[:, 0], Xc[:, 0]].tolist()) == list(range(100))


def test_split_fractions_validated():
    with pytest.raises(ValueError, match="val \\+ test < 1"):
        train_val_test_split(np.zeros((4, 1)), np.zeros(4), val=0.5, test=0.5)


@pytest.mark.parametrize("stratified", [False, True])
def test_kfold_validation_folds_partition_the_samples(stratified):
    y = np.r_[np.zeros(45, int), np.ones(15, int)]
    folds = list(kfold_indices(60, k=5, y=y if stratified else None, seed=0))
    val = np.concatenate([v for _, v in folds])
    assert sorted(val.tolist()) == list(range(60))
    for tr, va in folds:
        assert len(np.intersect1d(tr, va)) == 0 and len(tr) + len(va) == 60
        if stratified:
            assert np.bincount(y[va]).tolist() == [9, 3]


def test_kfold_rejects_k_out_of_range():
    with pytest.raises(ValueError, match="k must be between 2"):
        next(kfold_indices(3, k=4))


def test_bootstrap_out_of_bag_is_about_one_over_e():
    idx, oob = bootstrap_indices(10000, rng=0)
    assert len(idx) == 10000 and np.intersect1d(idx, oob).size == 0
    assert len(oob) / 10000 == pytest.approx(np.exp(-1), abs=0.01)


def test_bootstrap_error_of_a_mean_matches_sigma_over_sqrt_n():
    x = np.random.default_rng(0).normal(size=400)
    est = bootstrap_estimate(np.mean, x, n_resamples=2000, seed=1)
    assert est.std_error == pytest.approx(x.std() / 20, rel=0.1)
    assert est.interval[0] < est.value < est.interval[1]


def test_jsonable_turns_numpy_and_non_finite_values_into_json():
    import json

    from symnn.train.history import jsonable

    data = jsonable({1: np.float32(0.5), "a": (np.int64(3), np.array([np.inf, 1.0])),
                     "b": np.bool_(True), "c": float("nan")})
    assert json.loads(json.dumps(data)) == {"1": 0.5, "a": [3, [None, 1.0]], "b": True, "c": None}
