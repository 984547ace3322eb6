"""Turn exceptions into messages inside the app: a learner's bad input never ends the app.

``guarded`` wraps an action or message handler; whatever it raises is shown as a
notification (and recorded on the app) instead of propagating into Textual's event loop.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any


def describe(exc: BaseException) -> str:
    """One line naming the error: its type and message."""
    message = str(exc).strip() or "(no message)"
    return f"{type(exc).__name__}: {message}"


def report(node: Any, exc: BaseException, title: str = "Error") -> None:
    """Show ``exc`` as an error notification and record it on the app."""
    app = node.app
    errors = getattr(app, "errors", None)
    if isinstance(errors, list):
        errors.append(exc)
    app.notify(describe(exc), title=title, severity="error", timeout=6)


def guarded(method: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a handler so any exception becomes an in-app error notification."""
    if inspect.iscoroutinefunction(method):

        @functools.wraps(method)
        async def async_wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return await method(self, *args, **kwargs)
            except Exception as exc:
                report(self, exc)
                return None

        return async_wrapper

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except Exception as exc:
            report(self, exc)
            return None

    return wrapper
