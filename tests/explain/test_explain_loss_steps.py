"""Loss layers read like the textbook in a derivation: (y - t)^2 is one square, not u*u."""

import numpy as np
import sympy

import symnn as sn
from symnn import nn


def test_mse_square_is_one_edge_with_local_derivative_two_u():
    model = nn.Linear(1, 1).double()
    e = sn.explain(model, sn.tensor([[0.5]], dtype=np.float64),
                   sn.tensor([[2.0]], dtype=np.float64), nn.MSELoss())
    steps = e.derivation("weight", (0, 0)).steps
    squares = [s for s in steps if isinstance(s.node_form, sympy.Pow) and s.node_form.exp == 2]
    assert len(squares) == 1, [str(s.node_form) for s in steps]
    step = squares[0]
    assert sympy.simplify(step.local - 2 * step.parent_form) == 0
    residual = float(model.weight.data[0, 0]) * 0.5 + float(model.bias.data[0]) - 2.0
    assert np.isclose(step.local_value, 2 * residual, rtol=1e-12, atol=0)
