"""Every claim of every lesson holds on each of seeds 0..4 with the lesson's default settings
(the default run is the one a learner sees with ``symnn experiment NAME``)."""

import pytest

from symnn import experiments as E

LESSONS = [n for n in E.names() if E.claims_of(n)]


@pytest.mark.slow
@pytest.mark.parametrize("name", LESSONS)
def test_every_claim_holds_on_seeds_0_to_4(name):
    result = E.run(name, seeds=5)
    assert result.claims, f"{name} states no claim"
    failed = [f"{c.text} ({c.verdict()}; evidence {c.evidence})" for c in result.claims
              if not c.holds]
    assert not failed, f"{name}: " + "; ".join(failed)
