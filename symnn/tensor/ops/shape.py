"""Shape and indexing operations: reshape, transpose, permute, indexing, expand, cat, stack, pad.

Most are views whose VJP is the inverse view of the gradient; indexing scatters the gradient
back (``np.add.at`` for integer arrays, so repeated indices accumulate).
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..core import _OBJECT, _grad_enabled, Tensor, _index, _leaf, _make, _record1


def _sizes(shape: tuple) -> tuple[int, ...]:
    """Accept ``f(2, 3)`` as well as ``f((2, 3))`` / ``f([2, 3])``."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    return tuple(int(s) for s in shape)


def _one_dim(dim: int | None, axis: int | None, op: str) -> int:
    if (dim is None) == (axis is None):
        raise TypeError(f"{op}: give exactly one of dim and axis")
    return dim if axis is None else axis


def _dim(d: int, ndim: int) -> int:
    if not -ndim <= d < ndim:
        raise IndexError(f"dimension {d} out of range for a tensor with {ndim} dimensions")
    return d % ndim


def reshape(x: Tensor, *shape: Any) -> Tensor:
    """The same elements in a new shape (one entry may be -1)."""
    d = x.data
    new = _sizes(shape)
    try:
        y = d.reshape(new)
    except ValueError:
        raise RuntimeError(f"shape {new} is invalid for a tensor of shape {d.shape} ({d.size} elements)") from None
    old = d.shape
    return _record1(y, x, lambda g: (g.reshape(old),))


view = reshape


def flatten(x: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dimensions ``start_dim..end_dim`` into one."""
    shape = x.data.shape
    if not shape:  # a 0-d tensor counts as one dimension, as in PyTorch: dims -1 and 0 only
        _dim(start_dim, 1), _dim(end_dim, 1)
        return reshape(x, 1)
    s, e = _dim(start_dim, len(shape)), _dim(end_dim, len(shape))
    if s > e:
        raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
    return reshape(x, shape[:s] + (-1,) + shape[e + 1:])


def unsqueeze(x: Tensor, dim: int | None = None, *, axis: int | None = None) -> Tensor:
    """Insert a dimension of size 1 at ``dim`` (or NumPy's ``axis``)."""
    dim = _one_dim(dim, axis, "unsqueeze")
    nd = x.data.ndim
    shape = list(x.data.shape)
    shape.insert(_dim(dim, nd + 1), 1)
    return reshape(x, shape)


def squeeze(x: Tensor, dim: int | Sequence[int] | None = None, *, axis: Any = None) -> Tensor:
    """Remove dimensions of size 1 (only ``dim`` when given; others are left alone)."""
    if axis is not None:
        dim = axis
    shape = x.data.shape
    if dim is None:
        new = [n for n in shape if n != 1]
    else:
        dims = {_dim(d, len(shape)) for d in ((dim,) if isinstance(dim, int) else dim)} if shape else set()
        new = [n for i, n in enumerate(shape) if not (i in dims and n == 1)]
    return reshape(x, new)


def transpose(x: Tensor, dim0: int, dim1: int) -> Tensor:
    """Swap two dimensions (a view)."""
    nd = x.data.ndim
    a, b = _dim(dim0, nd), _dim(dim1, nd)
    return _record1(x.data.swapaxes(a, b), x, lambda g: (g.swapaxes(a, b),))


def permute(x: Tensor, *dims: Any) -> Tensor:
    """Reorder the dimensions (a view)."""
    nd = x.data.ndim
    perm = tuple(_dim(d, nd) for d in _sizes(dims))
    if sorted(perm) != list(range(nd)):
        raise ValueError(f"permute: {perm} is not a permutation of the {nd} dimensions")
    inv = tuple(np.argsort(perm))
    return _record1(x.data.transpose(perm), x, lambda g: (g.transpose(inv),))


def T(x: Tensor) -> Tensor:
    """The transpose (dimensions reversed; for a matrix, rows and columns swapped)."""
    return _record1(x.data.T, x, lambda g: (g.T,))


def _is_basic(index: Any) -> bool:
    items = index if isinstance(index, tuple) else (index,)
    return all(i is None or i is Ellipsis or isinstance(i, (int, np.integer, slice)) for i in items)


def _is_bool_mask(index: Any) -> bool:
    return isinstance(index, np.ndarray) and index.dtype == bool


def getitem(x: Tensor, index: Any) -> Tensor:
    """``x[index]``: ints, slices, None, Ellipsis, integer arrays or Tensors, bool masks.

    The gradient of an integer-array index is scattered with ``np.add.at`` so that an index
    repeated k times receives k contributions.
    """
    index = _index(index)
    if isinstance(index, list):
        index = np.asarray(index)
    d = x.data
    y = d[index]
    basic = _is_basic(index)
    shape, dtype = d.shape, d.dtype

    def getitem_vjp(g):
        gx = np.zeros(shape, dtype)
        if basic or _is_bool_mask(index):
            gx[index] = g
        else:
            np.add.at(gx, index, g)
        return (gx,)

    return _record1(y, x, getitem_vjp)


def expand(x: Tensor, *sizes: Any) -> Tensor:
    """Broadcast to a larger shape without copying (-1 keeps a dimension's size)."""
    d = x.data
    new = _sizes(sizes)
    lead = len(new) - d.ndim
    if lead < 0:
        raise RuntimeError(f"expand: target {new} has fewer dimensions than the tensor {d.shape}")
    target = tuple(d.shape[i - lead] if n == -1 and i >= lead else n for i, n in enumerate(new))
    try:
        y = np.broadcast_to(d, target)
    except ValueError:
        raise RuntimeError(f"expand: cannot expand shape {d.shape} to {new}") from None
    shape = d.shape

    def expand_vjp(g):
        from .elementwise import unbroadcast

        return (unbroadcast(g, shape),)

    return _record1(y, x, expand_vjp)


def _tensors(tensors: Sequence[Any], name: str) -> list[Tensor]:
    ts = [t if isinstance(t, Tensor) else Tensor(t) for t in tensors]
    if not ts:
        raise ValueError(f"{name}: expected a non-empty sequence of tensors")
    return ts


def _record_many(y: np.ndarray, ts: list[Tensor], vjp: Any) -> Tensor:
    if _grad_enabled() and any(t.requires_grad for t in ts) and y.dtype is not _OBJECT:
        return _make(y, tuple(t if t.requires_grad else None for t in ts), vjp)
    return _leaf(y)


def cat(tensors: Sequence[Any], dim: int = 0, *, axis: int | None = None) -> Tensor:
    """Join tensors along an existing dimension."""
    if axis is not None:
        dim = axis
    ts = _tensors(tensors, "cat")
    nd = ts[0].data.ndim
    ax = _dim(dim, nd)
    try:
        y = np.concatenate([t.data for t in ts], axis=ax)
    except ValueError:
        shapes = ", ".join(str(t.shape) for t in ts)
        raise RuntimeError(f"cat: shapes {shapes} do not match outside dimension {dim}") from None
    bounds = np.cumsum([0] + [t.data.shape[ax] for t in ts])
    needs = [t.requires_grad for t in ts]
    pre = (slice(None),) * ax

    def cat_vjp(g):
        return tuple(g[pre + (slice(bounds[i], bounds[i + 1]),)] if needs[i] else None for i in range(len(needs)))

    return _record_many(y, ts, cat_vjp)


def stack(tensors: Sequence[Any], dim: int = 0, *, axis: int | None = None) -> Tensor:
    """Join tensors of equal shape along a new dimension."""
    if axis is not None:
        dim = axis
    ts = _tensors(tensors, "stack")
    ax = _dim(dim, ts[0].data.ndim + 1)
    try:
        y = np.stack([t.data for t in ts], axis=ax)
    except ValueError:
        shapes = ", ".join(str(t.shape) for t in ts)
        raise RuntimeError(f"stack: all tensors need the same shape, got {shapes}") from None
    needs = [t.requires_grad for t in ts]
    pre = (slice(None),) * ax

    def stack_vjp(g):
        return tuple(g[pre + (i,)] if needs[i] else None for i in range(len(needs)))

    return _record_many(y, ts, stack_vjp)


def pad(x: Tensor, pad: Sequence[int], value: float = 0.0) -> Tensor:
    """Constant padding; ``pad`` lists (left, right) pairs starting from the LAST dimension,
    as PyTorch's ``F.pad``. Negative amounts crop."""
    d = x.data
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2 or len(pad) // 2 > d.ndim:
        raise ValueError(f"pad: expected pairs for at most {d.ndim} dimensions, got {pad}")
    before = [0] * d.ndim
    after = [0] * d.ndim
    for k in range(len(pad) // 2):
        before[d.ndim - 1 - k] = pad[2 * k]
        after[d.ndim - 1 - k] = pad[2 * k + 1]
    out_shape = tuple(n + b + a for n, b, a in zip(d.shape, before, after))
    if any(n < 0 for n in out_shape):
        raise ValueError(f"pad: {pad} crops the shape {d.shape} below zero")
    # source region of x and destination region of the output (negative pads crop the source)
    src = tuple(slice(-b if b < 0 else 0, n + a if a < 0 else n) for n, b, a in zip(d.shape, before, after))
    dst = tuple(slice(b if b > 0 else 0, (b if b > 0 else 0) + (s.stop - s.start)) for b, s in zip(before, src))
    if d.dtype is _OBJECT:
        y = np.empty(out_shape, dtype=object)
        y[...] = value
    else:
        y = np.full(out_shape, value, dtype=d.dtype)
    y[dst] = d[src]
    shape, dtype = d.shape, d.dtype
    cropped = any(b < 0 or a < 0 for b, a in zip(before, after))

    def pad_vjp(g):
        if not cropped:
            return (g[dst],)
        gx = np.zeros(shape, dtype)
        gx[src] = g[dst]
        return (gx,)

    return _record1(y, x, pad_vjp)

