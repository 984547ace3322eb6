"""Public names a package imports on first use, so that importing it stays light (``import
symnn`` loads neither SymPy nor the NumPy backend until a name that needs one is used), and
the one way a module can also be the function of its name (``sn.tensor(data)``)."""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Callable, Iterable, Mapping
from typing import Any


def lazy_exports(package: str, exports: Mapping[str, str],
                 submodules: Iterable[str] = ()) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``: ``exports`` maps a public name to the
    module defining it, ``submodules`` are imported as ``package.name``; each is imported once,
    on first use, and kept in the package's namespace."""
    submodules = frozenset(submodules)

    def __getattr__(name: str) -> Any:
        if name in exports:
            value = getattr(importlib.import_module(exports[name]), name)
        elif name in submodules:
            value = importlib.import_module(f"{package}.{name}")
        else:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(exports) | submodules)

    return __getattr__, __dir__


def callable_module(name: str, function: Callable[..., Any]) -> None:
    """Make module ``name`` callable as ``function``, for a public function that shares its
    name with its module (``sn.tensor(data)``, ``sn.explain(model, ...)``): once the module is
    imported, its package's attribute of that name is the module, so the module answers the
    call."""

    class CallableModule(types.ModuleType):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            return function(*args, **kwargs)

    CallableModule.__call__.__doc__ = function.__doc__
    sys.modules[name].__class__ = CallableModule
