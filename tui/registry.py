"""The catalogue of the app's screens: key, name, title, and the public symnn API each needs.

A screen is opened only through this table, so the navigation keys, the command palette and
the help screen always agree, and a screen whose library part is missing is replaced by a
placeholder that names what is not available yet.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ScreenInfo:
    """One screen of the app and the library capability it is built on."""

    key: str
    name: str
    title: str
    summary: str
    module: str
    cls: str
    capability: str
    needs: tuple[str, ...]  # dotted attributes of the ``symnn`` package


SCREENS: tuple[ScreenInfo, ...] = (
    ScreenInfo(
        "1", "backprop", "Backprop stepper",
        "Step the forward pass node by node, then the backward pass edge by edge.",
        "tui.screens.backprop", "BackpropScreen",
        "the scalar engine and the expression parser",
        ("Scalar", "graph", "parse", "ParseError", "Derivation"),
    ),
    ScreenInfo(
        "2", "network", "Network view",
        "A small NumPy-backend model explained on the scalar engine; follow one weight's gradient.",
        "tui.screens.network", "NetworkScreen",
        "the NumPy backend and sn.explain",
        ("explain", "tensor", "nn.Linear", "nn.Sequential", "nn.MSELoss", "manual_seed"),
    ),
    ScreenInfo(
        "3", "optimizer", "Optimizer playground",
        "Optimizers on a loss surface: trajectories, the current update with its numbers.",
        "tui.screens.optimizer", "OptimizerScreen",
        "loss surfaces and optimizer runs (sn.lab)",
        ("lab.descend", "parse", "ParseError"),
    ),
    ScreenInfo(
        "4", "convexity", "Convexity lab",
        "A verdict with its reason, the chord between two points, a counterexample.",
        "tui.screens.convexity", "ConvexityScreen",
        "the convexity checker (sn.convexity)",
        ("convexity", "parse", "ParseError", "lab.surface"),
    ),
    ScreenInfo(
        "5", "training", "Training dashboard",
        "Train a model live: losses, accuracy, per-layer gradient norms, decision boundary.",
        "tui.screens.training", "TrainingScreen",
        "the training toolkit (symnn.train) with the NumPy backend and optimizers",
        ("train.fit", "train.mlp", "nn.Linear", "optim.SGD", "data.datasets"),
    ),
    ScreenInfo(
        "6", "layers", "Layers lab",
        "Activations and their derivatives, a convolution stepper, batch-norm statistics.",
        "tui.screens.layers", "LayersScreen",
        "the NumPy backend's layers (symnn.nn)",
        ("tensor", "nn.Conv2d", "nn.BatchNorm1d", "nn.Sigmoid", "nn.ReLU"),
    ),
    ScreenInfo(
        "7", "lessons", "Lessons",
        "The syllabus lessons with their claims: run one, see mean ± std and each verdict.",
        "tui.screens.lessons", "LessonsScreen",
        "the lessons (symnn.experiments) with their claims",
        ("experiments.names", "experiments.describe", "experiments.claims_of",
         "experiments.run"),
    ),
)

BY_NAME: dict[str, ScreenInfo] = {info.name: info for info in SCREENS}


def lookup(name_or_key: str) -> ScreenInfo | None:
    """The screen named ``name_or_key`` (its name, its key, or a unique prefix of its name)."""
    text = name_or_key.strip().lower()
    for info in SCREENS:
        if text in (info.name, info.key):
            return info
    matches = [info for info in SCREENS if info.name.startswith(text)] if text else []
    return matches[0] if len(matches) == 1 else None
