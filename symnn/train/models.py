"""Standard small architectures used by the lessons and ``symnn train``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from symnn.nn import Module, Sequential

__all__ = ["mlp", "small_cnn", "ACTIVATIONS", "ACTIVATION_CHOICES"]

#: the four classic activations (the vanishing-gradient lesson compares them)
ACTIVATIONS = ("relu", "leaky_relu", "tanh", "sigmoid")
#: every activation ``activation(name)`` builds: the classic four and the smooth ones
ACTIVATION_CHOICES = (*ACTIVATIONS, "elu", "gelu", "silu", "softplus")


def activation(name: str) -> Module:
    """An activation module by name (one of ``ACTIVATION_CHOICES``), with PyTorch's defaults."""
    from symnn import nn

    table = {"relu": nn.ReLU, "leaky_relu": nn.LeakyReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid,
             "elu": nn.ELU, "gelu": nn.GELU, "silu": nn.SiLU, "softplus": nn.Softplus}
    if name not in table:
        raise ValueError(f"unknown activation {name!r}; choose one of: {', '.join(table)}")
    return table[name]()


def mlp(sizes: Sequence[int], activation_name: str = "relu", batchnorm: bool = False,
        dropout: float = 0.0) -> Sequential:
    """A multilayer perceptron: Linear -> [BatchNorm1d] -> activation -> [Dropout] for each
    hidden layer (the usual order weight -> BN -> activation), and a final Linear (logits).

    ``sizes`` lists the layer widths, input first: ``mlp([2, 16, 2])`` has one hidden layer.
    """
    from symnn import nn

    if len(sizes) < 2:
        raise ValueError(f"sizes needs at least an input and an output width, got {list(sizes)}")
    layers = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(a, b))
        if i < len(sizes) - 2:
            if batchnorm:
                layers.append(nn.BatchNorm1d(b))
            layers.append(activation(activation_name))
            if dropout > 0:
                layers.append(nn.Dropout(dropout))
    return nn.Sequential(*layers)


def small_cnn(in_channels: int = 1, n_classes: int = 10, image_size: int = 8,
              channels: tuple[int, int] = (32, 64), batchnorm: bool = False,
              dropout: float = 0.0) -> Sequential:
    """conv 3x3 (padding 1) -> [BN] -> ReLU -> max-pool 2, twice, then Flatten -> [Dropout]
    -> Linear. For 8x8 digits: 8x8 -> 4x4 -> 2x2, so the classifier sees 64 * 2 * 2 = 256
    features (about 25,000 parameters in all)."""
    from symnn import nn

    c1, c2 = channels
    side = image_size // 4
    if side < 1:
        raise ValueError(f"image_size must be >= 4 for two 2x2 poolings, got {image_size}")
    layers = [nn.Conv2d(in_channels, c1, 3, padding=1)]
    if batchnorm:
        layers.append(nn.BatchNorm2d(c1))
    layers += [nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(c1, c2, 3, padding=1)]
    if batchnorm:
        layers.append(nn.BatchNorm2d(c2))
    layers += [nn.ReLU(), nn.MaxPool2d(2), nn.Flatten()]
    if dropout > 0:
        layers.append(nn.Dropout(dropout))
    layers.append(nn.Linear(c2 * side * side, n_classes))
    return nn.Sequential(*layers)
