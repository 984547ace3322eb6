"""Loss functions: regression (MSE, L1), classification (NLL, cross-entropy) and binary
cross-entropy (on probabilities and on logits)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from symnn.nn.functional._values import _constant, _like, _numeric
from symnn.nn.functional.activations import log_softmax
from symnn.nn.module import as_tensor
from symnn.tensor import Function, Tensor

_REDUCTIONS = ("none", "mean", "sum")


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "none":
        return loss
    if reduction == "mean":
        return loss.mean()
    return loss.sum()


def _check_reduction(reduction: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"reduction must be 'none', 'mean' or 'sum', got {reduction!r}")


def mse_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """(x - y)², reduced."""
    _check_reduction(reduction)
    target = _like(target, input)
    _warn_broadcast(input, target)
    diff = input - target
    return _reduce(diff ** 2, reduction)


def l1_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """|x - y|, reduced."""
    _check_reduction(reduction)
    target = _like(target, input)
    _warn_broadcast(input, target)
    return _reduce((input - target).abs(), reduction)


def rmse_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """Root mean squared error, sqrt(mean((x - y)²)): the square root of ``mse_loss`` with the
    same ``reduction`` ('sum': the length of the error vector; 'none': |x - y| per element).
    In the units of y, with MSE's minimum; its gradient is MSE's divided by 2·RMSE, so it is
    undefined (NaN) where the error is exactly zero. symnn's addition: PyTorch has no RMSE
    loss, and this equals ``torch.sqrt(F.mse_loss(x, y, reduction=...))``."""
    return mse_loss(input, target, reduction).sqrt()


def _warn_broadcast(input: Tensor, target: Tensor) -> None:
    if tuple(input.shape) != tuple(target.shape):
        warnings.warn(
            f"Using a target size ({tuple(target.shape)}) that is different to the input size "
            f"({tuple(input.shape)}). This will likely lead to incorrect results due to "
            "broadcasting. Please ensure they have the same size.",
            stacklevel=3,
        )


def _class_rows(input: Tensor) -> Tensor:
    """(N, C, *d) → (N·prod(d), C) with the class dimension last; (C,) → (1, C)."""
    channels = input.shape[0] if input.ndim == 1 else input.shape[1]
    if input.ndim == 1:
        return input.reshape(1, channels)
    if input.ndim == 2:
        return input
    return input.permute(0, *range(2, input.ndim), 1).reshape(-1, channels)


def _class_targets(input: Tensor, target: Tensor, ignore_index: int
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Flat class indices (ignored ones replaced by 0) and the flat mask of counted targets."""
    expected = () if input.ndim == 1 else (input.shape[0],) + tuple(input.shape[2:])
    if tuple(target.shape) != expected:
        raise ValueError(
            f"expected target of shape {expected} for input of shape {tuple(input.shape)}, "
            f"got {tuple(target.shape)}"
        )
    channels = input.shape[0] if input.ndim == 1 else input.shape[1]
    t = np.asarray(target.data).reshape(-1).astype(np.int64)
    valid = t != ignore_index
    bad = valid & ((t < 0) | (t >= channels))
    if bad.any():
        raise IndexError(f"Target {t[bad][0]} is out of bounds for {channels} classes")
    return np.where(valid, t, 0), valid


def nll_loss(input: Tensor, target: Any, weight: Tensor | None = None,
             ignore_index: int = -100, reduction: str = "mean") -> Tensor:
    """-w[y]·x[n, y]; the mean divides by Σ w[y] over the targets that are not ignored
    (NaN when all are ignored)."""
    _check_reduction(reduction)
    target = as_tensor(target)
    t, valid = _class_targets(input, target, ignore_index)
    w = valid.astype(np.float64)
    if weight is not None:
        w = w * _numeric(as_tensor(weight).data)[t]
    picked = _class_rows(input)[np.arange(t.size), t]
    loss = -(picked * _constant(w, input))
    if reduction == "none":
        return loss.reshape(*target.shape)
    total = loss.sum()
    if reduction == "sum":
        return total
    denominator = float(w.sum())
    return total / denominator if denominator != 0 else total * float("nan")


class _CrossEntropy(Function):
    """Cross-entropy of float logits and class indices as one op (the composite formula in
    ``cross_entropy`` costs a dozen tape nodes; a training step calls this every time).

    With p = softmax(x) and a_c = ∂L/∂(log p_c) (from the NLL and smoothing terms), the
    gradient is ∂L/∂x = a - p·Σ_c a_c.
    """

    @staticmethod
    def forward(ctx: Any, x: Tensor, t: np.ndarray, valid: np.ndarray,
                class_weight: np.ndarray | None, reduction: str, smoothing: float,
                target_shape: tuple[int, ...]) -> Tensor:
        dtype = x.data.dtype
        channels = x.shape[0] if x.ndim == 1 else x.shape[1]
        rows = _rows_class_last(x.data, channels)
        shifted = rows - rows.max(axis=1, keepdims=True)
        exp = np.exp(shifted)
        total = exp.sum(axis=1, keepdims=True)
        logp = shifted - np.log(total)
        cw = None if class_weight is None else class_weight.astype(dtype)
        w_t = valid.astype(dtype) if cw is None else cw[t] * valid
        nll = -logp[np.arange(t.size), t] * w_t
        smooth = None
        if smoothing > 0:
            smooth = -(logp.sum(axis=1) if cw is None else (logp * cw).sum(axis=1)) * valid
        denominator = w_t.sum() if reduction == "mean" else None
        with np.errstate(invalid="ignore", divide="ignore"):
            if reduction == "none":
                loss = nll.reshape(target_shape)
                if smooth is not None:
                    loss = (1 - smoothing) * loss + smooth.reshape(target_shape) * (
                        smoothing / channels)
            else:
                loss = nll.sum() if reduction == "sum" else nll.sum() / denominator
                if smooth is not None:
                    ret = smooth.sum() if reduction == "sum" else smooth.sum() / denominator
                    loss = (1 - smoothing) * loss + ret * (smoothing / channels)
        ctx.state = (exp / total, t, valid, w_t, cw, denominator, reduction, smoothing, x.shape)
        return as_tensor(np.asarray(loss, dtype=dtype))

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        p, t, valid, w_t, cw, denominator, reduction, smoothing, shape = ctx.state
        rows, channels = p.shape
        g = grad.data
        with np.errstate(invalid="ignore", divide="ignore"):
            if reduction == "none":
                scale = g.reshape(-1)
            else:
                scale = np.full(rows, g / denominator if reduction == "mean" else g, p.dtype)
        a = np.zeros_like(p)
        a[np.arange(rows), t] = -(1 - smoothing) * w_t * scale
        if smoothing > 0:
            per_class = np.ones(channels, p.dtype) if cw is None else cw
            a -= (smoothing / channels) * (valid * scale)[:, None] * per_class[None, :]
        grad_rows = a - p * a.sum(axis=1, keepdims=True)
        return (_rows_back(grad_rows, shape),) + (None,) * 6


def _rows_class_last(x: np.ndarray, channels: int) -> np.ndarray:
    """(N, C, *d) → (N·prod(d), C); (C,) → (1, C)."""
    if x.ndim <= 2:
        return x.reshape(-1, channels)
    return np.moveaxis(x, 1, -1).reshape(-1, channels)


def _rows_back(rows: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """The inverse of ``_rows_class_last``."""
    if len(shape) <= 2:
        return rows.reshape(shape)
    moved = rows.reshape((shape[0],) + tuple(shape[2:]) + (shape[1],))
    return np.moveaxis(moved, -1, 1)


def cross_entropy(input: Tensor, target: Any, weight: Tensor | None = None,
                  ignore_index: int = -100, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    """-Σ_c q_c·w_c·log softmax(x)_c, with q the one-hot (class-index targets) or the given
    probabilities, smoothed to (1-ε)q + ε/C.  Class-index means divide by Σ w[y]; probability
    targets divide by the number of samples."""
    _check_reduction(reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must be between 0.0 and 1.0, got {label_smoothing}")
    target = as_tensor(target)
    class_dim = 0 if input.ndim == 1 else 1
    channels = input.shape[class_dim]
    class_weight = None if weight is None else _numeric(as_tensor(weight).data)
    if input.data.dtype.kind == "f" and target.data.dtype.kind in "iu":
        t, valid = _class_targets(input, target, ignore_index)
        return _CrossEntropy.apply(input, t, valid, class_weight, reduction, label_smoothing,
                                   tuple(target.shape))
    logp = log_softmax(input, dim=class_dim)
    w_b = None  # the class weights, shaped to broadcast along the class dimension
    if class_weight is not None:
        wshape = [1] * input.ndim
        wshape[class_dim] = channels
        w_b = _constant(class_weight.reshape(wshape), input)

    if target.data.dtype.kind not in "iu":  # probability targets
        target = _like(target, input)
        if tuple(target.shape) != tuple(input.shape):
            raise ValueError(
                f"probability targets must have the input's shape {tuple(input.shape)}, "
                f"got {tuple(target.shape)}"
            )
        if label_smoothing > 0:
            target = target * (1 - label_smoothing) + label_smoothing / channels
        term = logp * target
        if w_b is not None:
            term = term * w_b
        loss = -term.sum(dim=class_dim)
        if reduction == "mean":
            return loss.sum() / (input.numel() / channels)
        return _reduce(loss, reduction)

    nll = nll_loss(logp, target, weight, ignore_index, reduction)
    if label_smoothing == 0.0:
        return nll
    t, valid = _class_targets(input, target, ignore_index)
    smooth = -((logp if w_b is None else logp * w_b).sum(dim=class_dim))
    smooth = smooth * _constant(valid.reshape(target.shape), input)
    if reduction == "mean":  # the same denominator as the NLL mean: Σ w[y] over counted y
        counted = valid if class_weight is None else class_weight[t][valid]
        denominator = float(counted.sum())
        ret = smooth.sum() / denominator if denominator != 0 else smooth.sum() * float("nan")
    else:
        ret = _reduce(smooth, reduction)
    return nll * (1 - label_smoothing) + ret * (label_smoothing / channels)


def _clamped_logs(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    with np.errstate(divide="ignore"):
        return np.maximum(np.log(x), -100.0), np.maximum(np.log1p(-x), -100.0)


_BCE_EPS = float(np.float32(1e-12))  # PyTorch's constant is a float literal: 9.99999996e-13


class _BinaryCrossEntropy(Function):
    """Elementwise BCE on float arrays with PyTorch's backward, which stays finite where the
    input is exactly 0 or 1 (a saturated sigmoid): dL/dx = (x - y) / max(x(1 - x), 1e-12),
    dL/dy = log(1 - x) - log x (not clamped, as in PyTorch)."""

    @staticmethod
    def forward(ctx: Any, x: Tensor, y: Tensor) -> Tensor:
        ctx.save_for_backward(x, y)
        log_x, log_1mx = _clamped_logs(x.data)
        return as_tensor((y.data - 1) * log_1mx - y.data * log_x)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, Any]:
        x, y = (t.data for t in ctx.saved_tensors)
        g = grad.data
        grad_x = g * (x - y) / np.maximum((1 - x) * x, _BCE_EPS)
        grad_y = None
        if ctx.needs_input_grad[1]:
            with np.errstate(divide="ignore"):
                grad_y = g * (np.log1p(-x) - np.log(x))
        return grad_x, grad_y


def binary_cross_entropy(input: Tensor, target: Any, weight: Tensor | None = None,
                         reduction: str = "mean") -> Tensor:
    """-(y·log x + (1-y)·log(1-x)), each log clamped at -100 (so BCE(0, 1) = 100).

    Float tensors use one fused op with PyTorch's backward (finite at x = 0 or 1); object
    arrays of Scalars use the same formula written with Tensor operations.
    """
    _check_reduction(reduction)
    target = _like(target, input)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(
            f"Using a target size ({tuple(target.shape)}) that is different to the input size "
            f"({tuple(input.shape)}) is not supported. Please ensure they have the same size."
        )
    if input.data.dtype == object or target.data.dtype == object:
        loss = ((target - 1) * (1 - input).log().clamp(min=-100)
                - target * input.log().clamp(min=-100))
    else:
        if ((input.data < 0) | (input.data > 1)).any():
            raise ValueError("all elements of input should be between 0 and 1")
        loss = _BinaryCrossEntropy.apply(input, target)
    if weight is not None:
        loss = loss * _like(weight, input)
    return _reduce(loss, reduction)


def _log_sum(x: Any, m: Any, exp: Any, log: Any) -> Any:
    """log(e^(-m) + e^(-x-m)) = log(1 + e^(-x)) - m, overflow-free for m = max(-x, 0)."""
    return log(exp(-m) + exp(-x - m))


class _BinaryCrossEntropyWithLogits(Function):
    """Elementwise BCE-with-logits on float arrays, PyTorch's forward and backward:
    dL/dx = (1 + (pw - 1)·y)·σ(x) - pw·y (σ(x) - y without pos_weight), exact at any |x|;
    dL/dy = log σ(-x) - pw·log σ(x) (-x without pos_weight)."""

    @staticmethod
    def forward(ctx: Any, x: Tensor, y: Tensor, pos_weight: Tensor | None) -> Tensor:
        ctx.save_for_backward(x, y, pos_weight)
        xd, yd = x.data, y.data
        m = np.maximum(-xd, 0)
        log_sum = _log_sum(xd, m, np.exp, np.log)
        if pos_weight is None:
            return as_tensor((1 - yd) * xd + m + log_sum)
        log_weight = (pos_weight.data - 1) * yd + 1
        return as_tensor((1 - yd) * xd + log_weight * (log_sum + m))

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Any, Any, None]:
        x, y, pos_weight = ctx.saved_tensors
        xd, yd, g = x.data, y.data, grad.data
        with np.errstate(over="ignore"):
            sig = 1 / (1 + np.exp(-xd))
        if pos_weight is None:
            grad_x = (sig - yd) * g
        else:
            t = pos_weight.data * yd
            grad_x = ((t + 1 - yd) * sig - t) * g
        grad_y = None
        if ctx.needs_input_grad[1]:
            if pos_weight is None:
                grad_y = -xd * g
            else:  # log σ(-x) - pw·log σ(x), log σ(z) = -(m + log(e^-m + e^(-z-m))), m = max(-z, 0)
                m_pos, m_neg = np.maximum(-xd, 0), np.maximum(xd, 0)
                log_sig_pos = -(m_pos + _log_sum(xd, m_pos, np.exp, np.log))
                log_sig_neg = -(m_neg + _log_sum(-xd, m_neg, np.exp, np.log))
                grad_y = (log_sig_neg - pos_weight.data * log_sig_pos) * g
        return grad_x, grad_y, None


def binary_cross_entropy_with_logits(input: Tensor, target: Any, weight: Tensor | None = None,
                                     reduction: str = "mean",
                                     pos_weight: Tensor | None = None) -> Tensor:
    """(1-y)·x + (1 + (pw-1)·y)·(log(e^(-m) + e^(-x-m)) + m), m = max(-x, 0): BCE of
    sigmoid(x) without overflow (finite at x = ±200), computed as PyTorch does.

    Float tensors use one fused op with PyTorch's backward (σ(x) - y, exact for large |x|);
    object arrays of Scalars use the same formula written with Tensor operations.
    """
    _check_reduction(reduction)
    target = _like(target, input)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(
            f"Target size ({tuple(target.shape)}) must be the same as input size "
            f"({tuple(input.shape)})"
        )
    pw = None if pos_weight is None else _like(pos_weight, input)
    if input.data.dtype == object or target.data.dtype == object:
        m = (-input).clamp(min=0).detach()
        log_sum = _log_sum(input, m, lambda t: t.exp(), lambda t: t.log())
        if pw is None:
            loss = (1 - target) * input + m + log_sum
        else:
            loss = (1 - target) * input + ((pw - 1) * target + 1) * (log_sum + m)
    else:
        loss = _BinaryCrossEntropyWithLogits.apply(input, target, pw)
    if weight is not None:
        loss = loss * _like(weight, input)
    return _reduce(loss, reduction)
