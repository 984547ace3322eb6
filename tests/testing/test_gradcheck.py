"""sn.testing.gradcheck: correct gradients pass, wrong ones are named element by element."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import symnn as sn
from symnn.testing import GradcheckError, gradcheck
from symnn.testing.finite_differences import gradient_report


def t64(values, requires_grad: bool = True) -> sn.Tensor:
    return sn.tensor(np.asarray(values, dtype=np.float64), requires_grad=requires_grad,
                     dtype=np.float64)


class SquareWithBugs(sn.Function):
    """y = x**2 whose backward uses 2x + offsets[index] at chosen elements."""

    offsets: dict[tuple[int, ...], float] = {}

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return sn.tensor(x.data ** 2, dtype=x.dtype)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        g = np.asarray(g.data if isinstance(g, sn.Tensor) else g)
        grad = 2.0 * x.data * g
        for index, offset in SquareWithBugs.offsets.items():
            grad[index] += offset * g[index]
        return grad


@pytest.fixture
def buggy_square():
    SquareWithBugs.offsets = {}
    yield SquareWithBugs
    SquareWithBugs.offsets = {}


X = np.array([[0.25, -0.5, 1.0], [1.5, -2.0, 0.75]])


def test_correct_composite_function_passes():
    a, b = t64(X), t64(X.T[::-1].T.copy() + 0.1)
    assert gradcheck(lambda a, b: ((a * b).tanh() + a.exp() / (b * b + 1.0)).sum(dim=1), (a, b))


@pytest.mark.parametrize(
    "view",
    [lambda a: a.T, lambda a: a.reshape(3, 2), lambda a: a[:, 1:], lambda a: a.unsqueeze(0)],
    ids=["transpose", "reshape", "slice", "unsqueeze"],
)
def test_functions_returning_views_of_their_input_pass(view):
    # the numeric gradient must copy each output: a view would follow later perturbations
    assert gradcheck(view, (t64(X),))


def test_multiple_outputs_all_checked_and_pass():
    a = t64(X)
    report = gradient_report(lambda a: (a.sigmoid(), (a * a).sum()), (a,))
    assert report.ok
    assert report.n_outputs == 2
    assert report.checked_entries == X.size * X.size + X.size


def test_wrong_element_is_named_with_analytic_numeric_and_relative_error(buggy_square):
    buggy_square.offsets = {(1, 2): 0.5}
    x = t64(X)
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x: buggy_square.apply(x).sum(), (x,))
    message = str(info.value)
    first = message.splitlines()[1]
    assert first.startswith("  input 0, element (1, 2):")
    # d(x**2)/dx at 0.75 is 1.5; the buggy backward says 2.0; relative error 0.5 / 2.0
    assert "analytic 2.000000e+00" in first
    assert "numeric 1.500000e+00" in first
    assert "relative error 2.500e-01" in first
    assert "1 of" in message.splitlines()[0]


def test_mismatches_are_listed_worst_first(buggy_square):
    buggy_square.offsets = {(0, 1): 0.01, (1, 0): 3.0, (0, 0): 0.2}
    x = t64(X)
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x: buggy_square.apply(x).sum(), (x,))
    listed = re.findall(r"element \((\d), (\d)\)", str(info.value))
    assert listed == [("1", "0"), ("0", "0"), ("0", "1")]
    assert [m.index for m in info.value.report.mismatches] == [(1, 0), (0, 0), (0, 1)]


def test_vector_output_names_the_output_element(buggy_square):
    buggy_square.offsets = {(0, 2): 1.0}
    x = t64(X)
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x: buggy_square.apply(x), (x,))
    (m,) = info.value.report.mismatches
    assert (m.input, m.index, m.output_index) == (0, (0, 2), (0, 2))
    assert "input 0, element (0, 2) (output element (0, 2))" in str(info.value)


class MulWrongSecond(sn.Function):
    """a * b whose backward for b forgets to multiply by a."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return sn.tensor(a.data * b.data, dtype=a.dtype)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        g = np.asarray(g.data if isinstance(g, sn.Tensor) else g)
        return g * b.data, g


def test_only_the_input_with_the_wrong_gradient_is_blamed():
    a, b = t64([[2.0, 3.0]]), t64([[0.5, -1.0]])
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda a, b: MulWrongSecond.apply(a, b).sum(), (a, b))
    assert {m.input for m in info.value.report.mismatches} == {1}
    assert "input 1, element (0, 0)" in str(info.value)
    assert "input 0" not in str(info.value).split("\n", 1)[1]


def test_rtol_decides_a_small_relative_error(buggy_square):
    buggy_square.offsets = {(1, 0): 3.0 * 5e-4}  # analytic 3.0015 against numeric 3.0
    x = t64(X)
    assert gradcheck(lambda x: buggy_square.apply(x).sum(), (x,), rtol=1e-3)
    with pytest.raises(GradcheckError):
        gradcheck(lambda x: buggy_square.apply(x).sum(), (x,), rtol=1e-4)


def test_a_backward_that_raises_is_reported_as_a_gradcheck_error():
    class WrongShape(sn.Function):
        @staticmethod
        def forward(ctx, x):
            return sn.tensor(x.data.sum(), dtype=x.dtype)

        @staticmethod
        def backward(ctx, g):
            return np.ones(2)

    with pytest.raises(GradcheckError, match="backward pass of output 0 raised RuntimeError"):
        gradcheck(lambda x: WrongShape.apply(x), (t64(X),))


def test_raise_exception_false_returns_false(buggy_square):
    buggy_square.offsets = {(0, 0): 1.0}
    check = gradcheck(lambda x: buggy_square.apply(x).sum(), (t64(X),), raise_exception=False)
    assert check is False


def test_float32_input_is_refused_with_an_explanation():
    calls = []
    x = sn.tensor(X.astype(np.float32), requires_grad=True, dtype=np.float32)

    def fn(x):
        calls.append(1)
        return (x * x).sum()

    with pytest.raises(TypeError) as info:
        gradcheck(fn, (x,))
    message = str(info.value)
    assert "input 0" in message and "float32" in message and "float64" in message
    assert "precision" in message
    assert calls == []


def test_a_single_precision_output_from_double_inputs_is_refused():
    class DropsToFloat32(sn.Function):
        @staticmethod
        def forward(ctx, x):
            return sn.tensor(x.data.astype(np.float32) * 2, dtype=np.float32)

        @staticmethod
        def backward(ctx, g):
            return 2 * np.asarray(g.data)

    with pytest.raises(TypeError, match="output 0 is float32 although the inputs are float64"):
        gradcheck(lambda x: DropsToFloat32.apply(x), (t64(X),))


def test_no_input_requiring_grad_is_an_error():
    with pytest.raises(ValueError, match="no input requires grad"):
        gradcheck(lambda x: x.sum(), (t64(X, requires_grad=False),))


def test_inputs_and_their_grads_are_left_as_they_were():
    x = t64(X)
    before = x.data.copy()
    data_object = x.data
    gradcheck(lambda x: (x.exp() * x).sum(), (x,))
    assert x.data is data_object
    np.testing.assert_array_equal(x.data, before)
    assert x.grad is None


def test_existing_grad_survives_the_check():
    x = t64(X)
    (x * 3.0).sum().backward()
    gradcheck(lambda x: (x * x).sum(), (x,))
    np.testing.assert_array_equal(np.asarray(x.grad.data), np.full(X.shape, 3.0))


def test_non_tensor_and_constant_inputs_pass_through_unchecked():
    x, c = t64(X), t64(X + 1.0, requires_grad=False)
    report = gradient_report(lambda x, c, k: (x * c * k).sum(), (x, c, 2.5))
    assert report.ok
    assert report.input_shapes == [X.shape, None, None]


def test_a_single_tensor_may_be_passed_instead_of_a_tuple():
    assert gradcheck(lambda x: (x ** 3).sum(), t64(X))


def test_function_returning_a_non_tensor_is_an_error():
    with pytest.raises(TypeError, match="must return a Tensor"):
        gradcheck(lambda x: float(x.sum().item()), (t64(X),))


def test_report_as_dict_lists_mismatches(buggy_square):
    buggy_square.offsets = {(1, 1): -1.0}
    report = gradient_report(lambda x: buggy_square.apply(x).sum(), (t64(X),))
    d = report.as_dict()
    assert d["ok"] is False
    assert d["inputs"] == [{"index": 0, "checked": True, "shape": [2, 3]}]
    (m,) = d["mismatches"]
    assert m["index"] == [1, 1] and m["input"] == 0
    assert m["analytic"] == pytest.approx(2 * X[1, 1] - 1.0)
    assert m["numeric"] == pytest.approx(2 * X[1, 1], rel=1e-8)


@settings(max_examples=25, deadline=None)
@given(
    shape=st.tuples(st.integers(1, 3), st.integers(1, 4)),
    data=st.data(),
)
def test_a_single_wrong_entry_is_always_the_one_reported(shape, data):
    values = data.draw(arrays(np.float64, shape, elements=st.floats(-2, 2)))
    index = data.draw(st.tuples(st.integers(0, shape[0] - 1), st.integers(0, shape[1] - 1)))
    offset = data.draw(st.sampled_from([-1.0, 0.5, 3.0]))
    SquareWithBugs.offsets = {index: offset}
    try:
        with pytest.raises(GradcheckError) as info:
            gradcheck(lambda x: SquareWithBugs.apply(x).sum(), (t64(values),))
    finally:
        SquareWithBugs.offsets = {}
    (m,) = info.value.report.mismatches
    assert m.index == index
    assert m.analytic == pytest.approx(2 * values[index] + offset, abs=1e-12)
    assert m.numeric == pytest.approx(2 * values[index], abs=1e-6)


class NanGradient(sn.Function):
    """y = x**2 whose backward returns NaN everywhere."""

    @staticmethod
    def forward(ctx, x):
        return sn.tensor(x.data ** 2, dtype=x.dtype)

    @staticmethod
    def backward(ctx, g):
        return np.full(np.shape(g.data), np.nan)


def test_a_nan_gradient_reports_nan_errors_not_zero_and_warns_nothing(recwarn):
    report = gradient_report(lambda x: NanGradient.apply(x).sum(), (t64([0.5, -1.0]),))
    assert not report.ok and len(report.mismatches) == 2
    assert np.isnan(report.max_abs_error) and np.isnan(report.max_rel_error)
    assert all(np.isnan(m.rel_error) for m in report.mismatches)
    assert "relative error nan" in report.message() and "relative error 0.0" not in report.message()
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_an_overflowing_numeric_gradient_reports_infinite_errors_and_warns_nothing(recwarn):
    # x**3 at x ± 1e300 overflows: the numeric derivative is inf, an infinite disagreement
    report = gradient_report(lambda x: (x ** 3).sum(), (t64([1.0, 2.0]),), eps=1e300)
    assert not report.ok
    assert report.max_abs_error == np.inf and report.max_rel_error == np.inf
    assert [m.rel_error for m in report.mismatches] == [np.inf, np.inf]
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


class _CubeSquareForgotten(sn.Function):
    """The README's Cube with the bug it shows: the backward's square forgotten."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return sn.tensor(x.data ** 3, dtype=x.dtype)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad.data * 3 * x.data


def test_the_readme_shows_the_report_gradcheck_prints_for_a_forgotten_square():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    shown = re.search(r"\(the square forgotten\):\n\n```text\n(.*?)```", readme, re.S)
    assert shown, "README's gradcheck section lost its failure example"
    x = t64([0.5, -1.0, 2.0])
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x: _CubeSquareForgotten.apply(x).sum(), (x,))
    assert f"GradcheckError: {info.value}\n" == shown.group(1)


@pytest.mark.parametrize("eps", [0.0, -1e-6, float("nan"), float("inf")])
def test_a_step_that_is_not_a_finite_positive_number_is_refused(eps):
    with pytest.raises(ValueError, match="eps must be a finite number > 0"):
        gradcheck(lambda x: (x * x).sum(), (t64([1.0]),), eps=eps)
