"""sn.Function from a user's side: write forward and backward, check them with gradcheck.

A correct custom Function passes; a deliberately wrong one is caught, and the error points
at the element whose gradient is wrong.
"""

from __future__ import annotations

import numpy as np
import pytest

import symnn as sn
from symnn.testing import GradcheckError, gradcheck


def t64(values, requires_grad: bool = True) -> sn.Tensor:
    return sn.tensor(np.asarray(values, dtype=np.float64), requires_grad=requires_grad,
                     dtype=np.float64)


def _array(g) -> np.ndarray:
    return np.asarray(g.data if isinstance(g, sn.Tensor) else g)


class Cube(sn.Function):
    """y = x**3, dy/dx = 3 x**2."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return sn.tensor(x.data ** 3, dtype=x.dtype)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return 3.0 * x.data ** 2 * _array(grad_output)


class Softsign(sn.Function):
    """y = x / (1 + |x|), dy/dx = 1 / (1 + |x|)**2."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return sn.tensor(x.data / (1.0 + np.abs(x.data)), dtype=x.dtype)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return _array(grad_output) / (1.0 + np.abs(x.data)) ** 2


class SoftsignForgotAbs(Softsign):
    """The classic slip: 1 / (1 + x)**2 is right only where x >= 0."""

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return _array(grad_output) / (1.0 + x.data) ** 2


class ScaledProduct(sn.Function):
    """y = k * a * b for Tensors a, b and a plain number k (which gets no gradient)."""

    @staticmethod
    def forward(ctx, a, b, k):
        ctx.save_for_backward(a, b)
        ctx.k = k
        return sn.tensor(k * a.data * b.data, dtype=a.dtype)

    @staticmethod
    def backward(ctx, grad_output):
        a, b = ctx.saved_tensors
        g = _array(grad_output)
        return ctx.k * g * b.data, ctx.k * g * a.data, None


X = np.array([[0.3, 1.2, -0.4], [2.0, 0.7, 1.5]])


def test_cube_forward_values_and_backward_through_a_larger_graph():
    x = t64(X)
    y = Cube.apply(x)
    np.testing.assert_allclose(y.data, X ** 3, rtol=1e-15)
    (y * 2.0).sum().backward()
    np.testing.assert_allclose(x.grad.data, 6.0 * X ** 2, rtol=1e-15)


def test_saved_tensors_come_back_in_the_order_they_were_saved():
    seen = []

    class Spy(sn.Function):
        @staticmethod
        def forward(ctx, a, b):
            ctx.save_for_backward(a, b)
            return sn.tensor(a.data + b.data, dtype=a.dtype)

        @staticmethod
        def backward(ctx, grad_output):
            seen.append(tuple(ctx.saved_tensors))
            return _array(grad_output), _array(grad_output)

    a, b = t64([1.0]), t64([2.0])
    Spy.apply(a, b).sum().backward()
    (saved,) = seen
    assert len(saved) == 2
    np.testing.assert_array_equal(saved[0].data, a.data)
    np.testing.assert_array_equal(saved[1].data, b.data)


@pytest.mark.parametrize("function", [Cube, Softsign], ids=lambda f: f.__name__)
def test_correct_custom_functions_pass_gradcheck(function):
    assert gradcheck(lambda x: function.apply(x), (t64(X),))
    assert gradcheck(lambda x: function.apply(x).sum(), (t64(X),))


def test_a_function_with_a_non_tensor_argument_passes_gradcheck():
    a, b = t64(X), t64(X[::-1].copy())
    assert gradcheck(lambda a, b: ScaledProduct.apply(a, b, 2.5), (a, b))


def test_the_wrong_custom_function_is_caught_at_the_negative_element():
    x = t64(X)  # the only negative entry is at (0, 2)
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x: SoftsignForgotAbs.apply(x).sum(), (x,))
    lines = str(info.value).splitlines()
    assert "gradcheck failed: 1 of" in lines[0]
    assert lines[1].startswith("  input 0, element (0, 2):")
    right = 1.0 / (1.0 + 0.4) ** 2
    wrong = 1.0 / (1.0 - 0.4) ** 2
    assert f"analytic {wrong:.6e}" in lines[1]
    assert f"numeric {right:.6e}" in lines[1]
    assert f"relative error {abs(wrong - right) / wrong:.3e}" in lines[1]
    assert len(lines) == 2


def test_the_wrong_function_is_caught_inside_a_composite():
    x, w = t64(X), t64([[0.5, -1.0, 2.0]])
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x, w: (SoftsignForgotAbs.apply(x * w) ** 2).sum(), (x, w))
    blamed = {(m.input, m.index) for m in info.value.report.mismatches}
    # x * w is negative at (0, 1), (0, 2), (1, 1): x there and w's columns 1 and 2
    assert blamed == {(0, (0, 1)), (0, (0, 2)), (0, (1, 1)), (1, (0, 1)), (1, (0, 2))}
