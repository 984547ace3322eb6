"""Unit-testing gradients: ``gradcheck`` (a function's backward against central differences),
``assert_grads_match`` (a model's gradients three ways: NumPy backward, scalar engine,
finite differences) and ``check_op`` (a scalar-engine op's numeric rule against its SymPy
form). The pytest plugin ``symnn.testing.pytest_plugin`` offers both as the
fixtures ``gradcheck`` and ``grads_match``.

Names load lazily so that the pytest plugin, which lives in this package, imports nothing
heavy when pytest starts.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

_EXPORTS = {
    "gradcheck": "symnn.testing.gradcheck",
    "gradient_report": "symnn.testing.gradcheck",
    "GradcheckError": "symnn.testing.gradcheck",
    "assert_grads_match": "symnn.testing.assertions",
    "check_op": "symnn.testing.scalar_ops",
}

__all__ = sorted(_EXPORTS)


class _TestingModule(types.ModuleType):
    """Keeps ``symnn.testing.gradcheck`` the function, as ``torch.autograd.gradcheck`` is,
    although the submodule ``symnn/testing/gradcheck.py`` has the same name: importing a
    submodule binds it on its package, and this refuses that one binding."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "gradcheck" and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)

    def __getattr__(self, name: str) -> Any:
        if name in _EXPORTS:
            value = getattr(importlib.import_module(_EXPORTS[name]), name)
            super().__setattr__(name, value)
            return value
        raise AttributeError(f"module 'symnn.testing' has no attribute {name!r}")

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(__all__))


sys.modules[__name__].__class__ = _TestingModule
