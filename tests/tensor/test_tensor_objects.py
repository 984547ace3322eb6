"""Object arrays of ``symnn.Scalar``: every Tensor op's forward equals its float forward.

This is how ``sn.explain`` runs an ordinary model on the scalar engine, so the object path of
each op (elementwise methods, object matmul, pairwise max) is checked against float64.
"""

from __future__ import annotations

import numpy as np
import pytest

import symnn as sn
from symnn.tensor import conv

to_scalars = np.vectorize(lambda v: sn.Scalar(float(v)), otypes=[object])
values_of = np.vectorize(lambda s: s.value if isinstance(s, sn.Scalar) else float(s), otypes=[np.float64])


def _rng():
    return np.random.default_rng(1)


def normal(*shape):
    return _rng().standard_normal(shape)


def positive(*shape):
    return _rng().uniform(0.5, 2.0, shape)


OPS = [
    ("add_broadcast", lambda a, b: a + b, [normal(2, 3), normal(3)]),
    ("sub_scalar", lambda a: 1.5 - a, [normal(4)]),
    ("mul_div", lambda a, b: a * b / (b * b + 1.0), [normal(2, 3), normal(2, 3)]),
    ("pow", lambda a: a**3, [normal(4)]),
    ("neg", lambda a: -a, [normal(3)]),
    ("matmul", lambda a, b: a @ b, [normal(3, 4), normal(4, 2)]),
    ("matmul_transposed", lambda a, w: a @ w.T, [normal(3, 4), normal(2, 4)]),
    ("exp", lambda a: a.exp(), [normal(3)]),
    ("log", lambda a: a.log(), [positive(3)]),
    ("sqrt", lambda a: a.sqrt(), [positive(3)]),
    ("abs", lambda a: a.abs(), [normal(5)]),
    ("relu", lambda a: a.relu(), [normal(6)]),
    ("leaky_relu", lambda a: a.leaky_relu(0.2), [normal(6)]),
    ("sigmoid", lambda a: a.sigmoid(), [normal(4)]),
    ("tanh", lambda a: a.tanh(), [normal(4)]),
    ("softplus", lambda a: a.softplus(), [normal(4)]),
    ("clamp", lambda a: a.clamp(-0.3, 0.4), [normal(6)]),
    ("sum_dim", lambda a: a.sum(dim=1, keepdim=True), [normal(3, 4)]),
    ("mean", lambda a: a.mean(), [normal(3, 4)]),
    ("var", lambda a: a.var(dim=0), [normal(3, 4)]),
    ("max_all", lambda a: a.max(), [normal(3, 4)]),
    ("max_dim", lambda a: a.max(dim=1), [normal(3, 4)]),
    ("min_dim", lambda a: a.min(dim=0, keepdim=True), [normal(3, 4)]),
    ("reshape_transpose", lambda a: a.reshape(2, 6).T.permute(1, 0).flatten(), [normal(3, 4)]),
    ("getitem", lambda a: a[[0, 2, 2], 1:], [normal(3, 4)]),
    ("cat_stack", lambda a, b: sn.stack([sn.cat([a, b]), sn.cat([b, a])]), [normal(2), normal(2)]),
    ("where", lambda a, b: sn.where(np.array([True, False, True]), a, b), [normal(3), normal(3)]),
    ("pad", lambda a: sn.tensor.pad(a, (1, 1)), [normal(2, 2)]),
    ("conv1d", lambda x, w, b: conv.conv_nd(x, w, b, stride=2, padding=1, dilation=2),
     [normal(2, 2, 7), normal(3, 2, 2), normal(3)]),
    ("conv2d_groups", lambda x, w: conv.conv_nd(x, w, padding=1, groups=2), [normal(1, 4, 4, 4), normal(2, 2, 3, 3)]),
    ("conv3d", lambda x, w: conv.conv_nd(x, w), [normal(1, 1, 3, 3, 3), normal(2, 1, 2, 2, 2)]),
    ("max_pool2d_padding", lambda x: conv.max_pool_nd(x, 3, stride=2, padding=1), [normal(1, 2, 5, 5)]),
    ("max_pool1d_ceil", lambda x: conv.max_pool_nd(x, 2, ceil_mode=True), [normal(1, 2, 5)]),
    ("avg_pool2d", lambda x: conv.avg_pool_nd(x, 2, padding=1, count_include_pad=False), [normal(1, 2, 4, 4)]),
]


@pytest.mark.parametrize("name, fn, arrays", OPS, ids=[c[0] for c in OPS])
def test_object_forward_equals_float_forward(name, fn, arrays):
    expected = fn(*[sn.tensor(a, dtype=np.float64) for a in arrays]).data
    with sn.no_grad():
        got = fn(*[sn.Tensor(to_scalars(a)) for a in arrays])
    assert got.dtype == object
    assert got.shape == expected.shape
    np.testing.assert_allclose(values_of(got.data), expected, rtol=1e-12, atol=1e-12)


def test_object_forward_works_with_requires_grad_parameters_and_float_inputs():
    """As sn.explain does: float data, weights swapped for Scalars on a parameter tensor."""
    x, w, b = normal(2, 3, 6), normal(4, 3, 3), normal(4)
    expected = conv.conv_nd(sn.tensor(x, dtype=np.float64), sn.tensor(w, dtype=np.float64),
                            sn.tensor(b, dtype=np.float64)).relu().sum()
    weight = sn.tensor(w, requires_grad=True, dtype=np.float64)
    weight.data = to_scalars(w)
    bias = sn.tensor(b, requires_grad=True, dtype=np.float64)
    bias.data = to_scalars(b)
    out = conv.conv_nd(sn.tensor(x, dtype=np.float64), weight, bias).relu().sum()
    assert isinstance(out.item(), sn.Scalar)
    assert out.item().value == pytest.approx(expected.item(), rel=1e-12)


def test_object_matmul_adds_no_spurious_zero_term():
    a = sn.Scalar(2.0, name="a")
    b = sn.Scalar(3.0, name="b")
    out = (sn.Tensor(np.array([[a, b]], dtype=object)) @ sn.tensor([[1.0], [1.0]], dtype=np.float64)).item()
    assert out.op.name == "add"
    assert [p.op.name for p in out.parents] == ["mul", "mul"]


def test_object_max_pool_keeps_the_first_of_tied_scalars():
    first, second = sn.Scalar(1.0, name="first"), sn.Scalar(1.0, name="second")
    x = sn.Tensor(np.array([[[first, second]]], dtype=object))
    assert conv.max_pool_nd(x, 2).data[0, 0, 0] is first


def test_scalar_gradients_through_object_tensor_ops_match_tape_gradients():
    x, w = normal(3, 4), normal(2, 4)
    wt = sn.tensor(w, requires_grad=True, dtype=np.float64)
    (sn.tensor(x, dtype=np.float64) @ wt.T).tanh().sum().backward()
    leaves = to_scalars(w)
    out = (sn.tensor(x, dtype=np.float64) @ sn.Tensor(leaves).T).tanh().sum().item()
    out.backward()
    np.testing.assert_allclose(np.vectorize(lambda s: s.grad, otypes=[float])(leaves), wt.grad.data, rtol=1e-12)
