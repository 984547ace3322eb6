"""Run a NumPy-backend model on the scalar engine: one model, two engines.

``explain(model, x, target, loss_fn)`` swaps every parameter's array for an object array of
named ``Scalar`` leaves, runs the model's ordinary ``forward`` (there is no second
implementation of any layer: the Tensor ops have an object-array path) and returns the scalar
graph of the loss. Its gradients must equal the NumPy backend's ``backward()``; its recorded
chain rule prints as text or LaTeX. The model (parameters and buffers) is restored afterwards,
also when the forward fails.

Layers are numbered 1..L, counting only the layers that hold parameters, as textbooks do:
in ``Sequential(Linear, Sigmoid, Linear, Sigmoid)`` the first ``Linear`` is layer 1, so
``0.weight[1, 0]`` is the leaf ``W^(1)_1,0`` (LaTeX ``W^{(1)}_{1,0}``), ``0.bias[1]`` is
``b^(1)_1``, that layer's output ``z^(1)_1`` and the sigmoid after it ``a^(1)_1``; the second
``Linear`` is layer 2 (``W^(2)``, ``z^(2)``, ``a^(2)``). A normalization layer's weight and
bias are ``gamma`` and ``beta``; parameters of the model object itself have no superscript.
With ``symbolic=True`` the inputs are named leaves too (``x_0``, ``x_1``, ...; float targets
``y_0``, ...), so ``.expr`` is the textbook formula.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np

from symnn._lazy import callable_module

if TYPE_CHECKING:
    import sympy

    from symnn.nn import Module
    from symnn.scalar import Derivation, Scalar

__all__ = ["Explanation", "explain", "layer_numbers", "leaf_name"]

_NORM_LAYERS = ("BatchNorm", "LayerNorm", "GroupNorm", "InstanceNorm")


def leaf_name(
    param_name: str, index: tuple[int, ...], owner: str = "", layer: int | None = None
) -> str:
    """The Scalar leaf name of one parameter element: ``("0.weight", (1, 0), layer=1)`` ->
    ``W^(1)_1,0``.

    The layer number (or, without one, the module path) becomes a superscript in parentheses
    and the element index a subscript; ``weight``/``bias`` read ``W``/``b``, or
    ``gamma``/``beta`` when ``owner`` (the class name of the module holding the parameter) is
    a normalization layer. A parameter of the model itself (no module path) has no superscript.
    """
    prefix, _, attr = param_name.rpartition(".")
    norm = owner.startswith(_NORM_LAYERS)
    letter = {"weight": "gamma" if norm else "W", "bias": "beta" if norm else "b"}.get(attr, attr)
    where = "" if not prefix else prefix if layer is None else str(layer)
    name = letter + (f"^({where})" if where else "")
    if index:
        name += "_" + ",".join(str(i) for i in index)
    return name


def _indexed_names(base: str, shape: tuple[int, ...]) -> list[str]:
    """``base_i,j`` for every index of ``shape`` in C order (just ``base`` for a scalar)."""
    if not shape:
        return [base]
    digits = [[str(i) for i in range(n)] for n in shape]
    return [f"{base}_{','.join(idx)}" for idx in itertools.product(*digits)]


def _input_names(symbol: str, shape: tuple[int, ...]) -> list[str]:
    """``x_0, x_1, ...`` for a single sample (a leading batch dimension of 1 is dropped)."""
    if len(shape) >= 2 and shape[0] == 1:
        return _indexed_names(symbol, shape[1:])
    return _indexed_names(symbol, shape)


def _leaf_array(values: np.ndarray, names: list[str]) -> np.ndarray:
    from symnn.scalar import Scalar

    flat = np.asarray(values, dtype=np.float64).reshape(-1)
    leaves = np.empty(flat.size, dtype=object)
    for k, (v, n) in enumerate(zip(flat.tolist(), names)):
        leaves[k] = Scalar(v, name=n)
    return leaves.reshape(np.shape(values))


class BufferSnapshot:
    """Every buffer of a model as it is now (BatchNorm's running statistics and counter), to
    put back later: a training-mode forward rewrites them, and on object arrays it would leave
    Scalars in them."""

    def __init__(self, model: Module) -> None:
        self._saved = [
            (registry, key, tensor, tensor.data, np.array(tensor.data, copy=True))
            for module in model.modules()
            for registry in [getattr(module, "_buffers", {})]
            for key, tensor in registry.items()
            if tensor is not None
        ]

    def tensors(self) -> list[Any]:
        return [tensor for _, _, tensor, _, _ in self._saved]

    def restore(self) -> None:
        for registry, key, tensor, array, copy in self._saved:
            registry[key] = tensor
            tensor.data = array
            array[...] = copy


def layer_numbers(model: Module) -> dict[str, tuple[int, bool]]:
    """``{module path: (layer number, holds parameters)}`` for the model's submodules.

    Submodules holding parameters of their own are numbered 1, 2, ... in definition order
    (the order of ``named_modules``); a module without parameters takes the number of the
    last numbered layer before it (0 before the first), so the sigmoid after layer 1 writes
    ``a^(1)``. The model object itself (path ``""``) is not numbered.
    """
    numbers: dict[str, tuple[int, bool]] = {}
    current = 0
    for path, module in model.named_modules():
        if not path:
            continue
        own = next(iter(module.parameters(recurse=False)), None) is not None
        if own:
            current += 1
        numbers[path] = (current, own)
    return numbers


def _parameter_leaf_names(model: Module, reserved: set[str]) -> dict[str, list[str]]:
    """Leaf names for every element of every parameter, all distinct.

    A parameter whose short names would clash with another's (say attributes ``weight`` and
    ``W`` in one module) or with the input leaves keeps its full name: ``1.W[0, 1]``.
    """
    owners = {path: type(module).__name__ for path, module in model.named_modules()}
    layers = layer_numbers(model)
    names: dict[str, list[str]] = {}
    taken = set(reserved)
    for name, p in model.named_parameters():
        path = name.rpartition(".")[0]
        layer = layers[path][0] if path in layers else None
        shape = np.shape(p.data)
        short = _indexed_names(leaf_name(name, (), owners.get(path, ""), layer), shape)
        if taken.isdisjoint(short):
            names[name] = short
        else:
            names[name] = [f"{name}[{', '.join(map(str, idx))}]" if idx else name
                           for idx in np.ndindex(*shape)]
        taken.update(names[name])
    return names


@contextmanager
def _scalar_parameters(model: Module, reserved: set[str]) -> Iterator[dict[str, np.ndarray]]:
    """Swap each parameter's array for named Scalar leaves; restore parameters and buffers."""
    params = list(model.named_parameters())
    originals = [(p, p.data) for _, p in params]
    buffers = BufferSnapshot(model)
    try:
        names = _parameter_leaf_names(model, reserved)
        leaves = {}
        for name, p in params:
            leaves[name] = _leaf_array(p.data, names[name])
            p.data = leaves[name]
        yield leaves
    finally:
        for p, data in originals:
            p.data = data
        buffers.restore()


def _output_labels(model: Module) -> dict[str, str]:
    """The superscript of each module's output: ``z^(l`` for layer l (it holds parameters),
    ``a^(l`` for the first module without parameters after it and ``a^(l, Dropout`` (its
    class name) for any further one, so no two layers share a name; the model object itself
    is ``z`` or ``a`` with no superscript."""
    modules = dict(model.named_modules())
    own = next(iter(model.parameters(recurse=False)), None) is not None
    labels: dict[str, str] = {"": "z" if own else "a"}
    for path, (number, own) in layer_numbers(model).items():
        if next(iter(modules[path].children()), None) is not None:
            continue  # a container: its innermost modules name their outputs
        label = f"{'z' if own else 'a'}^({number}"
        if label in labels.values():
            label += f", {type(modules[path]).__name__}"
        labels[path] = label
    return labels


def _output_names(label: str, calls: int, shape: tuple[int, ...]) -> list[str]:
    """``z^(l)_i`` / ``a^(l)_i`` from a layer's label, with ``, call k`` when the layer runs
    again; a leading batch dimension of 1 is dropped from the index."""
    if "^(" not in label:
        name = label if calls == 1 else f"{label}^(call {calls})"
    else:
        name = label + (")" if calls == 1 else f", call {calls})")
    return _input_names(name, shape)


@contextmanager
def _named_layer_outputs(model: Module) -> Iterator[None]:
    """Name the Scalars each innermost layer outputs, so derivations read like a textbook:
    ``z^(1)_1 = W^(1)_1,0 x_0 + ... + b^(1)_1``, ``a^(1)_1 = sigma(z^(1)_1)``.

    Each layer's ``forward`` is wrapped for the duration (an instance attribute shadowing the
    method); nodes that are leaves or already named keep their names.
    """
    from symnn.tensor import Tensor

    wrapped = []
    labels = _output_labels(model)
    for path, module in model.named_modules():
        if next(iter(module.children()), None) is not None or "forward" in vars(module):
            continue
        calls = [0]

        def forward(*args, _module=module, _label=labels[path], _calls=calls, **kwargs):
            out = type(_module).forward(_module, *args, **kwargs)
            if isinstance(out, Tensor) and out.data.dtype == object:
                _calls[0] += 1
                flat = out.data.reshape(-1)
                names = _output_names(_label, _calls[0], out.data.shape)
                for node, name in zip(flat, names):
                    if getattr(node, "parents", None) and node.name is None:
                        node.named(name)
            return out

        object.__setattr__(module, "forward", forward)
        wrapped.append(module)
    try:
        yield
    finally:
        for module in wrapped:
            del module.__dict__["forward"]


class Explanation:
    """The scalar graph of one loss evaluation: the loss, each parameter's leaves and grads.

    ``grads`` has the keys of ``model.named_parameters()`` and arrays shaped like each
    parameter; ``derivation(name, index)`` is the recorded chain rule for one weight.
    """

    def __init__(
        self,
        loss: Scalar,
        output: np.ndarray,
        leaves: dict[str, np.ndarray],
        inputs: np.ndarray | None,
    ) -> None:
        self.loss = loss
        self.output = output
        self.leaves = leaves
        self.inputs = inputs
        self.grads = {
            name: np.array([leaf.grad for leaf in arr.reshape(-1)], dtype=np.float64).reshape(
                arr.shape
            )
            for name, arr in leaves.items()
        }

    def leaf(self, name: str, index: int | tuple[int, ...] = ()) -> Scalar:
        """The Scalar leaf standing for ``name[index]`` (e.g. ``("0.weight", (1, 0))``)."""
        if name not in self.leaves:
            raise KeyError(
                f"explain: no parameter named {name!r}; parameters: {', '.join(self.leaves)}"
            )
        arr = self.leaves[name]
        idx = (index,) if isinstance(index, (int, np.integer)) else tuple(index)
        if len(idx) != arr.ndim or any(not 0 <= i < n for i, n in zip(idx, arr.shape)):
            raise IndexError(
                f"explain: {name} has shape {arr.shape}; index {idx} is not one of its elements"
            )
        return arr[idx]

    def derivation(self, name: str, index: int | tuple[int, ...] = ()) -> Derivation:
        """The chain-rule steps from the loss down to ``name[index]``, with their numbers;
        ``str(d)`` is text, ``d.to_latex()`` LaTeX."""
        return self.loss.derivation(wrt=self.leaf(name, index))

    def derivative(self, name: str, index: int | tuple[int, ...] = ()) -> sympy.Expr:
        """dL/d``name[index]`` as a SymPy expression assembled from the recorded chain rule."""
        return self.loss.derivative(self.leaf(name, index))

    @property
    def expr(self) -> sympy.Expr:
        """The loss as a SymPy expression in the leaf symbols (and input symbols if asked)."""
        return self.loss.expr

    def __repr__(self) -> str:
        n = sum(a.size for a in self.leaves.values())
        return f"Explanation(loss={self.loss.value!r}, parameters={len(self.leaves)}, leaves={n})"


def _as_array(value: Any) -> np.ndarray:
    from symnn.tensor import Tensor

    return np.asarray(value.data if isinstance(value, Tensor) else value)


def _the_scalar(loss: Any, model: Module) -> Scalar:
    from symnn.scalar import Scalar

    arr = _as_array(loss)
    if arr.size != 1:
        raise ValueError(
            f"explain: the loss must be a single number, got shape {arr.shape}; use a loss "
            f"with reduction='mean' or 'sum'"
        )
    value = arr.reshape(-1)[0]
    if not isinstance(value, Scalar):
        raise ValueError(
            f"explain: the loss does not depend on any parameter of {type(model).__name__} "
            f"(it came out as the number {value!r}), so there is nothing to explain"
        )
    return value


def explain(
    model: Module,
    x: Any,
    target: Any,
    loss_fn: Any,
    symbolic: bool = False,
) -> Explanation:
    """Run ``loss_fn(model(x), target)`` on the scalar engine and backpropagate through it.

    Every parameter becomes an object array of named Scalar leaves for the duration of one
    ordinary forward (under ``no_grad``: the scalar graph records the chain rule); buffers
    stay numeric. With ``symbolic=True`` the inputs (and float targets) are named leaves
    too. The model is restored afterwards, also when something fails, and so is the random
    generator: in training mode the next numeric forward draws the dropout masks explained.
    """
    from symnn.tensor import no_grad, tensor
    from symnn.tensor.random import generator

    if not list(model.parameters()):
        raise ValueError(f"explain: {type(model).__name__} has no parameters to explain")
    x_arr = _as_array(x)
    if not np.issubdtype(x_arr.dtype, np.number):
        raise TypeError(f"explain: the input must be numeric, got dtype {x_arr.dtype}")
    x_arr = x_arr.astype(np.float64)
    t_arr = _as_array(target)
    inputs = None
    if symbolic:
        inputs = _leaf_array(x_arr, _input_names("x", x_arr.shape))
        x_arr = inputs
        if np.issubdtype(t_arr.dtype, np.floating):
            t_arr = _leaf_array(t_arr, _input_names("y", t_arr.shape))
    elif np.issubdtype(t_arr.dtype, np.floating):
        t_arr = t_arr.astype(np.float64)
    x_t = tensor(x_arr, dtype=x_arr.dtype)
    t_t = tensor(t_arr, dtype=t_arr.dtype)

    reserved = {leaf.name for arr in (x_arr, t_arr) if arr.dtype == object
                for leaf in arr.reshape(-1)}
    rng = generator()
    rng_state = rng.bit_generator.state
    with _scalar_parameters(model, reserved) as leaves, _named_layer_outputs(model):
        try:
            with no_grad():
                output = model(x_t)
                loss = _the_scalar(loss_fn(output, t_t), model)
        except Exception as exc:
            if hasattr(exc, "add_note"):
                exc.add_note(
                    f"(while sn.explain ran {type(model).__name__}.forward and the loss on "
                    f"object arrays of Scalars; the model has been restored)"
                )
            raise
        finally:  # an observer: the next numeric forward draws the masks explained here
            rng.bit_generator.state = rng_state
    loss.backward()
    return Explanation(loss, _as_array(output), leaves, inputs)


callable_module(__name__, explain)  # symnn.explain is this module and sn.explain(model, ...)
