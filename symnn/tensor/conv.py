"""Convolution and pooling over N = 1, 2 or 3 spatial dimensions, written once.

Convolution is im2col plus one matrix product. The padded input (N, C, *S) is viewed with
stride tricks as (N, C, *K, *O) (one kernel tap per K index, one output position per O index)
and copied once into columns of shape (N, groups, C/groups·∏K, ∏O). One stacked
``np.matmul`` with the weight reshaped to (groups, O/groups, C/groups·∏K) gives the output
directly in (N, O, *O) order, with no transpose.

Backward, for y = W·cols:  dW = Σ_n g_n·cols_nᵀ (a stacked matmul, then ``sum(0)``);
dcols = Wᵀ·g, folded back onto the input by col2im: one slice-add per kernel tap (∏K of
them), never a loop over pixels or batch items. Stride-1 convolutions with many input
channels use the "wide" layout instead (``_WideLayout``): each tap's columns are one
contiguous run of the flattened image, which makes both copies several times faster.

Max pooling takes ``np.maximum`` over the ∏K strided views of the input. Its gradient goes,
as in PyTorch, to one element per window: the first maximum in row-major order (a NaN wins
over numbers, the last NaN over earlier ones), accumulating where windows overlap.

Object arrays (``Scalar`` elements) take their own path in the same functions: columns by
fancy indexing, ``np.matmul`` on objects, maxima by pairwise comparison.
"""

from __future__ import annotations

import itertools
from typing import Any, Sequence

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .core import _OBJECT, _grad_enabled, Tensor, _leaf, _make
from .ops import objects

IntOrTuple = int | Sequence[int]


def _ntuple(value: Any, n: int, what: str, op: str) -> tuple[int, ...]:
    if isinstance(value, (int, np.integer)):
        return (int(value),) * n
    t = tuple(int(v) for v in value)
    if len(t) == 1:
        return t * n
    if len(t) != n:
        raise ValueError(f"{op}: {what} must be an int or a tuple of {n} ints, got {value!r}")
    return t


def _spatial_input(x: Tensor, n: int, op: str) -> tuple[Tensor, bool]:
    """Accept (N, C, *S) or an unbatched (C, *S); return the batched tensor and a flag."""
    nd = x.data.ndim
    if nd == n + 2:
        return x, False
    if nd == n + 1:
        return x.unsqueeze(0), True
    raise RuntimeError(
        f"{op}: expected a {n + 2}-D input (N, C, {', '.join('*' * n)}) or an unbatched {n + 1}-D one, "
        f"got shape {x.shape}"
    )


def _output_size(size: int, k: int, s: int, lo: int, hi: int, d: int, ceil_mode: bool) -> int:
    """Number of windows: floor((S + pads - d·(k-1) - 1) / s) + 1 (ceil with ceil_mode,
    dropping a last window that would start in the right padding, as PyTorch)."""
    span = size + lo + hi - d * (k - 1) - 1
    if span < 0:
        return 0
    if ceil_mode:
        out = -(-span // s) + 1
        if (out - 1) * s >= size + lo:
            out -= 1
        return out
    return span // s + 1


def _pad(xd: np.ndarray, lo: Sequence[int], hi: Sequence[int], value: float) -> np.ndarray:
    """A copy of ``xd`` padded on its trailing len(lo) dimensions with ``value``."""
    if not any(lo) and not any(hi):
        return xd
    lead = xd.ndim - len(lo)
    shape = xd.shape[:lead] + tuple(s + a + b for s, a, b in zip(xd.shape[lead:], lo, hi))
    if xd.dtype is _OBJECT:
        xp = np.empty(shape, dtype=object)
        xp[...] = value
    else:
        xp = np.full(shape, value, dtype=xd.dtype)
    xp[(slice(None),) * lead + tuple(slice(a, a + s) for a, s in zip(lo, xd.shape[lead:]))] = xd
    return xp


def _tap_slices(kernel: Sequence[int], dilation: Sequence[int], stride: Sequence[int],
                out: Sequence[int]) -> list[tuple[slice, ...]]:
    """For each kernel tap (row-major), the strided slice of the padded input it reads."""
    ranges = [
        [slice(t * d, t * d + s * (o - 1) + 1, s) for t in range(k)]
        for k, d, s, o in zip(kernel, dilation, stride, out)
    ]
    return [(slice(None), slice(None)) + combo for combo in itertools.product(*ranges)]


def _windows(xp: np.ndarray, kernel: Sequence[int], dilation: Sequence[int], stride: Sequence[int],
             out: Sequence[int]) -> np.ndarray:
    """A read-only (N, C, *K, *O) view of the padded input: element [n, c, k.., o..] is
    xp[n, c, o·stride + k·dilation]. Object arrays get a fancy-indexed copy instead."""
    n = len(kernel)
    shape = xp.shape[:2] + tuple(kernel) + tuple(out)
    if xp.dtype is _OBJECT:
        flat = np.arange(xp.size).reshape(xp.shape)
        st = flat.strides[2:]
        idx = as_strided(flat, shape, flat.strides[:2] + tuple(a * d for a, d in zip(st, dilation))
                         + tuple(a * s for a, s in zip(st, stride)))
        return xp.reshape(-1)[idx]
    st = xp.strides[2:]
    strides = xp.strides[:2] + tuple(st[i] * dilation[i] for i in range(n)) + tuple(st[i] * stride[i] for i in range(n))
    return as_strided(xp, shape, strides, writeable=False)


def _conv_padding(padding: Any, n: int, kernel: Sequence[int], dilation: Sequence[int],
                  stride: Sequence[int], op: str) -> tuple[list[int], list[int]]:
    if isinstance(padding, str):
        if padding == "valid":
            return [0] * n, [0] * n
        if padding == "same":
            if any(s != 1 for s in stride):
                raise ValueError(f"{op}: padding='same' is not supported for strided convolutions")
            total = [d * (k - 1) for k, d in zip(kernel, dilation)]
            return [t // 2 for t in total], [t - t // 2 for t in total]
        raise ValueError(f"{op}: padding must be 'valid', 'same', an int or a tuple, got {padding!r}")
    p = _ntuple(padding, n, "padding", op)
    if any(v < 0 for v in p):
        raise ValueError(f"{op}: padding must be non-negative, got {padding!r}")
    return list(p), list(p)


def conv_nd(
    x: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: IntOrTuple = 1,
    padding: IntOrTuple | str = 0,
    dilation: IntOrTuple = 1,
    groups: int = 1,
) -> Tensor:
    """N-d cross-correlation (PyTorch's ``conv1d/2d/3d``): x (N, C, *S), weight (O, C/groups, *K),
    bias (O,). Output (N, O, *out) with out = floor((S + 2p - d·(k-1) - 1)/s) + 1."""
    if not isinstance(x, Tensor):
        x = Tensor(x)
    if not isinstance(weight, Tensor):
        weight = Tensor(weight)
    if bias is not None and not isinstance(bias, Tensor):
        bias = Tensor(bias)
    wd = weight.data
    n = wd.ndim - 2
    op = f"conv{n}d"
    if n < 1:
        raise RuntimeError(f"conv_nd: weight must be (out_channels, in_channels/groups, *kernel), got shape {wd.shape}")
    x, unbatched = _spatial_input(x, n, op)
    xd = x.data
    N, C = xd.shape[:2]
    O, Cg = wd.shape[:2]
    kernel = wd.shape[2:]
    if groups < 1 or C % groups or O % groups:
        raise RuntimeError(
            f"{op}: groups={groups} must divide both the input channels ({C}) and the output channels ({O})"
        )
    if Cg * groups != C:
        raise RuntimeError(
            f"{op}: input of shape {xd.shape} has {C} channels, but weight of shape {wd.shape} with "
            f"groups={groups} expects {Cg * groups}"
        )
    if bias is not None and bias.data.shape != (O,):
        raise RuntimeError(f"{op}: bias must have shape ({O},), got {bias.data.shape}")
    stride = _ntuple(stride, n, "stride", op)
    dilation = _ntuple(dilation, n, "dilation", op)
    if any(v < 1 for v in stride + dilation):
        raise ValueError(f"{op}: stride and dilation must be positive, got {stride} and {dilation}")
    lo, hi = _conv_padding(padding, n, kernel, dilation, stride, op)
    spatial = xd.shape[2:]
    out = tuple(_output_size(s, k, st, a, b, d, False) for s, k, st, a, b, d in zip(spatial, kernel, stride, lo, hi, dilation))
    if any(o < 1 for o in out):
        raise RuntimeError(
            f"{op}: input of spatial size {spatial} (padded by {lo}/{hi}) is smaller than the dilated "
            f"kernel {tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))}"
        )
    G, Og, K = groups, O // groups, int(np.prod(kernel))
    xp = _pad(xd, lo, hi, 0.0)
    wr = wd.reshape(G, Og, Cg * K)
    bd = None if bias is None else bias.data
    # The wide layout saves on im2col/col2im (C·∏K rows) but adds two passes over the output
    # (O rows: cropping it, widening its gradient); it pays off when C·∏K >= 2·O.
    if xd.dtype is not _OBJECT and all(s == 1 for s in stride) and C * K >= 2 * O:
        layout = _WideLayout(xp, kernel, dilation, out)
    else:
        layout = _BatchedLayout(xp, kernel, dilation, stride, out)
    cols = layout.cols.reshape(N, G, Cg * K, -1)
    y = layout.output(np.matmul(wr, cols).reshape(N, O, -1), bd)
    parents = (
        x if x.requires_grad else None,
        weight if weight.requires_grad else None,
        bias if bias is not None and bias.requires_grad else None,
    )
    if not _grad_enabled() or all(p is None for p in parents) or y.dtype is _OBJECT:
        result = _leaf(y)
    else:
        result = _make(y, parents, _conv_vjp(layout, xd.shape, lo, cols, wr, wd.shape, parents))
    return result.squeeze(0) if unbatched else result


class _BatchedLayout:
    """Columns (N, C·∏K, ∏O): one column per output position (any stride)."""

    def __init__(self, xp: np.ndarray, kernel, dilation, stride, out) -> None:
        self.xp_shape, self.kernel, self.dilation, self.stride, self.out = xp.shape, kernel, dilation, stride, out
        N, C = xp.shape[:2]
        self.cols = _windows(xp, kernel, dilation, stride, out).reshape(N, C * int(np.prod(kernel)), -1)

    def output(self, yw: np.ndarray, bias: np.ndarray | None) -> np.ndarray:
        """(N, O, ∏O) matmul result -> (N, O, *O), plus the bias."""
        N, O = yw.shape[:2]
        y = yw.reshape((N, O) + tuple(self.out))
        if bias is None:
            return y
        b = bias.reshape((1, O) + (1,) * len(self.out))
        if y.dtype is _OBJECT or bias.dtype is _OBJECT:
            return y + b
        y += b
        return y

    def output_grad(self, g: np.ndarray) -> np.ndarray:
        return g.reshape(g.shape[0], g.shape[1], -1)

    def col2im(self, dcols: np.ndarray) -> np.ndarray:
        """Fold (N, C·∏K, ∏O) column gradients back onto the padded input: one slice-add per tap."""
        N, C = self.xp_shape[:2]
        d = dcols.reshape((N, C, -1) + tuple(self.out))
        gxp = np.zeros(self.xp_shape, dcols.dtype)
        for t, sl in enumerate(_tap_slices(self.kernel, self.dilation, self.stride, self.out)):
            gxp[sl] += d[:, :, t]
        return gxp


class _WideLayout:
    """Stride-1 columns in the "wide" layout (N, C·∏K, L): kernel tap t reads the contiguous run
    xp_flat[off_t : off_t + L] of the flattened padded image, L = Σ(O_i - 1)·f_i + 1 (f_i the
    flat stride of spatial dim i). Positions whose row wraps past the output width are computed
    and dropped; their output gradient is zero, so they add nothing in backward. Copying runs
    of length L instead of O_last makes im2col and col2im several times faster."""

    def __init__(self, xp: np.ndarray, kernel, dilation, out) -> None:
        xp = np.ascontiguousarray(xp)
        self.xp_shape, self.out = xp.shape, tuple(out)
        N, C = xp.shape[:2]
        spatial = xp.shape[2:]
        flat = [int(np.prod(spatial[i + 1:])) for i in range(len(spatial))]
        self.flat = flat
        self.length = sum((o - 1) * f for o, f in zip(out, flat)) + 1
        self.offsets = [sum(t * d * f for t, d, f in zip(tap, dilation, flat))
                        for tap in itertools.product(*(range(k) for k in kernel))]
        it = xp.itemsize
        view = as_strided(xp, (N, C) + tuple(kernel) + (self.length,),
                          xp.strides[:2] + tuple(d * f * it for d, f in zip(dilation, flat)) + (it,),
                          writeable=False)
        self.cols = view.reshape(N, C * len(self.offsets), self.length)

    def _valid(self, wide: np.ndarray, writeable: bool = False) -> np.ndarray:
        """The (N, O, *out) positions of a contiguous (N, O, L) wide array, as a strided view."""
        it = wide.itemsize
        return as_strided(wide, wide.shape[:2] + self.out,
                          wide.strides[:2] + tuple(f * it for f in self.flat), writeable=writeable)

    def output(self, yw: np.ndarray, bias: np.ndarray | None) -> np.ndarray:
        valid = self._valid(yw)
        if bias is None:
            return valid.copy()
        return np.add(valid, bias.reshape((1, -1) + (1,) * len(self.out)))

    def output_grad(self, g: np.ndarray) -> np.ndarray:
        wide = np.zeros(g.shape[:2] + (self.length,), g.dtype)
        self._valid(wide, writeable=True)[...] = g
        return wide

    def col2im(self, dcols: np.ndarray) -> np.ndarray:
        """Fold (N, C·∏K, L) column gradients back: one contiguous run-add per kernel tap."""
        N, C = self.xp_shape[:2]
        d = dcols.reshape(N, C, len(self.offsets), self.length)
        gxp = np.zeros((N, C, int(np.prod(self.xp_shape[2:]))), dcols.dtype)
        L = self.length
        for t, off in enumerate(self.offsets):
            gxp[:, :, off:off + L] += d[:, :, t]
        return gxp.reshape(self.xp_shape)


def _conv_vjp(layout, x_shape, lo, cols, wr, w_shape, parents):
    px, pw, pb = parents
    N = x_shape[0]
    G, Og, CK = wr.shape
    n = len(x_shape) - 2

    def conv_nd_vjp(g):
        gx = gw = gb = None
        if pb is not None:
            gb = g.sum(axis=(0,) + tuple(range(2, 2 + n)))
        g3 = layout.output_grad(g).reshape(N, G, Og, -1)
        if pw is not None:
            gw = np.matmul(g3, cols.transpose(0, 1, 3, 2)).sum(0).reshape(w_shape)
        if px is not None:
            gxp = layout.col2im(np.matmul(wr.transpose(0, 2, 1), g3))
            gx = _crop(gxp, lo, x_shape)
        return gx, gw, gb

    return conv_nd_vjp


def _pool_geometry(x: Tensor, kernel_size: Any, stride: Any, padding: Any, dilation: Any,
                   ceil_mode: bool, ndim: int | None, op_kind: str):
    if ndim is None:
        ndim = len(kernel_size) if isinstance(kernel_size, (tuple, list)) else x.data.ndim - 2
    n = ndim
    op = f"{op_kind}{n}d"
    if n < 1:
        raise RuntimeError(f"{op}: input of shape {x.shape} has no spatial dimensions")
    x, unbatched = _spatial_input(x, n, op)
    kernel = _ntuple(kernel_size, n, "kernel_size", op)
    stride = kernel if stride is None or (isinstance(stride, (tuple, list)) and not stride) else _ntuple(stride, n, "stride", op)
    pad = _ntuple(padding, n, "padding", op)
    dilation = _ntuple(dilation, n, "dilation", op)
    if any(v < 1 for v in kernel + stride + dilation):
        raise ValueError(f"{op}: kernel_size, stride and dilation must be positive")
    for p, k, d in zip(pad, kernel, dilation):
        if p < 0 or 2 * p > d * (k - 1) + 1:
            raise ValueError(f"{op}: padding should be at most half of the effective kernel size, got padding={p}, "
                             f"kernel_size={k}, dilation={d}")
    spatial = x.data.shape[2:]
    out = tuple(_output_size(s, k, st, p, p, d, ceil_mode) for s, k, st, p, d in zip(spatial, kernel, stride, pad, dilation))
    if any(o < 1 for o in out):
        raise RuntimeError(f"{op}: output size would be {out} for input of shape {x.shape}: the input is too small")
    # extra right padding so that ceil_mode windows stay inside the padded array
    extra = tuple(
        max(0, (o - 1) * st + d * (k - 1) + 1 - (s + 2 * p))
        for o, st, d, k, s, p in zip(out, stride, dilation, kernel, spatial, pad)
    )
    return x, unbatched, kernel, stride, pad, dilation, out, extra


def max_pool_nd(
    x: Tensor,
    kernel_size: IntOrTuple,
    stride: IntOrTuple | None = None,
    padding: IntOrTuple = 0,
    dilation: IntOrTuple = 1,
    ceil_mode: bool = False,
    *,
    ndim: int | None = None,
) -> Tensor:
    """Max over each window (padding counts as -inf). ``ndim`` (the number of spatial
    dimensions) defaults to len(kernel_size) for a tuple, else x.ndim - 2."""
    if not isinstance(x, Tensor):
        x = Tensor(x)
    x, unbatched, kernel, stride, pad, dilation, out, extra = _pool_geometry(
        x, kernel_size, stride, padding, dilation, ceil_mode, ndim, "max_pool")
    xd = x.data
    hi = [p + e for p, e in zip(pad, extra)]
    taps = _tap_slices(kernel, dilation, stride, out)
    if xd.dtype is _OBJECT:
        xp = _pad(xd, pad, hi, float("-inf"))
        win = _windows(xp, kernel, dilation, stride, out).reshape(xd.shape[:2] + (-1,) + out)
        y = win[:, :, 0]
        for t in range(1, win.shape[2]):
            y = objects.pairwise_max(y, win[:, :, t])
        result = _leaf(objects.as_object_array(y, xd.shape[:2] + out))
        return result.squeeze(0) if unbatched else result
    fill = -np.inf if xd.dtype.kind == "f" else np.iinfo(xd.dtype).min
    xp = _pad(xd, pad, hi, fill)
    y = np.maximum(xp[taps[0]], xp[taps[1]]) if len(taps) > 1 else xp[taps[0]].copy()
    for sl in taps[2:]:
        np.maximum(y, xp[sl], out=y)
    if not (x.requires_grad and _grad_enabled()):
        result = _leaf(y)
    else:
        x_shape = xd.shape
        disjoint = all(s >= d * (k - 1) + 1 for s, d, k in zip(stride, dilation, kernel))
        # windows tile the padded input exactly: every element is written once in backward
        tiled = not any(extra) and all(
            s == k and d == 1 and o * k == n for s, k, d, o, n in zip(stride, kernel, dilation, out, xp.shape[2:]))

        def max_pool_nd_vjp(g):
            gxp = (np.empty if tiled else np.zeros)(xp.shape, g.dtype)
            if np.isnan(y).any():
                gxp[...] = 0
                _route_with_nan(xp, y, g, gxp, taps)
            else:
                # first maximum of each window in row-major order: tap i wins where it equals the
                # max and no earlier tap did; the last tap takes whatever is left
                contrib = None if disjoint else np.empty(y.shape, g.dtype)
                taken = None
                last = len(taps) - 1
                for i, sl in enumerate(taps):
                    if i == last:
                        hit = np.ones(y.shape, bool) if taken is None else np.logical_not(taken, out=taken)
                    else:
                        hit = np.equal(xp[sl], y)
                        if taken is None:
                            taken = hit  # hit is only read again before taken changes
                        else:
                            np.greater(hit, taken, out=hit)  # hit and not yet taken
                            np.logical_or(taken, hit, out=taken)
                    if disjoint:  # windows do not overlap: write straight into the input gradient
                        np.multiply(g, hit, out=gxp[sl])
                    else:
                        np.multiply(g, hit, out=contrib)
                        gxp[sl] += contrib
            return (_crop(gxp, pad, x_shape),)

        result = _make(y, (x,), max_pool_nd_vjp)
    return result.squeeze(0) if unbatched else result


def _route_with_nan(xp, y, g, gxp, taps) -> None:
    """PyTorch's scan: the window's running max is replaced when val > max or val is NaN."""
    best = xp[taps[0]].copy()
    arg = np.zeros(y.shape, np.int32)
    for i, sl in enumerate(taps[1:], start=1):
        v = xp[sl]
        upd = (v > best) | np.isnan(v)
        best = np.where(upd, v, best)
        arg[upd] = i
    for i, sl in enumerate(taps):
        gxp[sl] += np.where(arg == i, g, 0)


def _crop(gxp: np.ndarray, pad: Sequence[int], x_shape: tuple[int, ...]) -> np.ndarray:
    if gxp.shape == x_shape:
        return gxp
    return gxp[(slice(None), slice(None)) + tuple(slice(p, p + s) for p, s in zip(pad, x_shape[2:]))]


def _avg_divisor(spatial, kernel, stride, pad, out, count_include_pad):
    """Per-window divisor as PyTorch: the window clipped to the padded input (with
    count_include_pad) or to the input itself; a scalar when it is the same everywhere."""
    per_dim = []
    for s, k, st, p, o in zip(spatial, kernel, stride, pad, out):
        start = np.arange(o) * st - p
        end = np.minimum(start + k, s + p)
        if count_include_pad:
            per_dim.append(end - start)
        else:
            per_dim.append(np.minimum(end, s) - np.maximum(start, 0))
    div = per_dim[0].astype(np.float64)
    for d in per_dim[1:]:
        div = np.multiply.outer(div, d)
    if np.all(div == div.flat[0]):
        return float(div.flat[0])
    return div


def avg_pool_nd(
    x: Tensor,
    kernel_size: IntOrTuple,
    stride: IntOrTuple | None = None,
    padding: IntOrTuple = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    *,
    ndim: int | None = None,
) -> Tensor:
    """Mean over each window (padding counts as zeros; divisor as PyTorch's)."""
    if not isinstance(x, Tensor):
        x = Tensor(x)
    x, unbatched, kernel, stride, pad, dilation, out, extra = _pool_geometry(
        x, kernel_size, stride, padding, 1, ceil_mode, ndim, "avg_pool")
    xd = x.data
    hi = [p + e for p, e in zip(pad, extra)]
    taps = _tap_slices(kernel, dilation, stride, out)
    xp = _pad(xd, pad, hi, 0.0)
    div = _avg_divisor(xd.shape[2:], kernel, stride, pad, out, count_include_pad)
    if xd.dtype is _OBJECT:
        total = xp[taps[0]]
        for sl in taps[1:]:
            total = total + xp[sl]
        return _finish(_leaf(total / div), unbatched)
    y = xp[taps[0]].copy()
    for sl in taps[1:]:
        y += xp[sl]
    y /= np.asarray(div, dtype=y.dtype) if not isinstance(div, float) else div
    if not (x.requires_grad and _grad_enabled()):
        return _finish(_leaf(y), unbatched)
    xp_shape, x_shape = xp.shape, xd.shape

    def avg_pool_nd_vjp(g):
        gd = g / (np.asarray(div, dtype=g.dtype) if not isinstance(div, float) else div)
        gxp = np.zeros(xp_shape, g.dtype)
        for sl in taps:
            gxp[sl] += gd
        return (_crop(gxp, pad, x_shape),)

    return _finish(_make(y, (x,), avg_pool_nd_vjp), unbatched)


def _finish(result: Tensor, unbatched: bool) -> Tensor:
    return result.squeeze(0) if unbatched else result
