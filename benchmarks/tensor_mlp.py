"""Benchmark: one MLP training step (784-256-128-10, batch 256, float32), symnn vs PyTorch.

A step is zero_grad, forward, cross-entropy, backward and an SGD update. Both run in this
process limited to two threads, timed in interleaved rounds (median of repeats); np.matmul
1024^3 measured in the same run gives the machine's float32 GEMM rate, and "GEMM share" is
the step's 257.8 MFLOP of GEMM work over its time, as a fraction of that rate.

    python benchmarks/tensor_mlp.py [--rounds 15] [--steps 10]
"""

from __future__ import annotations

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


def numpy_step(state: dict[str, np.ndarray], x: np.ndarray, y: np.ndarray, lr: float = LR):
    """The same step written by hand in NumPy (no tape): the floor a framework adds to."""
    w = [np.array(state[f"{i}.weight"]) for i in (0, 2, 4)]
    b = [np.array(state[f"{i}.bias"]) for i in (0, 2, 4)]
    onehot = np.zeros((len(y), SIZES[-1]), dtype=np.float32)
    onehot[np.arange(len(y)), y] = 1.0

    def step():
        h1 = np.maximum(x @ w[0].T + b[0], 0.0)
        h2 = np.maximum(h1 @ w[1].T + b[1], 0.0)
        z = h2 @ w[2].T + b[2]
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        p = e / e.sum(axis=1, keepdims=True)
        loss = -np.log(p[np.arange(len(y)), y]).mean()
        dz = (p - onehot) / len(y)
        dh2 = (dz @ w[2]) * (h2 > 0)
        dh1 = (dh2 @ w[1]) * (h1 > 0)
        grads = [(dh1.T @ x, dh1.sum(0)), (dh2.T @ h1, dh2.sum(0)), (dz.T @ h2, dz.sum(0))]
        for (gw, gb), wi, bi in zip(grads, w, b):
            wi -= lr * gw
            bi -= lr * gb
        return loss

    return step


def main(argv: list[str] | None = None) -> int:
    def contenders() -> list[_harness.Contender]:
        x, y = batch_data()
        model = symnn_model()
        return [
            _harness.Contender("symnn", symnn_step(model, x, y)),
            _harness.Contender("torch", torch_step(torch_model(model.state_dict()), x, y)),
            _harness.Contender("numpy (by hand)", numpy_step(model.state_dict(), x, y)),
        ]

    return _harness.main(f"MLP 784-256-128-10, batch {BATCH}, float32, SGD step", contenders, gemm_flop(), argv,
                         description=__doc__.splitlines()[0])


if __name__ == "__main__":
    raise SystemExit(main())
