"""The symbolic side of a scalar graph: expressions, assembled derivatives, derivations.

Everything here is built lazily from the recorded graph, on request, with SymPy. A
derivative is assembled the way backpropagation computes it: walk the nodes from the output
back to the leaves and, for every edge node -> parent, add
``dL/dparent += dL/dnode * dnode/dparent`` where ``dnode/dparent`` is the derivative of that
single op (from the op table). The result is the sum over all paths of the products of the
local derivatives: the chain rule, not ``sympy.diff`` of the whole expression.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import sympy

from symnn.scalar.ops import OPS
from symnn.scalar.render import LatexRenderer, TextRenderer, to_dot
from symnn.scalar.traversal import topological_order
from symnn.symbolic.functions import number, symbol

if TYPE_CHECKING:  # pragma: no cover
    from symnn.scalar.node import Scalar

__all__ = ["Derivation", "Step", "expression", "derivative", "leaves", "symbol_of", "decimal"]

_CONST = OPS["const"]
_auto_names = itertools.count(1)

# An unnamed intermediate node is shown as its expression in its parents' forms while that
# stays small; beyond this many tree nodes it gets an automatic name (u_1, u_2, ...) and a
# definition line, so every local derivative stays short and readable.
DISPLAY_LIMIT = 12

# SymPy simplifies a form (``evaluate=True``) only while it is at most this many tree nodes
# and this deep; larger ones are built unevaluated, which costs O(1) per node instead of
# SymPy's flattening, sorting and assumption queries (quadratic on chains, recursive on deep
# trees, exponential on shared subexpressions). Forms share their subexpressions, so a graph
# whose tree is exponentially large (each node used twice) still builds in linear time.
EVALUATE_SIZE = 200
EVALUATE_DEPTH = 24
# ... and only while at most this many functions are nested (SymPy's assumption queries on
# tanh(tanh(...)) grow about 4x per level: 14 s at 10 levels)
EVALUATE_NESTING = 5
_ARITHMETIC = frozenset({"add", "sub", "mul", "div", "neg", "powc", "pow"})
_SIZE_CAP = 10**15

# sums and products typed as chains are gathered into one n-ary SymPy Add/Mul in ``expr``
_GROUP = {"add": "add", "sub": "add", "mul": "mul", "div": "mul"}

# ops whose SymPy forms are slow to simplify (Max/Min compare every pair of arguments with
# assumption queries: minutes for 64 arguments): these forms, and everything built on them,
# stay unevaluated
_SLOW = frozenset({"max", "min"})


def symbol_of(node: Scalar) -> sympy.Symbol:
    """The node's symbol: ``Symbol(name)``, or an automatic ``v_k`` kept for its lifetime."""
    if node.op is _CONST:
        raise ValueError(f"a constant ({node.value!r}) has no symbol")
    if node.name is not None:
        return symbol(node.name)
    auto = getattr(node, "_symbol", None)
    if auto is None:
        auto = f"v_{next(_auto_names)}"
        node._symbol = auto
    return symbol(auto)


def decimal(value: float) -> sympy.Number:
    """A number as a learner typed it: 2.0 -> 2, 0.8 -> 0.8 (not 4/5), 0.3 -> 0.3.

    Whole numbers are Integers; others Floats, which symnn's printers show in their
    shortest form (``0.8``, ``1.0e-7``)."""
    if math.isfinite(value) and float(value).is_integer() and abs(value) < 1e15:
        return sympy.Integer(int(value))
    if not math.isfinite(value):
        return number(value)
    return sympy.Float(value)


def _leaf_name(node: Scalar) -> str:
    return node.name if node.name is not None else symbol_of(node).name


def leaves(root: Scalar) -> dict[str, Scalar]:
    """``{name: leaf}`` for the variable leaves under ``root`` (constants excluded).

    Raises ValueError when two different leaves share a name: their symbols would be the
    same SymPy symbol and every symbolic result would mix them up.
    """
    found: dict[str, Scalar] = {}
    for node in topological_order(root):
        if node.parents or node.op is _CONST:
            continue
        name = _leaf_name(node)
        if name in found and found[name] is not node:
            raise ValueError(
                f"two different leaves are both named {name!r}; give them distinct names"
            )
        found[name] = node
    return found


def _sole_consumers(order: list[Scalar]) -> dict[Scalar, Scalar]:
    """node -> the one node that uses it, for nodes used exactly once."""
    count: dict[Scalar, int] = {}
    last: dict[Scalar, Scalar] = {}
    for node in order:
        for p in node.parents:
            count[p] = count.get(p, 0) + 1
            last[p] = node
    return {p: c for p, c in last.items() if count[p] == 1}


_TEMPLATES: dict = {}


def _template(op, params: tuple, num) -> tuple[tuple, sympy.Expr]:
    """``(placeholders, op's SymPy form in them)``, made once per op, parameters and number style."""
    key = (op, params, num)
    found = _TEMPLATES.get(key)
    if found is None:
        dummies = tuple(sympy.Dummy(f"a{i}", real=True) for i in range(op.arity))
        found = _TEMPLATES[key] = (dummies, op.sympy(*dummies, *(num(a) for a in params)))
    return found


def _raw(func, args: list) -> sympy.Basic:
    """``func(*args)`` as a bare SymPy node: no simplification, no argument checks, no cache
    lookup (SymPy's own unevaluated constructors still cost ~0.3 ms a node)."""
    if func is sympy.Add or func is sympy.Mul:
        return func._from_args(args, True)  # real scalars commute
    if isinstance(func, type) and issubclass(func, sympy.Function):
        node = sympy.Expr.__new__(func, *args)
        # known now, so no later query walks down a deep chain to find it out
        node._assumptions = func.default_assumptions.copy()
        node._assumptions["commutative"] = True
        return node
    try:
        return func(*args, evaluate=False)
    except TypeError:  # a class without the keyword (ExprCondPair): it does not simplify
        return func(*args)


def _rebuild(template: sympy.Basic, mapping: dict, numbers: bool = False) -> sympy.Basic:
    """``template`` with placeholders replaced, each node built bare (:func:`_raw`).

    Not ``with sympy.evaluate(False)``: switching that global clears all of SymPy's caches,
    once per node. Templates are one op's form, a few nodes deep. ``numbers=True`` works out
    parts made of numbers only (a local derivative 1/1 reads 1)."""
    if template in mapping:
        return mapping[template]
    if not template.args:
        return template
    args = [_rebuild(a, mapping, numbers) for a in template.args]
    if numbers and all(a.is_Number for a in args):
        return template.func(*args)
    return _raw(template.func, args)


def _apply(node: Scalar, args: list, evaluate: bool, num=number) -> sympy.Expr:
    """The node's op on SymPy forms of its inputs, simplified or (large forms) as built."""
    if evaluate:
        return node.op.sympy(*args, *(num(a) for a in node.arg))
    dummies, form = _template(node.op, node.arg, num)
    return _rebuild(form, dict(zip(dummies, args)))


class _Forms:
    """Each node's SymPy form in one forward sweep: linear time, no recursion, any depth.

    ``flatten=True`` (for ``expr``): a chain of additions/subtractions (or products/
    divisions) whose inner nodes are used once becomes one n-ary Add (Mul), so a sum of
    10,000 terms is one Add, not 10,000 nested ones. ``typed=True`` (for display): nothing
    is simplified and numbers read as typed (:func:`decimal`).
    """

    def __init__(self, order, leaf_form, *, flatten: bool = False, typed: bool = False) -> None:
        self.forms: dict[Scalar, sympy.Expr] = {}
        self.sizes: dict[Scalar, int] = {}
        self.depths: dict[Scalar, int] = {}
        self.slow: set[Scalar] = set()  # nodes whose form holds a Max/Min or deep nesting
        nesting: dict[Scalar, int] = {}
        num = decimal if typed else number
        sole = _sole_consumers(order) if flatten else {}
        pending: dict[Scalar, list] = {}
        forms, sizes, depths = self.forms, self.sizes, self.depths
        for node in order:
            op = node.op
            if op is _CONST:
                forms[node], sizes[node], depths[node] = num(node.value), 1, 1
                continue
            if not node.parents:
                forms[node], sizes[node], depths[node] = leaf_form(node), 1, 1
                continue
            size = min(1 + sum(sizes[p] for p in node.parents), _SIZE_CAP)
            depth = 1 + max(depths[p] for p in node.parents)
            sizes[node], depths[node] = size, depth
            nest = max(nesting.get(p, 0) for p in node.parents) + (op.name not in _ARITHMETIC)
            nesting[node] = nest
            if op.name in _SLOW or nest > EVALUATE_NESTING or any(p in self.slow for p in node.parents):
                self.slow.add(node)
            evaluate = (
                not typed and size <= EVALUATE_SIZE and depth <= EVALUATE_DEPTH
                and node not in self.slow
            )
            group = _GROUP.get(op.name) if flatten else None
            if group is not None:
                terms = self._terms(node, pending, evaluate)
                user = sole.get(node)
                if user is not None and _GROUP.get(user.op.name) == group and (
                    user.op.name in ("add", "mul") or user.parents[0] is node
                ):
                    pending[node] = terms
                    continue
                cls = sympy.Add if group == "add" else sympy.Mul
                small = not typed and depth <= EVALUATE_DEPTH and node not in self.slow and all(
                    sizes.get(t, 1) <= EVALUATE_SIZE for t in terms
                )
                args = [t if isinstance(t, sympy.Basic) else forms[t] for t in terms]
                form = cls(*args) if small else _raw(cls, args)
            else:
                args = [forms[p] for p in node.parents]
                form = _apply(node, args, evaluate, num)
            hash(form)  # fill SymPy's hash caches bottom-up: no deep recursion later
            forms[node] = form
        self.pending = pending

    def _terms(self, node: Scalar, pending, evaluate: bool) -> list:
        """The operands of a flattened chain: nodes (their forms later) or inverted forms."""
        a, b = node.parents
        terms = pending.pop(a) if a in pending else [a]
        name = node.op.name
        if name in ("add", "mul"):
            terms.extend(pending.pop(b) if b in pending else [b])
        elif name == "sub":
            f = self.forms[b]
            terms.append(-f if evaluate or f.is_Number else _raw(sympy.Mul, [sympy.S.NegativeOne, f]))
        else:
            terms.append(self.forms[b] ** -1 if evaluate else sympy.Pow(self.forms[b], -1, evaluate=False))
        return terms


def expression(root: Scalar) -> sympy.Expr:
    """``root`` as a SymPy expression in its leaves' symbols (constants as numbers).

    Simplified by SymPy while small; a large or deep graph gives an unevaluated expression
    built in linear time (chains of sums/products as one n-ary Add/Mul)."""
    return _Forms(topological_order(root), symbol_of, flatten=True).forms[root]


def typed_expression(root: Scalar) -> sympy.Expr:
    """``root`` as typed: unevaluated, in the graph's order, numbers as typed (for display)."""
    return _Forms(topological_order(root), symbol_of, typed=True).forms[root]


def _local(node: Scalar, index: int, forms: dict[Scalar, sympy.Expr], evaluate: bool = True) -> sympy.Expr:
    """d node / d parent[index] in the given forms of the parents (one op's derivative)."""
    dummies, derivs = node.op.local_forms(node.arg)
    mapping = {d: forms[p] for d, p in zip(dummies, node.parents)}
    if evaluate:
        return derivs[index].xreplace(mapping)
    return _rebuild(derivs[index], mapping)


def _resolve(root: Scalar, wrt: Scalar | str) -> Scalar:
    if isinstance(wrt, sympy.Symbol):
        wrt = wrt.name
    if isinstance(wrt, str):
        found = leaves(root)
        if wrt not in found:
            names = ", ".join(sorted(found)) or "none"
            raise ValueError(f"no leaf named {wrt!r} in this graph (leaves: {names})")
        return found[wrt]
    if not (hasattr(wrt, "parents") and hasattr(wrt, "op")):  # a graph node is a Scalar
        raise TypeError(f"wrt must be a leaf Scalar or a leaf's name, got {type(wrt).__name__}")
    if wrt.parents:
        raise ValueError("derivatives are taken with respect to leaves; got an intermediate node")
    if wrt.op is _CONST:
        raise ValueError("derivatives are taken with respect to variables, not constants")
    return wrt


def _reaching(order: list[Scalar], targets) -> set[Scalar]:
    """Nodes from which some target can be reached through parents (targets included)."""
    reach: set[Scalar] = set()
    for node in order:
        if node in targets or any(p in reach for p in node.parents):
            reach.add(node)
    return reach


def derivative(root: Scalar, wrt: Scalar | str) -> sympy.Expr:
    """d root / d wrt in leaf symbols, assembled edge by edge from the local derivatives.

    Linear in the graph: a node used once passes its gradient down a chain without building
    it (the product of the chain's local derivatives is built once, flat); a node used more
    than once has its gradient built once and shared, so the result is a SymPy expression
    with shared subexpressions (small in memory even when its printed tree would not be)."""
    leaf = _resolve(root, wrt)
    order = topological_order(root)
    reach = _reaching(order, {leaf})
    if root not in reach:
        return sympy.S.Zero
    f = _Forms(order, symbol_of)
    return _Assembler(f, reach).gradient(order, root, leaf)


class _Assembler:
    """Sums over paths of products of local derivatives, in linear time (see derivative)."""

    def __init__(self, forms: _Forms, reach: set[Scalar]) -> None:
        self.f = forms
        self.reach = reach
        # node -> expr (built) or (consumer, index): "my gradient is the consumer's times
        # the local derivative of that edge", not built yet
        self.rep: dict[Scalar, object] = {}
        self.size: dict[Scalar, int] = {}
        self.simplified: dict[Scalar, bool] = {}

    def gradient(self, order, root: Scalar, leaf: Scalar) -> sympy.Expr:
        reach, rep = self.reach, self.rep
        edges: dict[Scalar, list[tuple[Scalar, int]]] = {}
        fanout: dict[Scalar, int] = {}
        for node in order:
            if node in reach:
                fanout[node] = sum(p in reach for p in node.parents)
                for i, p in enumerate(node.parents):
                    if p in reach:
                        edges.setdefault(p, []).append((node, i))
        rep[root], self.size[root], self.simplified[root] = sympy.S.One, 1, True
        for node in reversed(order):
            if node is root or node not in reach:
                continue
            into = edges[node]
            if len(into) == 1 and fanout[node] == 1 and node is not leaf:
                rep[node] = into[0]
                self.size[node] = self.size_of(into[0])
            else:
                self.total(node, into)
        return rep[leaf]

    def size_of(self, edge) -> int:
        consumer, _ = edge
        return min(self.size[consumer] + self.f.sizes[consumer], _SIZE_CAP)

    def total(self, node: Scalar, into) -> None:
        built = [self.product(edge) for edge in into]
        size = min(sum(self.size_of(e) for e in into), _SIZE_CAP)
        small = size <= EVALUATE_SIZE and all(ok for _, ok in built)
        terms = [t for t, _ in built]
        if not small:
            terms = [t for t in terms if t is not sympy.S.Zero] or [sympy.S.Zero]
        if len(terms) == 1:
            self.rep[node] = terms[0]
        else:
            self.rep[node] = sympy.Add(*terms) if small else _raw(sympy.Add, terms)
        self.size[node] = size
        self.simplified[node] = small
        hash(self.rep[node])

    def product(self, edge) -> tuple[sympy.Expr, bool]:
        """The gradient carried by one edge: the built gradient above times the local
        derivatives of every edge of the chain down to here; and whether SymPy simplified it."""
        chain = [edge]
        while isinstance(self.rep[chain[-1][0]], tuple):
            chain.append(self.rep[chain[-1][0]])
        top = chain[-1][0]
        small = (
            self.size_of(edge) <= EVALUATE_SIZE
            and self.simplified.get(top, True)
            and not any(c in self.f.slow for c, _ in chain)
        )
        factors = [self.rep[top]] + [_local(c, i, self.f.forms, small) for c, i in reversed(chain)]
        if small:
            out = sympy.Mul(*factors)
        else:
            if any(x is sympy.S.Zero for x in factors):
                return sympy.S.Zero, False
            kept = [x for x in factors if x is not sympy.S.One] or [sympy.S.One]
            out = _raw(sympy.Mul, kept) if len(kept) > 1 else kept[0]
        hash(out)
        return out, small


@dataclass
class Step:
    """One edge of the backward pass: d out/d parent += (d out/d node) * (d node/d parent).

    ``local`` is a SymPy expression in the display forms (names of named nodes, leaf
    symbols, small unnamed sub-expressions, automatic ``u_k``); ``upstream`` (d out/d node)
    and ``product`` are assembled on first access. The ``*_value`` fields are the same
    quantities as floats when every leaf has a value. ``first``/``last``: whether this is
    the first/last contribution to the parent's gradient.
    """

    node: Scalar
    parent: Scalar
    index: int
    node_form: sympy.Expr
    parent_form: sympy.Expr
    local: sympy.Expr
    local_value: float | None = None
    upstream_value: float | None = None
    product_value: float | None = None
    first: bool = True
    last: bool = True
    upstream_size: int = field(default=1, repr=False)
    product_size: int = field(default=1, repr=False)
    derivation: Derivation | None = field(default=None, repr=False, compare=False)

    @property
    def upstream(self) -> sympy.Expr:
        """d out / d node, assembled from the steps into ``node`` (display forms)."""
        return self.derivation.gradient(self.node)

    @property
    def product(self) -> sympy.Expr:
        """upstream * local: this edge's contribution to d out / d parent."""
        return self.upstream * self.local


class Derivation:
    """The recorded backward pass of ``output``, as steps in order, ready to print.

    ``steps``: every edge from the output back to the leaves (or only the edges on paths to
    ``wrt``), in the order backpropagation visits them. ``gradient(node)``: the assembled
    d output/d node in display forms (built on request, so big graphs stay cheap until a
    closed form is asked for). ``definitions``: automatic names ``u_k`` for long unnamed
    sub-expressions. Renderers: ``str(d)`` (Unicode text), ``d.to_latex()`` (an ``align*``
    block), ``d.to_latex(standalone=True)`` (a document), ``d.to_dot()`` (Graphviz) and
    ``_repr_latex_`` for notebooks.
    """

    def __init__(self, output: Scalar, wrt: Scalar | str | None = None) -> None:
        self.output = output
        self.wrt: Scalar | None = None if wrt is None else _resolve(output, wrt)
        order = topological_order(output)
        if self.wrt is not None:
            reach = _reaching(order, {self.wrt})
        else:
            variables = {n for n in order if not n.parents and n.op is not _CONST}
            reach = _reaching(order, variables)
        self.output_symbol = (
            symbol(output.name) if output.name is not None else sympy.Symbol("L")
        )
        self.definitions: list[tuple[sympy.Symbol, sympy.Expr]] = []
        self._full: dict[Scalar, sympy.Expr] = {}
        # the forms built as typed: printers keep their terms in the order typed
        self.typed: set[sympy.Expr] = set()
        self.typed_header: set[sympy.Expr] = set()
        self._typed_output: tuple[int, sympy.Expr] | None = None
        self.forms = self._display_forms(order, reach)
        numeric = output.value is not None
        values = _numeric_grads(order, output) if numeric else {}
        self.value: float | None = output.value
        self.numeric_gradients = values

        contributions: dict[Scalar, int] = {}
        edges = []
        for node in reversed(order):
            if node not in reach or not node.parents:
                continue
            for i, p in enumerate(node.parents):
                if p in reach:
                    edges.append((node, i, p))
                    contributions[p] = contributions.get(p, 0) + 1
        gsize: dict[Scalar, int] = {output: 1} if output in reach else {}
        seen: dict[Scalar, int] = {}
        self._incoming: dict[Scalar, list[Step]] = {}
        self.steps: list[Step] = []
        for node, i, p in edges:
            local = self._named_local(node, i)
            psize = min(gsize[node] + _size(local) + 1, _SIZE_CAP)
            gsize[p] = min(gsize.get(p, 0) + psize, _SIZE_CAP)
            seen[p] = seen.get(p, 0) + 1
            step = Step(
                node=node,
                parent=p,
                index=i,
                node_form=self.output_symbol if node is output else self.forms[node],
                parent_form=self.forms[p],
                local=local,
                first=seen[p] == 1,
                last=seen[p] == contributions[p],
                upstream_size=gsize[node],
                product_size=psize,
                derivation=self,
            )
            if numeric:
                step.upstream_value = values[node]
                step.local_value = node.local[i]
                step.product_value = step.local_value * step.upstream_value
            self._incoming.setdefault(p, []).append(step)
            self.steps.append(step)
        self.gradient_sizes = gsize
        self._grads: dict[Scalar, sympy.Expr] = {output: sympy.S.One}

    def _named_local(self, node: Scalar, index: int) -> sympy.Expr:
        """The local derivative in display forms, written with the node's own name where it
        reappears (d sigmoid(z)/dz = y (1 - y) once y is named), built as the op's rule reads
        (not re-simplified: SymPy's simplification costs milliseconds a step)."""
        label = self.output_symbol if node is self.output else self.forms[node]
        own = label if label.is_Symbol else self._full[node]
        dummies, placeholder, template = _named_local_template(node.op, node.arg, index)
        mapping = {d: self.forms[p] for d, p in zip(dummies, node.parents)}
        mapping[placeholder] = own
        if all(v.is_Atom for v in mapping.values()):  # names and numbers: cheap to simplify
            return template.xreplace(mapping)
        return _rebuild(template, mapping, numbers=True)

    def _display_forms(self, order, reach) -> dict[Scalar, sympy.Expr]:
        """Each node's formula as typed (unevaluated, in the graph's order, numbers as
        typed), with names for named nodes and ``u_k`` for long unnamed ones."""
        forms: dict[Scalar, sympy.Expr] = {}
        sizes: dict[Scalar, int] = {}
        auto = 0
        typed = self.typed
        for node in order:
            if node.op is _CONST:
                forms[node], sizes[node] = decimal(node.value), 1
                continue
            if not node.parents:
                forms[node], sizes[node] = symbol_of(node), 1
                continue
            full = _typed_form(node, forms, typed)
            typed.add(full)
            self._full[node] = full
            size = 1 + sum(sizes[p] for p in node.parents)
            if node.name is not None:
                full_form, size = symbol_of(node), 1
            elif size > DISPLAY_LIMIT and node is not self.output and node in reach:
                auto += 1
                full_form = symbol(f"u_{auto}")
                self.definitions.append((full_form, full))
                size = 1
            else:
                full_form = full
            forms[node], sizes[node] = full_form, size
        return forms

    def definition(self, node: Scalar) -> sympy.Expr:
        """What ``node`` computes, written in its inputs' forms in the order typed (for
        ``z = w·x + b`` the right-hand side); ``node`` is an operation of this graph, not a
        leaf or a constant."""
        return self._full[node]

    def typed_output(self, limit: int) -> sympy.Expr | None:
        """The output's formula in the leaves, as typed (unevaluated, numbers as typed), or
        None when it has more than ``limit`` tree nodes or is a lone leaf or number.
        ``typed_header`` then holds its forms, for printers that keep the typed order."""
        if not self.output.parents:
            return None
        if self._typed_output is None:
            f = _Forms(topological_order(self.output), symbol_of, flatten=True, typed=True)
            self._typed_output = (f.sizes[self.output], f.forms[self.output])
            self.typed_header = set(f.forms.values()) | self.typed
        size, form = self._typed_output
        return form if size <= limit else None

    # ---- results ---------------------------------------------------------------------

    def gradient(self, node: Scalar | str) -> sympy.Expr:
        """d output / d node assembled from the steps (display forms); 0 if not reached.

        Built on request: the sum over the steps into ``node`` of upstream * local, resolved
        iteratively (no recursion limit) and cached.
        """
        if isinstance(node, str):
            node = _resolve(self.output, node)
        grads = self._grads
        if node in grads:
            return grads[node]
        if node not in self._incoming:
            return sympy.S.Zero
        stack = [node]
        while stack:
            n = stack[-1]
            if n in grads:
                stack.pop()
                continue
            missing = [s.node for s in self._incoming[n] if s.node not in grads]
            if missing:
                stack.extend(missing)
                continue
            grads[n] = sympy.Add(*(grads[s.node] * s.local for s in self._incoming[n]))
            stack.pop()
        return grads[node]

    @property
    def gradients(self) -> dict[Scalar, sympy.Expr]:
        """d output / d node for every node reached (assembles every closed form: can be
        slow for big graphs; prefer ``gradient(node)``)."""
        return {n: self.gradient(n) for n in self.gradient_sizes}

    @property
    def result(self) -> sympy.Expr | None:
        """d output / d wrt in display forms (None when no ``wrt`` was given)."""
        return None if self.wrt is None else self.gradient(self.wrt)

    # ---- renderers -------------------------------------------------------------------

    def __str__(self) -> str:
        return TextRenderer().render(self)

    def to_text(self) -> str:
        """Readable Unicode text, one line per step (what ``str()`` returns)."""
        return str(self)

    def to_latex(self, standalone: bool = False) -> str:
        """An ``align*`` block, one row per step; ``standalone=True``: a complete document."""
        return LatexRenderer().render(self, standalone=standalone)

    def to_dot(self) -> str:
        """The graph as Graphviz DOT text, with values and gradients when known."""
        return to_dot(self.output, forms=self.forms)

    def _repr_latex_(self) -> str:
        return self.to_latex()

    def __len__(self) -> int:
        return len(self.steps)

    def __repr__(self) -> str:
        target = "" if self.wrt is None else f", wrt={_leaf_name(self.wrt)!r}"
        return f"<Derivation of {self.output_symbol}{target}: {len(self.steps)} steps>"


_OWN = sympy.Dummy("own")
_NAMED_LOCALS: dict = {}


def _named_local_template(op, params: tuple, index: int):
    """``(placeholders, own, d op/d input_index)`` where the op's own form is written as the
    placeholder ``own`` (sigmoid' = own (1 - own)); made once per op, parameters and input."""
    key = (op, params, index)
    found = _NAMED_LOCALS.get(key)
    if found is None:
        dummies, derivs = op.local_forms(params)
        whole = op.sympy(*dummies, *(number(p) for p in params))
        local = derivs[index]
        if not whole.is_Symbol and not whole.is_Number:
            local = local.xreplace({whole: _OWN})
        # only a parameter's own numbers read as typed decimals; SymPy's (sqrt' = 1/(2 sqrt x))
        # stay exact
        found = _NAMED_LOCALS[key] = (dummies, _OWN, _decimal_numbers(local) if params else local)
    return found


def _decimal_numbers(expr: sympy.Expr) -> sympy.Expr:
    """Rationals of a parameter (the slope 1/100) as typed decimals (0.01)."""
    swap = {r: decimal(float(r)) for r in expr.atoms(sympy.Rational) if not r.is_Integer}
    return expr.xreplace(swap) if swap else expr


def _typed_form(node: Scalar, forms: dict[Scalar, sympy.Expr], typed: set) -> sympy.Expr:
    """One node's formula as typed, in its parents' display forms: unevaluated, and a left
    operand that is itself a typed sum (product) continues it, so ``(a + b) + c`` reads
    ``a + b + c`` as typed while ``a + (b + c)`` keeps its parentheses."""
    args = [forms[p] for p in node.parents]
    group = _GROUP.get(node.op.name)
    if group is None:
        return _apply(node, args, False, decimal)
    left, right = args
    cls = sympy.Add if group == "add" else sympy.Mul
    first = node.parents[0]
    chained = first.parents and _GROUP.get(first.op.name) == group  # (a + b) + c, not (-a)·b
    head = list(left.args) if chained and isinstance(left, cls) and left in typed else [left]
    if node.op.name == "sub":
        right = -right if right.is_Number else _raw(sympy.Mul, [sympy.S.NegativeOne, right])
    elif node.op.name == "div":
        right = sympy.Pow(right, -1, evaluate=False)
    return _raw(cls, [*head, right])


def _numeric_grads(order: list[Scalar], output: Scalar) -> dict[Scalar, float]:
    """d output / d node for every node, computed without touching the nodes' ``.grad``."""
    grads = {node: 0.0 for node in order}
    grads[output] = 1.0
    for node in reversed(order):
        g = grads[node]
        for p, d in zip(node.parents, node.local):
            grads[p] += d * g
    return grads


def _size(expr: sympy.Expr) -> int:
    return sum(1 for _ in sympy.preorder_traversal(expr))
