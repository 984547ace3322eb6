"""pytest plugin (registered through the ``pytest11`` entry point as ``symnn``).

Fixtures:

- ``gradcheck``: ``symnn.testing.gradcheck``, ``gradcheck(fn, inputs)`` returns True or
  raises GradcheckError naming the worst-disagreeing element;
- ``grads_match``: ``symnn.testing.assert_grads_match``, ``grads_match(model, x, target,
  loss_fn)`` checks NumPy backward == scalar engine == finite differences.

This module imports nothing from symnn at import time, so loading the plugin costs nothing
and cannot break a pytest run; the fixtures import symnn when a test asks for them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture
def gradcheck() -> Callable[..., bool]:
    """``gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3)`` from ``symnn.testing``."""
    from symnn.testing.finite_differences import gradcheck as check

    return check


@pytest.fixture
def grads_match() -> Callable[..., Any]:
    """``grads_match(model, x, target, loss_fn)``: the three-way gradient assertion."""
    from symnn.testing.assertions import assert_grads_match

    return assert_grads_match
