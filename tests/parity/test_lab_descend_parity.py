"""sn.lab.descend runs match the same loop written with torch.optim and torch autograd."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="PyTorch not installed")

from symnn.lab import descend  # noqa: E402

CASES = [
    ("sgd", torch.optim.SGD, {"lr": 1e-3, "momentum": 0.9, "nesterov": True}),
    ("adagrad", torch.optim.Adagrad, {"lr": 0.1}),
    ("rmsprop", torch.optim.RMSprop, {"lr": 1e-2, "centered": True}),
    ("adam", torch.optim.Adam, {"lr": 5e-2, "amsgrad": True}),
    ("adamw", torch.optim.AdamW, {"lr": 5e-2, "weight_decay": 0.1}),
    ("adadelta", torch.optim.Adadelta, {"lr": 1.0}),
]


def rosenbrock(p):
    x, y = p[0], p[1]
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


@pytest.mark.parametrize("name,torch_cls,kwargs", CASES, ids=[c[0] for c in CASES])
def test_descend_on_rosenbrock_matches_torch_optim(name, torch_cls, kwargs):
    opts = dict(kwargs)
    lr = opts.pop("lr")
    run = descend("rosenbrock", optimizer=name, lr=lr, start=[-1.5, 2.0], steps=40, **opts)
    p = torch.tensor([-1.5, 2.0], dtype=torch.float64, requires_grad=True)
    opt = torch_cls([p], **kwargs)
    expected = [p.detach().numpy().copy()]
    for _ in range(40):
        opt.zero_grad()
        rosenbrock(p).backward()
        opt.step()
        expected.append(p.detach().numpy().copy())
    assert run.status != "diverged"
    np.testing.assert_allclose(run.points, np.array(expected), rtol=1e-9, atol=1e-12)
