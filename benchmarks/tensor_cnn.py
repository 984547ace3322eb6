"""Benchmark: one small-CNN training step (batch 64 of 1x28x28, float32), symnn vs PyTorch.

The model: conv 1->8 3x3, ReLU, max-pool 2, conv 8->16 3x3, ReLU, max-pool 2, flatten,
linear 400 -> 10. A step is zero_grad, forward, cross-entropy, backward and an SGD update.
Both run in this process limited to two threads, in interleaved rounds (median of repeats),
beside the np.matmul 1024^3 GEMM rate of the same run.

    python benchmarks/tensor_cnn.py [--rounds 15] [--steps 10]
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _harness  # noqa: E402  (limits threads before NumPy loads)
import numpy as np  # noqa: E402
from tensor_mlp import symnn_step, torch_step  # noqa: E402

BATCH = 64
CLASSES = 10
LR = 0.01


def gemm_flop(batch: int = BATCH) -> float:
    """GEMM FLOPs of a step: each conv and the linear layer forward and weight gradient,
    input gradients for all but the first conv (the images need none)."""
    conv1 = 2.0 * batch * 26 * 26 * 8 * (1 * 3 * 3)
    conv2 = 2.0 * batch * 11 * 11 * 16 * (8 * 3 * 3)
    linear = 2.0 * batch * 400 * CLASSES
    return 2 * conv1 + 3 * conv2 + 3 * linear


def batch_data(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((BATCH, 1, 28, 28), dtype=np.float32)
    y = rng.integers(0, CLASSES, size=BATCH).astype(np.int64)
    return x, y


def symnn_model(seed: int = 0):
    import symnn as sn
    from symnn import nn

    sn.manual_seed(seed)
    return nn.Sequential(nn.Conv2d(1, 8, 3), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(8, 16, 3), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(16 * 5 * 5, CLASSES))


def torch_model(state: dict[str, np.ndarray]):
    """PyTorch's CNN of the same architecture, holding the given weights."""
    import torch
    from torch import nn

    model = nn.Sequential(nn.Conv2d(1, 8, 3), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(8, 16, 3), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(16 * 5 * 5, CLASSES))
    model.load_state_dict({k: torch.from_numpy(np.array(v)) for k, v in state.items()})
    return model


def main(argv: list[str] | None = None) -> int:
    def contenders() -> list[_harness.Contender]:
        x, y = batch_data()
        model = symnn_model()
        return [
            _harness.Contender("symnn", symnn_step(model, x, y, LR)),
            _harness.Contender("torch", torch_step(torch_model(model.state_dict()), x, y, LR)),
        ]

    return _harness.main(f"CNN conv8-pool-conv16-pool-linear, batch {BATCH}x1x28x28, float32, SGD step", contenders, gemm_flop(), argv,
                         description=__doc__.splitlines()[0])


if __name__ == "__main__":
    raise SystemExit(main())
