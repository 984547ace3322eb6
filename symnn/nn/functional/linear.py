"""Linear maps and what surrounds them in a network: dropout and flattening."""

from __future__ import annotations

import numpy as np

from symnn.nn.functional._values import _constant
from symnn.tensor import Tensor


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """y = x Wᵀ + b, with W of shape (out_features, in_features)."""
    if input.shape[-1:] != weight.shape[-1:]:
        raise ValueError(
            f"linear expected input (..., {weight.shape[-1]}), got {tuple(input.shape)}"
        )
    out = input @ weight.T
    return out if bias is None else out + bias


def dropout(input: Tensor, p: float = 0.5, training: bool = True) -> Tensor:
    """Inverted dropout: keep each element with probability 1-p and scale it by 1/(1-p), so
    the expected output equals the input and evaluation needs no rescaling."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    from symnn.tensor.random import generator

    keep = generator().random(input.shape) < 1.0 - p
    scale = keep / (1.0 - p) if p < 1.0 else np.zeros(input.shape)
    return input * _constant(scale, input)


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    return input.flatten(start_dim, end_dim)
