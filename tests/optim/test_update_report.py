"""Optimizer update reports: the named quantities of the last update and their formula."""

from __future__ import annotations

import ast
import math
import operator

import numpy as np
import pytest

import symnn as sn
from symnn import optim


def param(values, dtype=np.float64):
    return sn.tensor(np.array(values, dtype=dtype), requires_grad=True, dtype=dtype)


def set_grad(p, values) -> None:
    p.grad = sn.tensor(np.array(values, dtype=p.data.dtype), dtype=p.data.dtype)


CONFIGS = [
    (optim.SGD, {"lr": 0.1}),
    (optim.SGD, {"lr": 0.1, "momentum": 0.9, "dampening": 0.2, "weight_decay": 0.1}),
    (optim.SGD, {"lr": 0.1, "momentum": 0.9, "nesterov": True, "maximize": True}),
    (optim.Adagrad, {"lr_decay": 0.1, "weight_decay": 0.1}),
    (optim.Adadelta, {"maximize": True}),
    (optim.RMSprop, {}),
    (optim.RMSprop, {"centered": True, "momentum": 0.5, "weight_decay": 0.1}),
    (optim.Adam, {"lr": 0.1}),
    (optim.Adam, {"lr": 0.1, "amsgrad": True, "weight_decay": 0.1, "maximize": True}),
    (optim.AdamW, {"lr": 0.1, "weight_decay": 0.2}),
]
IDS = [f"{cls.__name__}-{i}" for i, (cls, _) in enumerate(CONFIGS)]


def run(cls, kwargs, steps=3):
    p = param([[0.5, -1.0], [2.0, 0.25]])
    opt = cls([p], record=True, **kwargs)
    for k in range(steps):
        set_grad(p, np.cos(p.data) + 0.1 * k)
        opt.step()
    return p, opt


_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
           ast.Div: operator.truediv, ast.Pow: operator.pow}
_CALLS = {"sqrt": math.sqrt, "max": max}


def evaluate(text: str, values: dict[str, float]) -> float:
    """Evaluate a formula line's plain text (+ - * / ^, sqrt, max, names) with numbers."""

    def walk(node: ast.AST) -> float:
        if isinstance(node, ast.BinOp):
            return _BINARY[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -walk(node.operand)
        if isinstance(node, ast.Call):
            return _CALLS[node.func.id](*(walk(a) for a in node.args))
        if isinstance(node, ast.Name):
            return values[node.id]
        if isinstance(node, ast.Constant):
            return float(node.value)
        raise AssertionError(f"unexpected syntax in formula {text!r}")

    return walk(ast.parse(text.replace("^", "**"), mode="eval").body)


@pytest.mark.parametrize("cls,kwargs", CONFIGS, ids=IDS)
def test_report_formula_reproduces_every_recorded_quantity(cls, kwargs):
    p, opt = run(cls, kwargs)
    report = opt.last_update(p)
    for index in range(4):
        values = report.at(index)
        for line in report.formula:
            assert evaluate(line.text, values) == pytest.approx(values[line.name], rel=1e-9), (
                f"{cls.__name__}: {line.name} = {line.text}"
            )


@pytest.mark.parametrize("cls,kwargs", CONFIGS, ids=IDS)
def test_report_ends_with_the_parameter_actually_written(cls, kwargs):
    p, opt = run(cls, kwargs)
    report = opt.last_update(p)
    assert report.formula[-1].name == "param"
    np.testing.assert_array_equal(report.quantities["param"], p.data)
    assert report.optimizer == cls.__name__


def test_adam_report_names_the_textbook_quantities_in_order():
    p, opt = run(optim.Adam, {"lr": 0.1})
    names = list(opt.last_update(p).quantities)
    assert names.index("g") < names.index("m") < names.index("v") < names.index("m_hat")
    assert {"step", "lr", "beta1", "beta2", "eps", "v_hat", "param_prev"} <= set(names)
    assert opt.last_update(p).quantities["step"] == 3


def test_adam_m_hat_and_v_hat_are_bias_corrected_moments():
    p, opt = run(optim.Adam, {"lr": 0.1, "betas": (0.8, 0.9)}, steps=2)
    q = opt.last_update(p).quantities
    np.testing.assert_allclose(q["m_hat"], q["m"] / (1 - 0.8**2))
    np.testing.assert_allclose(q["v_hat"], q["v"] / (1 - 0.9**2))


def test_to_latex_fills_in_the_numbers_of_the_chosen_element():
    p = param([0.0, 1.0])
    opt = optim.SGD([p], lr=0.5, record=True)
    set_grad(p, [2.0, -4.0])
    opt.step()
    latex = opt.last_update(p).to_latex(1)
    assert latex.startswith("\\begin{aligned}") and latex.endswith("\\end{aligned}")
    assert "\\theta_t &= \\theta_{t-1} - \\eta\\, d_t = 1 - 0.5 \\cdot (-4) = 3" in latex


def test_to_latex_writes_small_numbers_as_powers_of_ten():
    p, opt = run(optim.Adam, {"lr": 0.1})
    assert "1 \\cdot 10^{-8}" in opt.last_update(p).to_latex()


def test_str_lists_each_line_with_its_value():
    p, opt = run(optim.RMSprop, {})
    text = str(opt.last_update(p))
    assert text.splitlines()[0] == "RMSprop update (element 0):"
    assert "square_avg = alpha*square_avg_prev + (1-alpha)*g^2 = " in text


def test_recording_is_off_by_default_and_says_how_to_turn_it_on():
    p = param([1.0])
    opt = optim.Adam([p])
    set_grad(p, [1.0])
    opt.step()
    with pytest.raises(LookupError, match="record=True"):
        opt.last_update(p)
    opt.record = True
    opt.step()
    assert opt.last_update(p).quantities["step"] == 2


def test_last_update_of_a_foreign_parameter_is_a_key_error():
    p, opt = run(optim.SGD, {"lr": 0.1})
    with pytest.raises(KeyError, match="does not optimize"):
        opt.last_update(param([1.0]))


def test_recorded_arrays_are_snapshots_not_live_state():
    p, opt = run(optim.Adam, {"lr": 0.1})
    m_before = opt.last_update(p).quantities["m"].copy()
    set_grad(p, [[5.0, 5.0], [5.0, 5.0]])
    opt.record = False
    opt.step()
    np.testing.assert_array_equal(opt.last_update(p).quantities["m"], m_before)
