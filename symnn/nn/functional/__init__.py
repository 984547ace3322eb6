"""The functional forms of symnn's layers and losses (``torch.nn.functional``), by topic:
``activations``, ``linear`` (with dropout and flatten), ``conv`` (with pad), ``pooling``,
``normalization`` and ``losses``; ``import symnn.nn.functional as F`` gives all of them.

Every function is written with Tensor operations (plus ``symnn.tensor.conv`` for
convolution and pooling), so the same code runs on float arrays, where the Tensor tape
records gradients, and on object arrays of ``symnn.Scalar``, where the scalar graph records
every chain-rule step (``sn.explain``).  NumPy touches ``.data`` only for bookkeeping that is
not part of the differentiable result (index arithmetic, masks, input validation, running
statistics) and in four hot spots that run on float arrays as single fused ops with
PyTorch's backward: cross-entropy with class indices, the two binary cross-entropies and the
standardization inside the normalization layers.  Object arrays always take the Tensor-op
form, and the tests check that both forms give the same values and gradients.
"""

from symnn.nn.functional.activations import (
    elu, gelu, leaky_relu, log_softmax, relu, sigmoid, silu, softmax, softplus, tanh,
)
# _conv, _ntuple, _check_reduction, _max_pool, _avg_pool: shared with the layers in symnn.nn
from symnn.nn.functional.conv import _conv, _ntuple, conv1d, conv2d, conv3d, pad  # noqa: F401
from symnn.nn.functional.linear import dropout, flatten, linear
from symnn.nn.functional.losses import (  # noqa: F401
    _check_reduction, binary_cross_entropy, binary_cross_entropy_with_logits,
    cross_entropy, l1_loss, mse_loss, nll_loss, rmse_loss,
)
from symnn.nn.functional.normalization import batch_norm, group_norm, instance_norm, layer_norm
from symnn.nn.functional.pooling import (  # noqa: F401
    _avg_pool, _max_pool, avg_pool1d, avg_pool2d, avg_pool3d, max_pool1d, max_pool2d, max_pool3d,
)

__all__ = [
    "linear", "relu", "leaky_relu", "sigmoid", "tanh", "softmax", "log_softmax", "softplus",
    "elu", "gelu", "silu", "dropout",
    "flatten", "pad", "conv1d", "conv2d", "conv3d", "max_pool1d", "max_pool2d", "max_pool3d",
    "avg_pool1d", "avg_pool2d", "avg_pool3d", "batch_norm", "instance_norm", "layer_norm",
    "group_norm", "mse_loss", "rmse_loss", "l1_loss", "nll_loss", "cross_entropy", "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
]
