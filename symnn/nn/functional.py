"""The functional forms of symnn's layers and losses (``torch.nn.functional``).

Every function here is written with Tensor operations (plus ``symnn.tensor.conv`` for
convolution and pooling), so the same code runs on float arrays, where the Tensor tape
records gradients, and on object arrays of ``symnn.Scalar``, where the scalar graph records
every chain-rule step (``sn.explain``).  NumPy touches ``.data`` only for bookkeeping that is
not part of the differentiable result (index arithmetic, masks, input validation, running
statistics) and in four hot spots that run on float arrays as single fused ops with
PyTorch's backward: cross-entropy with class indices, the two binary cross-entropies and the
standardization inside the normalization layers.  Object arrays always take the Tensor-op
form, and the tests check that both forms give the same values and gradients.
"""

from __future__ import annotations

import warnings
from typing import Any, Sequence

import numpy as np

from symnn.nn.module import as_tensor
from symnn.tensor import Function, Tensor

_REDUCTIONS = ("none", "mean", "sum")


# ----------------------------------------------------------------------------- helpers
def _constant(values: np.ndarray, like: Tensor) -> Tensor:
    """A no-grad Tensor holding ``values`` in the float dtype of ``like`` (float64 for objects)."""
    dtype = like.data.dtype if like.data.dtype.kind == "f" else np.float64
    return as_tensor(np.asarray(values, dtype=dtype))


def _like(value: Any, input: Tensor) -> Tensor:
    """``value`` as a Tensor in ``input``'s float dtype, so that float64 weights or targets do
    not silently turn a float32 model's loss into float64 (the cast is differentiable)."""
    t = as_tensor(value)
    if input.data.dtype.kind == "f" and t.data.dtype.kind == "f" and t.dtype != input.dtype:
        return t.to(input.dtype)
    return t


def _numeric(arr: np.ndarray) -> np.ndarray:
    """Plain float values of an array that may hold ``symnn.Scalar`` objects."""
    if arr.dtype != object:
        return arr
    return np.vectorize(lambda v: float(getattr(v, "value", v)), otypes=[np.float64])(arr)


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "none":
        return loss
    if reduction == "mean":
        return loss.mean()
    return loss.sum()


def _check_reduction(reduction: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"reduction must be 'none', 'mean' or 'sum', got {reduction!r}")


def _ntuple(value: Any, n: int, name: str) -> tuple[int, ...]:
    if isinstance(value, (int, np.integer)):
        return (int(value),) * n
    value = tuple(int(v) for v in value)
    if len(value) != n:
        raise ValueError(f"{name} must be an int or a tuple of {n} ints, got {value}")
    return value


# ----------------------------------------------------------------------------- linear
def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """y = x Wᵀ + b, with W of shape (out_features, in_features)."""
    if input.shape[-1:] != weight.shape[-1:]:
        raise ValueError(
            f"linear expected input (..., {weight.shape[-1]}), got {tuple(input.shape)}"
        )
    out = input @ weight.T
    return out if bias is None else out + bias


# ----------------------------------------------------------------------------- activations
def relu(input: Tensor) -> Tensor:
    """max(x, 0)."""
    return input.relu()


def leaky_relu(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    """x if x > 0 else negative_slope·x."""
    return input.leaky_relu(negative_slope)


def sigmoid(input: Tensor) -> Tensor:
    """1 / (1 + e^(-x))."""
    return input.sigmoid()


def tanh(input: Tensor) -> Tensor:
    return input.tanh()


def _softmax_dim(ndim: int, dim: int | None, name: str) -> int:
    if dim is not None:
        return dim
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated. "
        "Change the call to include dim=X as an argument.",
        stacklevel=3,
    )
    return 0 if ndim in (0, 1, 3) else 1


def log_softmax(input: Tensor, dim: int | None = None) -> Tensor:
    """log softmax(x) = (x - m) - log Σ exp(x - m), with m = max(x) (detached: it cancels)."""
    dim = _softmax_dim(input.ndim, dim, "log_softmax")
    shifted = input - input.max(dim=dim, keepdim=True).detach()
    return shifted - shifted.exp().sum(dim=dim, keepdim=True).log()


def softmax(input: Tensor, dim: int | None = None) -> Tensor:
    """softmax(x)_i = exp(x_i - m) / Σ_j exp(x_j - m)."""
    dim = _softmax_dim(input.ndim, dim, "softmax")
    e = (input - input.max(dim=dim, keepdim=True).detach()).exp()
    return e / e.sum(dim=dim, keepdim=True)


def dropout(input: Tensor, p: float = 0.5, training: bool = True) -> Tensor:
    """Inverted dropout: keep each element with probability 1-p and scale it by 1/(1-p), so
    the expected output equals the input and evaluation needs no rescaling."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    from symnn.tensor.random import generator

    keep = generator().random(input.shape) < 1.0 - p
    scale = keep / (1.0 - p) if p < 1.0 else np.zeros(input.shape)
    return input * _constant(scale, input)


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    return input.flatten(start_dim, end_dim)


def pad(input: Tensor, pad: Sequence[int], mode: str = "constant", value: float | None = None
        ) -> Tensor:
    """Constant padding, PyTorch's pad order (last dimension first)."""
    if mode != "constant":
        raise ValueError(f"only mode='constant' padding is supported, got {mode!r}")
    from symnn.tensor import pad as tensor_pad

    return tensor_pad(input, tuple(pad), value=0.0 if value is None else value)


# ----------------------------------------------------------------------------- convolution
def _conv(n: int, input: Tensor, weight: Tensor, bias: Tensor | None, stride: Any,
          padding: Any, dilation: Any, groups: int) -> Tensor:
    from symnn.tensor.conv import conv_nd

    name = f"conv{n}d"
    if input.ndim not in (n + 1, n + 2):
        raise ValueError(
            f"{name} expected a {n + 1}D (unbatched) or {n + 2}D (batched) input, "
            f"got {input.ndim}D input of shape {tuple(input.shape)}"
        )
    unbatched = input.ndim == n + 1
    x = input.unsqueeze(0) if unbatched else input
    if x.shape[1] != weight.shape[1] * groups:
        raise ValueError(
            f"{name} expected input with {weight.shape[1] * groups} channels, "
            f"got {x.shape[1]} channels (input shape {tuple(input.shape)})"
        )
    stride = _ntuple(stride, n, "stride")
    dilation = _ntuple(dilation, n, "dilation")
    kernel = tuple(weight.shape[2:])
    if isinstance(padding, str):
        if padding == "valid":
            padding = (0,) * n
        elif padding == "same":
            if any(s != 1 for s in stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
            total = [d * (k - 1) for d, k in zip(dilation, kernel)]
            left = [t // 2 for t in total]
            if any(t % 2 for t in total):  # PyTorch puts the odd extra zero on the right
                extra = []
                for t in reversed(total):
                    extra += [0, t % 2]
                x = pad(x, extra)
            padding = tuple(left)
        else:
            raise ValueError(f"padding must be 'valid', 'same' or ints, got {padding!r}")
    else:
        padding = _ntuple(padding, n, "padding")
    out = conv_nd(x, weight, bias, stride=stride, padding=padding, dilation=dilation,
                  groups=groups)
    return out.squeeze(0) if unbatched else out


def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
           padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Tensor:
    """1-D cross-correlation; input (N, C_in, L), weight (C_out, C_in/groups, k)."""
    return _conv(1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
           padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Tensor:
    """2-D cross-correlation; input (N, C_in, H, W), weight (C_out, C_in/groups, kh, kw)."""
    return _conv(2, input, weight, bias, stride, padding, dilation, groups)


def conv3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
           padding: Any = 0, dilation: Any = 1, groups: int = 1) -> Tensor:
    """3-D cross-correlation; input (N, C_in, D, H, W), weight (C_out, C_in/groups, kd, kh, kw)."""
    return _conv(3, input, weight, bias, stride, padding, dilation, groups)


# ----------------------------------------------------------------------------- pooling
def _pool_input(n: int, input: Tensor, name: str) -> tuple[Tensor, bool]:
    if input.ndim not in (n + 1, n + 2):
        raise ValueError(
            f"{name} expected a {n + 1}D (unbatched) or {n + 2}D (batched) input, "
            f"got {input.ndim}D input of shape {tuple(input.shape)}"
        )
    unbatched = input.ndim == n + 1
    return (input.unsqueeze(0) if unbatched else input), unbatched


def _pool_args(n: int, kernel_size: Any, stride: Any, padding: Any) -> tuple:
    kernel = _ntuple(kernel_size, n, "kernel_size")
    stride = kernel if stride is None or stride == [] or stride == () else _ntuple(
        stride, n, "stride")
    padding = _ntuple(padding, n, "padding")
    if any(2 * p > k for p, k in zip(padding, kernel)):
        raise ValueError(
            f"pad should be at most half of effective kernel size, got padding={padding} "
            f"and kernel_size={kernel}"
        )
    return kernel, stride, padding


def _max_pool(n: int, input: Tensor, kernel_size: Any, stride: Any, padding: Any,
              dilation: Any, ceil_mode: bool, return_indices: bool) -> Tensor:
    from symnn.tensor.conv import max_pool_nd

    if return_indices:
        raise NotImplementedError("return_indices=True is not supported")
    x, unbatched = _pool_input(n, input, f"max_pool{n}d")
    kernel, stride, padding = _pool_args(n, kernel_size, stride, padding)
    out = max_pool_nd(x, kernel, stride=stride, padding=padding,
                      dilation=_ntuple(dilation, n, "dilation"), ceil_mode=ceil_mode)
    return out.squeeze(0) if unbatched else out


def _avg_pool(n: int, input: Tensor, kernel_size: Any, stride: Any, padding: Any,
              ceil_mode: bool, count_include_pad: bool, divisor_override: int | None) -> Tensor:
    from symnn.tensor.conv import avg_pool_nd

    if divisor_override is not None:
        raise NotImplementedError("divisor_override is not supported")
    x, unbatched = _pool_input(n, input, f"avg_pool{n}d")
    kernel, stride, padding = _pool_args(n, kernel_size, stride, padding)
    out = avg_pool_nd(x, kernel, stride=stride, padding=padding, ceil_mode=ceil_mode,
                      count_include_pad=count_include_pad)
    return out.squeeze(0) if unbatched else out


def max_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False
               ) -> Tensor:
    """Maximum over each window; the first maximum of a window wins ties."""
    return _max_pool(1, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False
               ) -> Tensor:
    """Maximum over each window; the first maximum of a window wins ties."""
    return _max_pool(2, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool3d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False
               ) -> Tensor:
    """Maximum over each window; the first maximum of a window wins ties."""
    return _max_pool(3, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def avg_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               ceil_mode: bool = False, count_include_pad: bool = True) -> Tensor:
    """Mean over each window (zero padding counted unless count_include_pad=False)."""
    return _avg_pool(1, input, kernel_size, stride, padding, ceil_mode, count_include_pad, None)


def avg_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> Tensor:
    """Mean over each window (zero padding counted unless count_include_pad=False)."""
    return _avg_pool(2, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override)


def avg_pool3d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: int | None = None) -> Tensor:
    """Mean over each window (zero padding counted unless count_include_pad=False)."""
    return _avg_pool(3, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override)


# ----------------------------------------------------------------------------- normalization
class _Standardize(Function):
    """x̂ = (x - mean) / sqrt(var + eps) over ``dims`` as one op on float arrays (the composite
    form costs seven tape nodes; every normalization layer calls this).  The backward is
    ∂L/∂x = (g - mean(g) - x̂·mean(g·x̂)) / sqrt(var + eps), means taken over ``dims``."""

    @staticmethod
    def forward(ctx: Any, x: Tensor, dims: tuple[int, ...], eps: float, stats: dict) -> Tensor:
        mean = x.data.mean(axis=dims, keepdims=True)
        centered = x.data - mean
        var = (centered * centered).mean(axis=dims, keepdims=True)
        inv_std = 1 / np.sqrt(var + eps)
        xhat = centered * inv_std
        ctx.state = (xhat, inv_std, dims)
        stats["mean"], stats["var"] = mean, var  # for the running statistics
        return as_tensor(xhat)

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple:
        xhat, inv_std, dims = ctx.state
        g = grad.data
        dx = (g - g.mean(axis=dims, keepdims=True)
              - xhat * (g * xhat).mean(axis=dims, keepdims=True)) * inv_std
        return dx, None, None, None


def _normalize(input: Tensor, dims: tuple[int, ...], eps: float
               ) -> tuple[Tensor, np.ndarray, np.ndarray]:
    """(x - mean) / sqrt(var + eps) over ``dims`` with the biased variance; also returns the
    mean and variance arrays (keepdim) for running statistics."""
    if input.data.dtype.kind == "f":
        stats: dict = {}
        xhat = _Standardize.apply(input, dims, eps, stats)
        return xhat, stats["mean"], stats["var"]
    mean = input.mean(dim=dims, keepdim=True)
    centered = input - mean
    var = (centered * centered).mean(dim=dims, keepdim=True)
    return centered / (var + eps).sqrt(), mean.data, var.data


def _update_running(running: Tensor | None, batch_value: np.ndarray, momentum: float) -> None:
    """running ← (1 - momentum)·running + momentum·batch_value, in place, outside the graph."""
    if running is None:
        return
    value = _numeric(batch_value).astype(running.data.dtype, copy=False)
    running.data[...] = (1.0 - momentum) * running.data + momentum * value


def _affine(x: Tensor, weight: Tensor | None, bias: Tensor | None, shape: tuple) -> Tensor:
    if weight is not None:
        x = x * weight.reshape(*shape)
    if bias is not None:
        x = x + bias.reshape(*shape)
    return x


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
               weight: Tensor | None = None, bias: Tensor | None = None,
               training: bool = False, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Per-channel normalization over (N, *spatial): batch statistics (biased variance) in
    training, which also update the running averages (unbiased variance, factor ``momentum``);
    the running statistics otherwise."""
    channels = input.shape[1]
    dims = (0,) + tuple(range(2, input.ndim))
    shape = (1, channels) + (1,) * (input.ndim - 2)
    if training:
        count = input.numel() // channels
        if count <= 1:
            raise ValueError(
                "Expected more than 1 value per channel when training, "
                f"got input size {tuple(input.shape)}"
            )
        xhat, mean, var = _normalize(input, dims, eps)
        _update_running(running_mean, mean.reshape(channels), momentum)
        _update_running(running_var, var.reshape(channels) * (count / (count - 1)), momentum)
    else:
        if running_mean is None or running_var is None:
            raise ValueError("batch_norm in evaluation mode needs running_mean and running_var")
        xhat = (input - running_mean.reshape(*shape)) / (running_var.reshape(*shape) + eps).sqrt()
    return _affine(xhat, weight, bias, shape)


def instance_norm(input: Tensor, running_mean: Tensor | None = None,
                  running_var: Tensor | None = None, weight: Tensor | None = None,
                  bias: Tensor | None = None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalize each (sample, channel) over its spatial positions.  With running statistics,
    they track the batch average of the per-instance mean and unbiased variance."""
    channels = input.shape[1]
    dims = tuple(range(2, input.ndim))
    shape = (1, channels) + (1,) * (input.ndim - 2)
    if use_input_stats:
        count = int(np.prod(input.shape[2:]))
        if count <= 1:
            raise ValueError(
                "Expected more than 1 spatial element when training, "
                f"got input size {tuple(input.shape)}"
            )
        xhat, mean, var = _normalize(input, dims, eps)
        n = input.shape[0]
        _update_running(running_mean, _numeric(mean).reshape(n, channels).mean(axis=0),
                        momentum)
        _update_running(
            running_var, _numeric(var).reshape(n, channels).mean(axis=0) * (count / (count - 1)),
            momentum,
        )
    else:
        xhat = (input - running_mean.reshape(*shape)) / (running_var.reshape(*shape) + eps).sqrt()
    return _affine(xhat, weight, bias, shape)


def layer_norm(input: Tensor, normalized_shape: Sequence[int], weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Normalize over the trailing ``normalized_shape`` dimensions (biased variance)."""
    normalized_shape = tuple(normalized_shape)
    k = len(normalized_shape)
    if tuple(input.shape[input.ndim - k:]) != normalized_shape or input.ndim < k:
        raise ValueError(
            f"layer_norm expected input (..., {', '.join(map(str, normalized_shape))}), "
            f"got {tuple(input.shape)}"
        )
    xhat, _, _ = _normalize(input, tuple(range(input.ndim - k, input.ndim)), eps)
    return _affine(xhat, weight, bias, normalized_shape)


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Normalize each (sample, group of C/G channels) over its channels and positions."""
    if input.ndim < 2 or input.shape[1] % num_groups:
        raise ValueError(
            f"group_norm expected input (N, C, ...) with C divisible by {num_groups}, "
            f"got {tuple(input.shape)}"
        )
    n, channels = input.shape[:2]
    grouped = input.reshape(n, num_groups, -1)
    xhat, _, _ = _normalize(grouped, (2,), eps)
    xhat = xhat.reshape(*input.shape)
    return _affine(xhat, weight, bias, (1, channels) + (1,) * (input.ndim - 2))


# ----------------------------------------------------------------------------- losses
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


__all__ = [
    "linear", "relu", "leaky_relu", "sigmoid", "tanh", "softmax", "log_softmax", "dropout",
    "flatten", "pad", "conv1d", "conv2d", "conv3d", "max_pool1d", "max_pool2d", "max_pool3d",
    "avg_pool1d", "avg_pool2d", "avg_pool3d", "batch_norm", "instance_norm", "layer_norm",
    "group_norm", "mse_loss", "rmse_loss", "l1_loss", "nll_loss", "cross_entropy", "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
]
