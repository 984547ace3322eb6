"""The Optimizer base class: parameter groups, per-parameter state, and update reports.

Mirrors ``torch.optim.Optimizer``: hyperparameters live in ``param_groups`` (a list of dicts,
each overriding ``defaults``), per-parameter state in ``state[p]`` (a plain dict), and
``state_dict()`` / ``load_state_dict()`` save and restore both with parameters replaced by
their index. Subclasses implement ``step()`` with the update rule readable top to bottom.

Updates are done in place on each parameter's ndarray ``p.data`` and never build graph nodes.
Hyperparameters are read as Python floats, so a float32 parameter stays float32 (NumPy keeps
the array's dtype when it is combined with a Python float).

Setting ``optimizer.record = True`` (or passing ``record=True``) makes each ``step()`` keep the
named quantities of the last update of every parameter; ``optimizer.last_update(p)`` returns
them as an :class:`UpdateReport` with the formula, ready to print or render as LaTeX.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Optimizer", "UpdateReport", "FormulaLine", "required", "gradient_line"]


class _RequiredParameter:
    """Marks a default that every parameter group must set (PyTorch's ``required``)."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()


def _grad_array(p: Any) -> np.ndarray | None:
    """The gradient of ``p`` as an ndarray (``p.grad`` is a Tensor, an ndarray or None)."""
    grad = p.grad
    if grad is None or isinstance(grad, np.ndarray):
        return grad
    return grad.data


class _ParamState(MutableMapping):
    """``state[p]`` keyed by parameter identity; a missing entry starts as an empty dict.

    Tensors define ``==`` elementwise, so they cannot be dictionary keys by value; this
    mapping keys them by ``id`` and keeps the parameter alive beside its state.
    """

    def __init__(self) -> None:
        self._items: dict[int, tuple[Any, dict[str, Any]]] = {}

    def __getitem__(self, param: Any) -> dict[str, Any]:
        entry = self._items.get(id(param))
        if entry is None:
            entry = (param, {})
            self._items[id(param)] = entry
        return entry[1]

    def __setitem__(self, param: Any, value: dict[str, Any]) -> None:
        self._items[id(param)] = (param, value)

    def __delitem__(self, param: Any) -> None:
        del self._items[id(param)]

    def __contains__(self, param: object) -> bool:
        return id(param) in self._items

    def __iter__(self) -> Iterator[Any]:
        return (param for param, _ in self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"ParamState({len(self)} parameters)"


@dataclass(frozen=True)
class FormulaLine:
    """One line of an update rule: ``name = text`` in plain text and in LaTeX.

    ``symbol`` and ``latex`` are the LaTeX left and right sides; ``numbers`` is the right side
    again with ``{quantity}`` placeholders that :meth:`UpdateReport.to_latex` fills with the
    recorded values, so a learner sees the symbols, then the numbers, then the result.
    """

    name: str
    text: str
    symbol: str
    latex: str
    numbers: str


def gradient_line(maximize: bool, weight_decay: float) -> tuple[FormulaLine, ...]:
    """The line ``g = ±grad (+ weight_decay·param)`` shared by the optimizers, when needed."""
    if not maximize and weight_decay == 0:
        return ()
    sign = "-" if maximize else ""
    text, latex, numbers = f"{sign}grad", f"{sign}\\nabla_\\theta L", f"{sign}{{grad}}"
    if weight_decay != 0:
        text += " + weight_decay*param_prev"
        latex += " + \\lambda \\theta_{t-1}"
        numbers += " + {weight_decay} \\cdot {param_prev}"
    return (FormulaLine("g", text, "g_t", latex, numbers),)


def _format_number(value: float) -> str:
    text = f"{value:.6g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa} \\cdot 10^{{{int(exponent)}}}"
    return text


@dataclass(frozen=True)
class UpdateReport:
    """The last update of one parameter: named quantities in order, and the formula.

    ``quantities`` maps names (``g``, ``m``, ``v``, ``m_hat``, ``v_hat``, ``step``, ``lr``,
    ...) to ndarrays of the parameter's shape or to Python numbers; ``formula`` holds the
    lines that produced them. ``at(index)`` picks one element of every array, and
    ``to_latex(index)`` writes the formula with that element's numbers filled in.
    """

    optimizer: str
    formula: tuple[FormulaLine, ...]
    quantities: dict[str, Any]

    def at(self, index: int | tuple[int, ...] = 0) -> dict[str, float]:
        """Every quantity as a float at one element (a flat index or a multi-index)."""
        values: dict[str, float] = {}
        for name, value in self.quantities.items():
            arr = np.asarray(value)
            if arr.ndim == 0:
                values[name] = float(arr)
            elif isinstance(index, tuple):
                values[name] = float(arr[index])
            else:
                values[name] = float(arr.reshape(-1)[index])
        return values

    @property
    def text(self) -> str:
        """The update rule as plain text, one line per formula line."""
        return "\n".join(f"{line.name} = {line.text}" for line in self.formula)

    def to_latex(self, index: int | tuple[int, ...] = 0) -> str:
        r"""The update rule in an ``aligned`` block: symbols ``=`` numbers ``=`` result.

        ``index`` chooses the parameter element whose numbers are shown (flat index 0 by
        default, which is the only element of a scalar parameter).
        """
        values = self.at(index)
        operands = {  # negative numbers inside an expression get parentheses
            name: f"({_format_number(v)})" if v < 0 else _format_number(v)
            for name, v in values.items()
        }
        rows = []
        for line in self.formula:
            numbers = line.numbers.format(**operands)
            result = _format_number(values[line.name])
            rows.append(f"{line.symbol} &= {line.latex} = {numbers} = {result}")
        return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"

    def __str__(self) -> str:
        values = self.at(0)
        lines = [f"{self.optimizer} update (element 0):"]
        for line in self.formula:
            lines.append(f"  {line.name} = {line.text} = {values[line.name]:.6g}")
        return "\n".join(lines)


class Optimizer:
    """Base class: holds parameter groups and state; subclasses implement ``step()``.

    ``params`` is an iterable of parameters, of ``(name, parameter)`` pairs, or of dicts
    (parameter groups) each with a ``"params"`` entry and optional overrides of ``defaults``.
    """

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any], *,
                 record: bool = False) -> None:
        if isinstance(params, np.ndarray) or hasattr(params, "data"):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors "
                f"or dicts, but got {type(params).__name__}"
            )
        self.defaults = defaults
        self.state: _ParamState = _ParamState()
        self.param_groups: list[dict[str, Any]] = []
        self.record = record
        self._reports: dict[int, UpdateReport] = {}
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for key in sorted(k for k in group if k not in ("params", "param_names")):
                lines.append(f"    {key}: {group[key]}")
        lines.append(")")
        return "\n".join(lines)

    # ----------------------------------------------------------------- groups and grads
    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters with its own hyperparameters (missing ones = defaults)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        params = param_group["params"]
        if isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but the "
                "ordering of tensors in sets will change between runs. Please use a list instead."
            )
        params = [params] if hasattr(params, "data") else list(params)
        names = [p[0] for p in params if isinstance(p, tuple)]
        tensors = [p[1] if isinstance(p, tuple) else p for p in params]
        if names and len(names) != len(tensors):
            raise ValueError(
                "all optimizer params should be with/without names. Some param names are missing"
            )
        for i, p in enumerate(tensors):
            if not isinstance(getattr(p, "data", None), np.ndarray):
                raise TypeError(
                    "optimizer can only optimize Tensors, but parameter "
                    f"{i} of the group is {type(p).__name__}"
                )
            if getattr(p, "is_leaf", True) is False:
                raise ValueError(f"can't optimize a non-leaf Tensor (parameter {i} of the group)")
        group = dict(param_group)
        group["params"] = tensors
        if names:
            group["param_names"] = names
        for key, default in self.defaults.items():
            if default is required and key not in group:
                raise ValueError(
                    f"parameter group didn't specify a value of required optimization parameter {key}"
                )
            group.setdefault(key, default)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in tensors):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(group)

    def _params_with_grad(self) -> Iterator[tuple[dict[str, Any], Any, np.ndarray]]:
        """Yield ``(group, parameter, gradient ndarray)`` for every parameter with a gradient."""
        for group in self.param_groups:
            for p in group["params"]:
                grad = _grad_array(p)
                if grad is not None:
                    yield group, p, grad

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset every gradient: to None (the default, as in PyTorch) or to zeros."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    _grad_array(p).fill(0)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient; returns ``closure()`` when given."""
        raise NotImplementedError

    # ---------------------------------------------------------------------- reports
    def _record(self, p: Any, formula: tuple[FormulaLine, ...], **quantities: Any) -> None:
        """Keep this update's quantities for ``last_update(p)`` (only when ``record`` is on)."""
        self._reports[id(p)] = UpdateReport(type(self).__name__, formula, dict(quantities))

    def last_update(self, param: Any) -> UpdateReport:
        """The named quantities and formula of the last update of ``param``."""
        if not any(p is param for g in self.param_groups for p in g["params"]):
            raise KeyError(f"{type(self).__name__} does not optimize this parameter")
        report = self._reports.get(id(param))
        if report is None:
            if not self.record:
                raise LookupError(
                    f"{type(self).__name__} is not recording updates: set record=True "
                    "before step() to keep them"
                )
            raise LookupError("this parameter has not been updated yet (it had no gradient)")
        return report

    # ------------------------------------------------------------------ state dicts
    def state_dict(self) -> dict[str, Any]:
        """``{"state": {index: {...}}, "param_groups": [...]}`` with parameters as indices.

        Arrays are copied, so the result stays a snapshot as training goes on.
        """
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            packed = {k: copy.deepcopy(v) for k, v in group.items() if k != "params"}
            for p in group["params"]:
                index.setdefault(id(p), len(index))
            packed["params"] = [index[id(p)] for p in group["params"]]
            groups.append(packed)
        state = {
            index[id(p)]: {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in s.items()}
            for p, s in self.state.items()
            if id(p) in index
        }
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore state saved by :meth:`state_dict` into this optimizer's parameters.

        Floating-point state arrays are cast to each parameter's dtype (``step`` is kept).
        """
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                "loaded state dict has a different number of parameter groups "
                f"({len(saved_groups)} saved, {len(self.param_groups)} in the optimizer)"
            )
        for i, (group, saved) in enumerate(zip(self.param_groups, saved_groups)):
            if len(group["params"]) != len(saved["params"]):
                raise ValueError(
                    "loaded state dict contains a parameter group that doesn't match the size "
                    f"of optimizer's group (group {i}: {len(saved['params'])} saved, "
                    f"{len(group['params'])} here)"
                )
        id_map = {
            saved_id: p
            for group, saved in zip(self.param_groups, saved_groups)
            for saved_id, p in zip(saved["params"], group["params"])
        }
        new_state = _ParamState()
        for key, values in state_dict["state"].items():
            if key not in id_map:
                continue
            p = id_map[key]
            restored = {}
            for name, value in values.items():
                if isinstance(value, np.ndarray):
                    value = value.copy()
                    if name != "step" and np.issubdtype(value.dtype, np.floating):
                        value = value.astype(p.data.dtype, copy=False)
                restored[name] = value
            new_state[p] = restored
        self.state = new_state
        for group, saved in zip(self.param_groups, saved_groups):
            for key, value in saved.items():
                if key != "params":
                    group[key] = copy.deepcopy(value)

    # ------------------------------------------------------------------ helpers
    def _snapshot(self, p: Any, state: dict[str, Any]) -> dict[str, Any] | None:
        """Copies of the parameter and its state arrays before an update, when recording."""
        if not self.record:
            return None
        before = {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in state.items()}
        before["param"] = p.data.copy()
        return before

    @staticmethod
    def _evaluate(closure: Callable[[], Any] | None) -> Any:
        """Run the closure (re-evaluating the loss with gradients enabled) if one is given."""
        if closure is None:
            return None
        try:
            from symnn.tensor import enable_grad
        except ImportError:
            return closure()
        with enable_grad():
            return closure()
