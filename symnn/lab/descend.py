"""Optimizer runs on a loss surface, recorded step by step.

``descend(f, optimizer, lr, start, steps)`` moves a point downhill and records its position,
loss, gradient and learning rate at every step. The optimizers are the real ``symnn.optim``
classes acting on a parameter tensor (the gradient is SymPy's, evaluated by NumPy, written into
``param.grad``), plus plain gradient descent and Newton's method:

    gradient descent   w' = w - lr * grad f(w)
    Newton's method    w' = w - lr * H(w)^-1 grad f(w)      (lr = 1: the pure Newton step)

Where the Hessian H is singular or not positive definite, the Newton step is undefined or heads
for a saddle point or a maximum; Newton's method then takes the *shifted* step
(H + mu I)^-1 grad f with mu = 1 - lambda_min(H), so that H + mu I has smallest eigenvalue 1
(the Levenberg-Marquardt idea; with H = 0 it is a gradient-descent step), and the step's
explanation says so.

A run that overflows, produces NaN, moves the position past a bound, raises the loss far above
its start, or lets it fall without bound while the steps keep growing stops with status
``diverged``. ``converged_at`` is the first step k with |grad f(w_k)| <= GRADIENT_TOL (a run
with ``stop_at_convergence=True`` stops there); such a run is ``converged``, otherwise
``max_steps``. No run raises because of divergence.
"""

from __future__ import annotations

import re

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from symnn.lab.optimizer_options import check_options
from symnn.lab.surfaces import Surface, surface

__all__ = ["descend", "compare", "Run", "StepExplanation", "optimizer_names", "default_lr",
           "DEFAULT_LRS", "newton_direction"]

GRADIENT_TOL = 1e-6
# a run has diverged once the loss rises this many times (1 + |loss0|) above loss0, or falls
# as far below it while the steps keep growing (a runaway), ...
LOSS_GROWTH = 1e3
# ... or a coordinate exceeds this magnitude
POSITION_BOUND = 1e6


def _runaway(points: list[np.ndarray], n: int = 3) -> bool:
    """The last n steps each longer than the one before: the iterate is accelerating away."""
    if len(points) < n + 2:
        return False
    sizes = [np.linalg.norm(b - a) for a, b in zip(points[-n - 2:], points[-n - 1:])]
    return all(later > earlier for earlier, later in zip(sizes, sizes[1:]))

_OWN = {"gd": "gradient descent", "newton": "Newton's method"}

# each optimizer's default learning rate on a typed function (a preset surface may suggest its
# own, see Surface.lrs): sized for gradients of order 1, with momentum's 1/(1 - 0.9) = 10x gain
# and Adam's steps of about lr per coordinate in mind
DEFAULT_LRS = {"gd": 0.1, "newton": 1.0, "sgd": 0.1, "momentum": 0.01, "nesterov": 0.01,
               "adam": 0.1, "adamw": 0.1, "rmsprop": 0.01, "adagrad": 0.5, "adadelta": 1.0}
# a singular Hessian: smallest |eigenvalue| at most this fraction of the largest (or of 1)
SINGULAR_TOL = 1e-10

# The syllabus' named variants of SGD: name -> (sn.optim class name, default options)
_VARIANTS: dict[str, tuple[str, dict[str, Any]]] = {
    "momentum": ("sgd", {"momentum": 0.9}),
    "nesterov": ("sgd", {"momentum": 0.9, "nesterov": True}),
}


def _optim_classes() -> dict[str, type]:
    from symnn import optim

    return {name.lower(): getattr(optim, name) for name in optim.__all__
            if isinstance(getattr(optim, name), type)
            and issubclass(getattr(optim, name), optim.Optimizer)
            and getattr(optim, name) is not optim.Optimizer}


def default_lr(optimizer: str, f: object = None) -> float:
    """The learning rate ``descend`` uses when none is given: the surface's suggestion for
    that optimizer (presets), else :data:`DEFAULT_LRS` (Newton 1)."""
    name = str(optimizer).strip().lower()
    if f is not None:
        suggested = surface(f).lrs.get(name)
        if suggested is not None:
            return suggested
    if name not in DEFAULT_LRS:
        raise ValueError(f"unknown optimizer {optimizer!r}; choose one of "
                         f"{', '.join(optimizer_names())}")
    return DEFAULT_LRS[name]


def optimizer_names() -> list[str]:
    """Names accepted by ``descend``: "gd", "newton", each ``sn.optim`` class in lower case, and
    "momentum" / "nesterov" (SGD with momentum 0.9, plain or Nesterov)."""
    return list(_OWN) + sorted(_optim_classes()) + list(_VARIANTS)


@dataclass(frozen=True)
class StepExplanation:
    """One step's update formula with its numbers, as text and LaTeX."""

    step: int
    text: str
    latex: str

    def __str__(self) -> str:
        return self.text

    def to_latex(self) -> str:
        return self.latex


@dataclass
class Run:
    """A recorded optimizer run. ``points`` has one row per visited point (steps + 1 rows,
    fewer when the run stopped on divergence); ``grads[k]`` is the gradient at ``points[k]``;
    ``lrs[k]`` the learning rate of step k + 1."""

    optimizer: str
    lr: float
    surface: Surface
    points: np.ndarray
    losses: np.ndarray
    grads: np.ndarray
    lrs: np.ndarray
    status: str
    reason: str
    options: dict[str, Any] = field(default_factory=dict)
    reports: list[Any] = field(default_factory=list, repr=False)
    converged_at: int | None = None
    # per step (k - 1): what Newton's method did about its Hessian, or "" for a plain step
    notes: list[str] = field(default_factory=list, repr=False)

    @property
    def steps(self) -> int:
        """The number of steps taken."""
        return len(self.points) - 1

    @property
    def final(self) -> np.ndarray:
        return self.points[-1]

    @property
    def step_sizes(self) -> np.ndarray:
        """|w_{k+1} - w_k| for each step."""
        return np.linalg.norm(np.diff(self.points, axis=0), axis=1)

    @property
    def effective_lr(self) -> np.ndarray:
        """|w_{k+1} - w_k| / |grad f(w_k)| per step: the learning rate the step actually used
        (constant for plain SGD, shrinking for Adagrad)."""
        g = np.linalg.norm(self.grads[: self.steps], axis=1)
        with np.errstate(all="ignore"):
            return self.step_sizes / g

    def explain(self, step: int | None = None) -> StepExplanation:
        """The update formula of step ``step`` (1 = the first step; default the last) with the
        numbers filled in: the optimizer's own update report for ``sn.optim`` optimizers."""
        if self.steps == 0:
            raise ValueError("the run took no step")
        k = self.steps if step is None else int(step)
        if not 1 <= k <= self.steps:
            raise ValueError(f"step must be between 1 and {self.steps}, got {step}")
        before, after, g = self.points[k - 1], self.points[k], self.grads[k - 1]
        names = self.surface.names
        if self.optimizer == "gd":
            return _explain_gd(k, names, before, after, g, self.lrs[k - 1])
        if self.optimizer == "newton":
            note = self.notes[k - 1] if k - 1 < len(self.notes) else ""
            return _explain_newton(k, names, before, after, g, self.surface.hessian(before),
                                   self.lrs[k - 1], note)
        report = self.reports[k - 1]
        texts, latexes = [], []
        for i, name in enumerate(names):
            head = f"step {k}, coordinate {name}:" if len(names) > 1 else f"step {k}:"
            values = report.at(i)
            texts.append(head + "\n" + "\n".join(
                "  " + " = ".join(_chain(line.name, line.text, values))
                for line in report.formula))
            latexes.append(f"\\text{{{head}}}\\\\\n" + report.to_latex(i))
        return StepExplanation(k, f"{report.optimizer} update\n" + "\n".join(texts),
                               "\n".join(latexes))

    def to_dict(self) -> dict[str, Any]:
        return {"optimizer": self.optimizer, "lr": self.lr, "options": self.options,
                "variables": list(self.surface.names), "points": self.points.tolist(),
                "losses": self.losses.tolist(), "status": self.status, "reason": self.reason,
                "converged_at": self.converged_at}


def _fmt(v: float) -> str:
    return f"{v:.6g}"


def _chain(name: str, formula: str, values: Mapping[str, float]) -> list[str]:
    """name = formula = formula with numbers = result, without repeating equal parts."""
    parts = [name, formula]
    for part in (_fill(formula, values), _fmt(values[name])):
        if part != parts[-1]:
            parts.append(part)
    return parts


def _fill(formula: str, values: Mapping[str, float]) -> str:
    """A formula's names replaced by their numbers (negative ones in parentheses)."""
    def number(match: re.Match) -> str:
        name = match.group()
        if name not in values:
            return name
        v = values[name]
        return f"({_fmt(v)})" if v < 0 else _fmt(v)

    return re.sub(r"[A-Za-z_][A-Za-z_0-9]*", number, formula)


def _explain_gd(k, names, before, after, g, lr) -> StepExplanation:
    text = [f"step {k}: gradient descent, w' = w - lr * df/dw"]
    tex = []
    for name, w0, w1, gi in zip(names, before, after, g):
        text.append(f"  {name}' = {_fmt(w0)} - {_fmt(lr)} * {_fmt(gi)} = {_fmt(w1)}")
        tex.append(f"{name}' &= {name} - \\eta \\frac{{\\partial f}}{{\\partial {name}}} = "
                   f"{_fmt(w0)} - {_fmt(lr)} \\cdot ({_fmt(gi)}) = {_fmt(w1)}")
    return StepExplanation(k, "\n".join(text),
                           "\\begin{aligned}\n" + " \\\\\n".join(tex) + "\n\\end{aligned}")


def newton_direction(H: np.ndarray, g: np.ndarray) -> tuple[np.ndarray, str]:
    """The Newton direction H^-1 g, or the shifted (H + mu I)^-1 g with mu = 1 - lambda_min
    when H is singular or not positive definite; with a sentence saying which and why."""
    d = len(g)
    eig = np.linalg.eigvalsh((H + H.T) / 2)
    lo, scale = float(eig[0]), max(1.0, float(np.abs(eig).max()))
    if lo > SINGULAR_TOL * scale:
        return np.linalg.solve(H, g), ""
    mu = 1.0 - lo
    what = "f''" if d == 1 else "H"
    values = ", ".join(_fmt(v) for v in eig)
    if abs(lo) <= SINGULAR_TOL * scale:
        why = (f"{what} is singular ({'f′′ = 0' if d == 1 else 'eigenvalues ' + values}): "
               f"the Newton step is undefined")
    else:
        why = (f"{what} is not positive definite ({'f′′ = ' + _fmt(lo) if d == 1 else 'eigenvalues ' + values}): "
               f"the Newton step would head for a saddle point or a maximum")
    note = (f"{why}; taking the shifted step ({what} + mu I)^-1 grad f with mu = 1 - "
            f"lambda_min = {_fmt(mu)} instead")
    return np.linalg.solve(H + mu * np.eye(d), g), note.replace("f′′", "f''")


def _explain_newton(k, names, before, after, g, H, lr, note: str = "") -> StepExplanation:
    d = len(names)
    if d == 1:
        name = names[0]
        if note:
            mu = 1.0 - float(H[0, 0])
            text = (f"step {k}: Newton's method; {note}\n"
                    f"  {name}' = {name} - lr * f'({name}) / (f''({name}) + mu) = "
                    f"{_fmt(before[0])} - {_fmt(lr)} * {_fmt(g[0])} / ({_fmt(H[0, 0])} + "
                    f"{_fmt(mu)}) = {_fmt(after[0])}")
            tex = (f"{name}' = {name} - \\eta \\frac{{f'({name})}}{{f''({name}) + \\mu}} = "
                   f"{_fmt(before[0])} - {_fmt(lr)} \\cdot \\frac{{{_fmt(g[0])}}}"
                   f"{{{_fmt(H[0, 0])} + {_fmt(mu)}}} = {_fmt(after[0])}")
            return StepExplanation(k, text, tex)
        text = (f"step {k}: Newton's method, w' = w - lr * f'(w) / f''(w)\n"
                f"  {name}' = {_fmt(before[0])} - {_fmt(lr)} * {_fmt(g[0])} / "
                f"{_fmt(H[0, 0])} = {_fmt(after[0])}")
        tex = (f"{name}' = {name} - \\eta \\frac{{f'({name})}}{{f''({name})}} = "
               f"{_fmt(before[0])} - {_fmt(lr)} \\cdot \\frac{{{_fmt(g[0])}}}{{{_fmt(H[0, 0])}}}"
               f" = {_fmt(after[0])}")
        return StepExplanation(k, text, tex)
    step = (before - after) / lr if lr else np.zeros(d)
    rows = "; ".join(", ".join(_fmt(v) for v in row) for row in H)
    inverse = "(H + mu I)^-1 grad f" if note else "H^-1 grad f"
    head = (f"step {k}: Newton's method; {note}" if note
            else f"step {k}: Newton's method, w' = w - lr * H^-1 grad f(w)")
    text = (f"{head}\n"
            f"  grad f = ({', '.join(_fmt(v) for v in g)}), H = [{rows}]\n"
            f"  {inverse} = ({', '.join(_fmt(v) for v in step)})\n"
            f"  w' = ({', '.join(_fmt(v) for v in before)}) - {_fmt(lr)} * "
            f"({', '.join(_fmt(v) for v in step)}) = ({', '.join(_fmt(v) for v in after)})")

    def vec(v: np.ndarray) -> str:
        return "\\begin{pmatrix}" + " \\\\ ".join(_fmt(x) for x in v) + "\\end{pmatrix}"

    mat = "\\begin{pmatrix}" + " \\\\ ".join(" & ".join(_fmt(x) for x in r) for r in H) + \
        "\\end{pmatrix}"
    shifted = f"({mat} + {_fmt(1.0 - float(np.linalg.eigvalsh((H + H.T) / 2)[0]))} I)" if note \
        else mat
    h_tex = "(H + \\mu I)" if note else "H"
    tex = (f"w' = w - \\eta {h_tex}^{{-1}} \\nabla f = {vec(before)} - "
           f"{_fmt(lr)} \\cdot {shifted}^{{-1}} {vec(g)} = {vec(after)}")
    return StepExplanation(k, text, tex)


class _Stepper:
    """One update rule behind a common interface: step(x, g) -> new x."""

    def __init__(self, name: str, surf: Surface, start: np.ndarray, lr: float | None,
                 options: Mapping[str, Any]) -> None:
        self.name, self.surface, self.options = name, surf, dict(options)
        self.report = None
        self.note = ""
        if name in _OWN:
            if options:
                raise ValueError(f"{_OWN[name]} takes no options besides lr; got "
                                 f"{', '.join(options)}")
            self.lr = float(default_lr(name, surf) if lr is None else lr)
            if not self.lr > 0:
                raise ValueError(f"learning rate must be positive, got {self.lr}")
            self.x = start.copy()
            return
        classes = _optim_classes()
        label = name
        if name in _VARIANTS:
            name, defaults = _VARIANTS[name]
            options = {**defaults, **options}
        if name not in classes:
            raise ValueError(f"unknown optimizer {name!r}; choose one of "
                             f"{', '.join(optimizer_names())}")
        options = check_options(label, classes[name], options)
        self.options = {key: options[key] for key in self.options}  # as the optimizer has them
        from symnn.tensor import tensor

        self.param = tensor(start.copy(), requires_grad=True, dtype=np.float64)
        kwargs = dict(options)
        kwargs.setdefault("lr", default_lr(self.name, surf) if lr is None else lr)
        try:
            self.opt = classes[name]([self.param], record=True, **kwargs)
        except TypeError as exc:
            raise ValueError(f"{classes[name].__name__}: {exc}") from exc
        self.lr = float(self.opt.param_groups[0]["lr"])

    @property
    def position(self) -> np.ndarray:
        return (self.x if self.name in _OWN else self.param.data).copy()

    def current_lr(self) -> float:
        return self.lr if self.name in _OWN else float(self.opt.param_groups[0]["lr"])

    def step(self, g: np.ndarray) -> None:
        if self.name == "gd":
            self.x = self.x - self.lr * g
        elif self.name == "newton":
            H = self.surface.hessian(self.x)
            if not np.all(np.isfinite(H)):
                raise FloatingPointError("the Hessian is not finite")
            direction, self.note = newton_direction(H, g)
            self.x = self.x - self.lr * direction
        else:
            from symnn.tensor import tensor

            self.param.grad = tensor(g.copy(), dtype=np.float64)
            self.opt.step()
            self.report = self.opt.last_update(self.param)


def descend(f: object, optimizer: str = "gd", lr: float | None = None,
            start: Sequence[float] | None = None, steps: int = 50, *,
            stop_at_convergence: bool = False, **options: Any) -> Run:
    """Run ``optimizer`` on ``f`` (preset name, text, SymPy expression or Surface) for ``steps``
    steps from ``start`` (default: the surface's suggested start). ``lr=None`` uses
    ``default_lr(optimizer, f)`` (Newton 1). ``run.converged_at`` is the first step whose
    gradient is tiny; with ``stop_at_convergence`` the run ends there. Further keywords go to
    the ``sn.optim`` optimizer (``momentum=0.9``, ``betas=(0.9, 0.99)``, ...)."""
    surf = surface(f)
    name = str(optimizer).strip().lower()
    if not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"steps must be a non-negative integer, got {steps!r}")
    x0 = np.asarray(surf.start if start is None else start, dtype=np.float64).reshape(-1)
    if x0.shape[0] != surf.dim:
        raise ValueError(f"start has {x0.shape[0]} coordinate(s) but {surf.name} has "
                         f"{surf.dim} variable(s): {', '.join(surf.names)}")
    if not np.all(np.isfinite(x0)):
        raise ValueError(f"start must be finite, got {x0.tolist()}")
    stepper = _Stepper(name, surf, x0, lr, options)
    with np.errstate(all="ignore"):
        return _run(surf, name, stepper, x0, int(steps), stop_at_convergence)


def _small(g: np.ndarray) -> bool:
    return bool(np.linalg.norm(g) <= GRADIENT_TOL)


def _run(surf: Surface, name: str, stepper: _Stepper, x0: np.ndarray, steps: int,
         stop_at_convergence: bool) -> Run:
    points, losses, grads, lrs, reports = [x0.copy()], [surf.value(x0)], [surf.gradient(x0)], [], []
    notes: list[str] = []
    status, reason = "max_steps", f"stopped after {steps} steps"
    loss0 = losses[0]
    converged_at = 0 if _small(grads[0]) else None
    if not (np.isfinite(loss0) and np.all(np.isfinite(grads[0]))):
        status, reason = "diverged", "f or its gradient is not finite at the start"
        steps = 0
    if converged_at is not None and stop_at_convergence:
        steps = 0
    for k in range(1, steps + 1):
        lrs.append(stepper.current_lr())
        try:
            stepper.step(grads[-1])
        except (FloatingPointError, OverflowError, ValueError) as exc:
            lrs.pop()
            status, reason = "diverged", f"step {k} failed: {exc}"
            break
        x = stepper.position
        loss = surf.value(x) if np.all(np.isfinite(x)) else float("nan")
        g = surf.gradient(x) if np.isfinite(loss) else np.full_like(x, np.nan)
        if not (np.all(np.isfinite(x)) and np.isfinite(loss) and np.all(np.isfinite(g))):
            lrs.pop()
            status, reason = "diverged", f"step {k} overflowed (a non-finite value)"
            break
        points.append(x)
        losses.append(loss)
        grads.append(g)
        reports.append(stepper.report)
        notes.append(stepper.note)
        if np.max(np.abs(x)) > POSITION_BOUND:
            status, reason = "diverged", f"step {k} moved past |w| = {POSITION_BOUND:g}"
            break
        bound = LOSS_GROWTH * (1 + abs(loss0))
        if loss - loss0 > bound:
            status = "diverged"
            reason = (f"at step {k} the loss {loss:.4g} had risen more than {LOSS_GROWTH:g} "
                      f"times (1 + |initial loss|) above {loss0:.4g}")
            break
        if loss0 - loss > bound and _runaway(points):
            status = "diverged"
            reason = (f"at step {k} the loss {loss:.4g} was falling without bound (steps "
                      f"growing; f has no minimum in that direction)")
            break
        if converged_at is None and _small(g):
            converged_at = k
            if stop_at_convergence:
                break
    if status != "diverged" and converged_at is not None:
        status = "converged"
        g_at = np.linalg.norm(grads[converged_at])
        reason = f"|grad f| = {g_at:.3g} <= {GRADIENT_TOL:g} first at step {converged_at}"
        if len(points) - 1 > converged_at:
            reason += f" (the run went on to step {len(points) - 1})"
    return Run(name, stepper.lr, surf, np.array(points), np.array(losses), np.array(grads),
               np.array(lrs, dtype=float), status, reason, stepper.options, reports,
               converged_at, notes)


def compare(f: object, optimizers: Iterable[str] | Mapping[str, Mapping[str, Any]]
            | Iterable[tuple[str, Mapping[str, Any]]],
            start: Sequence[float] | None = None, steps: int = 50) -> dict[str, Run]:
    """Several optimizers from the same start: ``{"sgd": {"lr": 0.01}, "adam": {"lr": 0.1}}``,
    a list of names, or ``(name, options)`` pairs (the same name may repeat). Returns
    ``{label: Run}``, where a label is the name plus its options."""
    if isinstance(optimizers, Mapping):
        items = list(optimizers.items())
    else:
        items = [(o, {}) if isinstance(o, str) else (o[0], o[1]) for o in optimizers]
    surf = surface(f)
    runs: dict[str, Run] = {}
    for name, opts in items:
        opts = dict(opts)
        label = name + (" (" + ", ".join(f"{k}={v}" for k, v in opts.items()) + ")"
                        if opts else "")
        lr = opts.pop("lr", None)
        runs[label] = descend(surf, name, lr=lr, start=start, steps=steps, **opts)
    return runs
