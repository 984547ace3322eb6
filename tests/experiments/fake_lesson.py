"""A tiny lesson used by the framework tests: its numbers are a function of the seed, so
every aggregate and every verdict is known in advance."""

from symnn.experiments.claims import Claim
from symnn.experiments.result import Panel

TITLE = "A fake lesson"
DESCRIPTION = "fake: numbers computed from the seed"
DEFAULT_SEEDS = 3


def run_seed(seed, quick=False, scale=1.0):
    return {"scale": scale, "quick": quick,
            "variants": {"small": {"score": seed * scale, "epochs": 10},
                         "large": {"score": 10.0 + seed, "epochs": 10 + seed}},
            "curve": [seed, 2.0 * seed], "ragged": list(range(seed + 1)), "label": f"s{seed}"}


def summarize(runs):
    return [f"{len(runs)} runs"], [Panel("curve", "x", "y", {"s0": ([0, 1], runs[0]["curve"])})]


CLAIMS = [
    Claim("large always beats small", lambda n: (
        n["variants"]["large"]["score"] > n["variants"]["small"]["score"],
        {"large": n["variants"]["large"]["score"], "small": n["variants"]["small"]["score"]})),
    Claim("small is below 1.5", lambda n: (n["variants"]["small"]["score"] < 1.5,
                                           {"small": n["variants"]["small"]["score"]})),
]
