"""Add an operation to the scalar engine: one entry, then it works everywhere.

Registers ``mish`` (x tanh(softplus(x)), Misra 2019) with its numeric forward, its numeric
local derivative and its SymPy form. The new op is a Scalar method, backward uses the stored
float derivative, and derivations show the symbolic local derivative, which the script checks
against a central finite difference. (symnn's own functions, GELU and SiLU among them, are
declared the same way in ``symnn/unary.py``.) Run it with:

    python examples/scalar_custom_op.py
"""

from __future__ import annotations

import math

import sympy

from symnn.scalar import Op, Scalar, register_op


def mish_numeric(a: float) -> tuple[float, tuple[float]]:
    """a tanh(softplus(a)) and its derivative tanh(sp) + a sigmoid(a) (1 - tanh(sp)^2), as floats."""
    sp = math.log1p(math.exp(a)) if a < 20 else a
    t = math.tanh(sp)
    sig = 1 / (1 + math.exp(-a))
    return a * t, (t + a * sig * (1 - t * t),)


def mish_sympy(a):
    return a * sympy.tanh(sympy.log(1 + sympy.exp(a)))


def main() -> None:
    register_op(Op("mish", 1, mish_numeric, mish_sympy, method="mish", doc="x tanh(softplus(x))"))
    x = Scalar(0.7, name="x")
    w = Scalar(1.3, name="w")
    out = (w * x).mish().named("m")
    out.backward()
    h = 1e-6
    fd = (mish_numeric(1.3 * (0.7 + h))[0] - mish_numeric(1.3 * (0.7 - h))[0]) / (2 * h)
    print(f"m = {out.value:.6f}; dm/dx: backward {x.grad:.8f}, finite difference {fd:.8f}")
    step = out.derivation(wrt="x").steps[0]
    print("local derivative dm/d(w x):", step.local)


if __name__ == "__main__":
    main()
