"""Growing and using the op table: ``register_op`` adds an op and its Scalar method,
``apply`` applies an op by object or name. The table (:mod:`symnn.scalar.ops`) holds only
declarations; the node (:mod:`symnn.scalar.node`) turns an op into methods; this module
joins the two."""

from __future__ import annotations

from typing import Any

from symnn.scalar.node import Scalar, apply_op, install_op
from symnn.scalar.ops import OPS, Op

__all__ = ["register_op", "apply"]


def register_op(op: Op, *, replace: bool = False) -> Op:
    """Add ``op`` to the table and install its Scalar method(s); returns the op.

    Raises ``ValueError`` if the name (or method name) is taken, unless ``replace=True``.
    """
    if op.name in OPS and not replace:
        raise ValueError(f"an op named {op.name!r} is already registered")
    install_op(op, replace=replace)
    OPS[op.name] = op
    return op


def apply(op: Op | str, *inputs: Any, **params: float) -> Scalar:
    """Apply an op (or a registered op's name) to Scalars or numbers: ``apply("max", a, b)``."""
    if isinstance(op, str):
        try:
            op = OPS[op]
        except KeyError:
            raise ValueError(f"unknown op {op!r}; registered: {', '.join(sorted(OPS))}") from None
    return apply_op(op, inputs, params)
