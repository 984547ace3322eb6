"""The syllabus lessons as experiments: each is a function ``run(quick=False, seed=0, ...)``
returning an :class:`ExperimentResult` (its numbers, a readable summary, ``.plot(path)``).

``names()`` lists them in lesson order, ``describe(name)`` gives the one-line description,
``run(name, **kwargs)`` runs one. Modules are imported only when an experiment runs.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from symnn.experiments.result import ExperimentResult

__all__ = ["EXPERIMENTS", "names", "describe", "get", "run", "ExperimentResult", "Panel"]

#: name -> module, in lesson order
EXPERIMENTS: dict[str, str] = {
    "xor": "symnn.experiments.xor",
    "vanishing-gradient": "symnn.experiments.vanishing_gradient",
    "batchnorm": "symnn.experiments.batchnorm",
    "optimizers": "symnn.experiments.optimizers",
    "lr-schedules": "symnn.experiments.lr_schedules",
    "batch-size": "symnn.experiments.batch_size",
    "regularization": "symnn.experiments.regularization",
    "generalization": "symnn.experiments.generalization",
}


def names() -> list[str]:
    """The experiment names, in lesson order."""
    return list(EXPERIMENTS)


def get(name: str) -> ModuleType:
    """The module of an experiment (it has ``DESCRIPTION`` and ``run``)."""
    if name not in EXPERIMENTS:
        raise ValueError(f"unknown experiment {name!r}; choose one of: {', '.join(EXPERIMENTS)}")
    return importlib.import_module(EXPERIMENTS[name])


def describe(name: str) -> str:
    """One-line description of an experiment."""
    return get(name).DESCRIPTION


def run(name: str, **kwargs: Any) -> ExperimentResult:
    """Run an experiment by name with its defaults (or the given keyword arguments)."""
    return get(name).run(**kwargs)


def __getattr__(name: str) -> Any:
    if name in ("ExperimentResult", "Panel"):
        from symnn.experiments import result

        return getattr(result, name)
    raise AttributeError(f"module 'symnn.experiments' has no attribute {name!r}")
