"""Shared pytest configuration for symnn's test suite."""

import os

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
