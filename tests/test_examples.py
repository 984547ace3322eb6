"""Every script in examples/ runs to the end with small settings. Those with a test of their
own (which also checks what they print) are listed in COVERED_ELSEWHERE; a new example is
picked up here automatically."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

COVERED_ELSEWHERE = {
    "train_pytorch_style.py": "tests/nn/test_training_example.py",
    "explain_xor_mlp.py": "tests/explain/test_explain_example.py",
    "scalar_neuron.py": "tests/scalar/test_graph_from_text.py",
    "scalar_from_text.py": "tests/scalar/test_graph_from_text.py",
    "scalar_custom_op.py": "tests/scalar/test_graph_from_text.py",
}

# command-line arguments that keep a run to a second or two
SMALL = {"train_digits_cnn.py": ["--epochs", "1"]}

SCRIPTS = sorted(p.name for p in EXAMPLES.glob("*.py") if p.name not in COVERED_ELSEWHERE)


def _arguments(name: str) -> list[str]:
    return SMALL.get(name, ["--quick"] if name.startswith("experiment_") else [])


def test_examples_covered_elsewhere_exist_and_are_run_by_their_test():
    root = EXAMPLES.parent
    for name, test in COVERED_ELSEWHERE.items():
        assert (EXAMPLES / name).is_file(), name
        assert name in (root / test).read_text(), f"{test} does not run {name}"


@pytest.mark.parametrize("name", SCRIPTS)
def test_example_runs_to_the_end(name, tmp_path):
    env = dict(os.environ, MPLBACKEND="Agg")
    out = subprocess.run([sys.executable, str(EXAMPLES / name), *_arguments(name)],
                         capture_output=True, text=True, timeout=60, cwd=tmp_path, env=env)
    assert out.returncode == 0, f"{name} exited with {out.returncode}:\n{out.stderr[-2000:]}"
    assert out.stdout.strip(), f"{name} printed nothing"
    assert "Traceback" not in out.stderr, out.stderr[-2000:]
    assert list(tmp_path.iterdir()) == [], f"{name} wrote files without being asked to"
