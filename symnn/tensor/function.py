"""``Function``: a custom operation with a hand-written backward, as ``torch.autograd.Function``.

    class Cube(sn.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return sn.tensor(x.data ** 3)

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * 3 * x ** 2

    y = Cube.apply(x)

``forward`` runs without recording; ``backward`` returns one gradient (Tensor, ndarray or
None) per forward argument.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import grad_mode
from .core import _OBJECT, _grad_enabled, Tensor, _leaf, _make


class FunctionCtx:
    """The ``ctx`` passed to forward and backward: save tensors and any other attributes."""

    saved_tensors: tuple = ()
    needs_input_grad: tuple = ()

    def save_for_backward(self, *tensors: Any) -> None:
        """Keep tensors (or None) for backward; read them back from ``ctx.saved_tensors``."""
        self.saved_tensors = tensors


class Function:
    """Base class for custom operations: define static ``forward`` and ``backward``."""

    @staticmethod
    def forward(ctx: FunctionCtx, *args: Any, **kwargs: Any) -> Tensor:
        raise NotImplementedError("a Function subclass must define a static forward(ctx, *args)")

    @staticmethod
    def backward(ctx: FunctionCtx, *grad_outputs: Any) -> Any:
        raise NotImplementedError("a Function subclass must define a static backward(ctx, *grad_outputs)")

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Tensor:
        """Run ``forward`` and, when an input requires grad, record ``backward`` on the tape."""
        ctx = FunctionCtx()
        needs = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        ctx.needs_input_grad = needs
        with grad_mode.no_grad():
            out = cls.forward(ctx, *args, **kwargs)
        if not isinstance(out, Tensor):
            if isinstance(out, np.ndarray):
                out = Tensor(out)
            else:
                raise TypeError(f"{cls.__name__}.forward must return a Tensor, got {type(out).__name__}")
        y = out.data
        if not (_grad_enabled() and any(needs)) or y.dtype is _OBJECT:
            return out if out._vjp is None and not out.requires_grad else _leaf(y)
        shapes = [a.data.shape if isinstance(a, Tensor) else None for a in args]
        dtypes = [a.data.dtype if isinstance(a, Tensor) else None for a in args]
        name = cls.__name__

        def vjp(g):
            with grad_mode.no_grad():
                grads = cls.backward(ctx, _leaf(g))
            if not isinstance(grads, tuple):
                grads = (grads,)
            if len(grads) != len(args):
                raise RuntimeError(
                    f"{name}.backward returned {len(grads)} gradient(s), expected {len(args)} (one per forward argument)"
                )
            out_grads = []
            for i, gr in enumerate(grads):
                if gr is None or not needs[i]:
                    out_grads.append(None)
                    continue
                arr = np.array(gr.data if isinstance(gr, Tensor) else gr, dtype=dtypes[i])
                if arr.shape != shapes[i]:
                    if arr.ndim == 0:
                        arr = np.full(shapes[i], arr, dtype=dtypes[i])
                    else:
                        raise RuntimeError(
                            f"{name}.backward returned a gradient of shape {arr.shape} for argument {i} "
                            f"of shape {shapes[i]}"
                        )
                out_grads.append(arr)
            return tuple(out_grads)

        vjp.__qualname__ = f"{name}.vjp"
        return _make(y, tuple(a if needs[i] else None for i, a in enumerate(args)), vjp)
