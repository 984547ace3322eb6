"""A scalar graph written as parser text builds the same graph again: the same op at every
node, in the same order, with the same values (what the stepper's f = field shows for a
weight sent from the network view)."""

from __future__ import annotations

import math

import pytest

import symnn as sn
from symnn.scalar import forward_order
from tui.screens.backprop_presets import PRESETS
from tui.typed_text import NotTypeable, typeable_name, typed_text


def _ops(output) -> list[tuple[str, tuple]]:
    return [(node.op.name, tuple(node.arg)) for node in forward_order(output)]


def _rebuilt(output):
    text, values, _ = typed_text(output)
    return text, sn.graph(text, **values)


@pytest.mark.parametrize("expr", [
    "a - (b - c)", "a - b - c", "a/(b*c)", "a/b*c", "(a*b)/c", "-(a^2)", "(-a)^2",
    "a^(-1)", "x^-0.5 + 1", "a^b^c", "(a^b)^c", "-(a + b)*c", "-a*b", "a*-b",
    "leaky_relu(x, 0.2) + elu(x)", "max(a, b, c) - min(a, 2)", "exp(-x)/(1 + exp(-x))",
    "(sigmoid(w*x + b) - y)^2", "log(exp(a) + exp(b)) - a", "sqrt(abs(x))*0.001",
])
def test_typed_text_builds_the_same_ops_in_the_same_order(expr):
    values = {"a": 1.5, "b": -2.0, "c": 0.25, "x": 0.7, "w": -3.0, "y": 1.0}
    graph = sn.graph(expr, **{k: v for k, v in values.items() if k in sn.graph(expr).leaves()})
    text, again = _rebuilt(graph)
    assert _ops(again) == _ops(graph), text
    assert again.value == graph.value or (math.isnan(again.value) and math.isnan(graph.value))


def _shares_a_node(output) -> bool:
    uses = [id(p) for node in forward_order(output) for p in node.parents if p.parents]
    return len(uses) != len(set(uses))


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.title)
def test_a_preset_graph_with_named_nodes_is_written_in_its_leaves(preset):
    """The same ops, unless a node is used twice (softmax's exp(z1)): text writes it out
    each time, so only the values and gradients are the same."""
    built = preset.build(dict(preset.values))
    text, again = _rebuilt(built)
    if not _shares_a_node(built):
        assert _ops(again) == _ops(built)
    else:
        assert len(_ops(again)) > len(_ops(built))
    assert again.value == built.value
    again.backward()
    built.backward()
    for name, leaf in built.leaves().items():  # a shared node's paths add in another order
        assert again.leaves()[name].grad == pytest.approx(leaf.grad, rel=1e-14, abs=1e-16)


def test_names_the_parser_cannot_read_are_spelt_with_letters_digits_and_underscores():
    assert typeable_name("W^(1)_0,1") == "W1_0_1"
    assert typeable_name("b^(2)_0") == "b2_0"
    assert typeable_name("yhat") == "yhat"
    assert typeable_name("1x") == "v1x"
    w = sn.Scalar(0.5, name="W^(1)_0,1")
    e = sn.Scalar(2.0, name="e")  # the parser reads e as Euler's number
    exp = sn.Scalar(3.0, name="exp")  # and exp as the function
    twin = sn.Scalar(1.0, name="W1_0_1")  # the spelling of W^(1)_0,1 taken by another leaf
    text, values, names = typed_text(w * e + exp - twin)
    assert names == {w: "W1_0_1", e: "e_2", exp: "exp_2", twin: "W1_0_1_2"}
    assert text == "W1_0_1*e_2 + exp_2 - W1_0_1_2"
    assert sn.graph(text, **values).value == pytest.approx(0.5 * 2 + 3 - 1)


def test_leaves_without_a_value_stay_symbolic_and_negative_constants_keep_their_sign():
    x = sn.Scalar(name="x")
    text, values, _ = typed_text(x * -2.5 + 1e-05)
    assert values == {} and text == "x*(-2.5) + 1e-05"
    assert sn.graph(text).leaves()["x"].value is None


def test_an_infinite_constant_cannot_be_typed():
    with pytest.raises(NotTypeable, match="inf"):
        typed_text(sn.Scalar(1.0, name="x") * math.inf)


def test_a_network_loss_with_shared_nodes_is_written_out_as_a_tree_with_the_same_value():
    from tui.screens.network import PRESETS as NETWORKS

    model, x, target, loss_fn = NETWORKS[1].build()  # cross-entropy: shared logits
    loss = sn.explain(model, x, target, loss_fn).loss
    text, again = _rebuilt(loss)
    assert again.value == pytest.approx(loss.value, rel=1e-15)
    assert len(text) < 2000  # what the parser reads
