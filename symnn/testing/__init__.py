"""Unit-testing gradients: ``gradcheck`` (a function's backward against central differences),
``assert_grads_match`` (a model's gradients three ways: NumPy backward, scalar engine,
finite differences) and ``check_op`` (a scalar-engine op's numeric rule against its SymPy
form). The pytest plugin ``symnn.testing.pytest_plugin`` offers both as the
fixtures ``gradcheck`` and ``grads_match``.

Names load lazily so that the pytest plugin, which lives in this package, imports nothing
heavy when pytest starts.
"""

from __future__ import annotations

from symnn._lazy import lazy_exports

# gradcheck lives in finite_differences.py, so symnn.testing.gradcheck is always the function
# (as torch.autograd.gradcheck is), never a submodule of that name
_EXPORTS = {
    "gradcheck": "symnn.testing.finite_differences",
    "gradient_report": "symnn.testing.finite_differences",
    "GradcheckError": "symnn.testing.finite_differences",
    "assert_grads_match": "symnn.testing.assertions",
    "check_op": "symnn.testing.scalar_ops",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
