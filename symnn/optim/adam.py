"""Adam: bias-corrected running averages of the gradient and of its square."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from symnn.optim.optimizer import FormulaLine, Optimizer, gradient_line

__all__ = ["Adam"]


class Adam(Optimizer):
    r"""Adam (Kingma & Ba, 2015), exactly as ``torch.optim.Adam``.

    For each parameter θ at step t (starting at 1; m_0 = v_0 = v̂max_0 = 0)::

        θ_{t-1} ← θ_{t-1}·(1 − lr·λ)                 (decoupled_weight_decay: AdamW)
        g_t   = ∇θL + λ·θ_{t-1}                      (coupled L2; negated if maximize)
        m_t   = β1·m_{t-1} + (1 − β1)·g_t
        v_t   = β2·v_{t-1} + (1 − β2)·g_t²
        vmax_t = max(vmax_{t-1}, v_t)                 (amsgrad; used instead of v_t below)
        m̂_t   = m_t / (1 − β1^t),   v̂_t = v_t / (1 − β2^t)
        θ_t   = θ_{t-1} − lr · m̂_t / (√v̂_t + ε)

    Computed as PyTorch does: ``θ -= (lr/(1−β1^t)) · m / (√v/√(1−β2^t) + ε)``.
    Defaults: lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False.
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, amsgrad: bool = False, *, maximize: bool = False,
                 decoupled_weight_decay: bool = False, record: bool = False) -> None:
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if len(betas) != 2:
            raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, betas=(float(betas[0]), float(betas[1])), eps=eps,
                        weight_decay=weight_decay, amsgrad=amsgrad, maximize=maximize,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults, record=record)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One Adam update of every parameter that has a gradient."""
        loss = self._evaluate(closure)
        for group, p, grad in self._params_with_grad():
            lr, eps, wd = float(group["lr"]), float(group["eps"]), float(group["weight_decay"])
            beta1, beta2 = float(group["betas"][0]), float(group["betas"][1])
            state = self.state[p]
            if not state:
                state["step"] = 0
                state["exp_avg"] = np.zeros_like(p.data)
                state["exp_avg_sq"] = np.zeros_like(p.data)
                if group["amsgrad"]:
                    state["max_exp_avg_sq"] = np.zeros_like(p.data)
            before = self._snapshot(p, state)

            state["step"] += 1
            t = state["step"]
            g = -grad if group["maximize"] else grad
            if wd != 0:
                if group["decoupled_weight_decay"]:
                    p.data *= 1 - lr * wd
                else:
                    g = g + wd * p.data
            m, v = state["exp_avg"], state["exp_avg_sq"]
            m += (1 - beta1) * (g - m)
            v *= beta2
            v += (1 - beta2) * (g * g)
            bias_correction1 = 1 - beta1**t
            bias_correction2 = 1 - beta2**t
            if group["amsgrad"]:
                v_max = state["max_exp_avg_sq"]
                np.maximum(v_max, v, out=v_max)
                v = v_max
            denom = np.sqrt(v) / bias_correction2**0.5 + eps
            p.data -= (lr / bias_correction1) * (m / denom)

            if before is not None:
                extra = {}
                if group["amsgrad"]:
                    extra.update(v_max_prev=before["max_exp_avg_sq"], v_max=v.copy())
                self._record(
                    p, self._formula(group), step=t, lr=lr, beta1=beta1, beta2=beta2,
                    eps=eps, weight_decay=wd, grad=grad.copy(), g=g.copy(),
                    param_prev=before["param"], m_prev=before["exp_avg"], m=m.copy(),
                    v_prev=before["exp_avg_sq"], v=state["exp_avg_sq"].copy(), **extra,
                    m_hat=m / bias_correction1, v_hat=v / bias_correction2,
                    param=p.data.copy(),
                )
        return loss

    @staticmethod
    def _formula(group: dict[str, Any]) -> tuple[FormulaLine, ...]:
        decoupled = group["decoupled_weight_decay"] and group["weight_decay"] != 0
        lines = gradient_line(group["maximize"], 0 if decoupled else group["weight_decay"])
        lines += (
            FormulaLine("m", "beta1*m_prev + (1-beta1)*g", "m_t",
                        "\\beta_1 m_{t-1} + (1-\\beta_1) g_t",
                        "{beta1} \\cdot {m_prev} + (1-{beta1}) \\cdot {g}"),
            FormulaLine("v", "beta2*v_prev + (1-beta2)*g^2", "v_t",
                        "\\beta_2 v_{t-1} + (1-\\beta_2) g_t^2",
                        "{beta2} \\cdot {v_prev} + (1-{beta2}) \\cdot {g}^2"),
        )
        v_name, v_symbol = "v", "v_t"
        if group["amsgrad"]:
            lines += (FormulaLine("v_max", "max(v_max_prev, v)", "v^{\\max}_t",
                                  "\\max(v^{\\max}_{t-1}, v_t)", "\\max({v_max_prev}, {v})"),)
            v_name, v_symbol = "v_max", "v^{\\max}_t"
        lines += (
            FormulaLine("m_hat", "m/(1-beta1^step)", "\\hat m_t", "\\frac{m_t}{1-\\beta_1^t}",
                        "\\frac{{{m}}}{{1-{beta1}^{{{step}}}}}"),
            FormulaLine("v_hat", f"{v_name}/(1-beta2^step)", "\\hat v_t",
                        "\\frac{" + v_symbol + "}{1-\\beta_2^t}",
                        "\\frac{{{" + v_name + "}}}{{1-{beta2}^{{{step}}}}}"),
        )
        if decoupled:
            step_text = "param_prev*(1 - lr*weight_decay) - lr*m_hat/(sqrt(v_hat) + eps)"
            step_latex = ("\\theta_{t-1}(1-\\eta\\lambda) - "
                          "\\eta \\frac{\\hat m_t}{\\sqrt{\\hat v_t} + \\epsilon}")
            step_numbers = ("{param_prev} \\cdot (1-{lr} \\cdot {weight_decay}) - {lr} \\cdot "
                            "\\frac{{{m_hat}}}{{\\sqrt{{{v_hat}}} + {eps}}}")
        else:
            step_text = "param_prev - lr*m_hat/(sqrt(v_hat) + eps)"
            step_latex = "\\theta_{t-1} - \\eta \\frac{\\hat m_t}{\\sqrt{\\hat v_t} + \\epsilon}"
            step_numbers = ("{param_prev} - {lr} \\cdot "
                            "\\frac{{{m_hat}}}{{\\sqrt{{{v_hat}}} + {eps}}}")
        return lines + (FormulaLine("param", step_text, "\\theta_t", step_latex, step_numbers),)
