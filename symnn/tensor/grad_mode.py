"""Switching gradient recording on and off: ``no_grad``, ``enable_grad``, ``set_grad_enabled``.

The flag is per thread (as in PyTorch), so a worker thread evaluating a model under
``no_grad`` does not stop another thread from recording its graph.
"""

from __future__ import annotations

import contextvars
import functools
from typing import Any, Callable, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


# A ContextVar is per thread (a new thread starts from the default) and cheap to read.
GRAD_ENABLED: contextvars.ContextVar[bool] = contextvars.ContextVar("symnn_grad_enabled", default=True)
enabled = GRAD_ENABLED.get


def is_grad_enabled() -> bool:
    """True when new operations are recorded on the tape."""
    return GRAD_ENABLED.get()


class _GradMode:
    """Context manager and decorator that sets the recording flag, then restores it."""

    _mode = True

    def __enter__(self) -> None:
        self._prev = GRAD_ENABLED.get()
        GRAD_ENABLED.set(self._mode)

    def __exit__(self, *exc: object) -> None:
        GRAD_ENABLED.set(self._prev)

    def __call__(self, func: F) -> F:
        mode = self._mode

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            prev = GRAD_ENABLED.get()
            GRAD_ENABLED.set(mode)
            try:
                return func(*args, **kwargs)
            finally:
                GRAD_ENABLED.set(prev)

        return wrapper  # type: ignore[return-value]


class _NoArgGradMode(_GradMode):
    """Also usable as a bare decorator (``@sn.no_grad`` as well as ``@sn.no_grad()``)."""

    def __new__(cls, func: Callable[..., Any] | None = None):  # type: ignore[misc]
        if func is None:
            return super().__new__(cls)
        return cls()(func)


class no_grad(_NoArgGradMode):
    """Do not record operations (evaluation, parameter updates): ``with sn.no_grad(): ...``."""

    _mode = False


class enable_grad(_NoArgGradMode):
    """Record operations again inside a ``no_grad`` block."""

    _mode = True


class set_grad_enabled(_GradMode):
    """Set recording on or off: ``with sn.tensor.set_grad_enabled(training): ...``.

    Like PyTorch's, it takes effect immediately when called, and the ``with`` block restores
    the previous state on exit.
    """

    def __init__(self, mode: bool) -> None:
        self._mode = bool(mode)
        self._prev = GRAD_ENABLED.get()
        GRAD_ENABLED.set(self._mode)

    def __enter__(self) -> None:
        pass
