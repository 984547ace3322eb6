"""Adadelta: step sizes from the ratio of running RMS of updates and of gradients."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from symnn.optim.optimizer import FormulaLine, Optimizer, gradient_line

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    r"""Adadelta (Zeiler, 2012), exactly as ``torch.optim.Adadelta``.

    For each parameter θ at step t (v_0 = u_0 = 0)::

        g_t = ∇θL + λ·θ_{t-1}                        (weight_decay λ; negated if maximize)
        v_t = ρ·v_{t-1} + (1 − ρ)·g_t²
        Δ_t = √(u_{t-1} + ε) / √(v_t + ε) · g_t      (ε inside both square roots)
        u_t = ρ·u_{t-1} + (1 − ρ)·Δ_t²
        θ_t = θ_{t-1} − lr·Δ_t

    Defaults: lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.
    """

    def __init__(self, params: Iterable[Any], lr: float = 1.0, rho: float = 0.9,
                 eps: float = 1e-6, weight_decay: float = 0, *, maximize: bool = False,
                 record: bool = False) -> None:
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize)
        super().__init__(params, defaults, record=record)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One Adadelta update of every parameter that has a gradient."""
        loss = self._evaluate(closure)
        for group, p, grad in self._params_with_grad():
            lr, rho = float(group["lr"]), float(group["rho"])
            eps, wd = float(group["eps"]), float(group["weight_decay"])
            state = self.state[p]
            if not state:
                state["step"] = 0
                state["square_avg"] = np.zeros_like(p.data)
                state["acc_delta"] = np.zeros_like(p.data)
            before = self._snapshot(p, state)

            state["step"] += 1
            g = -grad if group["maximize"] else grad
            if wd != 0:
                g = g + wd * p.data
            v, u = state["square_avg"], state["acc_delta"]
            v *= rho
            v += (1 - rho) * (g * g)
            delta = np.sqrt(u + eps) / np.sqrt(v + eps) * g
            u *= rho
            u += (1 - rho) * (delta * delta)
            p.data -= lr * delta

            if before is not None:
                self._record(
                    p, self._formula(group), step=state["step"], lr=lr, rho=rho, eps=eps,
                    weight_decay=wd, grad=grad.copy(), g=g.copy(),
                    square_avg_prev=before["square_avg"], square_avg=v.copy(),
                    acc_delta_prev=before["acc_delta"], delta=delta, acc_delta=u.copy(),
                    param_prev=before["param"], param=p.data.copy(),
                )
        return loss

    @staticmethod
    def _formula(group: dict[str, Any]) -> tuple[FormulaLine, ...]:
        return gradient_line(group["maximize"], group["weight_decay"]) + (
            FormulaLine("square_avg", "rho*square_avg_prev + (1-rho)*g^2", "v_t",
                        "\\rho v_{t-1} + (1-\\rho) g_t^2",
                        "{rho} \\cdot {square_avg_prev} + (1-{rho}) \\cdot {g}^2"),
            FormulaLine("delta", "sqrt(acc_delta_prev + eps)/sqrt(square_avg + eps) * g",
                        "\\Delta_t", "\\frac{\\sqrt{u_{t-1}+\\epsilon}}{\\sqrt{v_t+\\epsilon}} g_t",
                        "\\frac{{\\sqrt{{{acc_delta_prev}+{eps}}}}}"
                        "{{\\sqrt{{{square_avg}+{eps}}}}} \\cdot {g}"),
            FormulaLine("acc_delta", "rho*acc_delta_prev + (1-rho)*delta^2", "u_t",
                        "\\rho u_{t-1} + (1-\\rho) \\Delta_t^2",
                        "{rho} \\cdot {acc_delta_prev} + (1-{rho}) \\cdot {delta}^2"),
            FormulaLine("param", "param_prev - lr*delta", "\\theta_t",
                        "\\theta_{t-1} - \\eta \\Delta_t", "{param_prev} - {lr} \\cdot {delta}"),
        )
