"""The forward pass as a learner reads it: computed nodes in order, leaves in reading order.

Both walk the graph iteratively (no recursion limit), the first input's sub-graph first, so
``(w*x + b)`` is computed as ``w*x`` then ``+ b`` and its leaves read ``w, x, b``.
"""

from __future__ import annotations

from symnn.scalar.node import Scalar

__all__ = ["forward_order", "reading_order"]


def forward_order(output: Scalar) -> list[Scalar]:
    """The computed nodes (not leaves or constants) in the order a forward pass makes them:
    each node after its inputs, the first input's sub-graph first (a depth-first walk)."""
    order: list[Scalar] = []
    done: set[Scalar] = set()
    stack = [(output, False)]
    while stack:
        node, expanded = stack.pop()
        if node in done:
            continue
        if expanded:
            done.add(node)
            if node.parents:
                order.append(node)
            continue
        stack.append((node, True))
        stack.extend((p, False) for p in reversed(node.parents) if p not in done)
    return order


def reading_order(output: Scalar) -> list[tuple[str, Scalar]]:
    """The variable leaves as ``(name, leaf)`` pairs in the order the expression reads them,
    left to right (``output.leaves()`` follows the order the graph was built in)."""
    rank: dict[int, int] = {}
    stack, visited = [output], set()
    while stack:
        node = stack.pop()
        if id(node) in visited:
            continue
        visited.add(id(node))
        if not node.parents:
            rank.setdefault(id(node), len(rank))
        stack.extend(reversed(node.parents))
    return sorted(output.leaves().items(), key=lambda item: rank.get(id(item[1]), len(rank)))
