"""AdamW: Adam with decoupled weight decay."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from symnn.optim.adam import Adam

__all__ = ["AdamW"]


class AdamW(Adam):
    r"""AdamW (Loshchilov & Hutter, 2019), exactly as ``torch.optim.AdamW``.

    Adam with ``decoupled_weight_decay=True``: before the moment updates, each parameter
    shrinks by the current learning rate times the decay, ``θ ← θ·(1 − lr·λ)``, and the
    gradient itself is left alone (no L2 term in g). Then, as in Adam::

        m_t = β1·m_{t-1} + (1 − β1)·g_t,   v_t = β2·v_{t-1} + (1 − β2)·g_t²
        θ_t = θ_{t-1} − lr · (m_t/(1 − β1^t)) / (√(v_t/(1 − β2^t)) + ε)

    Defaults as PyTorch's: lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01.
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, *,
                 maximize: bool = False, record: bool = False) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize,
                         decoupled_weight_decay=True, record=record)
