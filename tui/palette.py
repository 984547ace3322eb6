"""The command palette, hardened against fast typing.

Textual's OptionList raises KeyError on page up/down before its lines exist (a fast
ctrl+p then pagedown does it), and a palette that was already closed by escape can be
asked to close again by a queued enter; here both are ignored instead of ending the app.
"""

from __future__ import annotations

from typing import Any

from textual.await_complete import AwaitComplete
from textual.command import CommandPalette


class SafeCommandPalette(CommandPalette):
    """CommandPalette whose list navigation never raises."""

    def _action_command_list(self, action: str) -> None:
        try:
            super()._action_command_list(action)
        except (KeyError, IndexError):
            pass  # nothing to move to yet

    def dismiss(self, result: Any = None) -> AwaitComplete:
        if self.app.screen is not self:  # already closed; a queued key asked again
            return AwaitComplete()
        return super().dismiss(result)
