"""The pytest plugin: registered through pytest11, cheap to load, fixtures that check."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from importlib import metadata

import numpy  # noqa: F401  (imported before the inner sessions: NumPy cannot load twice)

import symnn.explain  # noqa: F401
import symnn.nn  # noqa: F401
import symnn.testing.assertions  # noqa: F401
import symnn.testing.finite_differences  # noqa: F401

pytest_plugins = ["pytester"]

# The inner sessions run in this process (pytester puts sys.modules back after each, so the
# modules they use are imported above); the other installed plugins are left out of them:
# some keep session-wide state (app snapshots), and they are not what is tested here.
INNER_ARGS = ("-q", "-p", "no:cacheprovider", "-p", "no:textual-snapshot", "-p", "no:syrupy",
              "-p", "no:hypothesispytest")


def test_plugin_is_registered_through_the_pytest11_entry_point():
    entry = [ep for ep in metadata.entry_points(group="pytest11") if ep.name == "symnn"]
    assert [ep.value for ep in entry] == ["symnn.testing.pytest_plugin"]


def test_loading_the_plugin_imports_neither_numpy_nor_the_backends():
    code = (
        "import sys, symnn.testing.pytest_plugin; "
        "print(sorted(m for m in ('numpy', 'sympy', 'symnn.tensor', 'symnn.scalar') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_pytest_still_runs_when_the_backend_cannot_be_imported(tmp_path):
    (tmp_path / "test_plain.py").write_text("def test_plain():\n    assert 1 + 1 == 2\n")
    code = (
        "import sys; sys.modules['symnn.tensor'] = None; import pytest; "
        f"sys.exit(pytest.main([*{list(INNER_ARGS)!r}, {str(tmp_path)!r}]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "1 passed" in out.stdout


def test_gradcheck_fixture_passes_a_right_gradient_and_fails_a_wrong_one(pytester):
    pytester.makepyfile(
        textwrap.dedent(
            """
            import numpy as np
            import symnn as sn

            class Cube(sn.Function):
                @staticmethod
                def forward(ctx, x):
                    ctx.save_for_backward(x)
                    return sn.tensor(x.data ** 3, dtype=x.dtype)

                @staticmethod
                def backward(ctx, g):
                    (x,) = ctx.saved_tensors
                    return 3.0 * x.data ** 2 * np.asarray(getattr(g, "data", g))

            class CubeWrongAtTwo(Cube):
                @staticmethod
                def backward(ctx, g):
                    grad = Cube.backward(ctx, g)
                    grad[2] += 1.0
                    return grad

            def x():
                return sn.tensor(np.array([0.5, -1.0, 1.5]), requires_grad=True,
                                 dtype=np.float64)

            def test_right(gradcheck):
                assert gradcheck(lambda x: Cube.apply(x).sum(), (x(),))

            def test_wrong(gradcheck):
                gradcheck(lambda x: CubeWrongAtTwo.apply(x).sum(), (x(),))
            """
        )
    )
    result = pytester.runpytest_inprocess(*INNER_ARGS)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "*GradcheckError: gradcheck failed: 1 of*",
        "*input 0, element (2,): analytic 7.750000e+00, numeric 6.750000e+00*",
    ])


def test_grads_match_fixture_checks_a_model(pytester):
    pytester.makepyfile(
        textwrap.dedent(
            """
            import numpy as np
            import symnn as sn
            from symnn import nn

            def test_mlp(grads_match):
                sn.manual_seed(0)
                model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
                x = np.array([[0.1, -0.4, 0.8]])
                grads_match(model, x, np.array([1]), nn.CrossEntropyLoss())
            """
        )
    )
    result = pytester.runpytest_inprocess(*INNER_ARGS)
    result.assert_outcomes(passed=1)
