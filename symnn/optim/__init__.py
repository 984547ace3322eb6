"""Optimizers and learning-rate schedulers with ``torch.optim``'s update rules and defaults.

Each optimizer is one class in its own module with its update formula in the docstring;
``record=True`` keeps the named quantities of each parameter's last update
(``optimizer.last_update(p)``), which the loss-surface lab and the terminal app display.
"""

from symnn.optim import lr_scheduler
from symnn.optim.adadelta import Adadelta
from symnn.optim.adagrad import Adagrad
from symnn.optim.adam import Adam
from symnn.optim.adamw import AdamW
from symnn.optim.optimizer import FormulaLine, Optimizer, UpdateReport
from symnn.optim.rmsprop import RMSprop
from symnn.optim.sgd import SGD

__all__ = [
    "Optimizer", "UpdateReport", "FormulaLine", "SGD", "Adagrad", "Adadelta", "RMSprop",
    "Adam", "AdamW", "lr_scheduler",
]
