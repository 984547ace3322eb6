"""Finite-difference checks of every Tensor op's vector-Jacobian product, in float64.

One helper (``assert_grads_match_finite_differences``) and one table: each row builds inputs
away from kinks and ties, applies the op, and the helper compares the recorded backward of
sum(op(inputs) * R), for a fixed random R, with central differences on every input element.
"""

from __future__ import annotations

from typing import Callable

import hypothesis.extra.numpy as hnp
import hypothesis.strategies as st
import numpy as np
import pytest
from hypothesis import given, settings

import symnn as sn
from symnn.tensor import conv

EPS = 1e-6
RTOL = 1e-6
ATOL = 1e-8


def assert_grads_match_finite_differences(fn: Callable[..., sn.Tensor], *arrays: np.ndarray) -> None:
    """Backward of sum(fn(*inputs) * R) must equal its central differences on every element."""
    inputs = [sn.tensor(a, requires_grad=True, dtype=np.float64) for a in arrays]
    out = fn(*inputs)
    weights = np.random.default_rng(7).standard_normal(out.shape)

    def loss(values: list[np.ndarray]) -> float:
        with sn.no_grad():
            return float(np.sum(fn(*[sn.tensor(v, dtype=np.float64) for v in values]).data * weights))

    (out * sn.tensor(weights, dtype=np.float64)).sum().backward()
    for k, arr in enumerate(arrays):
        analytic = inputs[k].grad.data
        assert analytic.shape == arr.shape
        numeric = np.zeros_like(arr, dtype=np.float64)
        for idx in np.ndindex(arr.shape):
            values = [np.array(a, dtype=np.float64) for a in arrays]
            values[k][idx] += EPS
            up = loss(values)
            values[k][idx] -= 2 * EPS
            down = loss(values)
            numeric[idx] = (up - down) / (2 * EPS)
        np.testing.assert_allclose(analytic, numeric, rtol=RTOL, atol=ATOL,
                                   err_msg=f"gradient of input {k} does not match finite differences")


def _rng() -> np.random.Generator:
    return np.random.default_rng(0)


def normal(*shape: int) -> np.ndarray:
    return _rng().standard_normal(shape)


def positive(*shape: int) -> np.ndarray:
    return _rng().uniform(0.5, 2.0, shape)


def away_from_zero(*shape: int) -> np.ndarray:
    """Values with |v| in [0.2, 2] (kinks of abs/relu/clamp at 0 are avoided)."""
    r = _rng()
    return r.uniform(0.2, 2.0, shape) * r.choice([-1.0, 1.0], shape)


def distinct(*shape: int) -> np.ndarray:
    """A permutation of well separated values (no ties for max/min)."""
    n = int(np.prod(shape))
    return (_rng().permutation(n) * 0.37 - 1.1).reshape(shape)


CASES: list[tuple[str, Callable, list[np.ndarray]]] = [
    # arithmetic with broadcasting in both directions
    ("add_broadcast", lambda a, b: a + b, [normal(3, 4), normal(4)]),
    ("add_keepdim_broadcast", lambda a, b: a + b, [normal(3, 1), normal(1, 4)]),
    ("sub", lambda a, b: a - b, [normal(2, 3), normal(2, 1)]),
    ("rsub_scalar", lambda a: 2.0 - a, [normal(3)]),
    ("mul", lambda a, b: a * b, [normal(2, 3), normal(3)]),
    ("mul_scalar", lambda a: a * 3.0, [normal(4)]),
    ("div", lambda a, b: a / b, [normal(2, 3), positive(2, 3)]),
    ("rdiv_scalar", lambda a: 1.5 / a, [positive(4)]),
    ("pow_const", lambda a: a**3, [normal(5)]),
    ("pow_square", lambda a: a**2, [normal(5)]),
    ("pow_fractional", lambda a: a**1.5, [positive(5)]),
    ("pow_tensor_exponent", lambda a, b: a**b, [positive(3), normal(3)]),
    ("rpow", lambda b: 2.0**b, [normal(3)]),
    ("neg", lambda a: -a, [normal(3)]),
    ("matmul_2d", lambda a, b: a @ b, [normal(3, 4), normal(4, 2)]),
    ("matmul_transposed_weight", lambda a, w: a @ w.T, [normal(3, 4), normal(2, 4)]),
    ("matmul_vec_mat", lambda a, b: a @ b, [normal(4), normal(4, 2)]),
    ("matmul_mat_vec", lambda a, b: a @ b, [normal(3, 4), normal(4)]),
    ("matmul_vec_vec", lambda a, b: a @ b, [normal(4), normal(4)]),
    ("matmul_batched_broadcast", lambda a, b: a @ b, [normal(2, 3, 4), normal(4, 5)]),
    # elementwise functions
    ("exp", lambda a: a.exp(), [normal(3, 2)]),
    ("log", lambda a: a.log(), [positive(3, 2)]),
    ("sqrt", lambda a: a.sqrt(), [positive(3, 2)]),
    ("abs", lambda a: a.abs(), [away_from_zero(3, 2)]),
    ("relu", lambda a: a.relu(), [away_from_zero(3, 2)]),
    ("leaky_relu", lambda a: a.leaky_relu(0.1), [away_from_zero(3, 2)]),
    ("leaky_relu_slope_above_one", lambda a: a.leaky_relu(1.5), [away_from_zero(3, 2)]),
    ("sigmoid", lambda a: a.sigmoid(), [normal(3, 2)]),
    ("tanh", lambda a: a.tanh(), [normal(3, 2)]),
    ("softplus", lambda a: a.softplus(), [normal(3, 2)]),
    ("clamp_both", lambda a: a.clamp(-0.5, 0.7), [away_from_zero(3, 4)]),
    ("clip_min_only", lambda a: a.clip(min=0.1), [away_from_zero(3, 4)]),
    ("where", lambda a, b: sn.where(a.data > 0, a, b), [away_from_zero(3, 2), normal(3, 2)]),
    # reductions
    ("sum_all", lambda a: a.sum(), [normal(3, 4)]),
    ("sum_dim", lambda a: a.sum(dim=1), [normal(3, 4)]),
    ("sum_dims_keepdim", lambda a: a.sum(dim=(0, 2), keepdim=True), [normal(2, 3, 4)]),
    ("sum_numpy_names", lambda a: a.sum(axis=0, keepdims=True), [normal(3, 4)]),
    ("mean_all", lambda a: a.mean(), [normal(3, 4)]),
    ("mean_dim", lambda a: a.mean(dim=-1, keepdim=True), [normal(3, 4)]),
    ("var_unbiased", lambda a: a.var(), [normal(3, 4)]),
    ("var_dim_biased", lambda a: a.var(dim=1, unbiased=False), [normal(3, 4)]),
    ("var_correction", lambda a: a.var(dim=0, correction=2, keepdim=True), [normal(5, 3)]),
    ("std", lambda a: a.std(dim=1), [normal(3, 4)]),
    ("max_all", lambda a: a.max(), [distinct(3, 4)]),
    ("min_all", lambda a: a.min(), [distinct(3, 4)]),
    ("max_dim", lambda a: a.max(dim=1), [distinct(3, 4)]),
    ("min_dim_keepdim", lambda a: a.min(dim=0, keepdim=True), [distinct(3, 4)]),
    # shapes and indexing
    ("reshape", lambda a: a.reshape(4, 3) * sn.tensor(np.arange(12.0).reshape(4, 3)), [normal(3, 4)]),
    ("view_minus_one", lambda a: a.view(-1), [normal(3, 4)]),
    ("flatten", lambda a: a.flatten(1), [normal(2, 3, 2)]),
    ("unsqueeze_squeeze", lambda a: a.unsqueeze(1).squeeze(), [normal(3, 4)]),
    ("transpose", lambda a: a.transpose(0, 2), [normal(2, 3, 4)]),
    ("permute", lambda a: a.permute(2, 0, 1), [normal(2, 3, 4)]),
    ("T", lambda a: a.T, [normal(3, 4)]),
    ("expand", lambda a: a.expand(3, -1, 4), [normal(2, 1)]),
    ("getitem_basic", lambda a: a[1:, None, ::2], [normal(3, 4)]),
    ("getitem_int_and_ellipsis", lambda a: a[..., 1], [normal(2, 3, 4)]),
    ("getitem_repeated_indices", lambda a: a[[0, 2, 0, 0]], [normal(3, 2)]),
    ("getitem_tensor_index", lambda a: a[sn.tensor([1, 1, 2]), sn.tensor([0, 1, 1])], [normal(3, 2)]),
    ("getitem_bool_mask", lambda a: a[a.data > 0], [away_from_zero(3, 4)]),
    ("cat", lambda a, b: sn.cat([a, b, a], dim=1), [normal(2, 3), normal(2, 1)]),
    ("stack", lambda a, b: sn.stack([a, b], dim=1), [normal(2, 3), normal(2, 3)]),
    ("pad_last_two_dims", lambda a: sn.tensor.pad(a, (1, 2, 0, 1), value=0.5), [normal(2, 3, 2)]),
    ("pad_negative_crops", lambda a: sn.tensor.pad(a, (-1, 1)), [normal(2, 4)]),
    ("clone", lambda a: a.clone() * a, [normal(3)]),
    ("reused_input", lambda a: a * a + a.exp() * a, [normal(3)]),
    # convolution and pooling
    ("conv1d_stride_pad_dilation", lambda x, w, b: conv.conv_nd(x, w, b, stride=2, padding=2, dilation=2),
     [normal(2, 3, 9), normal(4, 3, 3), normal(4)]),
    ("conv2d_groups", lambda x, w, b: conv.conv_nd(x, w, b, stride=(2, 1), padding=1, groups=2),
     [normal(2, 4, 5, 6), normal(6, 2, 3, 2), normal(6)]),
    ("conv2d_same_padding", lambda x, w: conv.conv_nd(x, w, padding="same", dilation=(1, 2)),
     [normal(1, 2, 5, 5), normal(3, 2, 2, 3)]),
    ("conv3d", lambda x, w, b: conv.conv_nd(x, w, b, stride=1, padding=(1, 0, 1)),
     [normal(1, 2, 3, 4, 3), normal(2, 2, 2, 2, 2), normal(2)]),
    ("conv2d_unbatched", lambda x, w: conv.conv_nd(x, w), [normal(2, 4, 4), normal(3, 2, 3, 3)]),
    ("max_pool1d_overlapping", lambda x: conv.max_pool_nd(x, 3, stride=1, padding=1), [distinct(2, 2, 7)]),
    ("max_pool2d_dilation_ceil", lambda x: conv.max_pool_nd(x, 2, stride=2, dilation=2, ceil_mode=True),
     [distinct(1, 2, 7, 6)]),
    ("max_pool3d", lambda x: conv.max_pool_nd(x, (2, 2, 1), stride=(1, 2, 1)), [distinct(1, 2, 3, 4, 3)]),
    ("avg_pool1d_padding", lambda x: conv.avg_pool_nd(x, 3, stride=2, padding=1), [normal(2, 2, 7)]),
    ("avg_pool2d_exclude_pad_ceil",
     lambda x: conv.avg_pool_nd(x, 3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
     [normal(1, 2, 6, 5)]),
    ("avg_pool3d", lambda x: conv.avg_pool_nd(x, 2), [normal(1, 2, 4, 4, 2)]),
]


@pytest.mark.parametrize("name, fn, arrays", CASES, ids=[c[0] for c in CASES])
def test_op_backward_matches_finite_differences(name, fn, arrays):
    assert_grads_match_finite_differences(fn, *arrays)


class Cube(sn.Function):
    @staticmethod
    def forward(ctx, x, k):
        ctx.save_for_backward(x)
        ctx.k = k
        return sn.tensor(k * x.data**3, dtype=x.dtype)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad.data * 3 * ctx.k * x.data**2, None


def test_function_backward_matches_finite_differences():
    assert_grads_match_finite_differences(lambda x: Cube.apply(x, 2.0).exp(), normal(2, 3) * 0.5)


def test_finite_difference_helper_catches_a_wrong_vjp():
    class WrongSquare(sn.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return sn.tensor(x.data**2, dtype=x.dtype)

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad.data * x.data  # should be 2x

    with pytest.raises(AssertionError, match="finite differences"):
        assert_grads_match_finite_differences(lambda x: WrongSquare.apply(x), normal(3))


@settings(max_examples=25, deadline=None)
@given(
    shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, min_side=1, max_side=3),
    op=st.sampled_from(["add", "sub", "mul", "div", "where"]),
    seed=st.integers(0, 2**16),
)
def test_broadcast_binary_gradients_match_finite_differences(shapes, op, seed):
    """Any pair of broadcastable shapes: gradients are reduced back to each input's shape."""
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(shapes.input_shapes[0])
    b = rng.uniform(0.5, 2.0, shapes.input_shapes[1])
    fns = {
        "add": lambda x, y: x + y,
        "sub": lambda x, y: x - y,
        "mul": lambda x, y: x * y,
        "div": lambda x, y: x / y,
        "where": lambda x, y: sn.where(np.broadcast_to(a > 0, shapes.result_shape), x, y),
    }
    assert_grads_match_finite_differences(fns[op], a, b)
