"""Typed math to a scalar graph: parse safely, give some variables values, step through it.

``sn.graph`` parses the text with the whitelist parser (no eval), gives the named variables
their values and leaves the others symbolic. The script prints the expression, the numeric
gradient of every variable, the derivation, and the graph as Graphviz DOT (render it with
``dot -Tpng``). It also shows what bad input looks like. Run it with:

    python examples/scalar_from_text.py
"""

from __future__ import annotations

import symnn as sn


def main() -> None:
    out = sn.graph("softplus(w*x + b) - max(x, 0) * w", x=1.5, w=-0.5, b=0.25)
    out.backward()
    print("expression:", out.expr, "=", out.value)
    for name, leaf in sorted(out.leaves().items()):
        print(f"  d/d{name} = {leaf.grad:.6f}")
    print()
    print(out.derivation(wrt="w"))
    print()
    print(out.to_dot())

    for text in ["x + ", "__import__('os')", "sigmoid(x"]:
        try:
            sn.parse(text)
        except sn.ParseError as exc:
            print(f"{exc.message}:\n{exc.pointer()}\n")


if __name__ == "__main__":
    main()
