"""The stepper's preset graphs, built with sn.Scalar so every intermediate has a textbook name.

Each preset is a model definition (like a learner's script), not a computation: the values
come from the leaves the learner edits, every number from the scalar engine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Preset:
    """A named graph builder with its default leaf values and the same graph as typed text
    (what the ``f =`` field shows, so a preset can be edited)."""

    title: str
    values: dict[str, float]
    build: Callable[[dict[str, float]], object]
    text: str


def _leaves(values: dict[str, float]) -> dict:
    import symnn as sn

    return {name: sn.Scalar(value, name=name) for name, value in values.items()}


def perceptron(values: dict[str, float]):
    """A perceptron with MSE on one sample: L = (sigmoid(w*x + b) - y)^2."""
    v = _leaves(values)
    z = (v["w"] * v["x"] + v["b"]).named("z")
    yhat = z.sigmoid().named("yhat")
    return ((yhat - v["y"]) ** 2).named("L")


def xor_mlp(values: dict[str, float]):
    """A 2-2-1 sigmoid MLP with squared error on one XOR sample."""
    v = _leaves(values)
    z1 = (v["w11"] * v["x1"] + v["w12"] * v["x2"] + v["b1"]).named("z1")
    z2 = (v["w21"] * v["x1"] + v["w22"] * v["x2"] + v["b2"]).named("z2")
    h1 = z1.sigmoid().named("h1")
    h2 = z2.sigmoid().named("h2")
    yhat = (v["v1"] * h1 + v["v2"] * h2 + v["c"]).sigmoid().named("yhat")
    return ((yhat - v["y"]) ** 2).named("L")


def softmax_cross_entropy(values: dict[str, float]):
    """Softmax over three logits with cross-entropy for target class 1: L = -log p1."""
    v = _leaves(values)
    e1 = v["z1"].exp().named("e1")
    e2 = v["z2"].exp().named("e2")
    e3 = v["z3"].exp().named("e3")
    total = (e1 + e2 + e3).named("S")
    p1 = (e1 / total).named("p1")
    return (-p1.log()).named("L")


PRESETS: tuple[Preset, ...] = (
    Preset("Perceptron sigmoid(w*x + b) with MSE",
           {"x": 2.0, "w": -3.0, "b": 1.0, "y": 1.0}, perceptron,
           "(sigmoid(w*x + b) - y)^2"),
    Preset("2-2-1 MLP on one XOR sample",
           {"x1": 1.0, "x2": 0.0, "w11": 0.5, "w12": -0.4, "b1": 0.1, "w21": -0.3,
            "w22": 0.8, "b2": -0.2, "v1": 1.2, "v2": -0.7, "c": 0.05, "y": 1.0}, xor_mlp,
           "(sigmoid(v1*sigmoid(w11*x1 + w12*x2 + b1) + v2*sigmoid(w21*x1 + w22*x2 + b2) + c)"
           " - y)^2"),
    Preset("Softmax with cross-entropy (target class 1)",
           {"z1": 2.0, "z2": 1.0, "z3": 0.1}, softmax_cross_entropy,
           "-log(exp(z1)/(exp(z1) + exp(z2) + exp(z3)))"),
)
