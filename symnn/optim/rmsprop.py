"""RMSprop: divide the gradient by a running root mean square of recent gradients."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from symnn.optim.optimizer import FormulaLine, Optimizer, gradient_line

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    r"""RMSprop (Hinton, 2012), exactly as ``torch.optim.RMSprop``.

    For each parameter θ at step t (v_0 = ḡ_0 = b_0 = 0)::

        g_t = ∇θL + λ·θ_{t-1}                      (weight_decay λ; negated if maximize)
        v_t = α·v_{t-1} + (1 − α)·g_t²
        ḡ_t = ḡ_{t-1} + (1 − α)·(g_t − ḡ_{t-1})    (centered only)
        a_t = √(v_t − ḡ_t²) + ε   if centered  else  √v_t + ε     (ε outside the root)
        b_t = μ·b_{t-1} + g_t / a_t;  θ_t = θ_{t-1} − lr·b_t       (momentum μ > 0)
        θ_t = θ_{t-1} − lr·g_t / a_t                               (μ = 0)

    Defaults: lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False.
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-2, alpha: float = 0.99,
                 eps: float = 1e-8, weight_decay: float = 0, momentum: float = 0,
                 centered: bool = False, *, maximize: bool = False,
                 record: bool = False) -> None:
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, maximize=maximize)
        super().__init__(params, defaults, record=record)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One RMSprop update of every parameter that has a gradient."""
        loss = self._evaluate(closure)
        for group, p, grad in self._params_with_grad():
            lr, alpha, eps = float(group["lr"]), float(group["alpha"]), float(group["eps"])
            wd, mu = float(group["weight_decay"]), float(group["momentum"])
            state = self.state[p]
            if not state:
                state["step"] = 0
                state["square_avg"] = np.zeros_like(p.data)
            if group["centered"] and "grad_avg" not in state:
                state["grad_avg"] = np.zeros_like(p.data)
            if mu > 0 and "momentum_buffer" not in state:  # zeros, unlike SGD's first buffer
                state["momentum_buffer"] = np.zeros_like(p.data)
            before = self._snapshot(p, state)

            state["step"] += 1
            g = -grad if group["maximize"] else grad
            if wd != 0:
                g = g + wd * p.data
            v = state["square_avg"]
            v *= alpha
            v += (1 - alpha) * (g * g)
            if group["centered"]:
                g_avg = state["grad_avg"]
                g_avg += (1 - alpha) * (g - g_avg)
                avg = np.sqrt(v - g_avg * g_avg) + eps
            else:
                avg = np.sqrt(v) + eps
            if mu > 0:
                buf = state["momentum_buffer"]
                buf *= mu
                buf += g / avg
                p.data -= lr * buf
            else:
                p.data -= lr * (g / avg)

            if before is not None:
                extra = {}
                if group["centered"]:
                    extra.update(grad_avg_prev=before["grad_avg"], grad_avg=g_avg.copy())
                if mu > 0:
                    extra.update(buf_prev=before["momentum_buffer"], buf=buf.copy())
                self._record(
                    p, self._formula(group), step=state["step"], lr=lr, alpha=alpha, eps=eps,
                    weight_decay=wd, momentum=mu, grad=grad.copy(), g=g.copy(),
                    square_avg_prev=before["square_avg"], square_avg=v.copy(), **extra,
                    avg=avg, param_prev=before["param"], param=p.data.copy(),
                )
        return loss

    @staticmethod
    def _formula(group: dict[str, Any]) -> tuple[FormulaLine, ...]:
        lines = gradient_line(group["maximize"], group["weight_decay"]) + (
            FormulaLine("square_avg", "alpha*square_avg_prev + (1-alpha)*g^2", "v_t",
                        "\\alpha v_{t-1} + (1-\\alpha) g_t^2",
                        "{alpha} \\cdot {square_avg_prev} + (1-{alpha}) \\cdot {g}^2"),
        )
        if group["centered"]:
            lines += (
                FormulaLine("grad_avg", "grad_avg_prev + (1-alpha)*(g - grad_avg_prev)",
                            "\\bar g_t", "\\bar g_{t-1} + (1-\\alpha)(g_t - \\bar g_{t-1})",
                            "{grad_avg_prev} + (1-{alpha}) \\cdot ({g} - {grad_avg_prev})"),
                FormulaLine("avg", "sqrt(square_avg - grad_avg^2) + eps", "a_t",
                            "\\sqrt{v_t - \\bar g_t^2} + \\epsilon",
                            "\\sqrt{{{square_avg} - {grad_avg}^2}} + {eps}"),
            )
        else:
            lines += (FormulaLine("avg", "sqrt(square_avg) + eps", "a_t",
                                  "\\sqrt{v_t} + \\epsilon", "\\sqrt{{{square_avg}}} + {eps}"),)
        if group["momentum"] > 0:
            lines += (
                FormulaLine("buf", "momentum*buf_prev + g/avg", "b_t",
                            "\\mu b_{t-1} + \\frac{g_t}{a_t}",
                            "{momentum} \\cdot {buf_prev} + \\frac{{{g}}}{{{avg}}}"),
                FormulaLine("param", "param_prev - lr*buf", "\\theta_t",
                            "\\theta_{t-1} - \\eta b_t", "{param_prev} - {lr} \\cdot {buf}"),
            )
        else:
            lines += (FormulaLine("param", "param_prev - lr*g/avg", "\\theta_t",
                                  "\\theta_{t-1} - \\eta \\frac{g_t}{a_t}",
                                  "{param_prev} - {lr} \\cdot \\frac{{{g}}}{{{avg}}}"),)
        return lines
