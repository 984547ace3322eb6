"""Tape semantics: accumulation, graph freeing, grad modes, dtypes, errors, Function, seeding."""

from __future__ import annotations

import platform
import threading
import weakref

import numpy as np
import pytest

import symnn as sn
from symnn.tensor.malloc_tuning import raise_malloc_thresholds


# ------------------------------------------------------------------ graph walking


def test_backward_through_a_20000_op_chain_is_iterative():
    x = sn.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(20_000):
        y = y * 1.0001
    y.backward()
    np.testing.assert_allclose(x.grad.item(), 1.0001**20_000, rtol=1e-3)


def test_tensor_used_twice_accumulates_both_paths(float64_default):
    x = sn.tensor([1.0, -2.0, 3.0], requires_grad=True)
    (x * x + x).sum().backward()
    np.testing.assert_allclose(x.grad.data, 2 * np.array([1.0, -2.0, 3.0]) + 1)


def test_intermediate_with_two_consumers_receives_the_sum(float64_default):
    x = sn.tensor([0.5, 1.5], requires_grad=True)
    h = x.exp()
    (h * 2 + h * h).sum().backward()
    e = np.exp([0.5, 1.5])
    np.testing.assert_allclose(x.grad.data, (2 + 2 * e) * e)


def test_leaf_grad_accumulates_across_backward_calls_until_reset():
    w = sn.tensor([1.0, 2.0], requires_grad=True)
    (w * 3).sum().backward()
    (w * 3).sum().backward()
    np.testing.assert_array_equal(w.grad.data, [6.0, 6.0])
    w.grad = None
    (w * 3).sum().backward()
    np.testing.assert_array_equal(w.grad.data, [3.0, 3.0])


def test_gradients_handed_to_two_leaves_are_independent_arrays():
    a = sn.tensor([1.0, 2.0], requires_grad=True)
    b = sn.tensor([3.0, 4.0], requires_grad=True)
    (a + b).sum().backward()
    a.grad.data += 10  # e.g. weight decay added in place by an optimizer
    np.testing.assert_array_equal(b.grad.data, [1.0, 1.0])
    a.grad.data[...] = 0
    (a + b + a).sum().backward()
    np.testing.assert_array_equal(a.grad.data, [2.0, 2.0])
    np.testing.assert_array_equal(b.grad.data, [2.0, 2.0])


def test_leaf_gradient_is_a_writable_array_of_the_leaf_shape():
    w = sn.tensor([[1.0, 2.0]], requires_grad=True)
    w.expand(3, 2).sum().backward()
    assert w.grad.data.flags.writeable
    np.testing.assert_array_equal(w.grad.data, [[3.0, 3.0]])


def test_second_backward_through_freed_graph_raises():
    x = sn.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()


def test_backward_releases_intermediate_tensors_unless_retained():
    x = sn.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    ref = weakref.ref(h)
    loss = (h * h).sum()
    del h
    loss.backward(retain_graph=True)
    assert ref() is not None
    loss.backward()
    assert ref() is None
    np.testing.assert_array_equal(x.grad.data, [16.0, 32.0])


def test_backward_through_an_intermediate_freed_by_another_loss_raises():
    x = sn.tensor([1.0, 2.0], requires_grad=True)
    h = x.exp()
    first, second = h.sum(), (h * 3).sum()
    first.backward()
    with pytest.raises(RuntimeError, match="second time"):
        second.backward()


def test_retain_graph_allows_a_second_backward_that_accumulates():
    x = sn.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_array_equal(x.grad.data, [4.0, 8.0])


def test_retain_grad_keeps_an_intermediate_gradient():
    x = sn.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    h.retain_grad()
    (h * h).sum().backward()
    np.testing.assert_array_equal(h.grad.data, [4.0, 8.0])


def test_backward_with_explicit_gradient_for_non_scalar_output():
    x = sn.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x * 2).backward(sn.tensor([1.0, 0.0, -1.0]))
    np.testing.assert_array_equal(x.grad.data, [2.0, 0.0, -2.0])


# ------------------------------------------------------------------ errors


def test_backward_on_non_scalar_without_gradient_says_what_to_pass():
    x = sn.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"shape \(2,\).*pass a gradient"):
        (x * 2).backward()


def test_backward_with_gradient_of_wrong_shape_names_both_shapes():
    x = sn.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"\(3,\).*\(2,\)"):
        (x * 2).backward(np.ones(3))


def test_backward_on_tensor_without_grad_raises():
    with pytest.raises(RuntimeError, match="does not require grad"):
        sn.tensor([1.0]).sum().backward()


def test_matmul_shape_mismatch_names_both_shapes():
    with pytest.raises(RuntimeError, match=r"\(4, 5\) and \(3, 2\)"):
        sn.ones(4, 5) @ sn.ones(3, 2)


def test_integer_tensor_cannot_require_grad():
    with pytest.raises(RuntimeError, match="floating point"):
        sn.tensor([1, 2], requires_grad=True)


def test_in_place_update_of_leaf_requiring_grad_needs_no_grad():
    w = sn.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="no_grad"):
        w -= 1.0
    data = w.data
    with sn.no_grad():
        w -= 1.0
    assert w.data is data
    np.testing.assert_array_equal(w.data, [0.0, 1.0])


# ------------------------------------------------------------------ grad modes


def test_no_grad_records_nothing_and_restores_the_mode():
    x = sn.tensor([1.0], requires_grad=True)
    with sn.no_grad():
        y = x * 2
        assert not sn.is_grad_enabled()
        with sn.enable_grad():
            z = x * 2
    assert sn.is_grad_enabled()
    assert not y.requires_grad and y.is_leaf
    assert z.requires_grad and not z.is_leaf


def test_no_grad_as_decorator():
    @sn.no_grad()
    def double(t):
        return t * 2

    @sn.no_grad
    def triple(t):
        return t * 3

    assert not double(sn.tensor([1.0], requires_grad=True)).requires_grad
    assert not triple(sn.tensor([1.0], requires_grad=True)).requires_grad
    assert triple.__name__ == "triple"
    assert sn.is_grad_enabled()


def test_set_grad_enabled_switches_and_restores():
    from symnn.tensor import set_grad_enabled

    with set_grad_enabled(False):
        assert not sn.is_grad_enabled()
    assert sn.is_grad_enabled()


def test_grad_mode_is_per_thread():
    seen = []
    with sn.no_grad():
        t = threading.Thread(target=lambda: seen.append(sn.is_grad_enabled()))
        t.start()
        t.join()
    assert seen == [True]


def test_detach_shares_data_and_cuts_the_graph():
    x = sn.tensor([1.0, 2.0], requires_grad=True)
    d = (x * 2).detach()
    assert not d.requires_grad and d.is_leaf
    y = (x * d).sum()
    y.backward()
    np.testing.assert_array_equal(x.grad.data, [2.0, 4.0])


# ------------------------------------------------------------------ dtypes


def test_float_data_becomes_float32_by_default_and_ints_int64():
    assert sn.tensor([1.0, 2.0]).dtype == np.float32
    assert sn.tensor(np.array([1.0], dtype=np.float64)).dtype == np.float32
    assert sn.tensor([1, 2]).dtype == np.int64
    assert sn.tensor([True]).dtype == np.bool_
    assert sn.tensor([1.0], dtype=np.float64).dtype == np.float64


def test_set_default_dtype_float64(float64_default):
    assert sn.get_default_dtype() == np.float64
    assert sn.tensor([1.0]).dtype == np.float64
    assert sn.randn(2).dtype == np.float64


def test_set_default_dtype_rejects_integers():
    with pytest.raises(TypeError, match="float32 and float64"):
        sn.set_default_dtype(np.int32)


@pytest.mark.parametrize("scalar", [0.5, np.float64(0.5), np.float32(0.5), 2, np.array(0.5)])
def test_float32_stays_float32_with_scalar_operands(scalar):
    x = sn.tensor([1.0, 2.0], requires_grad=True)
    for y in (x * scalar, scalar * x, x + scalar, x / scalar, scalar - x, x**scalar):
        assert y.dtype == np.float32
    (x * scalar).sum().backward()
    assert x.grad.dtype == np.float32


def test_integer_tensor_with_float_operand_gives_the_default_dtype():
    ints = sn.tensor([1, 2, 3])
    assert (ints * 0.5).dtype == np.float32
    assert (ints + sn.tensor([1.0, 2.0, 3.0])).dtype == np.float32
    assert (ints / 2).dtype == np.float32
    assert (ints + 1).dtype == np.int64


def test_integer_tensor_with_float_operand_in_float64_mode(float64_default):
    assert (sn.tensor([1, 2]) * 0.5).dtype == np.float64


def test_gradient_is_cast_to_the_leaf_dtype_after_promotion():
    a = sn.tensor([1.0, 2.0], requires_grad=True)
    b = sn.tensor([1.0, 2.0], dtype=np.float64)
    y = a * b
    assert y.dtype == np.float64
    y.sum().backward()
    assert a.grad.dtype == np.float32


def test_object_array_is_kept_as_is():
    arr = np.array([sn.Scalar(1.0), sn.Scalar(2.0)], dtype=object)
    t = sn.tensor(arr)
    assert t.dtype == object and t.data[0] is arr[0]


# ------------------------------------------------------------------ max/min gradient conventions


def test_full_max_spreads_gradient_evenly_over_ties():
    x = sn.tensor([1.0, 3.0, 3.0, 3.0], requires_grad=True)
    x.max().backward()
    np.testing.assert_allclose(x.grad.data, [0.0, 1 / 3, 1 / 3, 1 / 3])


def test_max_along_dim_sends_gradient_to_the_first_maximum():
    x = sn.tensor([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]], requires_grad=True)
    values = x.max(dim=1)
    np.testing.assert_array_equal(values.data, [3.0, 2.0])
    values.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])


def test_argmax_and_argmin_return_int64_indices():
    x = sn.tensor([[1.0, 5.0, 5.0], [0.0, -1.0, 7.0]])
    np.testing.assert_array_equal(x.argmax(dim=1).data, [1, 2])
    np.testing.assert_array_equal(x.argmin(dim=1).data, [0, 1])
    assert x.argmax().item() == 5 and x.argmax().dtype == np.int64


# ------------------------------------------------------------------ Tensor basics


def test_attributes_and_conversions():
    t = sn.tensor([[1.0, 2.0, 3.0]])
    assert t.shape == (1, 3) and t.ndim == 2 and t.size() == (1, 3) and t.size(1) == 3
    assert t.numel() == 3 and len(t) == 1
    assert t[0, 1].item() == 2.0 and isinstance(t[0, 1].item(), float)
    assert np.asarray(t) is t.data and t.numpy() is t.data
    assert t.T.shape == (3, 1)


def test_repr_follows_pytorch():
    assert repr(sn.tensor([1.0, 2.0], requires_grad=True)) == "tensor([1., 2.], requires_grad=True)"
    assert repr(sn.tensor([1.5, 2.25])) == "tensor([1.5000, 2.2500])"
    x = sn.tensor([1.0], requires_grad=True)
    assert repr(x * 2) == "tensor([2.], grad_fn=<MulBackward>)"
    assert repr(sn.tensor([1.0], dtype=np.float64)) == "tensor([1.], dtype=float64)"


def test_zero_clone_and_is_leaf():
    x = sn.tensor([1.0, 2.0], requires_grad=True)
    c = x.clone()
    assert not c.is_leaf and c.data is not x.data
    c.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [1.0, 1.0])
    x.grad.zero_()
    np.testing.assert_array_equal(x.grad.data, [0.0, 0.0])


def test_comparisons_return_bool_tensors_without_grad():
    x = sn.tensor([1.0, 2.0, 3.0], requires_grad=True)
    m = x > 1.5
    assert m.dtype == np.bool_ and not m.requires_grad
    np.testing.assert_array_equal((x == 2.0).data, [False, True, False])
    np.testing.assert_array_equal(((x > 1.5) & (x < 2.5)).data, [False, True, False])


def test_numpy_array_on_the_left_defers_to_tensor():
    x = sn.tensor([1.0, 2.0], requires_grad=True)
    y = np.array([3.0, 4.0]) * x
    assert isinstance(y, sn.Tensor) and y.requires_grad
    assert y.dtype == np.float32


def test_tensor_is_callable_module_and_factories():
    import symnn.tensor as module

    assert module.tensor([1.0]).shape == (1,)
    assert sn.tensor([1.0]).shape == (1,)
    assert sn.zeros(2, 3).shape == (2, 3) and sn.ones((2,)).data.tolist() == [1.0, 1.0]
    assert sn.arange(4).dtype == np.int64 and sn.arange(0.0, 1.0, 0.25).dtype == np.float32


def test_manual_seed_makes_randn_rand_reproducible_and_keeps_the_generator():
    from symnn.tensor.random import generator

    gen = generator()
    sn.manual_seed(3)
    a, b = sn.randn(4), sn.rand(2)
    sn.manual_seed(3)
    np.testing.assert_array_equal(sn.randn(4).data, a.data)
    np.testing.assert_array_equal(sn.rand(2).data, b.data)
    assert generator() is gen


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt tuning applies to glibc only")
def test_malloc_thresholds_are_raised_on_glibc():
    assert raise_malloc_thresholds() is True


# ------------------------------------------------------------------ Function


class ScaledCube(sn.Function):
    @staticmethod
    def forward(ctx, x, scale):
        ctx.save_for_backward(x)
        ctx.scale = scale
        return sn.tensor(scale * x.data**3, dtype=x.dtype)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 3 * ctx.scale * x**2, None


def test_function_apply_records_custom_backward():
    x = sn.tensor([1.0, 2.0], requires_grad=True)
    y = ScaledCube.apply(x, 2.0)
    np.testing.assert_array_equal(y.data, [2.0, 16.0])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [6.0, 24.0])


def test_function_forward_runs_without_recording_and_sets_needs_input_grad():
    seen = {}

    class Probe(sn.Function):
        @staticmethod
        def forward(ctx, a, b):
            seen["grad"] = sn.is_grad_enabled()
            seen["needs"] = ctx.needs_input_grad
            return a * b

        @staticmethod
        def backward(ctx, grad):
            return grad, None

    Probe.apply(sn.tensor([1.0], requires_grad=True), sn.tensor([2.0]))
    assert seen == {"grad": False, "needs": (True, False)}


def test_function_backward_with_wrong_gradient_count_raises():
    class Bad(sn.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, grad):
            return grad, grad

    y = Bad.apply(sn.tensor([1.0], requires_grad=True))
    with pytest.raises(RuntimeError, match="returned 2 gradient"):
        y.sum().backward()


def test_numpy_style_axis_and_keepdims_aliases():
    x = sn.tensor([[1.0, 2.0], [3.0, 5.0]])
    np.testing.assert_array_equal(x.sum(axis=0, keepdims=True).data, [[4.0, 7.0]])
    np.testing.assert_array_equal(x.max(axis=1).data, [2.0, 5.0])
    assert x.unsqueeze(axis=0).shape == (1, 2, 2)
    assert sn.cat([x, x], axis=1).shape == (2, 4)
    assert sn.stack([x, x], axis=2).shape == (2, 2, 2)
    with pytest.raises(TypeError, match="dim or axis"):
        x.sum(dim=0, axis=0)


def test_leaky_relu_accepts_the_scalar_engine_spelling():
    x = sn.tensor([-2.0, 3.0])
    np.testing.assert_array_equal(x.leaky_relu(slope=0.5).data, x.leaky_relu(0.5).data)
    np.testing.assert_array_equal(x.leaky_relu(0.5).data, [-1.0, 3.0])


def test_unbiased_var_of_one_element_is_nan_with_nan_gradient():
    x = sn.tensor([1.5], requires_grad=True)
    v = x.var()
    v.backward()
    assert np.isnan(v.item()) and np.isnan(x.grad.data).all()


def test_detach_in_place_cuts_the_graph_and_keeps_the_object():
    x = sn.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    assert y.detach_() is y and not y.requires_grad
    y2 = (y * x).sum()
    y2.backward()
    np.testing.assert_array_equal(x.grad.data, [3.0, 6.0])  # y is a constant now: d(y·x)/dx = y


def test_fill_and_copy_write_in_place_with_broadcasting_and_keep_the_dtype():
    t = sn.zeros(2, 3)
    assert t.fill_(2.5) is t
    np.testing.assert_array_equal(t.data, np.full((2, 3), 2.5))
    assert t.copy_(sn.tensor([1.0, 2.0, 3.0])) is t
    np.testing.assert_array_equal(t.data, [[1, 2, 3], [1, 2, 3]])
    t.copy_(np.array([[7], [8]], dtype=np.float64))
    assert t.dtype == np.float32
    np.testing.assert_array_equal(t.data, [[7, 7, 7], [8, 8, 8]])


def test_flatten_of_a_0d_tensor_gives_one_element_and_checks_its_dims_as_torch():
    x = sn.tensor(2.0)
    assert x.flatten().shape == (1,) and x.flatten(-1, 0).shape == (1,)
    with pytest.raises(IndexError, match="dimension 1 out of range"):
        x.flatten(1)  # what nn.Flatten() (start_dim=1) does to a 0-d input
