"""Python's builtins on Scalars: abs() and NumPy's np.abs on object arrays build real nodes."""

import numpy as np

import symnn as sn


def test_builtin_abs_is_the_abs_op_with_its_gradient():
    x = sn.Scalar(-1.5, name="x")
    y = abs(x)
    y.backward()
    assert y.value == 1.5
    assert x.grad == -1.0
    assert str(y.expr) == "abs(x)"  # symnn's real |x|: parses back, differentiates to sign(x)


def test_np_abs_on_an_object_array_of_scalars():
    leaves = [sn.Scalar(-2.0, name="a"), sn.Scalar(3.0, name="b")]
    out = np.abs(np.array(leaves, dtype=object))
    total = out[0] + out[1]
    total.backward()
    assert [o.value for o in out] == [2.0, 3.0]
    assert [leaf.grad for leaf in leaves] == [-1.0, 1.0]
