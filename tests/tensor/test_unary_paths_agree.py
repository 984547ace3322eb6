"""One declaration per elementwise op, four paths: the scalar engine, float tensors, object
arrays of Scalars and object arrays of plain numbers give the same values and gradients,
special values (log 0, sqrt of a negative, overflow) included. Parametrized over UNARY, so a
new declaration is checked without a new test."""

from __future__ import annotations

import math

import numpy as np
import pytest

import symnn as sn
from symnn.scalar import OPS, Scalar
from symnn.tensor.ops import elementwise as ew
from symnn.unary import UNARY

ORDINARY = np.array([-3.1, -1.2, -0.35, 0.4, 0.9, 2.6])
POSITIVE = np.array([0.2, 0.7, 1.5, 3.0])
# values where a path could raise, overflow or lose a sign; NaN stays NaN everywhere
SPECIAL = np.array([0.0, -0.0, -1.0, -800.0, 800.0, 25.0, -25.0, math.inf, -math.inf, math.nan])
PARAMS = {"leaky_relu": (0.2,), "elu": (0.7,)}


def _points(name):
    return POSITIVE if name in ("log", "sqrt") else ORDINARY


def _tensor_call(name, t):
    """The op through the tensor method a user calls (variants through their keyword)."""
    op = UNARY[name]
    method, keywords = op.method_call()
    return getattr(t, method)(*PARAMS.get(name, ()), **keywords)


def _scalar_call(name, v):
    method, keywords = UNARY[name].method_call()
    return getattr(v, method)(*PARAMS.get(name, ()), **keywords)


def _same(a, b, rtol=1e-12, atol=1e-15):
    np.testing.assert_allclose(np.asarray(a, float), np.asarray(b, float), rtol=rtol, atol=atol,
                               equal_nan=True)


@pytest.mark.parametrize("name", sorted(UNARY))
def test_scalar_float_tensor_and_object_paths_give_the_same_values_and_gradients(name):
    xs = _points(name)
    leaves = [Scalar(float(v)) for v in xs]
    outs = [_scalar_call(name, s) for s in leaves]
    for out in outs:
        out.backward()
    t = sn.tensor(xs, requires_grad=True, dtype=np.float64)
    y = _tensor_call(name, t)
    y.sum().backward()
    obj = sn.tensor(np.array(leaves, dtype=object))
    y_obj = _tensor_call(name, obj)
    _same(y.data, [o.value for o in outs])
    _same(t.grad.data, [s.grad for s in leaves])
    _same([v.value for v in y_obj.data], y.data)
    assert all(isinstance(v, Scalar) and v.op is OPS[name] for v in y_obj.data)


@pytest.mark.parametrize("name", sorted(UNARY))
def test_special_values_agree_on_every_path_without_raising(name):
    with np.errstate(all="ignore"):
        floats = _tensor_call(name, sn.tensor(SPECIAL, dtype=np.float64)).data
        numbers = _tensor_call(name, sn.tensor(SPECIAL.astype(object))).data
        scalars = [_scalar_call(name, Scalar(float(v))).value for v in SPECIAL]
    _same(numbers.astype(float), floats)
    _same(scalars, floats)


def test_log_of_zero_is_minus_infinity_on_every_path():
    zero = np.array([0.0])
    assert ew.log(sn.tensor(zero.astype(object))).data[0] == -math.inf
    assert Scalar(0.0).log().value == -math.inf
    with np.errstate(divide="ignore"):
        assert sn.tensor(zero, dtype=np.float64).log().data[0] == -math.inf


@pytest.mark.parametrize("name", sorted(UNARY))
def test_float32_stays_float32(name):
    x = sn.tensor(_points(name), requires_grad=True)
    y = _tensor_call(name, x)
    y.sum().backward()
    assert y.dtype == np.float32 and x.grad.dtype == np.float32


def test_gelu_approximate_chooses_the_tanh_formula_and_refuses_other_words():
    x = sn.tensor([1.3], dtype=np.float64)
    k = math.sqrt(2 / math.pi)
    want = 0.5 * 1.3 * (1 + math.tanh(k * (1.3 + 0.044715 * 1.3**3)))
    assert x.gelu(approximate="tanh").item() == pytest.approx(want, rel=1e-14)
    assert Scalar(1.3).gelu(approximate="tanh").value == pytest.approx(want, rel=1e-14)
    assert x.gelu().item() == pytest.approx(0.5 * 1.3 * (1 + math.erf(1.3 / math.sqrt(2))), rel=1e-14)
    with pytest.raises(ValueError, match="approximate"):
        x.gelu(approximate="fast")
    with pytest.raises(ValueError, match="approximate"):
        Scalar(1.3).gelu(approximate="fast")


def test_gelu_without_scipy_uses_math_erf_with_the_same_values(monkeypatch):
    import sys

    x = np.linspace(-4, 4, 17)
    with_scipy = UNARY["gelu"].forward(x)
    monkeypatch.setitem(sys.modules, "scipy.special", None)
    _same(UNARY["gelu"].forward(x), with_scipy, rtol=1e-15)


@pytest.mark.parametrize("beta,threshold", [(1.0, 20.0), (2.0, 1.0), (0.5, 3.0), (1.0, 0.5)])
def test_softplus_beta_and_threshold_agree_on_float_and_object_arrays(beta, threshold):
    xs = np.array([-3.0, -0.4, 0.3, 0.9, 1.6, 7.0, 45.0])
    floats = sn.tensor(xs, dtype=np.float64).softplus(beta, threshold).data
    objects = sn.tensor(np.array([Scalar(float(v)) for v in xs], dtype=object)).softplus(beta, threshold).data
    _same([v.value for v in objects], floats)
    linear = xs * beta > threshold
    _same(floats[linear], xs[linear])
    _same(floats[~linear], np.log1p(np.exp(beta * xs[~linear])) / beta)
