"""Train a small MLP with the PyTorch-style loop: Dataset, DataLoader, Module, loss,
backward(), optimizer step, train()/eval() modes, and save/load of the trained weights.

The data is a synthetic two-class problem (two interleaved noisy half-circles) built inline
with NumPy, so the script needs nothing but symnn.  Run it with:

    python examples/train_pytorch_style.py
"""

from __future__ import annotations

import os
import tempfile

import numpy as np

import symnn as sn
from symnn import nn, optim
from symnn.data import DataLoader, TensorDataset, random_split


def make_moons(n: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half-circles: class 0 on top, class 1 below and shifted."""
    rng = np.random.default_rng(seed)
    t = rng.uniform(0, np.pi, n)
    label = rng.integers(0, 2, n)
    x = np.where(label == 0, np.cos(t), 1 - np.cos(t))
    y = np.where(label == 0, np.sin(t), 0.5 - np.sin(t))
    points = np.stack([x, y], axis=1) + rng.normal(0, noise, (n, 2))
    return points.astype(np.float32), label.astype(np.int64)


class MLP(nn.Module):
    """2 -> 32 -> 32 -> 2 with ReLU, batch normalization and dropout."""

    def __init__(self) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(2, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Dropout(0.1),
            nn.Linear(32, 32), nn.ReLU(),
        )
        self.head = nn.Linear(32, 2)

    def forward(self, x: sn.Tensor) -> sn.Tensor:
        return self.head(self.body(x))


def accuracy(model: nn.Module, loader: DataLoader) -> float:
    model.eval()
    correct = total = 0
    with sn.no_grad():
        for x, y in loader:
            correct += int((model(x).argmax(dim=1).data == y.data).sum())
            total += len(y)
    return correct / total


def main(epochs: int = 30, seed: int = 0) -> float:
    sn.manual_seed(seed)
    points, labels = make_moons(600, noise=0.15, seed=seed)
    train_set, test_set = random_split(TensorDataset(points, labels), [480, 120], seed=seed)
    train_loader = DataLoader(train_set, batch_size=32, shuffle=True, seed=seed)
    test_loader = DataLoader(test_set, batch_size=120)

    model = MLP()
    print(model)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)

    for epoch in range(1, epochs + 1):
        model.train()
        running = 0.0
        for x, y in train_loader:
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
            running += loss.item() * len(y)
        if epoch % 5 == 0 or epoch == 1:
            print(f"epoch {epoch:3d}  train loss {running / len(train_set):.4f}  "
                  f"test accuracy {accuracy(model, test_loader):.3f}")

    final = accuracy(model, test_loader)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "mlp.npz")
        model.save(path)
        restored = nn.load(path, model=MLP())
        assert accuracy(restored, test_loader) == final
    print(f"final test accuracy {final:.3f} (weights saved and reloaded identically)")
    return final


if __name__ == "__main__":
    main()
