"""The frame shared by every screen: header with the screen title, body, footer with every key."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Header

from tui.widgets.footer import KeyFooter


class SymnnScreen(Screen):
    """A screen of the app. Subclasses provide ``compose_body`` and a short ``HELP`` text.

    Help and Quit are this base class's keys, so every screen's footer lists them first and
    a narrow terminal (80 columns) cuts a screen's own keys before them.
    """

    BINDINGS = [
        Binding("question_mark", "app.help", "Help", key_display="?"),
        Binding("q", "app.quit", "Quit"),
    ]
    HELP: ClassVar[str] = ""
    SCREEN_NAME: ClassVar[str] = ""
    AUTO_FOCUS = ""  # keys act on the screen until the learner chooses a field (e, v, ...)
    editing = ""  # the field whose enter asked for the pending computation (its errors refocus it)

    def compose(self) -> ComposeResult:
        yield Header()
        yield from self.compose_body()
        yield KeyFooter()

    def on_resize(self, event) -> None:
        """Below 110 columns the footer leaves out the palette hint (ctrl+p still works and
        help lists it), so more of the keys fit."""
        try:
            self.query_one(Footer).show_command_palette = event.size.width >= 110
        except Exception:
            pass

    def compose_body(self) -> Iterable[Widget]:
        """The widgets between header and footer."""
        return ()

    def action_focus_field(self, field: str) -> None:
        """Put the cursor in the field with id ``field`` at once, so the keys typed right
        after the shortcut land in the field (``Widget.focus`` would apply it later)."""
        try:
            widget = self.query_one(f"#{field}")
        except Exception:
            return
        self.set_focus(widget)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The footer shows "esc Leave field" while a text field has focus (the other keys
        type into it then), and hides it otherwise."""
        if action == "leave_input":
            from textual.widgets import Input

            return isinstance(self.focused, Input)
        return super().check_action(action, parameters)

    def action_leave_input(self) -> None:
        """Move the focus from a text field back to the screen's main view."""
        self.set_focus(None)

    def leave_entered_field(self, field: Widget) -> None:
        """After enter in ``field``: the keys act on the screen again, unless the learner has
        already moved the focus (keys typed right after enter are handled before this)."""
        if self.focused is field:
            self.set_focus(None)

    def _keep_editing(self, field: str = "") -> None:
        """After an error from an enter in a field, put the cursor back in the field at fault
        (else the one entered), so the keys typed to correct it do not act as shortcuts; not if
        the learner has moved the focus since."""
        from textual.widgets import Input

        if self.editing and self.focused is None:
            field_input = self.query_one(f"#{field or self.editing}", Input)
            self.set_focus(field_input)
            # after its focus event (which selects all): the caret at the end, text kept
            field_input.call_later(field_input.action_end)
        self.editing = ""
