"""Check a scalar-engine op before registering it: its three descriptions must agree.

An :class:`symnn.scalar.Op` says the same thing three times: the numeric value, the numeric
local derivatives (what ``backward`` multiplies), and the SymPy form (what derivations show).
``check_op`` compares, at given points, the value with the SymPy form's value and each local
derivative with both ``sympy.diff`` of the form and a central difference of the value.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from symnn.scalar import Op

__all__ = ["check_op"]


def _close(a: float, b: float, atol: float, rtol: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= atol + rtol * abs(b)


def check_op(
    op: Op | str,
    points: Iterable[float | Sequence[float]],
    params: dict[str, float] | None = None,
    eps: float = 1e-6,
    atol: float = 1e-6,
    rtol: float = 1e-5,
) -> None:
    """Assert that ``op``'s numeric rule, local derivatives and SymPy form agree at ``points``.

    ``points`` are numbers (unary ops) or tuples of ``op.arity`` numbers; ``params`` sets the
    op's extra number arguments (its defaults otherwise). Raises AssertionError listing each
    disagreement: the point, which quantity, and the numeric, SymPy and finite-difference
    values.
    """
    from symnn.scalar import OPS
    from symnn.symbolic.functions import number

    if isinstance(op, str):
        if op not in OPS:
            raise ValueError(f"unknown op {op!r}; registered: {', '.join(sorted(OPS))}")
        op = OPS[op]
    given = dict(params or {})
    unknown = set(given) - {name for name, _ in op.params}
    if unknown:
        raise ValueError(f"op {op.name!r} has no parameter(s) {sorted(unknown)}")
    args = tuple(float(given.get(name, default)) for name, default in op.params)
    dummies, derivs = op.local_forms(args)
    form = op.sympy(*dummies, *(number(a) for a in args))

    problems = []
    for point in points:
        xs = (float(point),) if not isinstance(point, Sequence) else tuple(map(float, point))
        if len(xs) != op.arity:
            raise ValueError(f"op {op.name!r} takes {op.arity} input(s); got the point {point!r}")
        value, local = op.numeric(*xs, *args)
        at = dict(zip(dummies, xs))
        symbolic_value = float(form.subs(at).evalf())
        if not _close(value, symbolic_value, atol, rtol):
            problems.append(
                f"  at {xs}: value {value!r} from the numeric rule, {symbolic_value!r} from the "
                f"SymPy form"
            )
        for i in range(op.arity):
            shifted_up = list(xs)
            shifted_down = list(xs)
            shifted_up[i] += eps
            shifted_down[i] -= eps
            finite = (op.numeric(*shifted_up, *args)[0] - op.numeric(*shifted_down, *args)[0]) / (
                2 * eps
            )
            symbolic = float(derivs[i].subs(at).evalf())
            wrong = [
                label
                for label, other in (("SymPy form", symbolic), ("finite difference", finite))
                if not _close(local[i], other, atol, rtol)
            ]
            if wrong:
                problems.append(
                    f"  at {xs}: d{op.name}/d(input {i}) is {local[i]!r} from the numeric rule, "
                    f"{symbolic!r} from the SymPy form, {finite!r} by finite difference "
                    f"(disagrees with the {' and the '.join(wrong)})"
                )
    if problems:
        raise AssertionError(
            f"op {op.name!r}: {len(problems)} disagreement(s) between its numeric rule, its "
            f"local derivatives and its SymPy form:\n" + "\n".join(problems)
        )
