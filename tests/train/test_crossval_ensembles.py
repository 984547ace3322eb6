"""Cross-validation, bagging and SAMME boosting."""

import numpy as np
import pytest

from symnn.data.datasets import blobs, moons
from symnn.train.crossval import CVResult, cross_validate, standardize_in_fold
from symnn.train.ensembles import AdaBoost, Bagging, softmax
from symnn.train.models import mlp


def test_cv_result_statistics():
    r = CVResult([0.8, 0.9, 1.0], [1.0, 1.0, 1.0])
    assert r.mean == pytest.approx(0.9) and r.std == pytest.approx(np.std([0.8, 0.9, 1.0]))
    assert r.gap == pytest.approx(0.1) and "3-fold accuracy 0.900 +- 0.082" in str(r)


def test_cross_validate_scores_every_fold_on_its_held_out_part():
    X, y = blobs(n_samples=90, n_classes=3, std=0.5, seed=0)
    result = cross_validate(lambda: mlp([2, 8, 3]), X, y, k=3, seed=0, epochs=15, lr=0.05,
                            preprocess=standardize_in_fold)
    assert len(result.scores) == 3 and result.fold_sizes == [30, 30, 30]
    assert result.mean > 0.95  # well-separated blobs
    assert result.to_dict()["std"] == pytest.approx(np.std(result.scores))


def test_cross_validate_is_reproducible_with_a_seed():
    X, y = moons(n_samples=60, noise=0.2, seed=0)
    a = cross_validate(lambda: mlp([2, 4, 2]), X, y, k=2, seed=3, epochs=2)
    b = cross_validate(lambda: mlp([2, 4, 2]), X, y, k=2, seed=3, epochs=2)
    assert a.scores == b.scores


def test_softmax_rows_sum_to_one_and_survive_large_logits():
    p = softmax(np.array([[1000.0, 0.0], [1.0, 1.0]]))
    np.testing.assert_allclose(p, [[1.0, 0.0], [0.5, 0.5]])


def test_bagging_averages_member_probabilities():
    X, y = moons(n_samples=80, noise=0.2, seed=0)
    bag = Bagging(lambda: mlp([2, 8, 2]), n_estimators=3, seed=0, epochs=5, lr=0.05).fit(X, y)
    from symnn.train.loop import predict

    expected = np.mean([softmax(predict(m, X)) for m in bag.models], axis=0)
    np.testing.assert_allclose(bag.predict_scores(X), expected, rtol=1e-6)
    assert len(bag.models) == 3 and 0.5 < bag.oob_score_ <= 1.0
    assert bag.score(X, y) == pytest.approx(np.mean(expected.argmax(1) == y))


def test_adaboost_follows_samme_weights_and_votes():
    X, y = moons(n_samples=100, noise=0.3, seed=0)
    boost = AdaBoost(lambda: mlp([2, 2, 2]), n_estimators=3, seed=0, epochs=3, lr=0.05).fit(X, y)
    assert len(boost.alphas_) == len(boost.models) == len(boost.errors_) >= 1
    for a, e in zip(boost.alphas_, boost.errors_):
        assert a == pytest.approx(np.log((1 - e) / e) + np.log(2 - 1))
        assert 0 < e < 0.5
    from symnn.train.loop import predict

    votes = sum(a * np.eye(2)[predict(m, X).argmax(1)] for a, m in zip(boost.alphas_, boost.models))
    np.testing.assert_array_equal(boost.predict(X), votes.argmax(1))


def test_ensemble_arguments_checked():
    with pytest.raises(ValueError, match="n_estimators must be >= 1"):
        Bagging(lambda: mlp([2, 2]), n_estimators=0)
