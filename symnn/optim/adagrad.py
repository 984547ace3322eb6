"""Adagrad: per-coordinate step sizes shrinking with the sum of squared gradients."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from symnn.optim.optimizer import FormulaLine, Optimizer, gradient_line

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    r"""Adagrad (Duchi et al., 2011), exactly as ``torch.optim.Adagrad``.

    For each parameter θ at step t (starting at 1)::

        g_t   = ∇θL + λ·θ_{t-1}                      (weight_decay λ; negated if maximize)
        clr_t = lr / (1 + (t − 1)·lr_decay)
        s_t   = s_{t-1} + g_t²                       (s_0 = initial_accumulator_value)
        θ_t   = θ_{t-1} − clr_t · g_t / (√s_t + ε)

    Defaults: lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10.
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-2, lr_decay: float = 0,
                 weight_decay: float = 0, initial_accumulator_value: float = 0,
                 eps: float = 1e-10, *, maximize: bool = False, record: bool = False) -> None:
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= initial_accumulator_value:
            raise ValueError(
                f"Invalid initial_accumulator_value value: {initial_accumulator_value}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value,
                        maximize=maximize)
        super().__init__(params, defaults, record=record)

    def _init_state(self, p: Any, group: dict[str, Any]) -> None:
        state = self.state[p]
        if not state:
            state["step"] = 0
            state["sum"] = np.full_like(p.data, group["initial_accumulator_value"])

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group; its parameters get their accumulators at once, as in PyTorch."""
        super().add_param_group(param_group)
        for p in self.param_groups[-1]["params"]:
            self._init_state(p, self.param_groups[-1])

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One Adagrad update of every parameter that has a gradient."""
        loss = self._evaluate(closure)
        for group, p, grad in self._params_with_grad():
            lr, lr_decay = float(group["lr"]), float(group["lr_decay"])
            eps, wd = float(group["eps"]), float(group["weight_decay"])
            state = self.state[p]
            before = self._snapshot(p, state)

            state["step"] += 1
            t = state["step"]
            g = -grad if group["maximize"] else grad
            if wd != 0:
                g = g + wd * p.data
            clr = lr / (1 + (t - 1) * lr_decay)
            s = state["sum"]
            s += g * g
            std = np.sqrt(s) + eps
            p.data -= clr * (g / std)

            if before is not None:
                self._record(
                    p, self._formula(group), step=t, lr=lr, lr_decay=lr_decay, eps=eps,
                    weight_decay=wd, grad=grad.copy(), g=g.copy(), clr=clr,
                    sum_prev=before["sum"], sum=s.copy(), param_prev=before["param"],
                    param=p.data.copy(),
                )
        return loss

    @staticmethod
    def _formula(group: dict[str, Any]) -> tuple[FormulaLine, ...]:
        return gradient_line(group["maximize"], group["weight_decay"]) + (
            FormulaLine("clr", "lr / (1 + (step-1)*lr_decay)", "\\eta_t",
                        "\\frac{\\eta}{1 + (t-1)\\,\\gamma}",
                        "\\frac{{{lr}}}{{1 + ({step}-1) \\cdot {lr_decay}}}"),
            FormulaLine("sum", "sum_prev + g^2", "s_t", "s_{t-1} + g_t^2",
                        "{sum_prev} + {g}^2"),
            FormulaLine("param", "param_prev - clr*g/(sqrt(sum) + eps)", "\\theta_t",
                        "\\theta_{t-1} - \\eta_t \\frac{g_t}{\\sqrt{s_t} + \\epsilon}",
                        "{param_prev} - {clr} \\cdot \\frac{{{g}}}{{\\sqrt{{{sum}}} + {eps}}}"),
        )
