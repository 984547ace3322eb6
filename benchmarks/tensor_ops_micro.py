"""Micro-benchmark: the Tensor tape's overhead over hand-written NumPy for one training step.

The same MLP step (784-256-128-10, batch 256, float32: linear, ReLU, softmax cross-entropy,
backward, SGD update) and the same small-CNN step (conv 1->8 3x3, ReLU, max-pool 2, conv
8->16 3x3, ReLU, max-pool 2, linear 400->10, batch 64) are written twice: with symnn Tensor
ops and the tape, and as plain NumPy with the backward written by hand. Both run in this
process, interleaved, so the ratio isolates the cost of the tape (no nn or optim involved).

The same steps in PyTorch (functional API, same shapes) are timed alongside when torch is
installed. ``--cpu-time`` measures process CPU time with one thread instead of wall time with
two: on a shared, busy machine that still gives stable ratios.

    python benchmarks/tensor_ops_micro.py [--rounds 15] [--steps 10] [--only mlp|cnn] [--cpu-time]
"""

from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
if "--cpu-time" in sys.argv:
    for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[_var] = "1"
import statistics  # noqa: E402
import time  # noqa: E402

import _harness  # noqa: E402  (limits threads before NumPy loads)
import numpy as np  # noqa: E402

import symnn as sn  # noqa: E402
from symnn.tensor import conv  # noqa: E402

LR = 0.01


def _init(rng: np.random.Generator, *shape: int) -> np.ndarray:
    fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else shape[0]
    return rng.uniform(-1, 1, shape).astype(np.float32) / np.float32(np.sqrt(fan_in))


def _cross_entropy(logits: sn.Tensor, target: np.ndarray) -> sn.Tensor:
    """mean(-log softmax(logits)[i, y_i]) from Tensor ops."""
    shifted = logits - logits.max(dim=1, keepdim=True).detach()
    logp = shifted - shifted.exp().sum(dim=1, keepdim=True).log()
    return -logp[np.arange(len(target)), target].mean()


def _ce_numpy(logits: np.ndarray, target: np.ndarray) -> tuple[float, np.ndarray]:
    shifted = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    s = e.sum(axis=1, keepdims=True)
    n = len(target)
    loss = float(np.log(s).mean() - shifted[np.arange(n), target].mean())
    g = e / s
    g[np.arange(n), target] -= 1
    g *= np.float32(1.0 / n)
    return loss, g


def mlp_steps(batch: int = 256, sizes: tuple[int, ...] = (784, 256, 128, 10)):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch, sizes[0]), dtype=np.float32)
    y = rng.integers(0, sizes[-1], batch)
    shapes = list(zip(sizes[1:], sizes[:-1]))
    np_params = [(_init(rng, o, i), _init(rng, o)) for o, i in shapes]
    sn_params = [(sn.tensor(w, requires_grad=True), sn.tensor(b, requires_grad=True)) for w, b in np_params]
    np_params = [(w.copy(), b.copy()) for w, b in np_params]
    xt = sn.tensor(x)

    def tape_step():
        h = xt
        for k, (w, b) in enumerate(sn_params):
            h = h @ w.T + b
            if k < len(sn_params) - 1:
                h = h.relu()
        loss = _cross_entropy(h, y)
        for w, b in sn_params:
            w.grad = b.grad = None
        loss.backward()
        with sn.no_grad():
            for w, b in sn_params:
                w.data -= LR * w.grad.data
                b.data -= LR * b.grad.data
        return loss

    def numpy_step():
        acts = [x]
        h = x
        for k, (w, b) in enumerate(np_params):
            h = h @ w.T + b
            if k < len(np_params) - 1:
                h = np.maximum(h, 0)
            acts.append(h)
        loss, g = _ce_numpy(h, y)
        for k in range(len(np_params) - 1, -1, -1):
            w, b = np_params[k]
            if k < len(np_params) - 1:
                g = g * (acts[k + 1] > 0)
            gw, gb = g.T @ acts[k], g.sum(0)
            if k:
                g = g @ w
            w -= LR * gw
            b -= LR * gb
        return loss

    return tape_step, numpy_step


def cnn_steps(batch: int = 64):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch, 1, 28, 28), dtype=np.float32)
    y = rng.integers(0, 10, batch)
    w1, b1 = _init(rng, 8, 1, 3, 3), _init(rng, 8)
    w2, b2 = _init(rng, 16, 8, 3, 3), _init(rng, 16)
    w3, b3 = _init(rng, 10, 400), _init(rng, 10)
    params = [sn.tensor(a, requires_grad=True) for a in (w1, b1, w2, b2, w3, b3)]
    xt = sn.tensor(x)

    def tape_step():
        c1, cb1, c2, cb2, lw, lb = params
        h = conv.max_pool_nd(conv.conv_nd(xt, c1, cb1).relu(), 2)
        h = conv.max_pool_nd(conv.conv_nd(h, c2, cb2).relu(), 2)
        loss = _cross_entropy(h.flatten(1) @ lw.T + lb, y)
        for p in params:
            p.grad = None
        loss.backward()
        with sn.no_grad():
            for p in params:
                p.data -= LR * p.grad.data
        return loss

    return tape_step


def torch_steps(kind: str):
    """The same step in PyTorch's functional API (None without torch)."""
    try:
        import torch
    except ImportError:
        return None
    tf = torch.nn.functional
    rng = np.random.default_rng(0)
    if kind == "mlp":
        x = torch.from_numpy(rng.standard_normal((256, 784), dtype=np.float32))
        y = torch.from_numpy(rng.integers(0, 10, 256))
        params = [torch.from_numpy(_init(rng, *shape)).requires_grad_()
                  for o, i in ((256, 784), (128, 256), (10, 128)) for shape in ((o, i), (o,))]
    else:
        x = torch.from_numpy(rng.standard_normal((64, 1, 28, 28), dtype=np.float32))
        y = torch.from_numpy(rng.integers(0, 10, 64))
        params = [torch.from_numpy(_init(rng, *shape)).requires_grad_()
                  for shape in ((8, 1, 3, 3), (8,), (16, 8, 3, 3), (16,), (10, 400), (10,))]

    def forward():
        if kind == "mlp":
            h = x
            for k in range(3):
                h = tf.linear(h, params[2 * k], params[2 * k + 1])
                h = h.relu() if k < 2 else h
            return h
        h = tf.max_pool2d(tf.conv2d(x, params[0], params[1]).relu(), 2)
        h = tf.max_pool2d(tf.conv2d(h, params[2], params[3]).relu(), 2)
        return tf.linear(h.flatten(1), params[4], params[5])

    def step():
        loss = tf.cross_entropy(forward(), y)
        for p in params:
            p.grad = None
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= LR * p.grad
        return loss

    return step


def _cpu_times(contenders: list[_harness.Contender], rounds: int, steps: int) -> dict[str, float]:
    """Median process CPU seconds per step, contenders interleaved as in the harness."""
    for c in contenders:
        for _ in range(3):
            c.step()
    samples: dict[str, list[float]] = {c.name: [] for c in contenders}
    for r in range(rounds):
        for c in contenders if r % 2 == 0 else contenders[::-1]:
            start = time.process_time()
            for _ in range(steps):
                c.step()
            samples[c.name].append((time.process_time() - start) / steps)
    return {name: statistics.median(t) for name, t in samples.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--only", choices=["mlp", "cnn"])
    parser.add_argument("--cpu-time", action="store_true", help="process CPU time, one thread")
    args = parser.parse_args(argv)
    if args.cpu_time:
        _harness.THREADS = 1
    _harness.limit_threads()
    timer = _cpu_times if args.cpu_time else _harness.interleaved
    clock = "CPU time, 1 thread" if args.cpu_time else f"wall time, {_harness.THREADS} threads"
    for kind in ("mlp", "cnn"):
        if args.only not in (None, kind):
            continue
        contenders = []
        if kind == "mlp":
            tape, numpy = mlp_steps()
            contenders = [_harness.Contender("symnn tape", tape), _harness.Contender("numpy", numpy)]
        else:
            contenders = [_harness.Contender("symnn tape", cnn_steps())]
        reference = torch_steps(kind)
        if reference is not None:
            contenders.append(_harness.Contender("torch", reference))
        times = timer(contenders, rounds=args.rounds, steps=args.steps)
        tape_time = times["symnn tape"]
        parts = [f"{name} {t * 1e3:.3f} ms ({tape_time / t:.2f}x)" for name, t in times.items() if name != "symnn tape"]
        print(f"{kind.upper()} step, {clock}: symnn tape {tape_time * 1e3:.3f} ms; "
              + "; ".join(parts) + "  (ratios: tape time / other)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
