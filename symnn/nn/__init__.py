"""Neural-network layers, losses and initializers with PyTorch's API (``torch.nn``).

Names, argument orders, defaults, weight layouts and ``state_dict`` keys are PyTorch's, so a
model moves between the two by ``state_dict``.  Layers are written with Tensor operations
only, so the same ``forward`` also runs on object arrays of ``symnn.Scalar`` (``sn.explain``).
"""

from symnn.nn import functional, init
from symnn.nn.activation import (
    ELU, GELU, LeakyReLU, LogSoftmax, ReLU, SiLU, Sigmoid, Softmax, Softplus, Tanh,
)
from symnn.nn.containers import ModuleList, Sequential
from symnn.nn.conv import Conv1d, Conv2d, Conv3d
from symnn.nn.dropout import Dropout
from symnn.nn.flatten import Flatten
from symnn.nn.linear import Identity, Linear
from symnn.nn.loss import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    L1Loss,
    MSELoss,
    NLLLoss,
    RMSELoss,
)
from symnn.nn.module import Module, Parameter
from symnn.nn.normalization import (
    BatchNorm1d,
    BatchNorm2d,
    GroupNorm,
    InstanceNorm2d,
    LayerNorm,
)
from symnn.nn.pooling import AvgPool1d, AvgPool2d, AvgPool3d, MaxPool1d, MaxPool2d, MaxPool3d
from symnn.nn.serialization import CheckpointError, CheckpointMismatchError, load, save

__all__ = [
    "functional", "init", "load", "save", "CheckpointError", "CheckpointMismatchError",
    "Module", "Parameter", "Sequential", "ModuleList", "Identity", "Linear",
    "Conv1d", "Conv2d", "Conv3d", "MaxPool1d", "MaxPool2d", "MaxPool3d",
    "AvgPool1d", "AvgPool2d", "AvgPool3d",
    "BatchNorm1d", "BatchNorm2d", "LayerNorm", "GroupNorm", "InstanceNorm2d",
    "Dropout", "Flatten", "ReLU", "LeakyReLU", "Sigmoid", "Tanh", "Softmax", "LogSoftmax",
    "Softplus", "ELU", "GELU", "SiLU",
    "MSELoss", "RMSELoss", "L1Loss", "CrossEntropyLoss", "NLLLoss", "BCELoss", "BCEWithLogitsLoss",
]
