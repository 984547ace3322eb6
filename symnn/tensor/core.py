"""``Tensor``: an ndarray plus a thin tape for reverse-mode automatic differentiation.

A tensor made by a recorded operation keeps two things: ``_parents`` (the input tensors, with
``None`` for inputs that need no gradient) and ``_vjp``, a function that maps the gradient of
the output to one gradient per parent (the vector-Jacobian product). Nothing else is stored
per node, and the ``_vjp`` closures never refer to their own output, so reference counting
frees a graph as soon as the last tensor of it is dropped.

``backward`` sorts the graph iteratively (no recursion limit), walks it once in reverse
topological order and accumulates gradients. A gradient array that has a single consumer is
passed on without a copy; when a second one arrives, the two are added, in place if the first
array belongs to nobody else.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

import numpy as np

from . import grad_mode as _gm
from .dtype import STATE as _DTYPE

_ndarray = np.ndarray
_OBJECT = np.dtype(object)
_INT64 = np.dtype(np.int64)
_new = object.__new__
_grad_enabled = _gm.enabled


def as_array(data: Any, dtype: Any = None, copy: bool = False) -> np.ndarray:
    """Convert ``data`` to the ndarray a Tensor holds.

    Float data becomes the default dtype (float32 unless changed), integer data int64, bool
    stays bool, and object arrays (holding ``symnn.Scalar`` nodes) are kept as they are.
    """
    if isinstance(data, Tensor):
        data = data.data
    if dtype is not None:
        return np.array(data, dtype=dtype, copy=True if copy else None)
    arr = data if type(data) is _ndarray else np.asarray(data)
    kind = arr.dtype.kind
    if kind == "f":
        target = _DTYPE.default
    elif kind in "iu":
        target = _INT64
    elif kind in "bO":
        return arr.copy() if copy else arr
    else:
        raise TypeError(f"tensor: unsupported data of dtype {arr.dtype} (expected numbers, bools or Scalars)")
    if arr.dtype != target:
        with np.errstate(over="ignore"):  # values beyond float32 become inf, silently as in PyTorch
            return arr.astype(target)
    return arr.copy() if copy else arr


class _Freed:
    """Stands in for the VJP of a node whose saved arrays a backward pass has released."""

    __slots__ = ("qualname",)

    def __init__(self, qualname: str) -> None:
        self.qualname = qualname

    def __call__(self, g: Any) -> None:
        raise RuntimeError(
            "Trying to backward through the graph a second time (or to use intermediate results "
            "after they were freed by a previous backward). Pass retain_graph=True to the first "
            "backward() if you need to backward through the graph again."
        )


class Tensor:
    """An n-dimensional array that can record the operations applied to it.

    ``Tensor(data, requires_grad=False)``: float data becomes the default dtype, integer data
    int64; an ndarray of the right dtype is used without a copy (``sn.tensor`` always copies).
    """

    __slots__ = ("data", "grad", "requires_grad", "_parents", "_vjp", "_retain", "__weakref__")
    __array_ufunc__ = None  # make NumPy defer to our reflected operators (array + tensor)

    def __init__(self, data: Any, requires_grad: bool = False) -> None:
        self.data = as_array(data)
        self.grad: Tensor | None = None
        self.requires_grad = False
        self._parents: tuple = ()
        self._vjp: Callable | None = None
        self._retain = False
        if requires_grad:
            self.requires_grad_(True)

    # ----------------------------------------------------------------- attributes
    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def is_leaf(self) -> bool:
        """True for tensors not produced by a recorded operation (parameters, inputs)."""
        return self._vjp is None

    @property
    def grad_fn(self) -> Callable | None:
        """The vector-Jacobian product of the op that made this tensor (None for leaves)."""
        return self._vjp

    def dim(self) -> int:
        return self.data.ndim

    def size(self, dim: int | None = None) -> tuple[int, ...] | int:
        """The shape, or the length of one dimension."""
        return self.data.shape if dim is None else self.data.shape[dim]

    def numel(self) -> int:
        return self.data.size

    def item(self) -> Any:
        """The single value as a Python number (or the ``Scalar`` of an object tensor)."""
        if self.data.size != 1:
            raise ValueError(f"item(): only a one-element tensor can be converted, this one has shape {self.shape}")
        return self.data.reshape(-1)[0] if self.data.dtype is _OBJECT else self.data.item()

    def tolist(self) -> Any:
        return self.data.tolist()

    def numpy(self) -> np.ndarray:
        """The underlying ndarray (shared, not copied)."""
        return self.data

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        if dtype is not None and dtype != self.data.dtype:
            return self.data.astype(dtype)
        return self.data.copy() if copy else self.data

    def __len__(self) -> int:
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.data.shape[0]

    def __iter__(self) -> Iterator[Tensor]:
        if self.data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self.data.shape[0]))

    def __bool__(self) -> bool:
        if self.data.size != 1:
            raise RuntimeError(f"Boolean value of a tensor with {self.data.size} values is ambiguous")
        return bool(self.data.reshape(-1)[0])

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self.data.dtype.kind not in "iu" or self.data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.data.reshape(-1)[0])

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return _format(self)

    # ----------------------------------------------------------------- autograd state
    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Mark this leaf as a parameter whose gradient backward should compute."""
        if requires_grad and self.data.dtype.kind not in "fO":
            raise RuntimeError(
                f"only tensors of floating point dtype can require gradients, this one is {self.data.dtype}"
            )
        if not requires_grad and self._vjp is not None:
            raise RuntimeError("requires_grad_(False) is only allowed on leaf tensors; use .detach()")
        self.requires_grad = bool(requires_grad)
        return self

    def retain_grad(self) -> Tensor:
        """Keep ``.grad`` of this non-leaf tensor after backward (leaves always keep it)."""
        if not self.requires_grad:
            raise RuntimeError("retain_grad() on a tensor that does not require grad")
        self._retain = True
        return self

    def detach(self) -> Tensor:
        """The same data, cut from the graph (no copy)."""
        return _leaf(self.data)

    def detach_(self) -> Tensor:
        self._parents = ()
        self._vjp = None
        self.requires_grad = False
        return self

    def zero_(self) -> Tensor:
        """Set every element to zero, in place."""
        self.data[...] = 0
        return self

    def fill_(self, value: Any) -> Tensor:
        self.data[...] = value
        return self

    def copy_(self, src: Any) -> Tensor:
        """Copy ``src`` (Tensor or array, broadcast) into this tensor's data, in place."""
        np.copyto(self.data, src.data if isinstance(src, Tensor) else src, casting="unsafe")
        return self

    def backward(self, gradient: Any = None, retain_graph: bool | None = None) -> None:
        """Accumulate d(self)/d(leaf), times ``gradient``, into ``.grad`` of every leaf.

        ``gradient`` defaults to 1 for a one-element tensor; any other tensor needs it, with
        its own shape. The graph is freed afterwards unless ``retain_graph=True``.
        """
        if not self.requires_grad:
            raise RuntimeError(
                "backward() on a tensor that does not require grad: none of its inputs had "
                "requires_grad=True (or it was computed under no_grad())"
            )
        if gradient is None:
            if self.data.size != 1:
                raise RuntimeError(
                    f"backward() without a gradient needs a one-element output, this one has shape "
                    f"{self.shape}: pass a gradient of that shape, e.g. t.backward(sn.ones_like(t)), "
                    "or reduce first with t.sum() or t.mean()"
                )
            g, owned = np.ones_like(self.data), True
        else:
            g = gradient.data if isinstance(gradient, Tensor) else np.asarray(gradient)
            if g.shape != self.shape:
                raise RuntimeError(f"backward(): gradient has shape {g.shape} but the tensor has shape {self.shape}")
            if g.dtype != self.data.dtype:
                g = g.astype(self.data.dtype)
            owned = False
        run_backward(self, g, owned, bool(retain_graph))

    # in-place arithmetic: on the data, as PyTorch does under no_grad (parameter updates)
    def _inplace(self, other: Any, ufunc: np.ufunc, name: str) -> Tensor:
        if self.requires_grad and _grad_enabled():
            if self._vjp is None:
                raise RuntimeError(
                    f"a leaf tensor that requires grad is used in an in-place operation ({name}); "
                    "do parameter updates under sn.no_grad()"
                )
            return NotImplemented
        ufunc(self.data, other.data if isinstance(other, Tensor) else other, out=self.data, casting="same_kind")
        return self

    def __iadd__(self, other: Any) -> Tensor:
        return self._inplace(other, np.add, "+=")

    def __isub__(self, other: Any) -> Tensor:
        return self._inplace(other, np.subtract, "-=")

    def __imul__(self, other: Any) -> Tensor:
        return self._inplace(other, np.multiply, "*=")

    def __itruediv__(self, other: Any) -> Tensor:
        return self._inplace(other, np.true_divide, "/=")

    def add_(self, other: Any, alpha: float = 1.0) -> Tensor:
        """In place ``self += alpha * other`` on the data (no graph)."""
        return self._inplace(other if alpha == 1 else _scaled(other, alpha), np.add, "add_")

    def sub_(self, other: Any, alpha: float = 1.0) -> Tensor:
        return self._inplace(other if alpha == 1 else _scaled(other, alpha), np.subtract, "sub_")

    def mul_(self, other: Any) -> Tensor:
        return self._inplace(other, np.multiply, "mul_")

    def div_(self, other: Any) -> Tensor:
        return self._inplace(other, np.true_divide, "div_")

    def __setitem__(self, index: Any, value: Any) -> None:
        if self.requires_grad and _grad_enabled():
            raise RuntimeError("item assignment on a tensor that requires grad; use sn.no_grad() or .data")
        self.data[_index(index)] = value.data if isinstance(value, Tensor) else value


def _scaled(other: Any, alpha: float) -> Any:
    return (other.data if isinstance(other, Tensor) else np.asarray(other)) * alpha


def _index(index: Any) -> Any:
    """Replace Tensors inside an index by their arrays."""
    if isinstance(index, Tensor):
        return index.data
    if isinstance(index, tuple):
        return tuple(i.data if isinstance(i, Tensor) else i for i in index)
    return index


def _make(data: Any, parents: tuple, vjp: Callable) -> Tensor:
    """A tensor recorded on the tape (the fast internal constructor used by every op)."""
    t = _new(Tensor)
    t.data = data if type(data) is _ndarray else np.asarray(data)
    t.grad = None
    t.requires_grad = True
    t._parents = parents
    t._vjp = vjp
    t._retain = False
    return t


def _leaf(data: Any) -> Tensor:
    """A tensor that records nothing (results under no_grad or of inputs without grad)."""
    t = _new(Tensor)
    t.data = data if type(data) is _ndarray else np.asarray(data)
    t.grad = None
    t.requires_grad = False
    t._parents = ()
    t._vjp = None
    t._retain = False
    return t


def _record1(y: Any, x: Tensor, vjp: Callable) -> Tensor:
    """The result of a one-input op: recorded when ``x`` needs a gradient and recording is on
    (object arrays never are: the scalar graph records their derivatives)."""
    if x.requires_grad and _grad_enabled() and x.data.dtype is not _OBJECT:
        return _make(y, (x,), vjp)
    return _leaf(y)


# ----------------------------------------------------------------------- backward
def _toposort(root: Tensor) -> list[Tensor]:
    """Non-leaf nodes reachable from ``root``, outputs before inputs (iterative DFS)."""
    order: list[Tensor] = []
    seen = {root}
    stack = [(root, iter(root._parents))]
    push, pop, append = stack.append, stack.pop, order.append
    while stack:
        node, it = stack[-1]
        for p in it:
            if p is not None and p._vjp is not None and p not in seen:
                seen.add(p)
                push((p, iter(p._parents)))
                break
        else:
            pop()
            append(node)
    order.reverse()
    return order


def _accumulate_leaf(p: Tensor, r: Any, owned: bool) -> None:
    """Add gradient ``r`` into ``p.grad`` (created on first use, then updated in place)."""
    pd = p.data
    if r.dtype != pd.dtype:
        r, owned = r.astype(pd.dtype), True
    if r.shape != pd.shape:
        raise RuntimeError(f"gradient of shape {r.shape} computed for a tensor of shape {pd.shape}")
    pg = p.grad
    if pg is None:
        if not owned or type(r) is not _ndarray:
            r = np.array(r, dtype=pd.dtype)  # materialize (broadcast views, shared arrays)
        p.grad = _leaf(r)
    else:
        gd = pg.data
        if type(gd) is _ndarray and gd.flags.writeable and gd.shape == r.shape:
            np.add(gd, r, out=gd)
        else:
            pg.data = gd + r


_FREED: dict[str, _Freed] = {}


def _freed_stand_in(vjp: Callable) -> _Freed:
    name = getattr(vjp, "__qualname__", "Op")
    f = _FREED.get(name)
    if f is None:
        f = _FREED[name] = _Freed(name)
    return f


def run_backward(root: Tensor, g: np.ndarray, owned: bool, retain: bool) -> None:
    """Propagate ``g`` (the gradient of ``root``) to every leaf that requires grad.

    Ownership: a gradient array may later be written in place (accumulation) only if nobody
    else holds it. VJPs return fresh arrays (or views of arrays they just made), or G itself
    and views of G: those inherit G's ownership when exactly one parent receives them.
    """
    if root._vjp is None:
        _accumulate_leaf(root, g if type(g) is _ndarray else np.asarray(g), owned)
        return
    order = _toposort(root)
    grads: dict[Tensor, list] = {root: [g, owned]}
    pop_grad, get_grad, freed_get = grads.pop, grads.get, _FREED.get
    for node in order:
        entry = pop_grad(node, None)
        if entry is None:
            continue
        G, g_owned = entry
        if node._retain:
            node.grad = _leaf(np.array(G))
        vjp = node._vjp
        results = vjp(G)
        parents = node._parents
        if not retain:  # release the saved arrays and the inputs (as PyTorch frees its buffers)
            node._vjp = freed_get(vjp.__qualname__) or _freed_stand_in(vjp)
            node._parents = ()
        gbase = getattr(G, "base", None)
        if gbase is None:
            gbase = G
        unique = True
        if g_owned and len(results) > 1:
            n_alias = 0
            for r in results:
                if r is not None and (r is G or r.base is gbase or r.base is G):
                    n_alias += 1
            unique = n_alias <= 1
        for p, r in zip(parents, results):
            if r is None or p is None:
                continue
            rb = r.base
            if rb is None:
                r_owned = r is not G or (g_owned and unique)
            elif rb is gbase or rb is G:
                r_owned = g_owned and unique and r.flags.writeable
            else:  # a view of an array the VJP just made (VJPs never return saved inputs)
                r_owned = r.flags.writeable
            if p._vjp is None:
                if p.requires_grad:
                    _accumulate_leaf(p, r, r_owned)
                continue
            e = get_grad(p)
            if e is None:
                grads[p] = [r, r_owned]
            else:
                e0 = e[0]
                if e[1] and type(e0) is _ndarray and e0.dtype == r.dtype:
                    np.add(e0, r, out=e0)
                else:
                    e[0] = e0 + r
                    e[1] = True


# ----------------------------------------------------------------------- repr
def _op_name(vjp: Callable | None) -> str:
    if vjp is None:
        return ""
    name = vjp.qualname if isinstance(vjp, _Freed) else getattr(vjp, "__qualname__", "Op")
    name = name.split(".", 1)[0]
    return "".join(part.capitalize() for part in name.split("_")) + "Backward"


def _format(t: Tensor) -> str:
    d = t.data
    if d.dtype.kind == "f" and d.size:
        finite = d[np.isfinite(d)]
        integral = bool(finite.size == 0 or np.all(finite == np.round(finite)))
        body = np.array2string(
            d, separator=", ", prefix="tensor(", precision=4,
            floatmode="maxprec" if integral else "fixed", suppress_small=True,
        )
    else:
        body = np.array2string(d, separator=", ", prefix="tensor(")
    extras = []
    if d.dtype.kind == "f" and d.dtype != _DTYPE.default:
        extras.append(f"dtype={d.dtype}")
    elif d.dtype.kind in "iu" and d.dtype != _INT64:
        extras.append(f"dtype={d.dtype}")
    if t._vjp is not None:
        extras.append(f"grad_fn=<{_op_name(t._vjp)}>")
    elif t.requires_grad:
        extras.append("requires_grad=True")
    return "tensor(" + body + "".join(", " + e for e in extras) + ")"
