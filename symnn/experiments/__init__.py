"""The syllabus lessons as experiments that state their claims and check them on every seed.

A lesson is a module with:

- ``TITLE`` (a heading) and ``DESCRIPTION`` (one line, for ``symnn experiment --list``);
- ``CLAIMS``: a list of :class:`symnn.experiments.claims.Claim`, each a sentence in a
  learner's words and a check on one seed's numbers;
- ``run_seed(seed, quick=False, **options) -> dict``: one seed's JSON-ready numbers (a
  ``"variants"`` entry maps each variant to its scalar numbers: the printed table), including
  the curves it wants plotted;
- ``summarize(runs) -> (lines, panels)``: the setup and what the numbers show, and the plot
  panels, from all seeds' numbers;
- optionally ``DEFAULT_SEEDS`` (5 when absent).

``run(name, seeds=None, quick=False, **options)`` runs seeds 0..seeds-1 and returns an
:class:`ExperimentResult`: the mean ± std of every number, the table, and each claim's verdict
("holds on k of N seeds", with the evidence). ``names()`` lists the lessons in order,
``describe(name)`` gives the one-line description; ``variant_cells(runs)`` is the printed
table's mean ± std cells. Modules are imported only when used.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any

from symnn._lazy import lazy_exports

if TYPE_CHECKING:  # pragma: no cover
    from symnn.experiments.result import ExperimentResult

__all__ = ["EXPERIMENTS", "names", "describe", "get", "claims_of", "run", "ExperimentResult",
           "Panel", "Claim", "ClaimResult", "variant_cells"]

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
    "bias": "symnn.experiments.bias",
    "losses": "symnn.experiments.losses",
    "lr-range": "symnn.experiments.lr_range",
    "bias-variance": "symnn.experiments.bias_variance",
    "input-scaling": "symnn.experiments.input_scaling",
    "conv-backward": "symnn.experiments.conv_backward",
}

#: seeds run when a lesson does not set DEFAULT_SEEDS
DEFAULT_SEEDS = 5
#: seeds run by default with ``quick=True`` (a check that the code runs, not the lesson)
QUICK_SEEDS = 2


def names() -> list[str]:
    """The experiment names, in lesson order."""
    return list(EXPERIMENTS)


def get(name: str) -> ModuleType:
    """The module of an experiment (see the module docstring for what it defines)."""
    if name not in EXPERIMENTS:
        raise ValueError(f"unknown experiment {name!r}; choose one of: {', '.join(EXPERIMENTS)}")
    return importlib.import_module(EXPERIMENTS[name])


def describe(name: str) -> str:
    """One-line description of an experiment."""
    return get(name).DESCRIPTION


def claims_of(name: str) -> list[str]:
    """The sentences an experiment claims (checked on every seed when it runs)."""
    return [c.text for c in getattr(get(name), "CLAIMS", [])]


def default_seeds(name: str) -> int:
    """How many seeds the experiment runs by default."""
    return int(getattr(get(name), "DEFAULT_SEEDS", DEFAULT_SEEDS))


def run(name: str, seeds: int | Sequence[int] | None = None, quick: bool = False,
        progress: Callable[[int, int], None] | None = None, **options: Any) -> ExperimentResult:
    """Run an experiment on seeds 0..seeds-1 (or the given list of seeds; default: the
    lesson's ``DEFAULT_SEEDS``, or 2 with ``quick``) and check its claims on every seed.

    ``quick`` uses tiny settings (it checks that the code runs, not the lesson); ``options``
    go to the lesson's ``run_seed``; ``progress(done, total)`` is called after each seed.
    """
    from symnn.experiments.claims import check_claims
    from symnn.experiments.result import ExperimentResult
    from symnn.experiments.seeds import aggregate, seed_range, variant_table

    module = get(name)
    if seeds is None:
        seeds = QUICK_SEEDS if quick else default_seeds(name)
    seed_list = list(range(seeds)) if isinstance(seeds, int) else [int(s) for s in seeds]
    if not seed_list or any(s < 0 for s in seed_list):
        raise ValueError(f"seeds must be a positive count or a list of seeds 0 or more, got {seeds!r}")
    start = time.perf_counter()
    runs = []
    for i, seed in enumerate(seed_list):
        runs.append(module.run_seed(seed, quick=quick, **options))
        if progress is not None:
            progress(i + 1, len(seed_list))
    lines, panels = module.summarize(runs)
    verdicts = check_claims(getattr(module, "CLAIMS", []), runs, seed_list)
    summary = list(lines)
    table = variant_table(runs)
    if table:
        summary += [f"mean ± std over {seed_range(seed_list)}:", *table]
    if verdicts:
        summary.append(f"claims, checked on each of {seed_range(seed_list)}:")
    for v in verdicts:
        summary.append(f"  [{v.verdict()}] {v.text}")
        for e in v.evidence:
            shown = ", ".join(f"{k} {_short(x)}" for k, x in e.items() if k not in ("seed", "holds"))
            summary.append(f"      seed {e['seed']}{'' if e['holds'] else ' (fails)'}: {shown}")
    mean_std = aggregate(runs)
    mean, std = mean_std if mean_std is not None else ({}, {})
    numbers = {"seeds": seed_list, "mean": mean, "std": std, "runs": runs}
    return ExperimentResult(name, getattr(module, "TITLE", name), numbers, summary, panels,
                            time.perf_counter() - start, verdicts)


def _short(x: Any) -> str:
    """A number in evidence, printed short (3 significant digits)."""
    if isinstance(x, float):
        return f"{x:.3g}"
    if isinstance(x, (list, tuple)):
        return "[" + ", ".join(_short(v) for v in x) + "]"
    return str(x)


__getattr__, __dir__ = lazy_exports(__name__, {
    "ExperimentResult": "symnn.experiments.result", "Panel": "symnn.experiments.result",
    "Claim": "symnn.experiments.claims", "ClaimResult": "symnn.experiments.claims",
    "variant_cells": "symnn.experiments.seeds",
})
