"""sn.explain: named leaves, derivations, expressions, symbolic inputs, and a restored model."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

import symnn as sn
from symnn import nn
from symnn.explain import layer_numbers, leaf_name
from symnn.symbolic.functions import sigmoid, symbol


pytestmark = pytest.mark.usefixtures("float64_default")


def mlp(seed: int = 0) -> nn.Sequential:
    sn.manual_seed(seed)
    return nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))


X = np.array([[0.2, -0.7, 1.1], [0.5, 0.3, -0.4]])
Y = np.array([[0.1, -0.2], [0.3, 0.4]])


@pytest.mark.parametrize(
    ("param", "index", "owner", "layer", "expected"),
    [
        ("0.weight", (1, 0), "Linear", 1, "W^(1)_1,0"),
        ("0.bias", (1,), "Linear", 1, "b^(1)_1"),
        ("weight", (0, 2), "Linear", None, "W_0,2"),
        ("3.weight", (0, 1, 2, 2), "Conv2d", 2, "W^(2)_0,1,2,2"),
        ("1.weight", (0,), "BatchNorm1d", 2, "gamma^(2)_0"),
        ("1.bias", (2,), "LayerNorm", 2, "beta^(2)_2"),
        ("encoder.0.scale", (), "Custom", None, "scale^(encoder.0)"),
    ],
)
def test_leaf_names_follow_parameter_names_and_layer_numbers(param, index, owner, layer, expected):
    assert leaf_name(param, index, owner, layer) == expected


def test_layers_are_numbered_from_1_counting_only_layers_with_parameters():
    model = nn.Sequential(nn.Flatten(), nn.Linear(2, 3), nn.ReLU(), nn.Dropout(0.0),
                          nn.Linear(3, 3), nn.BatchNorm1d(3), nn.Sigmoid(), nn.Linear(3, 1))
    assert layer_numbers(model) == {
        "0": (0, False), "1": (1, True), "2": (1, False), "3": (1, False),
        "4": (2, True), "5": (3, True), "6": (3, False), "7": (4, True),
    }
    e = sn.explain(model.eval(), np.array([[0.8, -0.3]]), np.array([[0.3]]), nn.MSELoss())
    names = set(e.loss.leaves())
    assert {"W^(1)_0,0", "b^(1)_2", "W^(2)_2,2", "gamma^(3)_0", "beta^(3)_1", "W^(4)_0,2"} <= names
    assert not any(name.startswith(("W^(0)", "W^(3)", "W^(5)")) for name in names)


def test_layer_outputs_read_z_then_a_with_the_layer_number_and_never_share_a_name():
    sn.manual_seed(1)
    model = nn.Sequential(nn.Linear(2, 2), nn.Tanh(), nn.Tanh(), nn.Linear(2, 1), nn.Sigmoid())
    e = sn.explain(model, np.array([[0.8, -0.3]]), np.array([[0.3]]), nn.MSELoss())
    text = str(e.derivation("0.weight", (1, 0)))
    for name in ("a^(2)_0", "z^(2)_0", "a^(1, Tanh)_1", "a^(1)_1", "z^(1)_1"):
        assert f"∂L/∂{name} =" in text
    assert [node.name for node in e.output.reshape(-1)] == ["a^(2)_0"]


class Clashing(nn.Module):
    """Parameters whose short leaf names would collide: ``weight`` and ``W`` both read W."""

    def __init__(self) -> None:
        super().__init__()
        self.weight = nn.Parameter(sn.tensor([[0.5, -0.2, 0.1]]))
        self.W = nn.Parameter(sn.tensor([[0.3, 0.7, -0.4]]))
        self.x = nn.Parameter(sn.tensor([0.25]))

    def forward(self, x):
        return (x * self.weight + x * self.W * self.x).sum(dim=1, keepdim=True)


def test_clashing_leaf_names_fall_back_to_full_parameter_names():
    e = sn.explain(Clashing(), X, np.array([[0.1], [0.2]]), nn.MSELoss(), symbolic=True)
    assert e.leaf("weight", (0, 1)).name == "W_0,1"
    assert e.leaf("W", (0, 1)).name == "W[0, 1]"
    assert e.leaf("x", 0).name == "x_0"  # no clash: the inputs here are x_0,0 ... x_1,2
    assert len(e.loss.leaves()) == 3 + 3 + 1 + X.size + 2
    one = sn.explain(Clashing(), X[:1], np.array([[0.1]]), nn.MSELoss(), symbolic=True)
    assert one.leaf("x", 0).name == "x[0]"  # the input leaves are x_0, x_1, x_2 now


def test_a_sequential_weight_renders_as_W_with_the_layer_as_superscript():
    e = sn.explain(mlp(), X, Y, nn.MSELoss())
    assert e.leaf("0.weight", (1, 0)).name == "W^(1)_1,0"
    assert sympy.latex(symbol(e.leaf("0.weight", (1, 0)).name)) == "W^{(1)}_{1,0}"
    assert sympy.latex(symbol(e.leaf("2.bias", 1).name)) == "b^{(2)}_{1}"


def test_grads_have_the_keys_and_shapes_of_named_parameters():
    model = mlp()
    e = sn.explain(model, X, Y, nn.MSELoss())
    assert list(e.grads) == [name for name, _ in model.named_parameters()]
    for name, p in model.named_parameters():
        assert e.grads[name].shape == tuple(p.shape)
        assert e.grads[name].dtype == np.float64


def test_the_model_is_restored_after_explain():
    model = mlp()
    before = {name: (p.data, p.data.copy(), p.requires_grad)
              for name, p in model.named_parameters()}
    sn.explain(model, X, Y, nn.MSELoss())
    for name, p in model.named_parameters():
        data, values, requires_grad = before[name]
        assert p.data is data
        np.testing.assert_array_equal(p.data, values)
        assert p.requires_grad == requires_grad
        assert p.grad is None


class FailsAfterFirstLayer(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.first = nn.Linear(3, 2)
        self.norm = nn.BatchNorm1d(2)

    def forward(self, x):
        self.norm(self.first(x))
        raise RuntimeError("deliberate failure in forward")


def test_the_model_is_restored_when_forward_fails():
    sn.manual_seed(1)
    model = FailsAfterFirstLayer()
    params = {name: (p.data, p.data.copy()) for name, p in model.named_parameters()}
    running = model.norm.running_mean.data
    with pytest.raises(RuntimeError, match="deliberate failure") as info:
        sn.explain(model, X, np.zeros((2, 2)), nn.MSELoss())
    if hasattr(BaseException, "add_note"):  # Python >= 3.11 says where it happened
        assert any("sn.explain" in note for note in info.value.__notes__)
    for name, p in model.named_parameters():
        assert p.data is params[name][0]
        assert p.data.dtype == np.float64
        np.testing.assert_array_equal(p.data, params[name][1])
    assert model.norm.running_mean.data is running
    np.testing.assert_array_equal(running, np.zeros(2))
    assert all("forward" not in vars(m) for m in model.modules())
    assert int(np.asarray(model.norm.num_batches_tracked.data)) == 0


def test_the_model_is_restored_when_the_loss_fails():
    model = mlp()
    originals = [p.data for p in model.parameters()]

    def broken_loss(output, target):
        raise ValueError("deliberate failure in the loss")

    with pytest.raises(ValueError, match="deliberate failure in the loss"):
        sn.explain(model, X, Y, broken_loss)
    assert all(p.data is data for p, data in zip(model.parameters(), originals))
    out = model(sn.tensor(X))  # and the model still runs numerically
    assert out.data.dtype == np.float64


def test_batch_statistics_in_train_mode_leave_running_stats_untouched():
    sn.manual_seed(2)
    model = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2))
    bn = model[1]
    mean, var, count = bn.running_mean.data, bn.running_var.data, bn.num_batches_tracked.data
    saved = mean.copy(), var.copy(), count.copy()
    e = sn.explain(model, X, Y, nn.MSELoss())
    assert isinstance(e.loss.value, float)
    assert bn.running_mean.data is mean and bn.running_var.data is var
    assert bn.num_batches_tracked.data is count
    for now, then in zip((mean, var, count), saved):
        assert now.dtype == then.dtype
        np.testing.assert_array_equal(now, then)
    model(sn.tensor(X))  # a numeric training step still updates them as usual
    assert int(np.asarray(bn.num_batches_tracked.data)) == 1
    assert not np.array_equal(bn.running_mean.data, saved[0])


def test_explain_leaves_the_random_generator_as_it_found_it():
    sn.manual_seed(6)
    model = nn.Sequential(nn.Linear(3, 8), nn.Dropout(0.5), nn.Linear(8, 2))
    e = sn.explain(model, X, Y, nn.MSELoss())
    # the numeric forward right after draws the same dropout mask, so the gradients agree
    nn.MSELoss()(model(sn.tensor(X)), sn.tensor(Y)).backward()
    for name, p in model.named_parameters():
        np.testing.assert_allclose(e.grads[name], p.grad.data, rtol=1e-9, atol=1e-12)
    assert np.count_nonzero(e.grads["2.weight"]) < e.grads["2.weight"].size  # masks dropped


def test_derivation_of_one_weight_has_text_latex_and_the_gradient():
    e = sn.explain(mlp(), X, Y, nn.MSELoss())
    d = e.derivation("0.weight", (2, 1))
    assert d.wrt is e.leaf("0.weight", (2, 1))
    assert "W^(1)_2,1" in str(d)
    assert "W^{(1)}_{2,1}" in d.to_latex()
    assert d.numeric_gradients[d.wrt] == pytest.approx(e.grads["0.weight"][2, 1], rel=1e-12)
    assert len(d.steps) > 0
    assert all(step.product_value is not None for step in d.steps)


def test_layer_outputs_are_named_so_derivations_read_like_a_textbook():
    e = sn.explain(net_221(), np.array([[0.5, -1.0]]), np.array([[1.0]]), nn.MSELoss(),
                   symbolic=True)
    assert [node.name for node in e.output.reshape(-1)] == ["a^(2)_0"]
    text = str(e.derivation("0.weight", (1, 0)))
    for name in ("a^(2)_0", "z^(2)_0", "a^(1)_1", "z^(1)_1"):
        assert f"∂L/∂{name} =" in text
    assert "W^(2)_0,1" in text  # the weight that carries dL/da^(1)_1 back


def test_layer_output_names_carry_the_call_count_and_are_removed_afterwards():
    sn.manual_seed(5)
    shared = nn.Linear(2, 2)
    model = nn.Sequential(shared, nn.Tanh(), shared)
    e = sn.explain(model, np.array([[0.5, -1.0]]), np.array([[0.0, 1.0]]), nn.MSELoss())
    assert [node.name for node in e.output.reshape(-1)] == ["z^(1, call 2)_0", "z^(1, call 2)_1"]
    assert all("forward" not in vars(m) for m in model.modules())


def test_derivative_equals_the_numeric_gradient_at_the_leaf_values():
    e = sn.explain(mlp(), X, Y, nn.MSELoss())
    values = {symbol(leaf.name): leaf.value
              for arr in e.leaves.values() for leaf in arr.reshape(-1)}
    d = e.derivative("2.weight", (1, 3))
    assert float(d.subs(values)) == pytest.approx(e.grads["2.weight"][1, 3], rel=1e-10)


def test_expr_evaluates_to_the_loss():
    e = sn.explain(mlp(), X, Y, nn.MSELoss())
    values = {symbol(leaf.name): leaf.value
              for arr in e.leaves.values() for leaf in arr.reshape(-1)}
    assert e.expr.free_symbols == set(values)
    assert float(e.expr.subs(values)) == pytest.approx(e.loss.value, rel=1e-12)


def textbook_221():
    """The 2-2-1 sigmoid network's output, squared error and dL/dW^(1)_0,0 written by hand."""
    W0 = [[symbol(f"W^(1)_{j},{i}") for i in range(2)] for j in range(2)]
    b0 = [symbol(f"b^(1)_{j}") for j in range(2)]
    W2 = [symbol(f"W^(2)_0,{j}") for j in range(2)]
    b2 = symbol("b^(2)_0")
    x = [symbol("x_0"), symbol("x_1")]
    y = symbol("y_0")
    h = [sigmoid(W0[j][0] * x[0] + W0[j][1] * x[1] + b0[j]) for j in range(2)]
    y_hat = sigmoid(W2[0] * h[0] + W2[1] * h[1] + b2)
    loss = (y_hat - y) ** 2
    dloss_dw = 2 * (y_hat - y) * y_hat * (1 - y_hat) * W2[0] * h[0] * (1 - h[0]) * x[0]
    return y_hat, loss, dloss_dw


def net_221():
    sn.manual_seed(3)
    return nn.Sequential(nn.Linear(2, 2), nn.Sigmoid(), nn.Linear(2, 1), nn.Sigmoid())


def test_symbolic_inputs_give_the_textbook_formula_of_a_2_2_1_network():
    e = sn.explain(net_221(), np.array([[0.5, -1.0]]), np.array([[1.0]]), nn.MSELoss(),
                   symbolic=True)
    y_hat, loss, dloss_dw = textbook_221()
    assert sympy.simplify(e.output.reshape(-1)[0].expr - y_hat) == 0
    assert sympy.simplify(e.expr - loss) == 0
    assert sympy.simplify(e.derivative("0.weight", (0, 0)) - dloss_dw) == 0
    names = {s.name for s in e.expr.free_symbols}
    assert {"x_0", "x_1", "y_0", "W^(1)_1,1", "b^(2)_0"} <= names


def test_symbolic_inputs_keep_their_values_so_grads_are_unchanged():
    x, y = np.array([[0.5, -1.0]]), np.array([[1.0]])
    numeric = sn.explain(net_221(), x, y, nn.MSELoss())
    symbolic = sn.explain(net_221(), x, y, nn.MSELoss(), symbolic=True)
    assert symbolic.loss.value == pytest.approx(numeric.loss.value, rel=1e-15)
    for name in numeric.grads:
        np.testing.assert_allclose(symbolic.grads[name], numeric.grads[name], rtol=1e-14)
    assert [leaf.name for leaf in symbolic.inputs.reshape(-1)] == ["x_0", "x_1"]


def test_tensors_and_arrays_are_accepted_alike():
    a = sn.explain(mlp(), X, Y, nn.MSELoss())
    b = sn.explain(mlp(), sn.tensor(X), sn.tensor(Y), nn.MSELoss())
    for name in a.grads:
        np.testing.assert_array_equal(a.grads[name], b.grads[name])


def test_a_float32_model_is_explained_in_double_precision():
    sn.set_default_dtype(np.float32)
    model32 = mlp()
    sn.set_default_dtype(np.float64)
    model64 = mlp()
    model64.load_state_dict({k: np.asarray(v.data if hasattr(v, "data") else v,
                                           dtype=np.float64)
                             for k, v in model32.state_dict().items()})
    e = sn.explain(model32, X.astype(np.float32), Y.astype(np.float32), nn.MSELoss())
    x64, y64 = X.astype(np.float32).astype(np.float64), Y.astype(np.float32).astype(np.float64)
    nn.MSELoss()(model64(sn.tensor(x64)), sn.tensor(y64)).backward()
    for name, p in model64.named_parameters():
        np.testing.assert_allclose(e.grads[name], p.grad.data, rtol=1e-9, atol=1e-12)
    assert all(p.data.dtype == np.float32 for p in model32.parameters())


def test_unknown_parameter_and_bad_index_are_named():
    e = sn.explain(mlp(), X, Y, nn.MSELoss())
    with pytest.raises(KeyError, match="no parameter named '5.weight'.*0.weight, 0.bias"):
        e.derivation("5.weight", (0, 0))
    with pytest.raises(IndexError, match=r"0.weight has shape \(4, 3\); index \(4, 0\)"):
        e.leaf("0.weight", (4, 0))


def test_a_loss_that_is_not_one_number_is_refused():
    with pytest.raises(ValueError, match="reduction='mean' or 'sum'"):
        sn.explain(mlp(), X, Y, nn.MSELoss(reduction="none"))


def test_a_model_without_parameters_is_refused():
    with pytest.raises(ValueError, match="Tanh has no parameters"):
        sn.explain(nn.Tanh(), X, X, nn.MSELoss())


def _sweep_models():
    sn.manual_seed(2)
    return [
        (nn.Sequential(nn.Linear(2, 2), nn.Sigmoid(), nn.Linear(2, 1), nn.Sigmoid()),
         np.array([[0.8, -0.3]]), np.array([[0.3]]), nn.MSELoss()),
        (nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Dropout(0.0), nn.Linear(3, 1)),
         np.array([[0.8, 0.5]]), np.array([[1.0]]), nn.BCEWithLogitsLoss()),
        (nn.Sequential(nn.Linear(3, 3), nn.Tanh(), nn.Linear(3, 3)),
         np.array([[0.2, -0.7, 1.1]]), np.array([2]), nn.CrossEntropyLoss()),
        (nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2), nn.ReLU(), nn.Linear(2, 1)).eval(),
         np.array([[0.8, -0.3]]), np.array([[0.3]]), nn.L1Loss()),
    ]


@pytest.mark.parametrize("case", range(4))
def test_no_derivation_of_a_model_has_a_degenerate_step_and_inputs_read_as_given(
    case, assert_no_degenerate_step
):
    model, x, target, loss_fn = _sweep_models()[case]
    e = sn.explain(model, x, target, loss_fn)
    for name, arr in e.leaves.items():
        d = e.derivation(name, (0,) * arr.ndim)
        assert_no_degenerate_step(d)
        text = str(d)
        assert "4/5" not in text and "3/10" not in text  # 0.8 and 0.3 as given
    if case in (0, 3):
        assert "0.8·W^(1)_0,0" in str(e.derivation("0.weight", (0, 0)))
