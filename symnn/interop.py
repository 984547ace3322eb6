"""Hand a symnn model to PyTorch and back: same architecture, weights through ``state_dict``.

symnn's layers share PyTorch's class names, constructor arguments, weight layouts and
``state_dict`` keys, so a model is converted layer by layer: each layer's constructor
arguments are read from the source layer's attributes (``in_features``, ``kernel_size``,
``eps``, ...; ``bias`` from whether a bias exists), the same class is built on the other side,
containers (``Sequential``, ``ModuleList``) are walked, and the weights and buffers are copied
with ``load_state_dict``. A layer with no counterpart (for example a custom Module subclass)
raises ``TypeError`` naming it and where it sits in the model.

PyTorch is optional: it is imported only inside these functions, and a clear ImportError says
how to install it (``pip install 'symnn[torch]'``).
"""

from __future__ import annotations

import inspect
from collections import OrderedDict
from typing import Any

import numpy as np

from symnn._install import install_hint

__all__ = ["to_torch", "from_torch", "LAYERS"]

#: Layer classes converted one to one (same name in ``symnn.nn`` and ``torch.nn``).
LAYERS = (
    "Identity", "Linear", "Conv1d", "Conv2d", "Conv3d",
    "MaxPool1d", "MaxPool2d", "MaxPool3d", "AvgPool1d", "AvgPool2d", "AvgPool3d",
    "BatchNorm1d", "BatchNorm2d", "LayerNorm", "GroupNorm", "InstanceNorm2d",
    "Dropout", "Flatten", "ReLU", "LeakyReLU", "Sigmoid", "Tanh", "Softmax", "LogSoftmax",
    "MSELoss", "L1Loss", "CrossEntropyLoss", "NLLLoss", "BCELoss", "BCEWithLogitsLoss",
)
_CONTAINERS = ("Sequential", "ModuleList")
_SKIPPED_ARGS = {"self", "dtype", "device"}
# constructor flags that the built layer stores as a Parameter, or None when switched off
_PRESENCE_FLAGS = {"bias"}


def _torch() -> Any:
    try:
        import torch
    except ImportError as exc:
        raise ImportError(
            f"symnn.interop needs PyTorch, which is not installed: {install_hint('torch')}"
        ) from exc
    return torch


def _counterpart(module: Any, target_ns: Any, where: str, target_name: str) -> type:
    name = type(module).__name__
    known = name in LAYERS or name in _CONTAINERS
    cls = getattr(target_ns, name, None) if known else None
    if cls is None or type(module) is not getattr(_source_ns(module), name, None):
        raise TypeError(
            f"layer {where or '(the model itself)'} of type {type(module).__qualname__} has no "
            f"counterpart in {target_name}; convertible layers: {', '.join(LAYERS)}, "
            f"inside {' or '.join(_CONTAINERS)}"
        )
    return cls


def _source_ns(module: Any) -> Any:
    """The namespace (``symnn.nn`` or ``torch.nn``) the module's own class comes from."""
    if type(module).__module__.startswith("symnn."):
        import symnn.nn

        return symnn.nn
    return _torch().nn


def _constructor_args(module: Any, signature_cls: type, where: str) -> dict[str, Any]:
    """Keyword arguments that rebuild ``module``, read from its attributes by argument name."""
    kwargs: dict[str, Any] = {}
    for name, parameter in inspect.signature(signature_cls.__init__).parameters.items():
        if name in _SKIPPED_ARGS or parameter.kind in (parameter.VAR_POSITIONAL,
                                                       parameter.VAR_KEYWORD):
            continue
        if name in _PRESENCE_FLAGS and not isinstance(getattr(module, name, None), bool):
            kwargs[name] = getattr(module, name, None) is not None
            continue
        if not hasattr(module, name):
            if parameter.default is parameter.empty:
                raise TypeError(
                    f"cannot convert layer {where} ({type(module).__name__}): "
                    f"it does not record its constructor argument {name!r}"
                )
            continue
        value = getattr(module, name)
        kwargs[name] = tuple(value) if isinstance(value, list) else value
    return kwargs


def _float_dtype(module: Any) -> np.dtype | None:
    """The dtype of the layer's own floating-point parameters (None if it has none)."""
    for value in getattr(module, "_parameters", {}).values():
        if value is not None:
            array = value.detach().cpu().numpy() if hasattr(value, "cpu") else value.data
            if np.issubdtype(array.dtype, np.floating):
                return array.dtype
    return None


def _convert(module: Any, target_ns: Any, where: str, target_name: str,
             dtype_arg: Any, array_arg: Any) -> Any:
    cls = _counterpart(module, target_ns, where, target_name)
    name = type(module).__name__
    if name in _CONTAINERS:
        children = [
            (child_name, _convert(child, target_ns, f"{where}.{child_name}" if where
                                  else child_name, target_name, dtype_arg, array_arg))
            for child_name, child in module.named_children()
        ]
        if name == "ModuleList":
            return cls([child for _, child in children])
        return cls(OrderedDict(children))
    # the symnn class's signature is the shared subset of both libraries' arguments
    import symnn.nn

    kwargs = _constructor_args(module, getattr(symnn.nn, name), where)
    for key, value in kwargs.items():  # tensor arguments, e.g. a loss's class weights
        if hasattr(value, "shape") and not isinstance(value, np.ndarray):
            kwargs[key] = array_arg(value)
    dtype = _float_dtype(module)
    if dtype is not None and "dtype" in inspect.signature(cls.__init__).parameters:
        kwargs["dtype"] = dtype_arg(dtype)
    converted = cls(**kwargs)
    converted.train(module.training)
    return converted


def to_torch(model: Any) -> Any:
    """The same architecture as a ``torch.nn.Module``, with this model's weights and buffers.

    Outputs agree with ``model`` up to float rounding; train/eval mode is carried over.
    """
    torch = _torch()
    import symnn.nn

    if not isinstance(model, symnn.nn.Module):
        raise TypeError(f"to_torch expects a symnn.nn.Module, got {type(model).__name__}")
    converted = _convert(model, torch.nn, "", "torch.nn",
                         lambda dt: getattr(torch, np.dtype(dt).name),
                         lambda t: torch.from_numpy(np.array(t.data, copy=True)))
    state = {key: torch.from_numpy(np.array(value, copy=True))
             for key, value in model.state_dict().items()}
    converted.load_state_dict(state)
    converted.train(model.training)
    return converted


def from_torch(module: Any) -> Any:
    """The same architecture as a ``symnn.nn.Module``, with the torch module's weights."""
    torch = _torch()
    import symnn.nn

    if not isinstance(module, torch.nn.Module):
        raise TypeError(f"from_torch expects a torch.nn.Module, got {type(module).__name__}")
    from symnn.tensor import tensor

    converted = _convert(module, symnn.nn, "", "symnn.nn", np.dtype,
                         lambda t: tensor(t.detach().cpu().numpy().copy()))
    state = {key: value.detach().cpu().numpy() for key, value in module.state_dict().items()}
    converted.load_state_dict(state)
    converted.train(module.training)
    return converted
