"""The scalar engine: a graph of numbers that records every chain-rule step.

``Scalar`` is the node; ``OPS`` is the one table of operations (numeric rule, local
derivatives, SymPy form); ``register_op`` adds an op; ``graph`` turns typed text into a graph;
``Derivation`` is the backward pass as readable steps (text, LaTeX, DOT); ``forward_order`` and
``reading_order`` list the forward pass; ``derivation_document`` and ``write_new_file`` export a
derivation with its setup and forward pass as a LaTeX document that never replaces a file.

The modules import downwards only: ``ops`` (the table) and ``traversal`` (graph order) <
``render`` < ``derivation`` < ``node`` (the Scalar, whose symbolic methods load the derivation
on first use) < ``registry`` < ``forward``, ``from_expr`` < ``export``.
"""

from __future__ import annotations

from symnn._lazy import lazy_exports
from symnn.scalar.node import Scalar, constant
from symnn.scalar.ops import OPS, Op
from symnn.scalar.registry import apply, register_op
from symnn.scalar.traversal import topological_order

__all__ = [
    "Scalar",
    "constant",
    "Op",
    "OPS",
    "register_op",
    "apply",
    "topological_order",
    "graph",
    "Derivation",
    "Step",
    "HEADER_LIMIT",
    "forward_order",
    "reading_order",
    "forward_latex",
    "derivation_document",
    "write_new_file",
]

# symbolic parts import SymPy: loaded on first use only
_LAZY = {
    "graph": "symnn.scalar.from_expr",
    "Derivation": "symnn.scalar.derivation",
    "Step": "symnn.scalar.derivation",
    "HEADER_LIMIT": "symnn.scalar.render",  # a header shows the formula up to this many nodes
    "forward_order": "symnn.scalar.forward",
    "reading_order": "symnn.scalar.forward",
    "forward_latex": "symnn.scalar.export",
    "derivation_document": "symnn.scalar.export",
    "write_new_file": "symnn.scalar.export",
}


__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
