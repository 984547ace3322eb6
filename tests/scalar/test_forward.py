"""symnn.scalar.forward: the forward pass in the order a learner reads the expression."""

from __future__ import annotations

import symnn as sn
from symnn.scalar.forward import forward_order, reading_order


def _xor_loss():
    v = {name: sn.Scalar(value, name=name) for name, value in
         {"x1": 1.0, "x2": 0.0, "w11": 0.5, "w12": -0.4, "b1": 0.1, "w21": -0.3,
          "w22": 0.8, "b2": -0.2, "v1": 1.2, "v2": -0.7, "c": 0.05, "y": 1.0}.items()}
    h1 = (v["w11"] * v["x1"] + v["w12"] * v["x2"] + v["b1"]).named("z1").sigmoid().named("h1")
    h2 = (v["w21"] * v["x1"] + v["w22"] * v["x2"] + v["b2"]).named("z2").sigmoid().named("h2")
    yhat = (v["v1"] * h1 + v["v2"] * h2 + v["c"]).sigmoid().named("yhat")
    return ((yhat - v["y"]) ** 2).named("L")


def test_forward_order_puts_each_node_after_its_inputs_left_branch_first():
    order = forward_order(_xor_loss())
    position = {node: i for i, node in enumerate(order)}
    for node in order:
        assert node.parents and all(position[p] < position[node] for p in node.parents
                                    if p.parents)
    assert [node.name for node in order if node.name] == ["z1", "h1", "z2", "h2", "yhat", "L"]


def test_forward_order_lists_a_shared_node_once_and_no_leaves():
    x = sn.Scalar(2.0, name="x")
    s = (x * 3).named("s")
    out = s * s + s
    assert forward_order(out) == [s, out.parents[0], out]


def test_reading_order_follows_the_expression_left_to_right():
    names = [name for name, _ in reading_order(_xor_loss())]
    assert names == ["v1", "w11", "x1", "w12", "x2", "b1", "v2", "w21", "w22", "b2", "c", "y"]


def test_a_deep_chain_walks_without_recursion():
    node = sn.Scalar(0.5, name="x")
    for _ in range(20_000):
        node = node * 1.0
    assert len(forward_order(node)) == 20_000 and [n for n, _ in reading_order(node)] == ["x"]
