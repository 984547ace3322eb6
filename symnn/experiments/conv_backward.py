"""The backward pass of a convolution is again a convolution. For y = conv(x, w) (a
cross-correlation, as in PyTorch: y[o, i] = Σ_c Σ_u x[c, i + u] w[o, c, u] + b[o]) and the
upstream gradient g = dL/dy:

- dL/dx is the *full* convolution of g with the kernel: g padded by k - 1 - padding on each
  side, correlated with the kernel flipped in space and with its in and out channels swapped;
  with stride s, first put s - 1 zeros between g's entries (the positions the stride skipped);
- dL/dw is the correlation of the input x with g (channels and batch swapped, so the sum over
  the batch is the sum over the "channels" of that convolution; with stride s, g is dilated
  by s);
- dL/db is g summed over the batch and every position.

Each is computed here explicitly with symnn's own convolution (``F.conv1d`` / ``F.conv2d``)
and compared with what autograd gives for random inputs in float64, for several paddings and
strides."""

from __future__ import annotations

from typing import Any

import numpy as np

from symnn.experiments.claims import Claim
from symnn.experiments.result import Panel

TITLE = "The backward pass of a convolution is a convolution"
DESCRIPTION = ("conv-backward: dL/dX = full convolution of dL/dY with the flipped kernel, "
               "dL/dW = correlation of X with dL/dY, checked against autograd")

#: (padding, stride) of the 2-D convolutions checked: 7x7 inputs, 3x3 kernels
CONFIGS = ((0, 1), (1, 1), (0, 2))
TOLERANCE = 1e-12


def _conv(ndim: int):
    from symnn.nn import functional as F

    return {1: F.conv1d, 2: F.conv2d}[ndim]


def _spread(g: np.ndarray, stride: int) -> np.ndarray:
    """g with stride - 1 zeros between neighbouring entries along every spatial axis."""
    if stride == 1:
        return g
    spatial = g.shape[2:]
    out = np.zeros(g.shape[:2] + tuple((n - 1) * stride + 1 for n in spatial), dtype=g.dtype)
    out[(slice(None), slice(None)) + tuple(slice(None, None, stride) for _ in spatial)] = g
    return out


def input_gradient(grad_out: np.ndarray, weight: np.ndarray, input_size: tuple[int, ...],
                   padding: int = 0, stride: int = 1) -> np.ndarray:
    """dL/dx as a convolution: spread g by the stride, pad it by k - 1 - padding (plus what the
    stride left over at the end), correlate with the kernel flipped in space, channels swapped."""
    from symnn.nn import functional as F
    from symnn.tensor import tensor

    ndim = weight.ndim - 2
    k = weight.shape[2:]
    spread = _spread(grad_out, stride)
    pads = []
    for axis in reversed(range(ndim)):  # F.pad's order: last axis first
        lo = k[axis] - 1 - padding
        hi = lo + input_size[axis] + 2 * padding - k[axis] - (spread.shape[2 + axis] - 1)
        pads += [lo, hi]
    flipped = weight[(slice(None), slice(None)) + (slice(None, None, -1),) * ndim]
    kernel = np.ascontiguousarray(np.swapaxes(flipped, 0, 1))
    padded = F.pad(tensor(spread, dtype=np.float64), pads)
    return _conv(ndim)(padded, tensor(kernel, dtype=np.float64)).data


def weight_gradient(x: np.ndarray, grad_out: np.ndarray, kernel_size: tuple[int, ...],
                    padding: int = 0, stride: int = 1) -> np.ndarray:
    """dL/dw as a convolution: x with batch and channels swapped, correlated with g (batch and
    channels swapped, dilated by the stride), cut to the kernel's size."""
    from symnn.tensor import tensor

    ndim = x.ndim - 2
    inputs = tensor(np.ascontiguousarray(np.swapaxes(x, 0, 1)), dtype=np.float64)
    kernel = tensor(np.ascontiguousarray(np.swapaxes(grad_out, 0, 1)), dtype=np.float64)
    out = _conv(ndim)(inputs, kernel, padding=padding, dilation=stride).data
    out = out[(slice(None), slice(None)) + tuple(slice(0, n) for n in kernel_size)]
    return np.ascontiguousarray(np.swapaxes(out, 0, 1))


def autograd_gradients(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, grad_out: np.ndarray,
                       padding: int = 0, stride: int = 1) -> dict[str, np.ndarray]:
    """dL/dx, dL/dw, dL/db from symnn's autograd, for L = Σ y · g (so that dL/dy = g)."""
    from symnn.tensor import tensor

    ndim = x.ndim - 2
    xs, ws, bs = (tensor(a, dtype=np.float64, requires_grad=True) for a in (x, weight, bias))
    y = _conv(ndim)(xs, ws, bs, stride=stride, padding=padding)
    if y.shape != grad_out.shape:
        raise ValueError(f"dL/dy must have the output's shape {tuple(y.shape)}, got "
                         f"{grad_out.shape}")
    (y * tensor(grad_out, dtype=np.float64)).sum().backward()
    return {"x": xs.grad.data, "w": ws.grad.data, "b": bs.grad.data}


def explicit_gradients(x: np.ndarray, weight: np.ndarray, grad_out: np.ndarray, padding: int = 0,
                       stride: int = 1) -> dict[str, np.ndarray]:
    """The same three gradients computed as convolutions (and a sum for the bias)."""
    spatial = tuple(range(2, grad_out.ndim))
    return {"x": input_gradient(grad_out, weight, x.shape[2:], padding, stride),
            "w": weight_gradient(x, grad_out, weight.shape[2:], padding, stride),
            "b": grad_out.sum(axis=(0,) + spatial)}


def _output_size(size: int, k: int, padding: int, stride: int) -> int:
    return (size + 2 * padding - k) // stride + 1


def run_seed(seed: int, quick: bool = False, batch: int = 2, channels: int = 3,
             out_channels: int = 4, size: int = 7, kernel: int = 3) -> dict[str, Any]:
    """Random x (batch, channels, size, size), w, b and dL/dy (float64) for every (padding,
    stride) in CONFIGS: the largest absolute difference between the explicit and the
    autograd gradients, and a small 1-D example with its numbers."""
    rng = np.random.default_rng(seed)
    variants = {}
    for padding, stride in CONFIGS:
        x = rng.standard_normal((batch, channels, size, size))
        w = rng.standard_normal((out_channels, channels, kernel, kernel))
        b = rng.standard_normal(out_channels)
        out = _output_size(size, kernel, padding, stride)
        g = rng.standard_normal((batch, out_channels, out, out))
        auto = autograd_gradients(x, w, b, g, padding, stride)
        mine = explicit_gradients(x, w, g, padding, stride)
        variants[f"padding {padding}, stride {stride}"] = {
            f"max_diff_d{k}": float(np.max(np.abs(auto[k] - mine[k]))) for k in ("x", "w", "b")}
        variants[f"padding {padding}, stride {stride}"]["largest_gradient"] = float(
            max(np.max(np.abs(a)) for a in auto.values()))
    x1 = rng.integers(-3, 4, (1, 1, 6)).astype(np.float64)
    w1 = rng.integers(-2, 3, (1, 1, 3)).astype(np.float64)
    g1 = rng.integers(-2, 3, (1, 1, 4)).astype(np.float64)
    auto1 = autograd_gradients(x1, w1, np.zeros(1), g1)
    mine1 = explicit_gradients(x1, w1, g1)
    example = {"x": x1.ravel().tolist(), "w": w1.ravel().tolist(), "dL/dy": g1.ravel().tolist(),
               "dL/dx autograd": auto1["x"].ravel().tolist(),
               "dL/dx full convolution": mine1["x"].ravel().tolist(),
               "dL/dw autograd": auto1["w"].ravel().tolist(),
               "dL/dw correlation": mine1["w"].ravel().tolist()}
    return {"shape": {"batch": batch, "channels": channels, "out_channels": out_channels,
                      "size": size, "kernel": kernel},
            "variants": variants, "example_1d": example}


def _agrees(key: str):
    def check(n: dict) -> tuple[bool, dict]:
        diffs = {name: v[key] for name, v in n["variants"].items()}
        return all(d < TOLERANCE for d in diffs.values()), {
            f"max |difference| {name}": d for name, d in diffs.items()}
    return check


CLAIMS = [
    Claim("dL/dX is the full convolution of dL/dY with the flipped kernel (with stride 2, after "
          "a zero between dL/dY's entries): it equals autograd's to float64 rounding (max "
          "difference below 1e-12).", _agrees("max_diff_dx")),
    Claim("dL/dW is the correlation of the input X with dL/dY: it equals autograd's to float64 "
          "rounding (max difference below 1e-12).", _agrees("max_diff_dw")),
    Claim("dL/db is dL/dY summed over the batch and every position (max difference from "
          "autograd below 1e-12).", _agrees("max_diff_db")),
]


def summarize(runs: list[dict[str, Any]]) -> tuple[list[str], list[Panel]]:
    shape = runs[0]["shape"]
    ex = runs[0]["example_1d"]
    lines = [f"random float64 inputs ({shape['batch']}, {shape['channels']}, {shape['size']}, "
             f"{shape['size']}), kernels ({shape['out_channels']}, {shape['channels']}, "
             f"{shape['kernel']}, {shape['kernel']}), a random dL/dY; padding and stride as in "
             "each row; every gradient computed by symnn's conv ops and by autograd",
             "a 1-D example (seed 0): y[i] = Σ_u x[i+u] w[u]",
             f"  x = {_ints(ex['x'])}, w = {_ints(ex['w'])}, dL/dy = {_ints(ex['dL/dy'])}",
             f"  dL/dx: dL/dy padded by 2 zeros each side, correlated with the flipped w "
             f"{_ints(ex['w'][::-1])} = {_ints(ex['dL/dx full convolution'])} "
             f"(autograd {_ints(ex['dL/dx autograd'])})",
             f"  dL/dw: x correlated with dL/dy = {_ints(ex['dL/dw correlation'])} "
             f"(autograd {_ints(ex['dL/dw autograd'])})",
             "each output y[i] used x[i+u] w[u], so x[j] gets dL/dy[i] w[j-i] from every output "
             "that saw it: a sum over i, which is the full convolution"]
    positions = list(range(len(ex["x"])))
    panels = [Panel("1-D example: dL/dx (seed 0)", "input position", "dL/dx",
                    {"autograd": (positions, ex["dL/dx autograd"]),
                     "full convolution": (positions, ex["dL/dx full convolution"])})]
    return lines, panels


def _ints(values: list[float]) -> str:
    """[1, -2, 0] (the example's numbers are whole)."""
    return "[" + ", ".join(f"{v:g}" for v in values) + "]"
