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

import sympy

from symnn.scalar.node import Scalar, topological_order
from symnn.scalar.ops import OPS
from symnn.symbolic.functions import number, symbol

__all__ = ["Derivation", "Step", "expression", "derivative", "leaves", "symbol_of"]

_CONST = OPS["const"]
_auto_names = itertools.count(1)

# An unnamed intermediate node is shown as its expression in its parents' forms while that
# stays small; beyond this many tree nodes it gets an automatic name (u_1, u_2, ...) and a
# definition line, so every local derivative stays short and readable.
DISPLAY_LIMIT = 12


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


def _forms(order: list[Scalar], leaf_form) -> dict[Scalar, sympy.Expr]:
    """Each node's SymPy expression in terms of the leaf forms, in one forward sweep."""
    forms: dict[Scalar, sympy.Expr] = {}
    for node in order:
        if node.op is _CONST:
            forms[node] = number(node.value)
        elif not node.parents:
            forms[node] = leaf_form(node)
        else:
            forms[node] = node.op.sympy(
                *(forms[p] for p in node.parents), *(number(a) for a in node.arg)
            )
    return forms


def expression(root: Scalar) -> sympy.Expr:
    """``root`` as a SymPy expression in its leaves' symbols (constants as numbers)."""
    return _forms(topological_order(root), symbol_of)[root]


def _local(node: Scalar, index: int, forms: dict[Scalar, sympy.Expr]) -> sympy.Expr:
    """d node / d parent[index] in the given forms of the parents (one op's derivative)."""
    dummies, derivs = node.op.local_forms(node.arg)
    return derivs[index].xreplace({d: forms[p] for d, p in zip(dummies, node.parents)})


def _resolve(root: Scalar, wrt: Scalar | str) -> Scalar:
    if isinstance(wrt, Scalar):
        if wrt.parents:
            raise ValueError("derivatives are taken with respect to leaves; got an intermediate node")
        if wrt.op is _CONST:
            raise ValueError("derivatives are taken with respect to variables, not constants")
        return wrt
    if isinstance(wrt, sympy.Symbol):
        wrt = wrt.name
    if not isinstance(wrt, str):
        raise TypeError(f"wrt must be a leaf Scalar or a leaf's name, got {type(wrt).__name__}")
    found = leaves(root)
    if wrt not in found:
        names = ", ".join(sorted(found)) or "none"
        raise ValueError(f"no leaf named {wrt!r} in this graph (leaves: {names})")
    return found[wrt]


def _reaching(order: list[Scalar], targets) -> set[Scalar]:
    """Nodes from which some target can be reached through parents (targets included)."""
    reach: set[Scalar] = set()
    for node in order:
        if node in targets or any(p in reach for p in node.parents):
            reach.add(node)
    return reach


def derivative(root: Scalar, wrt: Scalar | str) -> sympy.Expr:
    """d root / d wrt in leaf symbols, assembled edge by edge from the local derivatives."""
    leaf = _resolve(root, wrt)
    order = topological_order(root)
    reach = _reaching(order, {leaf})
    if root not in reach:
        return sympy.S.Zero
    forms = _forms(order, symbol_of)
    grads: dict[Scalar, sympy.Expr] = {root: sympy.S.One}
    for node in reversed(order):
        if node not in reach or not node.parents:
            continue
        g = grads[node]
        for i, p in enumerate(node.parents):
            if p in reach:
                grads[p] = grads.get(p, sympy.S.Zero) + g * _local(node, i, forms)
    return grads[leaf]


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
            psize = gsize[node] + _size(local) + 1
            gsize[p] = gsize.get(p, 0) + psize
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
        """The local derivative, written with the node's own name where it reappears
        (d sigmoid(z)/dz = y (1 - y) once y is named)."""
        local = _local(node, index, self.forms)
        label = self.output_symbol if node is self.output else self.forms[node]
        full = self._full[node]
        if label.is_Symbol and not full.is_Symbol:
            local = local.xreplace({full: label})
        return local

    def _display_forms(self, order, reach) -> dict[Scalar, sympy.Expr]:
        forms: dict[Scalar, sympy.Expr] = {}
        sizes: dict[Scalar, int] = {}
        auto = 0
        for node in order:
            if node.op is _CONST:
                forms[node], sizes[node] = number(node.value), 1
                continue
            if not node.parents:
                forms[node], sizes[node] = symbol_of(node), 1
                continue
            full = node.op.sympy(*(forms[p] for p in node.parents), *(number(a) for a in node.arg))
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
        from symnn.scalar.render import TextRenderer

        return TextRenderer().render(self)

    def to_text(self) -> str:
        """Readable Unicode text, one line per step (what ``str()`` returns)."""
        return str(self)

    def to_latex(self, standalone: bool = False) -> str:
        """An ``align*`` block, one row per step; ``standalone=True``: a complete document."""
        from symnn.scalar.render import LatexRenderer

        return LatexRenderer().render(self, standalone=standalone)

    def to_dot(self) -> str:
        """The graph as Graphviz DOT text, with values and gradients when known."""
        from symnn.scalar.render import to_dot

        return to_dot(self.output, forms=self.forms)

    def _repr_latex_(self) -> str:
        return self.to_latex()

    def __len__(self) -> int:
        return len(self.steps)

    def __repr__(self) -> str:
        target = "" if self.wrt is None else f", wrt={_leaf_name(self.wrt)!r}"
        return f"<Derivation of {self.output_symbol}{target}: {len(self.steps)} steps>"


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


def format_number(x: float | None) -> str:
    """A float as a short readable string (6 significant digits)."""
    if x is None:
        return "?"
    if math.isnan(x) or math.isinf(x):
        return str(x)
    text = f"{x:.6g}"
    return "0" if text == "-0" else text
