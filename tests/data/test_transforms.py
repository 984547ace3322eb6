"""Scalers fitted on training data, image augmentation, input noise and mixup."""

import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra.numpy import arrays

from symnn.data import transforms as T


@given(arrays(np.float64, (7, 3), elements=st.floats(-1e3, 1e3)),
       st.sampled_from([(0.0, 1.0), (-1.0, 1.0)]))
def test_minmax_maps_training_range_onto_feature_range(X, rng):
    out = T.MinMaxScaler(rng).fit_transform(X)
    varying = X.max(0) > X.min(0)
    np.testing.assert_allclose(out.min(0)[varying], rng[0], atol=1e-9)
    np.testing.assert_allclose(out.max(0)[varying], rng[1], atol=1e-9)
    np.testing.assert_allclose(out[:, ~varying], rng[0])


def test_minmax_with_a_subnormal_span_stays_finite():
    out = T.MinMaxScaler().fit_transform(np.array([[0.0], [2.2e-309]]))
    np.testing.assert_array_equal(out[:, 0], [0.0, 1.0])


def test_minmax_inverse_round_trips():
    X = np.random.default_rng(0).normal(size=(20, 4))
    s = T.MinMaxScaler((-1, 1)).fit(X)
    np.testing.assert_allclose(s.inverse_transform(s.transform(X)), X, atol=1e-12)


def test_standardization_uses_training_statistics_only():
    rng = np.random.default_rng(0)
    train, test = rng.normal(5, 2, size=(200, 3)), rng.normal(50, 2, size=(10, 3))
    s = T.StandardScaler().fit(train)
    np.testing.assert_allclose(s.transform(train).mean(0), 0, atol=1e-12)
    np.testing.assert_allclose(s.transform(train).std(0), 1, atol=1e-12)
    np.testing.assert_allclose(s.transform(test), (test - train.mean(0)) / train.std(0))


def test_standardization_leaves_constant_feature_centred_not_nan():
    X = np.c_[np.arange(5.0), np.full(5, 3.0)]
    out = T.StandardScaler().fit_transform(X)
    assert np.isfinite(out).all() and np.all(out[:, 1] == 0)


def test_scaler_errors_name_the_problem():
    with pytest.raises(RuntimeError, match="not fitted"):
        T.StandardScaler().transform(np.zeros((2, 2)))
    s = T.StandardScaler().fit(np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"fitted on features of shape \(2,\).*\(3, 5\)"):
        s.transform(np.zeros((3, 5)))
    with pytest.raises(ValueError, match="feature_range"):
        T.MinMaxScaler((1, 0))


def test_random_crop_shifts_content_within_padding():
    x = np.zeros((50, 1, 5, 5), np.float32)
    x[:, 0, 2, 2] = 1.0
    out = T.RandomCrop(padding=1, seed=0)(x)
    rows, cols = np.nonzero(out[:, 0].sum(0))
    assert set(rows) <= {1, 2, 3} and set(cols) <= {1, 2, 3}
    assert out.sum() == 50  # the single pixel stays inside the crop
    assert len({tuple(np.argwhere(o[0])[0]) for o in out}) > 4  # offsets vary across images


def test_zero_padding_crop_is_identity():
    x = np.random.default_rng(0).random((4, 2, 6, 6)).astype(np.float32)
    np.testing.assert_array_equal(T.RandomCrop(padding=0, seed=0)(x), x)


def test_horizontal_flip_mirrors_only_chosen_images():
    x = np.random.default_rng(1).random((100, 1, 3, 4))
    out = T.RandomHorizontalFlip(p=0.5, seed=0)(x)
    flipped = np.array([np.array_equal(o, i[..., ::-1]) for o, i in zip(out, x)])
    kept = np.array([np.array_equal(o, i) for o, i in zip(out, x)])
    assert np.all(flipped ^ kept) and 30 < flipped.sum() < 70
    np.testing.assert_array_equal(T.RandomHorizontalFlip(p=1.0)(x), x[..., ::-1])


def test_rotation_by_quarter_turn_equals_rot90_and_zero_is_identity():
    x = np.random.default_rng(2).random((3, 2, 5, 5)).astype(np.float32)
    np.testing.assert_allclose(T.rotate(x, np.full(3, np.pi / 2)), np.rot90(x, axes=(2, 3)),
                               atol=1e-5)
    np.testing.assert_allclose(T.rotate(x, np.zeros(3)), x, atol=1e-6)
    np.testing.assert_allclose(T.RandomRotation(degrees=0)(x), x, atol=1e-6)


def test_small_rotation_keeps_centre_pixel_and_single_image_shape():
    x = np.zeros((1, 7, 7), np.float32)
    x[0, 3, 3] = 1.0
    out = T.RandomRotation(degrees=15, seed=0)(x)
    assert out.shape == (1, 7, 7) and out[0, 3, 3] == pytest.approx(1.0)


def test_gaussian_noise_has_requested_std_and_keeps_input():
    x = np.zeros((200, 50), np.float32)
    out = T.GaussianNoise(std=0.3, seed=0)(x)
    assert out.std() == pytest.approx(0.3, rel=0.02) and x.sum() == 0 and out.dtype == x.dtype


def test_compose_applies_in_order():
    out = T.Compose([lambda a: a + 1, lambda a: a * 10])(np.ones(2))
    np.testing.assert_array_equal(out, [20, 20])


def test_mixup_is_a_convex_combination_of_two_samples():
    x = np.eye(4, dtype=np.float32) * 10
    y = np.array([0, 1, 2, 3])
    xm, ym = T.mixup(x, y, n_classes=4, alpha=0.4, rng=np.random.default_rng(0))
    np.testing.assert_allclose(ym.sum(1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(xm / 10, ym, atol=1e-6)  # same lambda and partner for x and y
    assert ((ym > 0).sum(1) <= 2).all()


def test_mixup_rejects_bad_alpha_and_labels():
    with pytest.raises(ValueError, match="alpha"):
        T.mixup(np.zeros((2, 1)), np.zeros(2, int), 2, alpha=0)
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 2\)"):
        T.one_hot(np.array([0, 2]), 2)


def test_images_must_be_3d_or_4d():
    with pytest.raises(ValueError, match=r"\(N, C, H, W\).*\(5, 5\)"):
        T.RandomCrop(1)(np.zeros((5, 5)))
