"""The gradient of a convolution computed as convolutions equals autograd's, for 1-D and 2-D,
paddings, strides (including a stride that leaves input columns unused), and a worked example."""

import numpy as np
import pytest

from symnn.experiments import conv_backward as CB


def test_the_worked_1d_example_by_hand():
    x = np.array([[[-3.0, 0, -1, -3, 2, -2]]])
    w = np.array([[[2.0, 1, 1]]])
    g = np.array([[[-2.0, -2, 2, 0]]])
    got = CB.explicit_gradients(x, w, g)
    # dL/dx[j] = sum_i g[i] w[j - i]: the full convolution of g with w
    np.testing.assert_array_equal(got["x"].ravel(), [-4, -6, 0, 0, 2, 0])
    # dL/dw[u] = sum_i x[i + u] g[i]
    np.testing.assert_array_equal(got["w"].ravel(), [4, -4, 12])
    np.testing.assert_array_equal(got["b"], [-2])


@pytest.mark.parametrize("shape,kernel,padding,stride", [
    ((2, 3, 9), 3, 0, 1),
    ((2, 3, 9), 4, 2, 1),
    ((1, 2, 10), 3, 1, 3),
    ((2, 3, 7, 7), 3, 0, 1),
    ((2, 3, 7, 6), 3, 1, 1),
    ((2, 2, 8, 8), 3, 0, 2),   # (8 - 3) % 2 = 1: the last row and column are never used
    ((1, 2, 9, 9), 2, 1, 2),
])
def test_explicit_gradients_equal_autograd(shape, kernel, padding, stride):
    rng = np.random.default_rng(sum(shape) + kernel)
    ndim = len(shape) - 2
    x = rng.standard_normal(shape)
    w = rng.standard_normal((4, shape[1]) + (kernel,) * ndim)
    b = rng.standard_normal(4)
    out = tuple((n + 2 * padding - kernel) // stride + 1 for n in shape[2:])
    g = rng.standard_normal((shape[0], 4) + out)
    auto = CB.autograd_gradients(x, w, b, g, padding, stride)
    mine = CB.explicit_gradients(x, w, g, padding, stride)
    for key in ("x", "w", "b"):
        assert mine[key].shape == auto[key].shape, key
        np.testing.assert_allclose(mine[key], auto[key], rtol=0, atol=1e-12, err_msg=key)


def test_a_wrongly_shaped_upstream_gradient_is_refused():
    x, w = np.zeros((1, 1, 5)), np.zeros((1, 1, 3))
    with pytest.raises(ValueError, match=r"output's shape \(1, 1, 3\), got \(1, 1, 4\)"):
        CB.autograd_gradients(x, w, np.zeros(1), np.zeros((1, 1, 4)))


def test_lesson_reports_each_configuration_and_the_example():
    n = CB.run_seed(0)
    assert list(n["variants"]) == ["padding 0, stride 1", "padding 1, stride 1",
                                   "padding 0, stride 2"]
    ex = n["example_1d"]
    assert ex["dL/dx full convolution"] == ex["dL/dx autograd"]
    assert ex["dL/dw correlation"] == ex["dL/dw autograd"]
