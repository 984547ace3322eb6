"""Stochastic gradient descent with momentum, dampening, Nesterov momentum and weight decay."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from symnn.optim.optimizer import FormulaLine, Optimizer, gradient_line

__all__ = ["SGD"]


class SGD(Optimizer):
    r"""Stochastic gradient descent, exactly as ``torch.optim.SGD``.

    For each parameter θ with gradient ∇θL, at step t::

        g_t = ∇θL + λ·θ_{t-1}                       (weight_decay λ; g negated if maximize)
        b_1 = g_1                                   (first step: the buffer is a copy of g)
        b_t = μ·b_{t-1} + (1 − τ)·g_t               (momentum μ, dampening τ)
        d_t = g_t + μ·b_t  if nesterov  else  b_t   (d_t = g_t when μ = 0)
        θ_t = θ_{t-1} − lr·d_t

    Defaults: lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False. Nesterov
    needs momentum > 0 and dampening = 0.
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-3, momentum: float = 0,
                 dampening: float = 0, weight_decay: float = 0, nesterov: bool = False, *,
                 maximize: bool = False, record: bool = False) -> None:
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening,
                        weight_decay=weight_decay, nesterov=nesterov, maximize=maximize)
        super().__init__(params, defaults, record=record)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One SGD update of every parameter that has a gradient."""
        loss = self._evaluate(closure)
        for group, p, grad in self._params_with_grad():
            lr, mu = float(group["lr"]), float(group["momentum"])
            tau, wd = float(group["dampening"]), float(group["weight_decay"])
            state = self.state[p] if mu != 0 else None
            before = self._snapshot(p, state or {})

            g = -grad if group["maximize"] else grad
            if wd != 0:
                g = g + wd * p.data
            d = g
            if mu != 0:
                buf = state.get("momentum_buffer")
                if buf is None:
                    buf = state["momentum_buffer"] = g.copy()
                else:
                    buf *= mu
                    buf += (1 - tau) * g
                d = g + mu * buf if group["nesterov"] else buf
            p.data -= lr * d

            if before is not None:
                first = "momentum_buffer" not in before
                self._record(
                    p, self._formula(group, first), lr=lr, momentum=mu,
                    dampening=tau, weight_decay=wd, grad=grad.copy(), g=g.copy(),
                    buf_prev=before.get("momentum_buffer", 0.0),
                    buf=state["momentum_buffer"].copy() if mu != 0 else 0.0,
                    d=d.copy(), param_prev=before["param"], param=p.data.copy(),
                )
        return loss

    @staticmethod
    def _formula(group: dict[str, Any], first: bool) -> tuple[FormulaLine, ...]:
        lines = gradient_line(group["maximize"], group["weight_decay"])
        if group["momentum"] != 0:
            if first:
                lines += (FormulaLine("buf", "g", "b_t", "g_t", "{g}"),)
            else:
                lines += (FormulaLine(
                    "buf", "momentum*buf_prev + (1-dampening)*g", "b_t",
                    "\\mu b_{t-1} + (1-\\tau) g_t",
                    "{momentum} \\cdot {buf_prev} + (1-{dampening}) \\cdot {g}"),)
            if group["nesterov"]:
                lines += (FormulaLine("d", "g + momentum*buf", "d_t", "g_t + \\mu b_t",
                                      "{g} + {momentum} \\cdot {buf}"),)
            else:
                lines += (FormulaLine("d", "buf", "d_t", "b_t", "{buf}"),)
        else:
            lines += (FormulaLine("d", "g", "d_t", "g_t", "{g}"),)
        return lines + (FormulaLine("param", "param_prev - lr*d", "\\theta_t",
                                    "\\theta_{t-1} - \\eta\\, d_t",
                                    "{param_prev} - {lr} \\cdot {d}"),)
