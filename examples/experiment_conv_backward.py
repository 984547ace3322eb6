"""Lesson: the gradient of a convolution is a convolution.

Computes dL/dx and dL/dw of a 1-D convolution by hand-written convolutions and by autograd,
then runs the lesson (2-D, several paddings and strides, seeds 0..N-1).

Run:  python examples/experiment_conv_backward.py [--seeds N] [--quick] [--plot FILE]
(the options of: symnn experiment conv-backward)
"""

import sys

import numpy as np

from symnn.cli import main
from symnn.experiments.conv_backward import autograd_gradients, explicit_gradients

x = np.array([[[1.0, 2.0, 0.0, -1.0, 3.0]]])   # (batch, channels, length)
w = np.array([[[1.0, 0.0, -1.0]]])             # y[i] = x[i] - x[i+2]
g = np.array([[[1.0, -1.0, 2.0]]])             # dL/dy, one value per output
by_conv = explicit_gradients(x, w, g)
by_autograd = autograd_gradients(x, w, np.zeros(1), g)
print("dL/dx, full convolution of dL/dy with the flipped kernel:", by_conv["x"].ravel())
print("dL/dx, autograd:                                          ", by_autograd["x"].ravel())
print("dL/dw, correlation of x with dL/dy:", by_conv["w"].ravel(), " autograd:",
      by_autograd["w"].ravel())
print()

sys.exit(main(["experiment", "conv-backward", *sys.argv[1:]]))
