"""A panel that shows an input error under the field it belongs to, with a caret at its position."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tui.safety import describe


WINDOW = 70  # characters of long input shown around the error position


def caret_text(source: str, exc: BaseException) -> Text:
    """The typed ``source`` with a caret under ``exc.position`` (when the error has one);
    long input is cut to a window around the position."""
    text = Text()
    position = getattr(exc, "position", None)
    if isinstance(position, int) and 0 <= position <= len(source):
        shown = source.replace("\n", " ")
        if len(shown) > WINDOW:
            start = max(0, min(position - WINDOW // 2, len(shown) - WINDOW))
            head = "…" if start > 0 else ""
            tail = "…" if start + WINDOW < len(shown) else ""
            shown = head + shown[start:start + WINDOW] + tail
            position = position - start + len(head)
        text.append(shown + "\n", style="bold")
        text.append(" " * position + "^ ", style="bold red")
        text.append(describe(exc), style="red")
    else:
        text.append(describe(exc), style="red")
    return text


class ErrorPanel(Static):
    """Hidden until an error is shown; ``clear()`` hides it again."""

    DEFAULT_CSS = """
    ErrorPanel { display: none; height: auto; padding: 0 1; border: round $error; }
    ErrorPanel.-shown { display: block; }
    """

    def show_error(self, source: str, exc: BaseException) -> None:
        """Display ``exc`` raised while reading ``source`` (a caret marks ParseError positions)."""
        self.update(caret_text(source, exc))
        self.add_class("-shown")

    def show_message(self, message: str) -> None:
        """Display a plain error message."""
        self.update(Text(message, style="red"))
        self.add_class("-shown")

    def clear(self) -> None:
        """Hide the panel."""
        self.update("")
        self.remove_class("-shown")

    @property
    def shown(self) -> bool:
        """Whether an error is currently displayed."""
        return self.has_class("-shown")
