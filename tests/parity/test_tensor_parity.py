"""Tensor ops, convolution and pooling against PyTorch in float64: forward values and gradients.

Pooling is checked on ReLU outputs, where windows full of tied zeros are common: PyTorch sends
the gradient to the first maximum of each window (and accumulates where windows overlap).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import symnn as sn
from symnn.tensor import conv

torch = pytest.importorskip("torch", reason="PyTorch not installed")
TF = torch.nn.functional


def _rng():
    return np.random.default_rng(5)


def normal(*shape):
    return _rng().standard_normal(shape)


def positive(*shape):
    return _rng().uniform(0.5, 2.0, shape)


def relu_ties(*shape):
    """ReLU of normals rounded to one decimal: many zeros and many equal values."""
    return np.maximum(np.round(_rng().standard_normal(shape), 1), 0.0)


def softplus(a):
    return a.softplus() if isinstance(a, sn.Tensor) else TF.softplus(a)


CASES = [
    # name, symnn fn, torch fn, inputs
    ("broadcast_arith", lambda a, b: (a * b - a / (b * b + 1)) ** 2, None, [normal(3, 1, 4), normal(2, 4)]),
    ("matmul_linear", lambda x, w, b: x @ w.T + b, None, [normal(5, 4), normal(3, 4), normal(3)]),
    ("matmul_batched", lambda a, b: a @ b, None, [normal(2, 3, 4), normal(4, 2)]),
    ("matmul_vector", lambda a, b: a @ b, None, [normal(4), normal(2, 4, 3)]),
    ("exp_log_sqrt", lambda a: (a.exp() + a.log() * a.sqrt()), None, [positive(3, 4)]),
    ("activations", lambda a: a.sigmoid() + a.tanh() + a.relu() + a.abs() + softplus(a), None, [normal(3, 4)]),
    ("leaky_relu", lambda a: a.leaky_relu(0.2) if isinstance(a, sn.Tensor) else TF.leaky_relu(a, 0.2), "same",
     [normal(3, 4)]),
    ("softplus_large", softplus, None, [normal(6) * 30]),
    ("clamp_grad_at_boundary", lambda a: a.clamp(-0.5, 0.5), None, [np.array([-1.0, -0.5, 0.0, 0.5, 2.0])]),
    ("reductions", lambda a: a.sum(dim=0) + a.mean(dim=0) + a.var(dim=0) + a.var(dim=0, unbiased=False), None,
     [normal(4, 3)]),
    ("var_correction", lambda a: a.var(dim=1, correction=0, keepdim=True), None, [normal(4, 3)]),
    ("max_all_ties", lambda a: a.max(), None, [np.array([[1.0, 3.0], [3.0, 2.0]])]),
    ("min_all_ties", lambda a: a.min(), None, [np.array([[1.0, 3.0], [1.0, 2.0]])]),
    ("max_dim_ties", lambda a: a.max(dim=1) if isinstance(a, sn.Tensor) else a.max(dim=1)[0], "same",
     [np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]])]),
    ("min_dim_ties", lambda a: a.min(dim=0) if isinstance(a, sn.Tensor) else a.min(dim=0)[0], "same",
     [np.array([[1.0, 3.0, 3.0], [1.0, 2.0, 0.0]])]),
    ("indexing", lambda a: a[[0, 2, 0], 1:] * 2 + a[a > 0].sum(), None, [normal(3, 4)]),
    ("shapes", lambda a: a.reshape(2, 6).T.unsqueeze(0).permute(2, 0, 1).flatten(1) * 3, None, [normal(3, 4)]),
    ("transpose_expand", lambda a: a.transpose(0, 1).expand(2, 4, 3), None, [normal(3, 4)]),
    ("where", lambda a, b: sn.where(a > 0, a, b) if isinstance(a, sn.Tensor) else torch.where(a > 0, a, b), "same",
     [normal(3, 4), normal(4)]),
    ("cat_stack", lambda a, b: (sn if isinstance(a, sn.Tensor) else torch).stack(
        [(sn if isinstance(a, sn.Tensor) else torch).cat([a, b], dim=1), (sn if isinstance(a, sn.Tensor) else torch).cat([b, a], dim=1)]),
     "same", [normal(2, 3), normal(2, 3)]),
    ("pad", lambda a: sn.tensor.pad(a, (1, 2, 2, 0), value=-1.0) if isinstance(a, sn.Tensor)
     else TF.pad(a, (1, 2, 2, 0), value=-1.0), "same", [normal(2, 3, 3)]),
]


def _run(fn, tfn, arrays):
    xs = [sn.tensor(a, requires_grad=True, dtype=np.float64) for a in arrays]
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    y = fn(*xs)
    ty = (fn if tfn in (None, "same") else tfn)(*ts)
    g = _rng().standard_normal(tuple(ty.shape))
    y.backward(sn.tensor(g, dtype=np.float64))
    ty.backward(torch.tensor(g))
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-10, atol=1e-12, err_msg="forward")
    for k, (x, t) in enumerate(zip(xs, ts)):
        np.testing.assert_allclose(x.grad.data, t.grad.numpy(), rtol=1e-10, atol=1e-12, err_msg=f"grad {k}")


@pytest.mark.parametrize("name, fn, tfn, arrays", CASES, ids=[c[0] for c in CASES])
def test_op_matches_torch(name, fn, tfn, arrays):
    _run(fn, tfn, arrays)


CONV_CASES = [
    # n, x shape, weight shape, kwargs
    (1, (2, 3, 11), (4, 3, 3), dict(stride=2, padding=1, dilation=2)),
    (1, (2, 4, 9), (6, 2, 4), dict(stride=1, padding=0, dilation=1, groups=2)),
    (2, (2, 3, 9, 8), (5, 3, 3, 3), dict(stride=1, padding=1)),
    (2, (2, 1, 8, 7), (6, 1, 3, 3), dict(stride=1, padding=1, dilation=(2, 1))),
    (2, (2, 4, 9, 8), (4, 1, 3, 2), dict(stride=(2, 1), padding=(1, 0), dilation=(1, 2), groups=4)),
    (3, (1, 2, 5, 6, 5), (3, 2, 3, 2, 3), dict(stride=(1, 2, 1), padding=1, dilation=(2, 1, 1))),
    (3, (2, 4, 4, 4, 4), (4, 2, 2, 2, 2), dict(stride=2, groups=2)),
]


@pytest.mark.parametrize("n, xs, ws, kw", CONV_CASES, ids=[f"conv{c[0]}d-{i}" for i, c in enumerate(CONV_CASES)])
def test_conv_nd_matches_torch(n, xs, ws, kw):
    tconv = getattr(TF, f"conv{n}d")
    _run(lambda x, w, b: conv.conv_nd(x, w, b, **kw) if isinstance(x, sn.Tensor) else tconv(x, w, b, **kw),
         "same", [normal(*xs), normal(*ws), normal(ws[0])])


@pytest.mark.filterwarnings("ignore:Using padding='same'")
def test_conv_same_padding_matches_torch():
    _run(lambda x, w: conv.conv_nd(x, w, padding="same") if isinstance(x, sn.Tensor) else TF.conv2d(x, w, padding="same"),
         "same", [normal(1, 2, 6, 5), normal(3, 2, 4, 3)])


POOL_CASES = [
    # n, shape, kwargs (kernel_size, stride, padding, dilation, ceil_mode)
    (1, (2, 3, 12), dict(kernel_size=2)),
    (1, (2, 3, 11), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    (2, (2, 3, 8, 8), dict(kernel_size=2)),
    (2, (2, 3, 9, 7), dict(kernel_size=3, stride=1, padding=1)),
    (2, (2, 2, 9, 9), dict(kernel_size=(2, 3), stride=(2, 1), dilation=(2, 1), ceil_mode=True)),
    (3, (1, 2, 6, 5, 6), dict(kernel_size=2, stride=1)),
    (3, (1, 2, 7, 6, 5), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
]


@pytest.mark.parametrize("n, shape, kw", POOL_CASES, ids=[f"maxpool{c[0]}d-{i}" for i, c in enumerate(POOL_CASES)])
def test_max_pool_nd_matches_torch_with_relu_ties(n, shape, kw):
    tpool = getattr(TF, f"max_pool{n}d")
    _run(lambda x: conv.max_pool_nd(x, ndim=n, **kw) if isinstance(x, sn.Tensor) else tpool(x, **kw),
         "same", [relu_ties(*shape)])


def test_max_pool_all_equal_window_sends_gradient_to_the_first_element():
    x = sn.tensor(np.zeros((1, 1, 2, 2)), requires_grad=True, dtype=np.float64)
    conv.max_pool_nd(x, 2).sum().backward()
    np.testing.assert_array_equal(x.grad.data.ravel(), [1.0, 0.0, 0.0, 0.0])


@pytest.mark.parametrize("kernel, stride", [(3, 1), (2, 2)], ids=["overlapping", "tiled"])
def test_max_pool_with_nan_matches_torch(kernel, stride):
    a = relu_ties(1, 1, 6, 6)
    a[0, 0, 0, 1] = np.nan
    a[0, 0, 1, 0] = np.nan
    a[0, 0, 4, 4] = np.nan
    x = sn.tensor(a, requires_grad=True, dtype=np.float64)
    t = torch.tensor(a, requires_grad=True)
    y, ty = conv.max_pool_nd(x, kernel, stride=stride), TF.max_pool2d(t, kernel, stride=stride)
    np.testing.assert_array_equal(y.data, ty.detach().numpy())
    y.sum().backward()
    ty.sum().backward()
    np.testing.assert_array_equal(x.grad.data, t.grad.numpy())


AVG_CASES = [
    (1, (2, 3, 11), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    (2, (2, 3, 8, 7), dict(kernel_size=2)),
    (2, (2, 3, 7, 7), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)),
    (2, (1, 2, 6, 7), dict(kernel_size=(3, 2), stride=(2, 3), padding=(1, 1), ceil_mode=True)),
    (3, (1, 2, 5, 6, 5), dict(kernel_size=2, stride=1, padding=1, count_include_pad=False)),
]


@pytest.mark.parametrize("n, shape, kw", AVG_CASES, ids=[f"avgpool{c[0]}d-{i}" for i, c in enumerate(AVG_CASES)])
def test_avg_pool_nd_matches_torch(n, shape, kw):
    tpool = getattr(TF, f"avg_pool{n}d")
    _run(lambda x: conv.avg_pool_nd(x, ndim=n, **kw) if isinstance(x, sn.Tensor) else tpool(x, **kw),
         "same", [normal(*shape)])


def test_float32_conv_and_pool_stay_float32_and_match_torch():
    x, w, b = normal(4, 3, 10, 10).astype(np.float32), normal(5, 3, 3, 3).astype(np.float32), normal(5).astype(np.float32)
    X, W, B = (sn.tensor(a, requires_grad=True) for a in (x, w, b))
    tX, tW, tB = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    y = conv.max_pool_nd(conv.conv_nd(X, W, B, padding=1).relu(), 2)
    ty = TF.max_pool2d(TF.conv2d(tX, tW, tB, padding=1).relu(), 2)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-5, atol=1e-5)
    y.sum().backward()
    ty.sum().backward()
    for a, t in ((X, tX), (W, tW), (B, tB)):
        assert a.grad.dtype == np.float32
        np.testing.assert_allclose(a.grad.data, t.grad.numpy(), rtol=1e-4, atol=1e-4)


# ---------------------------------------------------------------- empty tensors
EMPTY_REDUCTIONS = [
    ("max", (0, 3), {"dim": 0}), ("max", (0, 3), {}), ("min", (0, 3), {"dim": 0}),
    ("argmax", (0, 3), {"dim": 0}), ("argmax", (0,), {}), ("argmin", (2, 0), {"dim": 1}),
]


@pytest.mark.parametrize("name, shape, kwargs", EMPTY_REDUCTIONS,
                         ids=[f"{n}{s}{k}" for n, s, k in EMPTY_REDUCTIONS])
def test_a_reduction_with_nothing_to_choose_raises_torchs_exception_type_with_a_message(
        name, shape, kwargs):
    with pytest.raises(Exception) as expected:
        getattr(torch.zeros(shape), name)(**kwargs)
    with pytest.raises(expected.type, match="no element to return"):
        getattr(sn.tensor(np.zeros(shape)), name)(**kwargs)


@pytest.mark.parametrize("name", ["max", "min", "argmax", "argmin"])
def test_reducing_the_nonempty_dim_of_an_empty_tensor_gives_an_empty_result_as_in_torch(name):
    ours = getattr(sn.tensor(np.zeros((0, 3))), name)(dim=1)
    theirs = getattr(torch.zeros((0, 3)), name)(dim=1)
    theirs = theirs[0] if isinstance(theirs, tuple) else theirs  # (values, indices)
    assert ours.shape == tuple(theirs.shape) == (0,)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@pytest.mark.parametrize("shape, dim", [((0, 3), 0), ((2, 0), 1), ((2, 0), -1), ((), 0), ((), -1)])
def test_softmax_over_an_empty_dim_or_a_0d_tensor_matches_torch(name, shape, dim):
    import symnn.nn.functional as F

    x = sn.tensor(np.full(shape, 0.5), requires_grad=True, dtype=np.float64)
    tx = torch.full(shape, 0.5, dtype=torch.float64, requires_grad=True)
    y, ty = getattr(F, name)(x, dim=dim), getattr(torch.nn.functional, name)(tx, dim=dim)
    assert y.shape == tuple(ty.shape)
    np.testing.assert_allclose(y.data, ty.detach().numpy())
    y.sum().backward()
    ty.sum().backward()
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), atol=1e-12)


@pytest.mark.parametrize("shape, dim", [((), 1), ((2, 3), 2), ((2, 3), -3)])
def test_softmax_over_a_dim_the_tensor_lacks_raises_index_error_as_in_torch(shape, dim):
    import symnn.nn.functional as F

    with pytest.raises(IndexError):
        torch.softmax(torch.zeros(shape), dim=dim)
    with pytest.raises(IndexError, match=f"dimension {dim} out of range"):
        F.softmax(sn.tensor(np.zeros(shape)), dim=dim)


@pytest.mark.filterwarnings(r"ignore:var\(\)\W+degrees of freedom")  # torch's own note on n = 0
@pytest.mark.parametrize("shape, dim", [((0,), None), ((3, 0), 1), ((0, 3), 0), ((0, 3), 1),
                                        ((2, 0, 3), (1, 2))])
def test_the_mean_of_nothing_is_nan_without_a_warning_and_its_gradient_is_empty_as_in_torch(
        shape, dim):
    args = () if dim is None else (dim,)
    x = sn.zeros(*shape, requires_grad=True)
    tx = torch.zeros(*shape, dtype=torch.float64, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # NumPy's "invalid value" RuntimeWarning fails the test
        y = x.mean(*args)
        y.sum().backward()
        spread = x.detach().var(*args, unbiased=False)
    ty = tx.mean(*args)
    ty.sum().backward()
    np.testing.assert_array_equal(y.data, ty.detach().numpy())  # nan where torch has nan
    np.testing.assert_array_equal(spread.data, tx.detach().var(*args, unbiased=False).numpy())
    assert x.grad.shape == tuple(tx.grad.shape)
