"""The benchmark MLP and CNN train to PyTorch's losses for 5 steps from the same weights."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="PyTorch not installed")

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def _load(name: str):
    sys.path.insert(0, str(BENCHMARKS))
    try:
        spec = importlib.util.spec_from_file_location(f"symnn_bench_{name}", BENCHMARKS / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCHMARKS))
    return module


@pytest.mark.parametrize("name", ["tensor_mlp", "tensor_cnn"])
def test_benchmark_model_losses_match_torch_for_5_steps(name):
    bench = _load(name)
    x, y = bench.batch_data(seed=3)
    model = bench.symnn_model(seed=3)
    tmodel = bench.torch_model(model.state_dict())
    ours = bench.symnn_step(model, x, y, lr=0.1)
    theirs = bench.torch_step(tmodel, x, y, lr=0.1)
    losses = np.array([[ours().item(), theirs().item()] for _ in range(5)])
    np.testing.assert_allclose(losses[:, 0], losses[:, 1], rtol=2e-5, atol=1e-6)
    assert losses[-1, 0] < losses[0, 0], "five SGD steps should lower the loss"
    for key, value in tmodel.state_dict().items():
        np.testing.assert_allclose(model.state_dict()[key], value.numpy(), rtol=1e-4, atol=1e-5,
                                   err_msg=key)


def test_hand_written_numpy_mlp_step_matches_torch_losses():
    bench = _load("tensor_mlp")
    x, y = bench.batch_data(seed=4)
    state = bench.symnn_model(seed=4).state_dict()
    ours = bench.numpy_step(state, x, y, lr=0.1)
    theirs = bench.torch_step(bench.torch_model(state), x, y, lr=0.1)
    losses = np.array([[ours(), theirs().item()] for _ in range(5)])
    np.testing.assert_allclose(losses[:, 0], losses[:, 1], rtol=2e-5, atol=1e-6)
