"""Walking a scalar graph without recursion: every node once, each after its parents.

It reads only a node's ``parents``, so the engine's every layer (node, derivation, renderers)
can walk a graph, at any depth."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from symnn.scalar.node import Scalar

__all__ = ["topological_order"]

_MARK = object()


def topological_order(root: Scalar) -> list[Scalar]:
    """Every node of the graph (leaves and constants included), each after its parents."""
    order: list[Scalar] = []
    visited: set[Scalar] = set()
    stack: list = [root]
    while stack:
        node = stack.pop()
        if node is _MARK:
            order.append(stack.pop())
            continue
        if node in visited:
            continue
        visited.add(node)
        stack.append(node)
        stack.append(_MARK)
        for p in node.parents:
            if p not in visited:
                stack.append(p)
    return order
