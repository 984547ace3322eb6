"""Dropout: inverted dropout in training mode, the identity in evaluation mode."""

from __future__ import annotations

from symnn.nn import functional as F
from symnn.nn.module import Module
from symnn.tensor import Tensor


class Dropout(Module):
    """Zero each element with probability p and scale survivors by 1/(1-p) while training.

    The masks are drawn from symnn's generator, so ``sn.manual_seed`` makes them repeatable.
    """

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.dropout(input, self.p, self.training)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"
