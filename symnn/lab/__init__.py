"""Loss surfaces and optimizer trajectories: presets and typed functions with exact gradients,
runs of ``sn.optim`` optimizers, gradient descent and Newton's method, step explanations and
plots."""

from symnn.lab.descend import (DEFAULT_LRS, Run, StepExplanation, compare, default_lr, descend,
                               optimizer_names)
from symnn.lab.plot import PlotUnavailable, plot_runs
from symnn.lab.surfaces import PRESETS, Surface, preset_names, surface

__all__ = ["descend", "compare", "Run", "StepExplanation", "optimizer_names", "default_lr",
           "DEFAULT_LRS", "Surface",
           "surface", "PRESETS", "preset_names", "plot_runs", "PlotUnavailable"]
