"""Add an operation to the scalar engine: one entry, then it works everywhere.

Registers ``gelu_tanh`` (the tanh approximation of GELU) with its numeric forward, its
numeric local derivative and its SymPy form. The new op is a Scalar method, backward uses the
stored float derivative, and derivations show the symbolic local derivative, which the script
checks against a central finite difference. Run it with:

    python examples/scalar_custom_op.py
"""

from __future__ import annotations

import math

import sympy

from symnn.scalar import Op, Scalar, register_op

C = math.sqrt(2 / math.pi)


def gelu_numeric(a: float) -> tuple[float, tuple[float]]:
    """0.5 a (1 + tanh(c (a + 0.044715 a^3))) and its derivative, as floats."""
    u = C * (a + 0.044715 * a**3)
    t = math.tanh(u)
    du = C * (1 + 3 * 0.044715 * a**2)
    return 0.5 * a * (1 + t), (0.5 * (1 + t) + 0.5 * a * (1 - t * t) * du,)


def gelu_sympy(a):
    c = sympy.sqrt(2 / sympy.pi)
    return a / 2 * (1 + sympy.tanh(c * (a + sympy.Rational(44715, 1000000) * a**3)))


def main() -> None:
    register_op(Op("gelu_tanh", 1, gelu_numeric, gelu_sympy, method="gelu_tanh",
                   doc="GELU, tanh approximation"))
    x = Scalar(0.7, name="x")
    w = Scalar(1.3, name="w")
    out = (w * x).gelu_tanh().named("g")
    out.backward()
    h = 1e-6
    fd = (gelu_numeric(1.3 * (0.7 + h))[0] - gelu_numeric(1.3 * (0.7 - h))[0]) / (2 * h)
    print(f"g = {out.value:.6f}; dg/dx: backward {x.grad:.8f}, finite difference {fd:.8f}")
    step = out.derivation(wrt="x").steps[0]
    print("local derivative dg/d(w x):", step.local)


if __name__ == "__main__":
    main()
