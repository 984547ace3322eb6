"""Activation functions: ReLU and its relatives, sigmoid, tanh, softmax and the functions
declared in ``symnn.unary`` (ELU, GELU, SiLU, softplus)."""

from __future__ import annotations

import warnings

from symnn.tensor import Tensor


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
    """(e^x - e^(-x)) / (e^x + e^(-x))."""
    return input.tanh()


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + e^(beta·x)) / beta, linear where beta·x > threshold."""
    return input.softplus(beta, threshold)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x if x > 0 else alpha·(e^x - 1) (``inplace`` is accepted; the result is a new tensor)."""
    return input.elu(alpha)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """x·Φ(x) = x/2·(1 + erf(x/√2)); ``approximate="tanh"``: x/2·(1 + tanh(√(2/π)(x + 0.044715x³)))."""
    return input.gelu(approximate)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """x·sigmoid(x), also called swish."""
    return input.silu()


def _softmax_dim(ndim: int, dim: int | None, name: str) -> int:
    if dim is not None:
        return dim
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated. "
        "Change the call to include dim=X as an argument.",
        stacklevel=3,
    )
    return 0 if ndim in (0, 1, 3) else 1


def _trivial(input: Tensor, dim: int, fn) -> Tensor | None:
    """``fn`` where PyTorch's softmax has nothing to normalize: a 0-d tensor is one element
    (dim 0 or -1), and over an empty ``dim`` the result is as empty as the input."""
    ndim = max(input.ndim, 1)
    if not -ndim <= dim < ndim:
        raise IndexError(f"dimension {dim} out of range for a tensor with {input.ndim} "
                         "dimensions")
    if input.ndim == 0:
        return fn(input.reshape(1), 0).reshape(())
    if input.shape[dim] == 0:
        return input.clone()
    return None


def log_softmax(input: Tensor, dim: int | None = None) -> Tensor:
    """log softmax(x) = (x - m) - log Σ exp(x - m), with m = max(x) (detached: it cancels)."""
    dim = _softmax_dim(input.ndim, dim, "log_softmax")
    trivial = _trivial(input, dim, log_softmax)
    if trivial is not None:
        return trivial
    shifted = input - input.max(dim=dim, keepdim=True).detach()
    return shifted - shifted.exp().sum(dim=dim, keepdim=True).log()


def softmax(input: Tensor, dim: int | None = None) -> Tensor:
    """softmax(x)_i = exp(x_i - m) / Σ_j exp(x_j - m)."""
    dim = _softmax_dim(input.ndim, dim, "softmax")
    trivial = _trivial(input, dim, softmax)
    if trivial is not None:
        return trivial
    e = (input - input.max(dim=dim, keepdim=True).detach()).exp()
    return e / e.sum(dim=dim, keepdim=True)
