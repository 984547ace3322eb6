"""Turn exceptions into messages inside the app: a learner's bad input never ends the app.

``guarded`` wraps an action or message handler; whatever it raises is shown as a
notification (and recorded on the app) instead of propagating into Textual's event loop.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable
from typing import Any


# errors whose own message is Python's wording, not a learner's
_PLAIN_WORDS = (
    (ZeroDivisionError, "a division by zero"),
    (OverflowError, "a number too large to compute"),
    (RecursionError, "an expression nested too deeply to compute"),
    (MemoryError, "not enough memory for this"),
)
_CLASS_PREFIX = re.compile(r"^(?:[A-Za-z_][\w.]*(?:Error|Exception|Warning)\s*:\s*)+")
_CLASS_NAME = re.compile(r"\b[A-Za-z_][\w.]*(?:Error|Exception|Warning)\b")
MAX_LENGTH = 300  # characters: a notification, not a page


def _class_words(match: re.Match) -> str:
    """A class name inside a message ('raised ZeroDivisionError: ...') in words."""
    name = match.group().rsplit(".", 1)[-1]
    return next((words for kind, words in _PLAIN_WORDS if kind.__name__ == name), "an error")


def describe(exc: BaseException) -> str:
    """One line saying what went wrong, in words (no exception class names, at most
    ``MAX_LENGTH`` characters): symnn's own messages as they are, Python's arithmetic and
    resource errors in plain words."""
    for kind, words in _PLAIN_WORDS:
        if isinstance(exc, kind):
            return words[0].upper() + words[1:] + "."
    try:
        text = str(exc)
    except Exception:  # a message that cannot even be printed
        text = ""
    message = _CLASS_NAME.sub(_class_words, _CLASS_PREFIX.sub("", " ".join(text.split())))
    if isinstance(exc, KeyError) and exc.args:
        message = f"unknown name {exc.args[0]!r}"
    if len(message) > MAX_LENGTH:
        message = message[:MAX_LENGTH - 1].rstrip() + "…"
    return message or "Something went wrong here (no details were given)."


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
