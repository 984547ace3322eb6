"""Benchmark: one MLP training step (784-256-128-10, batch 256, float32), symnn vs PyTorch.

A step is zero_grad, forward, cross-entropy, backward and an SGD update. Both run in this
process limited to two threads, timed in interleaved rounds (median of repeats); np.matmul
1024^3 measured in the same run gives the machine's float32 GEMM rate, and "GEMM share" is
the step's 257.8 MFLOP of GEMM work over its time, as a fraction of that rate.

    python benchmarks/tensor_mlp.py [--rounds 15] [--steps 10]
"""

from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _harness  # noqa: E402  (limits threads before NumPy loads)
import numpy as np  # noqa: E402

SIZES = (784, 256, 128, 10)
BATCH = 256
LR = 0.01


def gemm_flop(batch: int = BATCH, sizes: tuple[int, ...] = SIZES) -> float:
    """GEMM FLOPs of a step: forward and weight gradients of every layer, input gradients of
    all but the first (the data needs none)."""
    layers = list(zip(sizes[:-1], sizes[1:]))
    per_gemm = [2.0 * batch * fan_in * fan_out for fan_in, fan_out in layers]
    return 2 * sum(per_gemm) + sum(per_gemm[1:])


def batch_data(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((BATCH, SIZES[0]), dtype=np.float32)
    y = rng.integers(0, SIZES[-1], size=BATCH).astype(np.int64)
    return x, y


def symnn_model(seed: int = 0):
    import symnn as sn
    from symnn import nn

    sn.manual_seed(seed)
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                         nn.Linear(128, 10))


def torch_model(state: dict[str, np.ndarray]):
    """PyTorch's MLP of the same architecture, holding the given weights."""
    import torch

    model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(),
                                torch.nn.Linear(256, 128), torch.nn.ReLU(),
                                torch.nn.Linear(128, 10))
    model.load_state_dict({k: torch.from_numpy(np.array(v)) for k, v in state.items()})
    return model


def symnn_step(model, x: np.ndarray, y: np.ndarray, lr: float = LR):
    """A function running one symnn training step and returning its loss Tensor."""
    import symnn as sn
    from symnn import nn, optim

    opt = optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    xt, yt = sn.tensor(x), sn.tensor(y)

    def step():
        opt.zero_grad()
        loss = loss_fn(model(xt), yt)
        loss.backward()
        opt.step()
        return loss

    return step


def torch_step(model, x: np.ndarray, y: np.ndarray, lr: float = LR):
    """A function running one PyTorch training step and returning its loss tensor."""
    import torch

    opt = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)

    def step():
        opt.zero_grad()
        loss = loss_fn(model(xt), yt)
        loss.backward()
        opt.step()
        return loss

    return step


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2, help="BLAS and torch threads")
    args = parser.parse_args(argv)
    blas = _harness.limit_threads()
    x, y = batch_data()
    model = symnn_model()
    contenders = [
        _harness.Contender("symnn", symnn_step(model, x, y)),
        _harness.Contender("torch", torch_step(torch_model(model.state_dict()), x, y)),
    ]
    gflops = _harness.gemm_rate()
    times = _harness.interleaved(contenders, rounds=args.rounds, steps=args.steps)
    gflops = (gflops + _harness.gemm_rate()) / 2
    print(_harness.report(f"MLP 784-256-128-10, batch {BATCH}, float32, SGD step", times,
                          "torch", gemm_flop(), gflops, blas))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
