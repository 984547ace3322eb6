"""examples/explain_xor_mlp.py runs: it learns XOR and explains one sample on both engines."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

import symnn as sn

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "explain_xor_mlp.py"


def test_xor_example_learns_and_explains(capsys):
    previous = sn.get_default_dtype()
    spec = importlib.util.spec_from_file_location("explain_xor_mlp", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    try:
        model = module.main(steps=1000)
    finally:
        sn.set_default_dtype(previous)
    out = capsys.readouterr().out
    corners = sn.tensor(np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]),
                        dtype=np.float64)
    np.testing.assert_allclose(model(corners).data.reshape(-1), [0, 1, 1, 0], atol=0.05)
    assert "∂L/∂W^(1)_0,1 = " in out
    assert r"\sigma\left(W^{(2)}_{0,0} \sigma\left(W^{(1)}_{0,0} x_{0}" in out
    assert out.rstrip().endswith("NumPy backward, scalar engine and finite differences agree.")
