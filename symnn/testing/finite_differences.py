"""Check an analytic gradient against central finite differences, like PyTorch's gradcheck.

For every input ``x`` that requires grad and every output element ``y_j``, the analytic
derivative ``dy_j/dx_i`` (from ``backward``) is compared with the central difference

    (f(x + eps e_i) - f(x - eps e_i))_j / (2 eps)

in float64. An entry passes when ``|analytic - numeric| <= atol + rtol * |numeric|``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: how many disagreeing entries a GradcheckError message lists (all are in ``.report``)
MAX_LISTED = 10


@dataclass(frozen=True)
class Mismatch:
    """One Jacobian entry where the analytic and numeric derivatives disagree."""

    input: int
    index: tuple[int, ...]
    output: int
    output_index: tuple[int, ...]
    analytic: float
    numeric: float
    abs_error: float
    rel_error: float
    excess: float  # |analytic - numeric| / (atol + rtol * |numeric|); > 1 means failing

    def as_dict(self) -> dict[str, Any]:
        return {
            "input": self.input,
            "index": list(self.index),
            "output": self.output,
            "output_index": list(self.output_index),
            "analytic": self.analytic,
            "numeric": self.numeric,
            "abs_error": self.abs_error,
            "rel_error": self.rel_error,
        }


@dataclass
class GradcheckReport:
    """Everything one gradient check found: what was checked and where it disagreed."""

    eps: float
    atol: float
    rtol: float
    input_shapes: list[tuple[int, ...] | None]  # None for inputs that were not checked
    n_outputs: int
    checked_entries: int = 0
    max_abs_error: float = 0.0
    max_rel_error: float = 0.0
    mismatches: list[Mismatch] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatches

    def message(self) -> str:
        """The readable verdict: a one-line summary, then the worst entries first."""
        checked = [i for i, s in enumerate(self.input_shapes) if s is not None]
        settings = f"eps={self.eps:g}, atol={self.atol:g}, rtol={self.rtol:g}"
        if self.ok:
            return (
                f"gradcheck passed: {self.checked_entries} Jacobian entries of inputs {checked} "
                f"agree ({settings}); max abs error {self.max_abs_error:.3e}, max rel error "
                f"{self.max_rel_error:.3e}"
            )
        lines = [
            f"gradcheck failed: {len(self.mismatches)} of {self.checked_entries} Jacobian "
            f"entries of inputs {checked} disagree ({settings}); worst first:"
        ]
        for m in self.mismatches[:MAX_LISTED]:
            where = f"input {m.input}, element {_fmt_index(m.index)}"
            if self.n_outputs > 1:
                where += f" (output {m.output}, element {_fmt_index(m.output_index)})"
            elif m.output_index:
                where += f" (output element {_fmt_index(m.output_index)})"
            lines.append(
                f"  {where}: analytic {m.analytic:.6e}, numeric {m.numeric:.6e}, "
                f"relative error {m.rel_error:.3e}"
            )
        if len(self.mismatches) > MAX_LISTED:
            lines.append(f"  ... and {len(self.mismatches) - MAX_LISTED} more")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "eps": self.eps,
            "atol": self.atol,
            "rtol": self.rtol,
            "inputs": [
                {"index": i, "checked": s is not None, "shape": None if s is None else list(s)}
                for i, s in enumerate(self.input_shapes)
            ],
            "outputs": self.n_outputs,
            "checked_entries": self.checked_entries,
            "max_abs_error": self.max_abs_error,
            "max_rel_error": self.max_rel_error,
            "mismatches": [m.as_dict() for m in self.mismatches],
            "message": self.message(),
        }


class GradcheckError(RuntimeError):
    """The analytic gradient is wrong: its values disagree with the numeric ones (listed in
    ``.report``, worst first) or it does not have its input's shape (``.report`` is None).

    A RuntimeError, as ``torch.autograd.gradcheck.GradcheckError`` is.
    """

    def __init__(self, message: str, report: GradcheckReport | None = None) -> None:
        super().__init__(message)
        self.report = report


def _fmt_index(index: tuple[int, ...]) -> str:
    return "(" + ", ".join(str(i) for i in index) + ("," if len(index) == 1 else "") + ")"


def _as_tuple(value: Any) -> tuple[Any, ...]:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def _outputs_of(fn: Callable[..., Any], inputs: Sequence[Any]) -> tuple[Any, ...]:
    from symnn.tensor import Tensor

    outs = _as_tuple(fn(*inputs))
    for k, out in enumerate(outs):
        if not isinstance(out, Tensor):
            raise TypeError(
                f"gradcheck: the function must return a Tensor or a tuple of Tensors; "
                f"output {k} is {type(out).__name__}"
            )
    return outs


def _is_float(dtype: np.dtype) -> bool:
    return np.issubdtype(dtype, np.floating)


def _checked_inputs(inputs: Sequence[Any]) -> list[int]:
    """Indices of inputs that require grad, after refusing anything that is not float64."""
    from symnn.tensor import Tensor

    checked = []
    for i, x in enumerate(inputs):
        if not (isinstance(x, Tensor) and x.requires_grad):
            continue
        if x.dtype != np.float64:
            raise TypeError(
                f"gradcheck: input {i} requires grad but is {np.dtype(x.dtype).name}, not "
                f"float64. Central differences in single precision lose most digits: with "
                f"eps=1e-6 the perturbation is close to float32's resolution (about 1e-7 "
                f"relative), so the numeric gradient is mostly rounding noise and the check "
                f"would fail or pass by accident. Create the input with dtype=np.float64 "
                f"(or call sn.set_default_dtype(np.float64) first), as PyTorch's gradcheck "
                f"asks for double-precision inputs."
            )
        checked.append(i)
    if not checked:
        raise ValueError(
            "gradcheck: no input requires grad; pass at least one float64 Tensor created "
            "with requires_grad=True"
        )
    return checked


def _analytic_jacobians(fn, inputs, checked) -> list[list[np.ndarray]]:
    """jac[k][i] has shape out_k.shape + input_i.shape: one backward per output element."""
    from symnn.tensor import Tensor

    saved_grads = {i: inputs[i].grad for i in checked}
    try:
        outs = _outputs_of(fn, inputs)
        jac = [
            [np.zeros(out.shape + inputs[i].shape) for i in checked]
            for out in outs
        ]
        for k, out in enumerate(outs):
            if not out.requires_grad:  # constant output: its Jacobian is zero
                continue
            for j in np.ndindex(*out.shape):
                for i in checked:
                    inputs[i].grad = None
                seed = np.zeros(out.shape, dtype=out.dtype)
                seed[j] = 1.0
                out_k = _outputs_of(fn, inputs)[k]
                try:
                    out_k.backward(Tensor(seed))
                except Exception as exc:  # a broken backward is a failed check
                    raise GradcheckError(
                        f"gradcheck failed: the backward pass of output {k} raised "
                        f"{type(exc).__name__}: {exc}"
                    ) from exc
                for slot, i in enumerate(checked):
                    g = inputs[i].grad
                    if g is None:
                        continue
                    g = np.asarray(g.data if isinstance(g, Tensor) else g, dtype=np.float64)
                    if g.shape != inputs[i].shape:
                        raise GradcheckError(
                            f"gradcheck failed: the analytic gradient of input {i} has shape "
                            f"{g.shape}, but input {i} has shape {inputs[i].shape}; a backward "
                            f"must return one gradient shaped like each input"
                        )
                    jac[k][slot][j] = g
    finally:
        for i, g in saved_grads.items():
            inputs[i].grad = g
    return jac


def _numeric_jacobians(fn, inputs, checked, eps) -> list[list[np.ndarray]]:
    """Central differences, one input element at a time; every element is restored.

    Outputs are copied (``np.array``): an output may be a view of the very input being
    perturbed (a transpose, a slice), and would otherwise follow the next perturbation.
    An overflow at x ± eps becomes an infinite entry, reported as a mismatch, not a warning.
    """
    from symnn.tensor import no_grad

    with no_grad(), np.errstate(over="ignore", invalid="ignore"):
        outs = [np.array(o.data, dtype=np.float64) for o in _outputs_of(fn, inputs)]
        jac = [[np.zeros(o.shape + inputs[i].shape) for i in checked] for o in outs]
        for slot, i in enumerate(checked):
            data = inputs[i].data
            for idx in np.ndindex(*data.shape):
                original = data[idx]
                data[idx] = original + eps
                plus = [np.array(o.data, dtype=np.float64) for o in _outputs_of(fn, inputs)]
                data[idx] = original - eps
                minus = [np.array(o.data, dtype=np.float64) for o in _outputs_of(fn, inputs)]
                data[idx] = original
                for k in range(len(outs)):
                    jac[k][slot][(Ellipsis, *idx)] = (plus[k] - minus[k]) / (2.0 * eps)
    return jac


def _worst(current: float, errors: np.ndarray) -> float:
    """The larger of ``current`` and the largest error, NaN when either is NaN (Python's
    ``max`` and ``np.nanmax`` would both pass over a NaN and report agreement)."""
    largest = float(np.max(errors))
    return math.nan if math.isnan(current) or math.isnan(largest) else max(current, largest)


def gradient_report(
    fn: Callable[..., Any],
    inputs: Any,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
) -> GradcheckReport:
    """Compare analytic and central-difference Jacobians; return the full report.

    ``gradcheck`` raises on a failing report; the ``symnn gradcheck`` command prints it.
    """
    inputs = _as_tuple(inputs)
    if not 0 < eps < float("inf"):
        raise ValueError(f"gradcheck: eps must be a finite number > 0, got {eps}")
    checked = _checked_inputs(inputs)
    outs = _outputs_of(fn, inputs)
    for k, out in enumerate(outs):
        if not _is_float(out.dtype):
            raise TypeError(
                f"gradcheck: output {k} has dtype {out.dtype}; only floating outputs have "
                f"gradients"
            )
        if out.dtype != np.float64:
            raise TypeError(
                f"gradcheck: output {k} is {np.dtype(out.dtype).name} although the inputs are "
                f"float64, so the numeric gradient would be rounding noise. Somewhere the "
                f"computation drops to single precision; in a Function's forward, build the "
                f"result with sn.tensor(values, dtype=x.dtype) (sn.Tensor(array) and "
                f"sn.tensor(array) give the default dtype)"
            )
    analytic = _analytic_jacobians(fn, inputs, checked)
    numeric = _numeric_jacobians(fn, inputs, checked, eps)
    report = GradcheckReport(
        eps=eps,
        atol=atol,
        rtol=rtol,
        input_shapes=[inputs[i].shape if i in checked else None for i in range(len(inputs))],
        n_outputs=len(outs),
    )
    for k, out in enumerate(outs):
        for slot, i in enumerate(checked):
            a, n = analytic[k][slot], numeric[k][slot]
            with np.errstate(invalid="ignore", over="ignore"):  # NaN and inf are reported
                diff = np.abs(a - n)
                scale = np.maximum(np.abs(a), np.abs(n))
                rel = np.divide(diff, scale, out=np.zeros_like(diff), where=scale > 0)
                # an error that is NaN or infinite stays so (inf / inf would read NaN and a
                # NaN scale would leave 0): a NaN gradient never reports "relative error 0"
                rel = np.where(np.isfinite(diff), rel, diff)
            report.checked_entries += a.size
            if a.size:
                report.max_abs_error = _worst(report.max_abs_error, diff)
                report.max_rel_error = _worst(report.max_rel_error, rel)
            # NaN counts as a disagreement, and so does an infinite difference: with an
            # infinite numeric value the tolerance atol + rtol*|n| would be infinite too
            bad = ~(np.isfinite(diff) & (diff <= atol + rtol * np.abs(n)))
            for pos in zip(*np.nonzero(bad)):
                pos = tuple(int(p) for p in pos)
                out_idx, in_idx = pos[: out.ndim], pos[out.ndim :]
                with np.errstate(invalid="ignore"):
                    excess = float(diff[pos] / (atol + rtol * abs(n[pos])))
                report.mismatches.append(
                    Mismatch(
                        input=i,
                        index=in_idx,
                        output=k,
                        output_index=out_idx,
                        analytic=float(a[pos]),
                        numeric=float(n[pos]),
                        abs_error=float(diff[pos]),
                        rel_error=float(rel[pos]),
                        excess=math.inf if math.isnan(excess) else excess,
                    )
                )
    report.mismatches.sort(key=lambda m: -m.excess)
    return report


def gradcheck(
    fn: Callable[..., Any],
    inputs: Any,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    *,
    raise_exception: bool = True,
) -> bool:
    """Check ``fn``'s backward against central differences for every input requiring grad.

    ``fn(*inputs)`` returns a Tensor or a tuple of Tensors; ``inputs`` is a Tensor or a
    sequence (non-Tensor entries are passed through unchanged). Inputs that require grad
    must be float64. Returns True, or raises GradcheckError naming, worst first, each
    disagreeing entry: input, element index, analytic and numeric values, relative error
    (with ``raise_exception=False`` returns False instead). A backward that raises, or
    returns a gradient of the wrong shape, is a GradcheckError too.
    """
    report = gradient_report(fn, inputs, eps=eps, atol=atol, rtol=rtol)
    if report.ok:
        return True
    if raise_exception:
        raise GradcheckError(report.message(), report)
    return False
