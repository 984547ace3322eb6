"""One model, two engines: train a 2-2-1 sigmoid network on XOR with the NumPy backend, then
explain one sample's gradient on the scalar engine.

It prints the explained gradients beside the NumPy backward (they agree to rounding), the
chain-rule steps that lead to one weight's gradient, the network's output as a formula in its
weights and inputs (``symbolic=True``) in LaTeX, and the three-way gradient check. Run it with:

    python examples/explain_xor_mlp.py
"""

from __future__ import annotations

import numpy as np
import sympy

import symnn as sn
from symnn import nn, optim
from symnn.data.datasets import xor
from symnn.testing import assert_grads_match


def train_xor(steps: int = 3000) -> nn.Sequential:
    """Full-batch SGD with momentum on the four XOR corners, mean squared error."""
    sn.manual_seed(1)
    model = nn.Sequential(nn.Linear(2, 2), nn.Sigmoid(), nn.Linear(2, 1), nn.Sigmoid())
    x, y = xor()
    x, y = sn.tensor(x), sn.tensor(y.reshape(-1, 1).astype(np.float64))
    opt = optim.SGD(model.parameters(), lr=2.0, momentum=0.9)
    loss_fn = nn.MSELoss()
    for _ in range(steps):
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
    outputs = np.round(model(x).data.reshape(-1), 3).tolist()
    print(f"after {steps} steps: loss {loss.item():.5f}, outputs {outputs} "
          f"for targets {y.data.reshape(-1).tolist()}")
    return model


def main(steps: int = 3000) -> nn.Sequential:
    sn.set_default_dtype(np.float64)
    model = train_xor(steps)
    loss_fn = nn.MSELoss()
    x, target = np.array([[0.0, 1.0]]), np.array([[1.0]])

    # the NumPy backend's gradient of this one sample
    model.zero_grad()
    loss_fn(model(sn.tensor(x)), sn.tensor(target)).backward()
    backend = {name: p.grad.data for name, p in model.named_parameters()}

    e = sn.explain(model, x, target, loss_fn)
    print(f"\nloss of the sample (0, 1) -> 1 on the scalar engine: {e.loss.value:.6g}")
    print(f"{'parameter':<10} {'scalar engine':>40}   {'NumPy backward':>40}")
    for name, grad in e.grads.items():
        print(f"{name:<10} {np.array2string(grad.reshape(-1), precision=6):>40}   "
              f"{np.array2string(backend[name].reshape(-1), precision=6):>40}")

    # with symbolic=True the inputs are named leaves x_0, x_1 (and the target y_0), so the
    # steps read as formulas in them; the numbers are the same
    s = sn.explain(model, x, target, loss_fn, symbolic=True)
    print("\nHow dL/dW^(1)_0,1 comes about, edge by edge:")
    print(s.derivation("0.weight", (0, 1)))
    print("\nThe output as a formula of weights and inputs (LaTeX):")
    print(sympy.latex(s.output.reshape(-1)[0].expr))

    assert_grads_match(model, x, target, loss_fn)
    print("\nNumPy backward, scalar engine and finite differences agree.")
    return model


if __name__ == "__main__":
    main()
