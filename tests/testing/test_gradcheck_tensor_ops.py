"""gradcheck raises no false alarm on the NumPy backend's own ops (and so checks them)."""

from __future__ import annotations

import numpy as np
import pytest

import symnn as sn
import symnn.nn.functional as F
from symnn.tensor.conv import avg_pool_nd, conv_nd, max_pool_nd
from symnn.testing import gradcheck

RNG = np.random.default_rng(0)


def t(*shape, positive: bool = False) -> sn.Tensor:
    a = RNG.normal(size=shape)
    return sn.tensor(np.abs(a) + 0.5 if positive else a, requires_grad=True, dtype=np.float64)


def const(values) -> sn.Tensor:
    return sn.tensor(np.asarray(values, dtype=np.float64), dtype=np.float64)


CASES = {
    "matmul-broadcast": (lambda a, b: a @ b, lambda: (t(2, 3, 4), t(4, 2))),
    "matmul-vector": (lambda a, b: a @ b, lambda: (t(3), t(3, 2))),
    "pow-number": (lambda a: a ** 3, lambda: (t(3, 2),)),
    "pow-tensor": (lambda a, b: a ** b, lambda: (t(3, positive=True), t(3))),
    "div-broadcast": (lambda a, b: a / b, lambda: (t(3, 2), t(2, positive=True))),
    "sqrt-log": (lambda a: a.sqrt() + a.log(), lambda: (t(4, positive=True),)),
    "softplus-sigmoid-tanh": (lambda a: a.softplus() * a.sigmoid() + a.tanh(), lambda: (t(4),)),
    "clamp": (lambda a: a.clamp(min=-0.5, max=0.5), lambda: (t(6),)),
    "var-std": (lambda a: a.var(dim=1) + a.std(dim=0).sum(), lambda: (t(3, 4),)),
    "max-min": (lambda a: a.max(dim=1) + a.min(dim=1), lambda: (t(3, 4),)),
    "mean": (lambda a: a.mean(dim=(0, 2)), lambda: (t(2, 3, 2),)),
    "index-arrays": (lambda a: a[[0, 2, 0], 1:], lambda: (t(3, 4),)),
    "permute-transpose": (lambda a: a.permute(2, 0, 1).transpose(0, 1), lambda: (t(2, 3, 4),)),
    "cat-stack": (lambda a, b: sn.stack([sn.cat([a, b], dim=1), sn.cat([b, a], dim=1)]),
                  lambda: (t(2, 3), t(2, 3))),
    "where": (lambda a, b: sn.where(a.data > 0, a, b), lambda: (t(3, 3), t(3, 3))),
    "pad": (lambda a: F.pad(a, (1, 2, 0, 1), value=0.5), lambda: (t(2, 3),)),
    "expand": (lambda a: a.expand(3, 4), lambda: (t(1, 4),)),
    "conv2d-groups-dilation": (
        lambda x, w, b: conv_nd(x, w, b, stride=2, padding=1, dilation=2, groups=2),
        lambda: (t(1, 4, 6, 6), t(2, 2, 3, 3), t(2))),
    "conv1d": (lambda x, w: conv_nd(x, w, padding=2), lambda: (t(2, 3, 5), t(4, 3, 2))),
    "conv3d": (lambda x, w: conv_nd(x, w, padding=1), lambda: (t(1, 2, 3, 3, 3), t(2, 2, 2, 2, 2))),
    "max-pool2d": (lambda x: max_pool_nd(x, 2, stride=1, padding=1), lambda: (t(1, 2, 4, 4),)),
    "avg-pool3d": (lambda x: avg_pool_nd(x, 2, stride=1, padding=1, count_include_pad=False),
                   lambda: (t(1, 1, 3, 3, 3),)),
    "cross-entropy-smoothing": (
        lambda x: F.cross_entropy(x, sn.tensor(np.array([1, 0, 3])), label_smoothing=0.2),
        lambda: (t(3, 4),)),
    "bce-with-logits": (
        lambda x, y=const(RNG.random((3, 4))), pw=const([1.0, 2.0, 3.0, 0.5]):
            F.binary_cross_entropy_with_logits(x, y, pos_weight=pw),
        lambda: (t(3, 4),)),
    "layer-norm": (lambda x, w, b: F.layer_norm(x, (4,), w, b), lambda: (t(3, 4), t(4), t(4))),
    "group-norm": (lambda x, w, b: F.group_norm(x, 2, w, b), lambda: (t(2, 4, 3), t(4), t(4))),
    "batch-norm-batch-stats": (lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
                               lambda: (t(5, 3), t(3), t(3))),
}


@pytest.mark.parametrize("name", list(CASES))
def test_backend_op_passes_gradcheck(name):
    fn, inputs = CASES[name]
    assert gradcheck(fn, inputs())
