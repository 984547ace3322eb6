"""Three-way gradient check of a model: NumPy backward, scalar engine, finite differences.

The NumPy backend's ``backward()`` and the scalar engine (through ``sn.explain``) compute the
same chain rule in two independent ways; central differences of the loss check both against
the definition of the derivative. All three run in float64 on a temporary float64 copy of the
parameters, with the random generator reset before every forward so dropout masks agree.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np

from symnn.explain import BufferSnapshot

if TYPE_CHECKING:
    from symnn.nn import Module

__all__ = ["assert_grads_match"]

#: how many disagreeing elements the failure message lists
MAX_LISTED = 12


@contextmanager
def _float64_model(model: Module) -> Iterator[BufferSnapshot]:
    """Parameters and float buffers in float64 for the duration; the originals put back.

    Yields a snapshot of the float64 buffers, to rewind them before each evaluation.
    """
    params = [(p, p.data) for p in model.parameters()]
    originals = BufferSnapshot(model)
    try:
        for p, data in params:
            p.data = np.array(data, dtype=np.float64)
        for tensor in originals.tensors():
            if np.issubdtype(tensor.data.dtype, np.floating):
                tensor.data = np.array(tensor.data, dtype=np.float64)
        yield BufferSnapshot(model)
    finally:
        for p, data in params:
            p.data = data
        originals.restore()


class _Rewind:
    """Puts the random generator and the model's buffers back before each evaluation, so that
    every forward sees the same dropout masks and the same running statistics."""

    def __init__(self, buffers: BufferSnapshot) -> None:
        from symnn.tensor import random

        self._gen = random.generator()
        self._state = self._gen.bit_generator.state
        self._buffers = buffers

    def __call__(self) -> None:
        self._gen.bit_generator.state = self._state
        self._buffers.restore()


def _numpy_grads(model, x, target, loss_fn) -> dict[str, np.ndarray]:
    from symnn.tensor import Tensor

    saved = {name: p.grad for name, p in model.named_parameters()}
    for p in model.parameters():
        p.grad = None
    try:
        loss = loss_fn(model(x), target)
        loss.backward()
        grads = {}
        for name, p in model.named_parameters():
            g = p.grad.data if isinstance(p.grad, Tensor) else p.grad
            grads[name] = np.zeros(p.shape) if g is None else np.array(g, dtype=np.float64)
        return grads
    finally:
        for name, p in model.named_parameters():
            p.grad = saved[name]


def _numeric_grads(model, x, target, loss_fn, eps, rewind) -> dict[str, np.ndarray]:
    from symnn.tensor import no_grad

    def loss_value() -> float:
        rewind()
        return float(np.asarray(loss_fn(model(x), target).data))

    grads = {}
    with no_grad():
        for name, p in model.named_parameters():
            g = np.zeros(p.shape)
            data = p.data
            for idx in np.ndindex(*data.shape):
                original = data[idx]
                data[idx] = original + eps
                plus = loss_value()
                data[idx] = original - eps
                minus = loss_value()
                data[idx] = original
                g[idx] = (plus - minus) / (2.0 * eps)
            grads[name] = g
    return grads


def assert_grads_match(
    model: Module,
    x: Any,
    target: Any,
    loss_fn: Any,
    *,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    eps: float = 1e-6,
    engine_tol: float = 1e-9,
) -> None:
    """Assert that three computations of d loss / d parameter agree for every parameter that
    requires grad (frozen ones get no gradient from backward and are skipped).

    The NumPy backward and the scalar engine must agree to ``engine_tol`` (relative to the
    gradient's scale, both exact up to rounding); finite differences (central, step ``eps``)
    must agree with the NumPy backward to ``atol + rtol * |numeric|``. Raises AssertionError
    with a table of the disagreeing elements (parameter, index, the three values).
    """
    from symnn.explain import explain
    from symnn.tensor import Tensor, tensor

    x = tensor(x.data if isinstance(x, Tensor) else x, dtype=np.float64)
    t = np.asarray(target.data if isinstance(target, Tensor) else target)
    target = tensor(t, dtype=np.float64 if np.issubdtype(t.dtype, np.floating) else t.dtype)
    with _float64_model(model) as buffers:
        rewind = _Rewind(buffers)
        try:
            rewind()
            backend = _numpy_grads(model, x, target, loss_fn)
            rewind()
            scalar = explain(model, x, target, loss_fn).grads
            numeric = _numeric_grads(model, x, target, loss_fn, eps, rewind)
        finally:
            rewind()

    trainable = {name for name, p in model.named_parameters() if p.requires_grad}
    rows = []
    for name, b in backend.items():
        if name not in trainable:  # frozen: backward leaves no gradient to compare
            continue
        s, n = scalar[name], numeric[name]
        scale = max(1.0, float(np.max(np.abs(b), initial=0.0)))
        engines_differ = ~(np.abs(b - s) <= engine_tol * scale)
        fd_differs = ~(np.abs(b - n) <= atol + rtol * np.abs(n))
        for idx in zip(*np.nonzero(engines_differ | fd_differs)):
            idx = tuple(int(i) for i in idx)
            which = " and ".join(
                label
                for label, bad in (
                    ("backward != scalar engine", engines_differ[idx]),
                    ("backward != finite difference", fd_differs[idx]),
                )
                if bad
            )
            badness = abs(b[idx] - s[idx]) + abs(b[idx] - n[idx])
            if badness != badness:  # NaN is the worst (and would leave the sort unordered)
                badness = math.inf
            rows.append((badness, name, idx, b[idx], s[idx], n[idx], which))
    if not rows:
        return
    rows.sort(key=lambda r: -r[0])
    total = sum(a.size for name, a in backend.items() if name in trainable)
    lines = [
        f"gradients of {type(model).__name__} disagree at {len(rows)} of {total} parameter "
        f"elements (engines to {engine_tol:g}; finite differences with eps={eps:g} to "
        f"atol={atol:g} + rtol={rtol:g}*|numeric|); worst first:",
        f"  {'parameter[index]':<24} {'NumPy backward':>16} {'scalar engine':>16} "
        f"{'finite diff':>16}  where",
    ]
    for _, name, idx, b, s, n, which in rows[:MAX_LISTED]:
        label = f"{name}[{', '.join(map(str, idx))}]"
        lines.append(f"  {label:<24} {b:>16.9e} {s:>16.9e} {n:>16.9e}  {which}")
    if len(rows) > MAX_LISTED:
        lines.append(f"  ... and {len(rows) - MAX_LISTED} more")
    raise AssertionError("\n".join(lines))
