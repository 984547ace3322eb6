"""One sigmoid neuron and a squared error, stepped through the chain rule.

Builds L = (sigmoid(w x + b) - 1)^2 on the scalar engine with named intermediate nodes, runs
backward, and prints the recorded derivation as text, the gradient dL/dw assembled from the
steps (checked against SymPy's own diff), and the same derivation as LaTeX. Then the same
neuron with a symbolic weight: the gradient is a formula. Run it with:

    python examples/scalar_neuron.py
"""

from __future__ import annotations

import sympy

import symnn as sn


def main() -> None:
    x = sn.Scalar(2.0, name="x")
    w = sn.Scalar(-3.0, name="w")
    b = sn.Scalar(1.0, name="b")
    z = (w * x + b).named("z")
    y = z.sigmoid().named("y")
    L = ((y - 1) ** 2).named("L")

    L.backward()
    print(f"L = {L.value:.6f}   dL/dw = {w.grad:.6f}   dL/dx = {x.grad:.6f}   dL/db = {b.grad:.6f}\n")
    print(L.derivation())

    recorded = L.derivative(w)
    by_sympy = sympy.diff(L.expr, w.symbol)
    print("\ndL/dw from the recorded steps:", recorded)
    print("equals sympy.diff of L.expr:  ", sympy.simplify(recorded - by_sympy) == 0)

    print("\nLaTeX (steps on the path to w):")
    print(L.derivation(wrt="w").to_latex())

    ws = sn.Scalar(name="w")  # a symbolic weight: value None
    Ls = ((ws * x + b).sigmoid() - 1) ** 2
    print("\nWith a symbolic w:  dL/dw =", Ls.derivative(ws))


if __name__ == "__main__":
    main()
