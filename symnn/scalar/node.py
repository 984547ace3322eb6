"""The Scalar node: a float value, its gradient, its parents and the local derivatives.

Forward computes each op's value *and* its local partial derivatives as floats (from the op
table), so backward is a flat loop of multiply-adds over a topological order found without
recursion. Nodes hold no closures, only a tuple of parents, so reference counting frees a
graph as soon as its output is dropped. SymPy is imported only by the symbolic methods
(``expr``, ``derivative``, ``derivation``), never by forward or backward.
"""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, Any

from symnn.scalar.ops import _ONE_ONE, OPS, Op, _add, _mul
from symnn.scalar.traversal import topological_order

if TYPE_CHECKING:  # pragma: no cover
    import sympy

    from symnn.scalar.derivation import Derivation

__all__ = ["Scalar", "constant", "install_op", "apply_op"]

_new = object.__new__
_CONST = OPS["const"]


class Scalar:
    """A number in a computation graph that records how it was made.

    ``Scalar(2.0, name="x")`` is a leaf with a value; ``Scalar(name="w")`` is a symbolic leaf
    (value ``None``): everything computed from it is symbolic too, so ``derivative`` and
    ``derivation`` work but ``backward`` does not.

    Gradients: ``backward()`` adds dL/dleaf into every leaf's ``.grad`` (they accumulate over
    calls, like PyTorch's ``.grad``) and stores this pass's dL/dnode in every intermediate
    node's ``.grad`` (overwritten, never accumulated). ``zero_grad()`` sets the grad of every
    node in the graph to 0.

    Comparisons (``<``, ``<=``, ``>``, ``>=``) compare values and return a bool, so
    ``max(a, b)`` on Python level picks a node; ``==`` and ``hash`` are identity, so nodes can
    be dictionary keys (use ``a.value == b.value`` to compare numbers).
    """

    __slots__ = ("value", "grad", "parents", "local", "op", "arg", "name", "_pending", "_symbol")

    def __init__(self, value: float | None = None, name: str | None = None) -> None:
        if value is not None:
            if isinstance(value, Scalar):
                raise TypeError("Scalar(value): value must be a number or None, not a Scalar")
            value = float(value)
        if name is not None:
            _check_name(name)
        self.value = value
        self.grad = 0.0
        self.parents: tuple[Scalar, ...] = ()
        self.local: tuple[float, ...] | None = ()
        self.op: Op | None = None
        self.arg: tuple[float, ...] = ()
        self.name = name
        self._pending = 0

    # ---- description -----------------------------------------------------------------

    def __repr__(self) -> str:
        parts = [] if self.value is None else [f"{self.value!r}"]
        if self.name is not None:
            parts.append(f"name={self.name!r}")
        if self.op is not None and self.op is not _CONST:
            parts.append(f"op={self.op.name!r}")
        if self.parents or self.grad:
            parts.append(f"grad={self.grad!r}")
        return f"Scalar({', '.join(parts)})"

    @property
    def is_leaf(self) -> bool:
        """True for a node made by ``Scalar(...)`` or from a plain number (no parents)."""
        return not self.parents

    @property
    def is_constant(self) -> bool:
        """True for a number that entered an expression (``w * 2``: the 2)."""
        return self.op is _CONST

    def named(self, name: str) -> Scalar:
        """Give this node a name (its symbol in derivations) and return it: ``(w*x+b).named("z")``."""
        if not isinstance(name, str) or not name:
            raise TypeError("named(name): name must be a non-empty str")
        _check_name(name)
        self.name = name
        return self

    def __float__(self) -> float:
        if self.value is None:
            raise ValueError(f"{self._describe()} has no value (symbolic)")
        return self.value

    def _describe(self) -> str:
        if self.name is not None:
            return f"Scalar {self.name!r}"
        return "a leaf Scalar" if not self.parents else f"the {self.op.name} node"

    # ---- comparisons (values) ----------------------------------------------------------

    def _cmp_values(self, other):
        b = other.value if isinstance(other, Scalar) else other
        if self.value is None or b is None:
            raise ValueError("cannot compare symbolic Scalars (value None)")
        return self.value, b

    def __lt__(self, other):
        a, b = self._cmp_values(other)
        return a < b

    def __le__(self, other):
        a, b = self._cmp_values(other)
        return a <= b

    def __gt__(self, other):
        a, b = self._cmp_values(other)
        return a > b

    def __ge__(self, other):
        a, b = self._cmp_values(other)
        return a >= b

    __hash__ = object.__hash__

    # ---- power: a number exponent is a parameter, a Scalar exponent an input -----------

    def __pow__(self, other: Any) -> Scalar:
        if isinstance(other, Scalar):
            return apply_op(OPS["pow"], (self, other), {})
        if isinstance(other, numbers.Real) and not isinstance(other, bool):
            return _unary(OPS["powc"], self, (float(other),))
        return NotImplemented

    def __rpow__(self, other: Any) -> Scalar:
        base = _as_scalar(other)
        if base is NotImplemented:
            return NotImplemented
        return apply_op(OPS["pow"], (base, self), {})

    def __pos__(self) -> Scalar:
        return self

    def __abs__(self) -> Scalar:
        """``abs(s)`` and ``np.abs`` on object arrays: the same node as ``s.abs()``."""
        return self.abs()

    # ---- backward ----------------------------------------------------------------------

    def backward(self, gradient: float = 1.0) -> None:
        """Reverse-mode pass: dL/dnode for every node, by the chain rule on stored locals.

        ``parent.grad += local * node.grad`` for every edge, each node handled once all of its
        consumers are done (Kahn's order; no recursion, so any depth works). Leaves accumulate
        across calls; intermediate nodes hold this pass's values. The consumer counts live on
        the nodes, so two threads must not run backward through the same nodes at once.
        """
        if self.value is None:
            names = sorted(
                {n.name or "(unnamed)" for n in topological_order(self) if n.value is None and not n.parents}
            )
            raise ValueError(
                "backward() needs numbers, but these leaves have no value: "
                + ", ".join(names)
                + ". Use derivative()/derivation() for symbolic gradients, "
                "or give the leaves values."
            )
        if not self.parents:
            self.grad += float(gradient)
            return
        stack = [self]
        pop = stack.pop
        push = stack.append
        try:
            # pass 1: count each intermediate node's consumers (and zero its grad)
            while stack:
                for p in pop().parents:
                    if p.parents:
                        c = p._pending
                        if c == 0:
                            p.grad = 0.0
                            push(p)
                        p._pending = c + 1
            # pass 2: a node is ready once all of its consumers have passed gradient to it;
            # two-input nodes (most of a graph) are unrolled: no zip, no inner loop
            self.grad = float(gradient)
            push(self)
            while stack:
                node = pop()
                g = node.grad
                parents = node.parents
                if len(parents) == 2:
                    a, b = parents
                    da, db = node.local
                    a.grad += da * g
                    b.grad += db * g
                    if a.parents:
                        c = a._pending - 1
                        a._pending = c
                        if c == 0:
                            push(a)
                    if b.parents:
                        c = b._pending - 1
                        b._pending = c
                        if c == 0:
                            push(b)
                    continue
                for p, d in zip(parents, node.local):
                    p.grad += d * g
                    if p.parents:
                        c = p._pending - 1
                        p._pending = c
                        if c == 0:
                            push(p)
        except BaseException:
            for node in topological_order(self):
                node._pending = 0
            raise

    def zero_grad(self) -> None:
        """Set ``.grad = 0`` on every node of the graph that ends here (leaves included)."""
        for node in topological_order(self):
            node.grad = 0.0

    # ---- symbolic side (lazy, SymPy) ---------------------------------------------------

    def leaves(self, symbolic_only: bool = False) -> dict[str, Scalar]:
        """``{name: leaf}`` for the variable leaves (constants excluded); unnamed leaves get
        automatic names. ``symbolic_only=True``: only the leaves without a value."""
        from symnn.scalar.derivation import leaves

        found = leaves(self)
        if symbolic_only:
            return {k: v for k, v in found.items() if v.value is None}
        return found

    @property
    def symbol(self) -> sympy.Symbol:
        """This node's SymPy symbol: its name, or an automatic one (``v_1``, ``v_2``, ...)."""
        from symnn.scalar.derivation import symbol_of

        return symbol_of(self)

    @property
    def expr(self) -> sympy.Expr:
        """This node as a SymPy expression in the leaf symbols."""
        from symnn.scalar.derivation import expression

        return expression(self)

    def derivative(self, wrt: Scalar | str) -> sympy.Expr:
        """d self / d wrt (a leaf or a leaf's name), assembled from the recorded chain-rule
        steps: the sum over paths of products of local derivatives (no ``sympy.diff`` of the
        whole expression)."""
        from symnn.scalar.derivation import derivative

        return derivative(self, wrt)

    def derivation(self, wrt: Scalar | str | None = None) -> Derivation:
        """The backward pass as readable steps (all of them, or those on paths to ``wrt``)."""
        from symnn.scalar.derivation import Derivation

        return Derivation(self, wrt)

    def to_dot(self) -> str:
        """The graph as Graphviz DOT text (values and gradients on the nodes)."""
        from symnn.scalar.render import to_dot

        return to_dot(self)


def _check_name(name: str) -> None:
    """Refuse names that LaTeX would run as commands (``\\write18{...}``) or that break a line."""
    if not isinstance(name, str):
        raise TypeError(f"Scalar name must be a str, got {type(name).__name__}")
    bad = next((c for c in name if c in "\\{}" or not c.isprintable()), None)
    if bad is not None:
        raise ValueError(
            f"Scalar name {name!r} contains {bad!r}: names are printed into LaTeX and text, so "
            "backslashes, braces and control characters are not allowed"
        )


# ---- building nodes ------------------------------------------------------------------


def _as_scalar(x: Any):
    """A Scalar for ``x``: itself, a constant node for a real number, else NotImplemented."""
    if isinstance(x, Scalar):
        return x
    if x.__class__ is float or x.__class__ is int or (
        isinstance(x, numbers.Real) and not isinstance(x, bool)
    ):
        c = _new(Scalar)
        c.value = float(x)
        c.grad = 0.0
        c.parents = ()
        c.local = ()
        c.op = _CONST
        c.arg = ()
        c.name = None
        c._pending = 0
        return c
    return NotImplemented


def constant(value: float) -> Scalar:
    """A constant node: a number inside an expression, shown as the number (not a symbol)."""
    node = _as_scalar(value)
    if node is NotImplemented or node.op is not _CONST:
        raise TypeError(f"constant() expects a real number, got {type(value).__name__}")
    return node


def _unary(op: Op, a: Scalar, params: tuple[float, ...]) -> Scalar:
    out = _new(Scalar)
    v = a.value
    if v is None:
        out.value = None
        out.local = None
    else:
        out.value, out.local = op.numeric(v, *params)
    out.grad = 0.0
    out.parents = (a,)
    out.op = op
    out.arg = params
    out.name = None
    out._pending = 0
    return out


def _binary_methods(op: Op):
    numeric = op.numeric
    # w·x + b is nearly all of a network's graph: for the built-in add and mul the value and
    # local derivatives are written here, the same as their op.numeric, without the call
    is_mul = numeric is _mul
    is_add = numeric is _add

    def method(self, other):
        if other.__class__ is not Scalar:
            other = _as_scalar(other)
            if other is NotImplemented:
                return NotImplemented
        a = self.value
        b = other.value
        out = _new(Scalar)
        if a is None or b is None:
            out.value = None
            out.local = None
        elif is_mul:
            out.value = a * b
            out.local = (b, a)
        elif is_add:
            out.value = a + b
            out.local = _ONE_ONE
        else:
            out.value, out.local = numeric(a, b)
        out.grad = 0.0
        out.parents = (self, other)
        out.op = op
        out.arg = ()
        out.name = None
        out._pending = 0
        return out

    def rmethod(self, other):
        other = _as_scalar(other)
        if other is NotImplemented:
            return NotImplemented
        return method(other, self)

    method.__name__ = op.method or op.name
    method.__doc__ = f"{op.name}: {op.doc}" if op.doc else op.name
    rmethod.__name__ = op.rmethod or f"r{op.name}"
    rmethod.__doc__ = method.__doc__ + " (reflected)"
    return method, rmethod


def _unary_method(op: Op):
    names = [n for n, _ in op.params]
    defaults = tuple(d for _, d in op.params)

    if op.variants:
        choices = {"none": op, **{k: OPS[v] for k, v in op.variants}}

        def method(self, approximate="none"):
            chosen = choices.get(approximate)
            if chosen is None:
                raise ValueError(
                    f"{op.name}: approximate must be one of {', '.join(map(repr, choices))}, "
                    f"got {approximate!r}"
                )
            return _unary(chosen, self, ())

    elif not names:

        def method(self):
            return _unary(op, self, ())

    else:

        def method(self, *args, **kwargs):
            return _unary(op, self, _bind_params(op, names, defaults, args, kwargs))

    method.__name__ = op.method or op.name
    sig = "".join(f", {n}={d!r}" for n, d in op.params)
    if op.variants:
        sig = ", approximate='none'"
    method.__doc__ = f"{op.name}(self{sig}): {op.doc}" if op.doc else op.name
    return method


def _bind_params(op, names, defaults, args, kwargs) -> tuple[float, ...]:
    if len(args) > len(names):
        raise TypeError(f"{op.name} takes {len(names)} parameter(s) ({', '.join(names)})")
    values = list(args) + list(defaults[len(args):])
    for key, val in kwargs.items():
        if key not in names:
            raise TypeError(f"{op.name} got an unexpected parameter {key!r}")
        values[names.index(key)] = val
    return tuple(float(v) for v in values)


def install_op(op: Op, replace: bool = False) -> None:
    """Attach ``op``'s method (and reflected method) to :class:`Scalar`."""
    if op.method is None:
        return
    for name in filter(None, (op.method, op.rmethod)):
        if not replace and name in Scalar.__dict__:
            raise ValueError(f"Scalar already has a method {name!r}")
    if op.arity == 2:
        method, rmethod = _binary_methods(op)
        setattr(Scalar, op.method, method)
        if op.rmethod:
            setattr(Scalar, op.rmethod, rmethod)
    elif op.arity == 1:
        setattr(Scalar, op.method, _unary_method(op))


def apply_op(op: Op, inputs: tuple, params: dict[str, float]) -> Scalar:
    """Apply ``op`` to Scalars or numbers (numbers become constant nodes)."""
    if len(inputs) != op.arity:
        raise TypeError(f"{op.name} takes {op.arity} input(s), got {len(inputs)}")
    nodes = []
    for x in inputs:
        s = _as_scalar(x)
        if s is NotImplemented:
            raise TypeError(f"{op.name}: inputs must be Scalars or numbers, got {type(x).__name__}")
        nodes.append(s)
    names = [n for n, _ in op.params]
    defaults = tuple(d for _, d in op.params)
    bound = _bind_params(op, names, defaults, (), params)
    if op.arity == 1:
        return _unary(op, nodes[0], bound)
    a, b = nodes
    out = _new(Scalar)
    if a.value is None or b.value is None:
        out.value = None
        out.local = None
    else:
        out.value, out.local = op.numeric(a.value, b.value, *bound)
    out.grad = 0.0
    out.parents = (a, b)
    out.op = op
    out.arg = bound
    out.name = None
    out._pending = 0
    return out


for _op in OPS.values():
    install_op(_op)
del _op

