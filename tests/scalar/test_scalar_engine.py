"""The numeric side of the Scalar engine: forward values, local derivatives, backward."""

import gc
import math
import subprocess
import sys

import pytest

from symnn.scalar import OPS, Scalar, apply


def test_micrograd_sanity_check_values_and_gradient_derived_by_hand():
    # micrograd's test_sanity_check. By hand, at x = -4: z = 3x + 2 = -10 < 0, so
    # q = relu(z) + z x = 3x^2 + 2x = 40 and h = relu(z^2) = z^2 = 100;
    # y = h + q + q x = -20 and dy/dx = 6z + (6x + 2)(1 + x) + q = -60 + 66 + 40 = 46.
    x = Scalar(-4.0)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    assert y.value == -20.0
    assert x.grad == 46.0


def test_micrograd_more_ops_values_and_gradients_derived_by_hand():
    # micrograd's test_more_ops. By hand: c = 3a + 4b + 3, and because a + b < 0 < b - a,
    # d = 12ab + 12b^3 + b - a; e = c - d, g = e^2/2 + 10/e^2, dg/de = e - 20/e^3,
    # de/da = 4 - 12b, de/db = 3 - 12a - 36b^2.
    a = Scalar(-4.0)
    b = Scalar(2.0)
    c = a + b
    d = a * b + b**3
    c = c + c + 1
    c = c + 1 + c + (-a)
    d = d + d * 2 + (b + a).relu()
    d = d + 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g = g + 10.0 / f
    g.backward()

    av, bv = -4.0, 2.0
    ev = (3 * av + 4 * bv + 3) - (12 * av * bv + 12 * bv**3 + bv - av)
    dg_de = ev - 20 / ev**3
    assert g.value == pytest.approx(ev**2 / 2 + 10 / ev**2, rel=1e-15)
    assert a.grad == pytest.approx(dg_de * (4 - 12 * bv), rel=1e-13)
    assert b.grad == pytest.approx(dg_de * (3 - 12 * av - 36 * bv**2), rel=1e-13)


# op, input values, expected value, expected local derivatives (by hand)
OP_TABLE = [
    ("add", (2.0, 3.0), 5.0, (1.0, 1.0)),
    ("sub", (2.0, 3.0), -1.0, (1.0, -1.0)),
    ("mul", (2.0, 3.0), 6.0, (3.0, 2.0)),
    ("div", (3.0, 2.0), 1.5, (0.5, -0.75)),
    ("neg", (2.0,), -2.0, (-1.0,)),
    ("exp", (0.0,), 1.0, (1.0,)),
    ("log", (2.0,), math.log(2.0), (0.5,)),
    ("sqrt", (4.0,), 2.0, (0.25,)),
    ("abs", (-3.0,), 3.0, (-1.0,)),
    ("abs", (0.0,), 0.0, (0.0,)),
    ("sigmoid", (0.0,), 0.5, (0.25,)),
    ("tanh", (0.0,), 0.0, (1.0,)),
    ("relu", (2.0,), 2.0, (1.0,)),
    ("relu", (0.0,), 0.0, (0.0,)),
    ("relu", (-1.0,), 0.0, (0.0,)),
    ("softplus", (0.0,), math.log(2.0), (0.5,)),
    ("softplus", (30.0,), 30.0, (1.0,)),
    ("sin", (0.0,), 0.0, (1.0,)),
    ("cos", (0.0,), 1.0, (0.0,)),
    ("max", (1.0, 2.0), 2.0, (0.0, 1.0)),
    ("max", (2.0, 2.0), 2.0, (0.5, 0.5)),
    ("min", (1.0, 2.0), 1.0, (1.0, 0.0)),
    ("pow", (2.0, 3.0), 8.0, (12.0, 8.0 * math.log(2.0))),
]


@pytest.mark.parametrize("name,inputs,value,local", OP_TABLE, ids=lambda v: str(v))
def test_op_table_value_and_local_derivatives(name, inputs, value, local):
    out, derivs = OPS[name].numeric(*inputs)
    assert out == pytest.approx(value, rel=1e-15)
    assert derivs == pytest.approx(local, rel=1e-15)


def test_leaky_relu_uses_slope_at_and_below_zero_like_pytorch():
    x = Scalar(0.0)
    y = x.leaky_relu(slope=0.2)
    y.backward()
    assert (y.value, x.grad) == (0.0, 0.2)
    z = Scalar(-2.0)
    w = z.leaky_relu()
    w.backward()
    assert w.value == pytest.approx(-0.02)
    assert z.grad == 0.01


def test_power_with_number_exponent_and_reflected_power():
    x = Scalar(3.0)
    y = x**2 + 2**x
    y.backward()
    assert y.value == 9.0 + 8.0
    assert x.grad == pytest.approx(6.0 + 8.0 * math.log(2.0), rel=1e-15)


def test_out_of_domain_inputs_give_ieee_values_instead_of_exceptions():
    assert Scalar(0.0).log().value == -math.inf
    assert math.isnan(Scalar(-1.0).log().value)
    assert math.isnan(Scalar(-1.0).sqrt().value)
    assert (Scalar(1.0) / 0.0).value == math.inf
    assert Scalar(1000.0).exp().value == math.inf
    assert math.isnan((Scalar(-8.0) ** 0.5).value)
    assert (Scalar(0.0) ** -1).value == math.inf


def test_relu_and_abs_of_nan_stay_nan_as_in_the_numpy_backend():
    assert math.isnan(Scalar(math.nan).relu().value)
    assert math.isnan(Scalar(math.nan).abs().value)
    assert Scalar(-0.0).relu().value == 0.0 and Scalar(-1.0).relu().value == 0.0


@pytest.mark.parametrize("name", ["max", "min"])
def test_max_and_min_with_a_nan_on_either_side_are_nan_as_np_maximum(name):
    for a, b in ((math.nan, 1.0), (1.0, math.nan)):
        assert math.isnan(apply(name, Scalar(a), Scalar(b)).value), (a, b)


@pytest.mark.parametrize("power", [lambda x: x**0, lambda x: x ** Scalar(0.0)], ids=["number", "scalar"])
def test_the_zeroth_power_has_derivative_zero_also_at_zero(power):
    x = Scalar(0.0)
    y = power(x)
    y.backward()
    assert (y.value, x.grad) == (1.0, 0.0)  # d/dx 1 = 0, not 0 * 0**-1 = nan


def test_sigmoid_is_stable_for_large_negative_inputs():
    assert Scalar(-1000.0).sigmoid().value == 0.0
    assert Scalar(1000.0).sigmoid().value == 1.0


def test_numbers_on_either_side_become_constants():
    x = Scalar(2.0, name="x")
    for y, expected in [(1 + x, 3.0), (x + 1, 3.0), (3 - x, 1.0), (x - 3, -1.0),
                        (3 * x, 6.0), (x / 4, 0.5), (4 / x, 2.0), (-x, -2.0)]:
        assert y.value == expected
        assert any(p.is_constant for p in y.parents) or y.op.name == "neg"


def test_unsupported_operand_type_raises_type_error():
    with pytest.raises(TypeError):
        Scalar(1.0) + "2"
    with pytest.raises(TypeError):
        Scalar(1.0) ** Scalar  # neither a number nor a Scalar


def test_reused_node_accumulates_gradient_from_every_use():
    x = Scalar(3.0)
    y = x * x + x  # dy/dx = 2x + 1
    y.backward()
    assert x.grad == 7.0


def test_second_backward_accumulates_into_leaves_and_overwrites_intermediates():
    x = Scalar(3.0)
    h = x * x
    y = h * 2.0
    y.backward()
    assert (x.grad, h.grad) == (12.0, 2.0)
    y.backward()
    assert x.grad == 24.0  # leaves accumulate, like PyTorch's .grad
    assert h.grad == 2.0  # intermediate nodes hold this pass's dL/dnode


def test_zero_grad_on_output_zeroes_every_node_of_the_graph():
    x = Scalar(3.0)
    w = Scalar(-1.0)
    y = (x * w).tanh()
    y.backward()
    assert x.grad != 0.0 and w.grad != 0.0
    y.zero_grad()
    assert (x.grad, w.grad, y.grad, y.parents[0].grad) == (0.0, 0.0, 0.0, 0.0)
    y.backward()
    assert x.grad == pytest.approx(-(1 - math.tanh(-3.0) ** 2))


def test_backward_seed_gradient_scales_everything():
    x = Scalar(2.0)
    y = x * x
    y.backward(gradient=0.5)
    assert x.grad == 2.0


def test_backward_on_a_leaf_adds_the_seed_to_its_grad():
    x = Scalar(2.0)
    x.backward()
    assert x.grad == 1.0


def test_backward_on_symbolic_graph_names_the_leaves_without_values():
    w = Scalar(name="w")
    y = (w * Scalar(2.0, name="x")).sigmoid()
    assert y.value is None
    with pytest.raises(ValueError, match=r"no value: w\b"):
        y.backward()


def test_backward_after_an_interrupted_pass_still_gives_correct_gradients():
    x = Scalar(2.0)
    y = x * x
    bad = Scalar(1.0)
    z = y * bad
    bad.grad = None  # a broken leaf makes the pass fail midway
    with pytest.raises(TypeError):
        z.backward()
    bad.grad = 0.0
    x.grad = 0.0
    z.backward()
    assert x.grad == 4.0


def test_comparisons_compare_values_and_equality_stays_identity():
    a, b = Scalar(1.0), Scalar(2.0)
    assert a < b and b > a and a <= 1.0 and b >= 2 and not (a > b)
    assert max([a, b]) is b
    assert a != Scalar(1.0)
    assert len({a, b, a}) == 2
    with pytest.raises(ValueError, match="symbolic"):
        Scalar(name="w") < 1.0


def test_named_returns_the_node_and_sets_its_symbol():
    z = (Scalar(1.0, name="w") * 2).named("z")
    assert z.name == "z" and str(z.symbol) == "z"


def _live_scalars() -> int:
    # type() rather than isinstance(), which reads __class__ of every live object and so
    # trips deprecation warnings of unrelated lazy modules (torch.distributed.reduce_op)
    return sum(1 for o in gc.get_objects() if type(o) is Scalar)


def test_graph_is_freed_by_reference_counting_without_the_cycle_collector():
    gc.collect()
    gc.disable()
    try:
        before = _live_scalars()
        x = Scalar(1.0)
        y = (x * 2 + 1).tanh().exp()
        y.backward()
        assert _live_scalars() == before + 7  # x, 2, x*2, 1, x*2+1, tanh, exp
        del y
        assert _live_scalars() == before + 1  # only x is still referenced
    finally:
        gc.enable()


def test_a_training_step_leaves_nothing_for_the_cycle_collector():
    gc.collect()
    w = [Scalar(0.1 * i) for i in range(5)]
    loss = sum((wi * i - 1.0) ** 2 for i, wi in enumerate(w))
    loss.backward()
    del loss
    assert gc.collect() == 0


def test_backward_works_inside_a_low_recursion_limit():
    old = sys.getrecursionlimit()
    x = Scalar(1.0)
    y = x
    for _ in range(5000):
        y = y * 1.0001
    sys.setrecursionlimit(200)
    try:
        y.backward()
    finally:
        sys.setrecursionlimit(old)
    assert x.grad == pytest.approx(1.0001**5000, rel=1e-9)


@pytest.mark.slow
def test_million_node_chain_backward_is_iterative():
    x = Scalar(0.5)
    y = x
    for _ in range(1_000_000):
        y = -y
    y.backward()
    assert y.value == 0.5
    assert x.grad == 1.0


def test_forward_and_backward_never_import_sympy():
    code = (
        "import sys\n"
        "from symnn.scalar import Scalar\n"
        "x = Scalar(2.0); w = Scalar(-3.0)\n"
        "y = ((w * x + 1).sigmoid() - 1) ** 2 + x.relu().softplus().log()\n"
        "y.backward(); y.zero_grad()\n"
        "print('sympy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("a,b", [(2.0, -3.5), (0.0, 1e308), (-0.0, 4.0), (1e308, 1e308), (float("nan"), 1.0)])
def test_inlined_add_and_mul_equal_the_op_table_rules(a, b):
    from symnn.scalar import OPS

    for op, out in ((OPS["add"], Scalar(a) + Scalar(b)), (OPS["mul"], Scalar(a) * Scalar(b))):
        value, local = op.numeric(a, b)
        assert out.op is op and out.arg == () and out.name is None
        assert repr((out.value, out.local)) == repr((value, local))


def test_the_scalar_engine_loads_neither_numpy_nor_sympy_for_numbers():
    code = (
        "import sys\n"
        "from symnn.scalar import Scalar\n"
        "x = Scalar(0.3)\n"
        "y = x.elu(0.5) + x.gelu() + x.gelu(approximate='tanh') + x.silu() + x.log().abs()\n"
        "y.backward()\n"
        "print('numpy' in sys.modules, 'sympy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"
