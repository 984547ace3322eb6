"""Module and Parameter: the bookkeeping every layer shares (PyTorch's ``nn.Module`` API).

A Module registers what is assigned to it by kind: a :class:`Parameter` becomes a trainable
parameter, a Module becomes a child, and :meth:`Module.register_buffer` declares state that is
saved but not trained (BatchNorm's running statistics).  Everything else — iteration,
``state_dict`` keys, ``train()``/``eval()``, ``repr`` — is derived from those three ordered dicts,
so the key names and their order are PyTorch's: registration order, parameters before buffers
within each module, children after both.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Callable, Iterator, Mapping, NamedTuple

import numpy as np

from symnn.nn import serialization
from symnn.nn._arrays import as_array, cast_exactly
from symnn.tensor import Tensor, get_default_dtype


class Parameter(Tensor):
    """A Tensor that a Module registers as trainable (``requires_grad=True`` by default)."""

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:
        if data is None:
            data = np.empty(0, dtype=_default_dtype())
        if isinstance(data, Tensor):
            data = data.data
        super().__init__(data, requires_grad=False)
        if isinstance(data, np.ndarray) and data.dtype.kind in "fO":
            self.data = data  # keep the array and its dtype, as torch.nn.Parameter(t) does
        if requires_grad:
            self.requires_grad_(True)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


def _default_dtype() -> np.dtype:
    return np.dtype(get_default_dtype())


def as_tensor(value: Any) -> Tensor:
    """``value`` as a Tensor; an ndarray keeps its own float dtype (``Tensor()`` would cast it
    to the default dtype), other data follows ``Tensor``'s rules."""
    if isinstance(value, Tensor):
        return value
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        tensor = Tensor(np.empty(0, value.dtype))  # then hold the array itself
        tensor.data = value
        return tensor
    return Tensor(value)


class _IncompatibleKeys(NamedTuple):
    """What ``load_state_dict(strict=False)`` could not match (PyTorch's return value)."""

    missing_keys: list[str]
    unexpected_keys: list[str]


class Module:
    """Base class of every layer and model: subclass it, assign layers and Parameters as
    attributes in ``__init__``, and write ``forward``; calling the module calls ``forward``."""

    training: bool

    def __init__(self) -> None:
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_non_persistent_buffers", set())
        object.__setattr__(self, "_modules", OrderedDict())

    # ------------------------------------------------------------------ registration
    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} has no forward method")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    def _check_initialized(self) -> None:
        if "_parameters" not in self.__dict__:
            raise AttributeError(
                f"cannot assign to {type(self).__name__} before Module.__init__() is called"
            )

    def __setattr__(self, name: str, value: Any) -> None:
        params = self.__dict__.get("_parameters")
        if isinstance(value, Parameter):
            self._check_initialized()
            self._forget(name, params)
            params[name] = value
        elif isinstance(value, Module):
            self._check_initialized()
            self._forget(name, self._modules)
            self._modules[name] = value
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(
                    f"cannot assign {type(value).__name__} as parameter {name!r} "
                    "(a Parameter or None is required)"
                )
            params[name] = None
        elif params is not None and name in self._modules:
            if value is not None:
                raise TypeError(
                    f"cannot assign {type(value).__name__} as child module {name!r} "
                    "(a Module or None is required)"
                )
            self._modules[name] = None
        elif params is not None and name in self._buffers:
            self._buffers[name] = None if value is None else as_tensor(value)
        else:
            object.__setattr__(self, name, value)

    def _forget(self, name: str, keep: dict) -> None:
        """Drop ``name`` from every registry except ``keep`` (where re-assigning it keeps
        its place, so state_dict order does not change when a parameter is replaced)."""
        self.__dict__.pop(name, None)
        for table in (self._parameters, self._buffers, self._modules):
            if table is not keep:
                table.pop(name, None)
        self._non_persistent_buffers.discard(name)

    def __getattr__(self, name: str) -> Any:
        # only called when normal lookup fails: look in the three registries
        d = self.__dict__
        for table in ("_parameters", "_buffers", "_modules"):
            if table in d and name in d[table]:
                return d[table][name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __delattr__(self, name: str) -> None:
        for table in (self._parameters, self._buffers, self._modules):
            if name in table:
                del table[name]
                self._non_persistent_buffers.discard(name)
                return
        object.__delattr__(self, name)

    def register_buffer(self, name: str, tensor: Any, persistent: bool = True) -> None:
        """Declare non-trainable state (saved in ``state_dict`` unless ``persistent=False``)."""
        self._check_initialized()
        if "." in name or not name:
            raise KeyError(f"buffer name must be a non-empty string without '.', got {name!r}")
        if tensor is not None:
            tensor = as_tensor(tensor)
        self._forget(name, self._buffers)
        self._buffers[name] = tensor
        if not persistent:
            self._non_persistent_buffers.add(name)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Register ``param`` (or None, a declared but absent parameter such as a bias)."""
        self._check_initialized()
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"cannot register {type(param).__name__} as parameter {name!r}")
        self._forget(name, self._parameters)
        self._parameters[name] = param

    def add_module(self, name: str, module: Module | None) -> None:
        """Register ``module`` as a child called ``name``."""
        self._check_initialized()
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module")
        self._forget(name, self._modules)
        self._modules[name] = module

    # ------------------------------------------------------------------ iteration
    def named_modules(
        self, memo: set | None = None, prefix: str = ""
    ) -> Iterator[tuple[str, Module]]:
        """Every module of the tree (this one first, as ``""``), each once, depth first."""
        memo = set() if memo is None else memo
        if id(self) in memo:
            return
        memo.add(id(self))
        yield prefix, self
        for name, child in self._modules.items():
            if child is None:
                continue
            yield from child.named_modules(memo, f"{prefix}.{name}" if prefix else name)

    def modules(self) -> Iterator[Module]:
        for _, module in self.named_modules():
            yield module

    def named_children(self) -> Iterator[tuple[str, Module]]:
        seen: set[int] = set()
        for name, child in self._modules.items():
            if child is not None and id(child) not in seen:
                seen.add(id(child))
                yield name, child

    def children(self) -> Iterator[Module]:
        for _, child in self.named_children():
            yield child

    def _named_members(self, table: str, prefix: str, recurse: bool) -> Iterator[tuple[str, Any]]:
        seen: set[int] = set()
        modules = self.named_modules(prefix=prefix) if recurse else [(prefix, self)]
        for module_prefix, module in modules:
            for name, value in getattr(module, table).items():
                if value is None or id(value) in seen:
                    continue
                seen.add(id(value))
                yield (f"{module_prefix}.{name}" if module_prefix else name), value

    def named_parameters(
        self, prefix: str = "", recurse: bool = True
    ) -> Iterator[tuple[str, Parameter]]:
        """``(dotted name, Parameter)`` pairs, each shared Parameter once."""
        return self._named_members("_parameters", prefix, recurse)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(self, prefix: str = "", recurse: bool = True) -> Iterator[tuple[str, Tensor]]:
        return self._named_members("_buffers", prefix, recurse)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, buf in self.named_buffers(recurse=recurse):
            yield buf

    def apply(self, fn: Callable[[Module], None]) -> Module:
        """Call ``fn`` on every child (recursively), then on this module."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    # ------------------------------------------------------------------ modes and grads
    def train(self, mode: bool = True) -> Module:
        """Set training mode (Dropout drops, BatchNorm uses batch statistics) recursively."""
        if not isinstance(mode, bool):
            raise ValueError(f"training mode must be a bool, got {mode!r}")
        for module in self.modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self) -> Module:
        """Evaluation mode: ``train(False)``."""
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        for param in self.parameters():
            param.requires_grad = requires_grad
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget accumulated gradients (``.grad = None``, or zeros with ``set_to_none=False``)."""
        for param in self.parameters():
            if param.grad is None:
                continue
            if set_to_none:
                param.grad = None
            else:
                param.grad.data[...] = 0

    # ------------------------------------------------------------------ dtype
    def to(self, *args: Any, dtype: Any = None, device: Any = None) -> Module:
        """Cast every floating parameter, gradient and buffer to ``dtype`` (in place).

        ``to("cpu")`` / ``to(device="cpu")`` are accepted and change nothing, so PyTorch-style
        code runs unchanged; symnn computes on the CPU only.
        """
        for arg in args:
            if isinstance(arg, str) or type(arg).__name__ == "device":
                device = arg
            else:
                dtype = arg
        if device is not None and str(device) != "cpu":
            raise ValueError(f"symnn runs on the CPU only, got device {str(device)!r}")
        if dtype is None:
            return self
        dtype = np.dtype(dtype)
        if dtype.kind != "f":
            raise TypeError(f"Module.to only accepts floating dtypes, got {dtype}")
        for tensor in list(self.parameters()) + list(self.buffers()):
            if tensor.data.dtype.kind == "f":
                tensor.data = tensor.data.astype(dtype)
                if tensor.grad is not None:
                    tensor.grad.data = tensor.grad.data.astype(dtype)
        return self

    def double(self) -> Module:
        return self.to(np.float64)

    def float(self) -> Module:
        return self.to(np.float32)

    # ------------------------------------------------------------------ state
    def state_dict(
        self, destination: OrderedDict | None = None, prefix: str = "", keep_vars: bool = False
    ) -> OrderedDict[str, Any]:
        """Parameters and persistent buffers by dotted name, in PyTorch's order.

        Values are independent ndarray copies (so a saved snapshot cannot change under
        training); ``keep_vars=True`` gives the live Parameters and buffer Tensors instead.
        """
        out: OrderedDict[str, Any] = OrderedDict() if destination is None else destination
        for name, param in self._parameters.items():
            if param is not None:
                out[prefix + name] = param if keep_vars else param.data.copy()
        for name, buf in self._buffers.items():
            if buf is not None and name not in self._non_persistent_buffers:
                out[prefix + name] = buf if keep_vars else buf.data.copy()
        for name, child in self._modules.items():
            if child is not None:
                child.state_dict(out, prefix + name + ".", keep_vars)
        return out

    def load_state_dict(
        self, state_dict: Mapping[str, Any], strict: bool = True
    ) -> _IncompatibleKeys:
        """Copy values (ndarrays, symnn Tensors or torch tensors) into this model, in place.

        Shapes must match exactly (a RuntimeError names the key and both shapes); values are
        cast to each parameter's dtype, and a cast that would change a value beyond rounding
        (text, complex into real, 1e300 into float32, 2.5 into an integer buffer) is an error
        naming the key.  With ``strict=True`` a missing or unexpected key is a RuntimeError
        naming it; otherwise the keys are returned as ``(missing_keys, unexpected_keys)``.
        Nothing is copied unless every value passes every check.
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"state_dict must be a mapping, got {type(state_dict).__name__}")
        own = self.state_dict(keep_vars=True)
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        errors = []
        if strict and unexpected:
            errors.append("Unexpected key(s) in state_dict: "
                          + ", ".join(f'"{k}"' for k in unexpected) + ".")
        if strict and missing:
            errors.append("Missing key(s) in state_dict: "
                          + ", ".join(f'"{k}"' for k in missing) + ".")
        arrays = {}
        for key, target in own.items():
            if key not in state_dict:
                continue
            try:
                value = np.asarray(as_array(state_dict[key]))
            except (TypeError, ValueError) as exc:
                errors.append(f"cannot read the value for {key}: {exc}")
                continue
            if value.shape != target.data.shape:
                errors.append(
                    f"size mismatch for {key}: copying a param with shape {tuple(value.shape)} "
                    f"from checkpoint, the shape in current model is {tuple(target.data.shape)}."
                )
                continue
            try:
                arrays[key] = cast_exactly(value, target.data.dtype)
            except ValueError as exc:
                errors.append(f"cannot load {key} into a {target.data.dtype} tensor: {exc}.")
        if errors:
            raise RuntimeError(
                f"Error(s) in loading state_dict for {type(self).__name__}:\n\t"
                + "\n\t".join(errors)
            )
        for key, value in arrays.items():  # all checked first: a failed load changes nothing
            target = own[key]
            if target.data.dtype == object or not target.data.flags.writeable:
                target.data = value
            else:
                np.copyto(target.data, value)
        return _IncompatibleKeys(missing, unexpected)

    def save(self, path: Any) -> None:
        """Write ``state_dict()`` to ``path`` as a pickle-free ``.npz``, atomically."""
        serialization.save(self, path)

    # ------------------------------------------------------------------ printing
    def extra_repr(self) -> str:
        """The text inside this module's parentheses in ``repr`` (its hyperparameters)."""
        return ""

    def __repr__(self) -> str:
        lines = []
        extra = self.extra_repr()
        if extra:
            lines = extra.split("\n")
        for name, child in self._modules.items():
            child_repr = _indent(repr(child), 2)
            lines.append(f"({name}): {child_repr}")
        main = type(self).__name__ + "("
        if lines:
            if len(lines) == 1 and not self._modules:
                main += lines[0]
            else:
                main += "\n  " + "\n  ".join(lines) + "\n"
        return main + ")"

    def __dir__(self) -> list[str]:
        return sorted(
            set(super().__dir__()) | set(self._parameters) | set(self._buffers) | set(self._modules)
        )


def _indent(text: str, spaces: int) -> str:
    lines = text.split("\n")
    return "\n".join([lines[0]] + [" " * spaces + line for line in lines[1:]])
