"""A lesson's claims, checked on every seed it ran.

A :class:`Claim` is one sentence in a learner's words and a check: given the numbers of one
seed, ``check(numbers) -> (holds, evidence)`` says whether the sentence is true for that seed
and returns the few numbers that decide it. A claim that is not true in general is not
claimed: a lesson states what its data shows instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Claim", "ClaimResult", "check_claims"]


@dataclass(frozen=True)
class Claim:
    """One sentence and the check that decides it on one seed's numbers."""

    text: str
    check: Callable[[dict[str, Any]], tuple[bool, dict[str, Any]]]


@dataclass
class ClaimResult:
    """A claim's verdict over all seeds run: ``holds`` only when it held on every one.

    ``evidence`` has one dict per seed, in the order the seeds ran: ``{"seed", "holds", ...}``
    plus the numbers the check looked at.
    """

    text: str
    holds: bool
    seeds_holding: int
    seeds: int
    evidence: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "holds": self.holds, "seeds_holding": self.seeds_holding,
                "seeds": self.seeds, "evidence": self.evidence}

    def verdict(self) -> str:
        """``holds on 5 of 5 seeds`` (or ``fails: holds on 3 of 5 seeds``)."""
        counted = f"holds on {self.seeds_holding} of {self.seeds} seeds"
        return counted if self.holds else f"fails: {counted}"


def check_claims(claims: Sequence[Claim], runs: Sequence[dict[str, Any]],
                 seeds: Sequence[int]) -> list[ClaimResult]:
    """Check every claim on every seed's numbers (``runs[i]`` belongs to ``seeds[i]``)."""
    if len(runs) != len(seeds):
        raise ValueError(f"got {len(runs)} runs for {len(seeds)} seeds")
    results = []
    for claim in claims:
        evidence = []
        for seed, numbers in zip(seeds, runs):
            holds, shown = claim.check(numbers)
            evidence.append({"seed": seed, "holds": bool(holds), **shown})
        held = sum(e["holds"] for e in evidence)
        results.append(ClaimResult(claim.text, bool(evidence) and held == len(evidence), held,
                                   len(evidence), evidence))
    return results
