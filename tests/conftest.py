"""Shared pytest configuration for symnn's test suite.

PyTorch parity tests skip when torch is absent (the modules under tests/parity/, and any test
elsewhere that skips because torch did not import); the run then ends with a line naming each
module that skipped, and with ``SYMNN_REQUIRE_TORCH=1`` (set by ``.ci/run``) such a skip
fails the run, so the parity tests cannot silently stop running in CI.
"""

import os
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=30, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture
def float64_default():
    """float64 as the default dtype during one test (finite differences need it), then the
    previous default again."""
    import symnn as sn

    previous = sn.get_default_dtype()
    sn.set_default_dtype(np.float64)
    yield
    sn.set_default_dtype(previous)


PARITY = "tests/parity/"
# pytest.importorskip's reason, and the parity modules' own
TORCH_MISSING = re.compile(r"could not import 'torch'|PyTorch not installed")
_parity_skips: dict[str, str] = {}


def _note_parity_skip(report) -> None:
    """Record a skipped test module under tests/parity/, or any test skipped because torch
    did not import, with the first reason given."""
    if not report.skipped or hasattr(report, "wasxfail"):
        return
    path = report.nodeid.split("::")[0]
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    if path.startswith(PARITY) or TORCH_MISSING.search(reason):
        _parity_skips.setdefault(path, reason.removeprefix("Skipped: "))


def pytest_collectreport(report):
    _note_parity_skip(report)


def pytest_runtest_logreport(report):
    _note_parity_skip(report)


def pytest_sessionfinish(session, exitstatus):
    if _parity_skips and os.environ.get("SYMNN_REQUIRE_TORCH") and exitstatus in (0, 5):
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not _parity_skips:
        return
    required = bool(os.environ.get("SYMNN_REQUIRE_TORCH"))
    terminalreporter.write_sep("!" if required else "-",
                               f"{len(_parity_skips)} module(s) with PyTorch parity tests skipped"
                               + (" (a failure: SYMNN_REQUIRE_TORCH is set)" if required else ""),
                               red=required, yellow=not required)
    for path, reason in sorted(_parity_skips.items()):
        terminalreporter.write_line(f"  {path}: {reason}")


@pytest.fixture
def assert_no_degenerate_step():
    """A check for derivations: no step from a node to itself, none whose node and parent print
    alike (which reads ∂L/∂F = ∂L/∂F · ∂F/∂F)."""
    from symnn.symbolic.printing import unicode

    def check(d) -> None:
        text = str(d)
        for step in d.steps:
            assert step.node is not step.parent
            node, parent = unicode(step.node_form, d.typed), unicode(step.parent_form, d.typed)
            assert node != parent, (node, parent)
            for f in {node, f"({node})", parent, f"({parent})"}:
                assert f"∂{f}/∂{f}" not in text and f"∂L/∂{f} = ∂L/∂{f} ·" not in text

    return check
