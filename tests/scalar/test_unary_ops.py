"""The scalar engine's elementwise ops come from their one declaration (symnn.unary): each
one's float derivative equals sympy.diff of its SymPy form and a central difference (check_op),
and ELU, GELU and SiLU are Scalar methods whose derivations show their local derivatives."""

from __future__ import annotations

import math

import pytest
import sympy

from symnn.scalar import OPS, Scalar
from symnn.testing import check_op
from symnn.unary import UNARY

POINTS = (-2.4, -0.7, -0.2, 0.3, 1.1, 2.8)
PARAMS = {"leaky_relu": {"slope": 0.2}, "elu": {"alpha": 0.7}}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_every_declared_op_agrees_with_sympy_diff_and_a_central_difference(name):
    points = [abs(p) for p in POINTS] if name in ("log", "sqrt") else POINTS
    check_op(name, points, params=PARAMS.get(name), atol=1e-8, rtol=1e-7)


def test_every_declared_op_is_in_the_scalar_op_table_with_its_rule():
    for name, decl in UNARY.items():
        assert OPS[name].numeric is decl.scalar and OPS[name].params == decl.params


@pytest.mark.parametrize(
    "call,value,local",
    [
        (lambda s: s.elu(), math.expm1(-0.5), math.exp(-0.5)),
        (lambda s: s.elu(alpha=0.3), 0.3 * math.expm1(-0.5), 0.3 * math.exp(-0.5)),
        (lambda s: s.silu(), -0.5 / (1 + math.exp(0.5)),
         (1 / (1 + math.exp(0.5))) * (1 - 0.5 * (1 - 1 / (1 + math.exp(0.5))))),
        (lambda s: s.gelu(), -0.25 * (1 + math.erf(-0.5 / math.sqrt(2))),
         0.5 * (1 + math.erf(-0.5 / math.sqrt(2))) - 0.5 * math.exp(-0.125) / math.sqrt(2 * math.pi)),
    ],
    ids=["elu", "elu-alpha", "silu", "gelu"],
)
def test_new_activation_methods_give_value_gradient_and_a_derivation_step(call, value, local):
    x = Scalar(-0.5, name="x")
    y = call(x)
    y.backward()
    assert y.value == pytest.approx(value, rel=1e-14)
    assert x.grad == pytest.approx(local, rel=1e-13)
    step = y.derivation(wrt="x").steps[0]
    assert step.local_value == pytest.approx(local, rel=1e-13)
    assert float(step.local.subs(sympy.Symbol("x"), -0.5).evalf()) == pytest.approx(local, rel=1e-12)


def test_elu_derivative_at_zero_is_alpha_as_in_pytorch():
    x = Scalar(0.0)
    x.elu(alpha=0.4).backward()
    assert x.grad == 0.4


def test_erf_without_scipy_takes_scalars_and_arrays(monkeypatch):
    """GELU's erf falls back to math.erf when SciPy is absent, for a NumPy scalar as well as
    an array (lambdify's numpy module passes scalars)."""
    import math
    import sys

    import numpy as np

    from symnn.unary import _erf_array

    monkeypatch.setitem(sys.modules, "scipy.special", None)  # import now raises ImportError
    assert _erf_array(np.float64(0.5)) == math.erf(0.5)
    values = np.array([-1.0, 0.0, 2.0], dtype=np.float32)
    out = _erf_array(values)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, np.array([math.erf(v) for v in values], dtype=np.float32))
