"""symnn: the mathematics of neural networks, visible and checkable.

Two engines share one model definition: a scalar graph that records every chain-rule step
symbolically (``sn.Scalar``) and a vectorized NumPy backend with PyTorch's API
(``sn.tensor``, ``sn.nn``, ``sn.optim``). Names are resolved lazily so that ``import symnn``
stays fast and never pulls in SymPy until a symbolic feature is used.
"""

from __future__ import annotations

from symnn._lazy import lazy_exports

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    # scalar engine
    "Scalar": "symnn.scalar",
    "graph": "symnn.scalar",
    "Derivation": "symnn.scalar",
    # safe parsing and symbolic analysis
    "parse": "symnn.symbolic",
    "ParseError": "symnn.symbolic",
    "convexity": "symnn.symbolic.convexity",  # the function, from the module of that name
    # NumPy backend
    "Tensor": "symnn.tensor",
    "tensor": "symnn.tensor",
    "no_grad": "symnn.tensor",
    "enable_grad": "symnn.tensor",
    "is_grad_enabled": "symnn.tensor",
    "manual_seed": "symnn.tensor",
    "set_default_dtype": "symnn.tensor",
    "get_default_dtype": "symnn.tensor",
    "Function": "symnn.tensor",
    "zeros": "symnn.tensor",
    "ones": "symnn.tensor",
    "randn": "symnn.tensor",
    "rand": "symnn.tensor",
    "arange": "symnn.tensor",
    "cat": "symnn.tensor",
    "stack": "symnn.tensor",
    "where": "symnn.tensor",
    # explaining a model on the scalar engine
    "explain": "symnn.explain",
}

_SUBMODULES = {
    "scalar", "symbolic", "tensor", "nn", "optim", "data", "train", "lab",
    "experiments", "testing", "interop", "cli", "practice", "assignments",
}

__all__ = sorted(set(_EXPORTS) | _SUBMODULES)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, _SUBMODULES)
