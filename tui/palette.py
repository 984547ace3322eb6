"""The command palette, hardened against fast typing.

Textual's OptionList raises KeyError on page up/down before its lines exist (a fast
ctrl+p then pagedown does it); a palette already closed by escape can be asked to close
again by a queued enter; and its search worker or watchers can look for the list after the
palette has been taken down. Here each of these is ignored instead of ending the app.
"""

from __future__ import annotations

from typing import Any

from textual import work
from textual.await_complete import AwaitComplete
from textual.command import CommandPalette
from textual.css.query import NoMatches


class SafeCommandPalette(CommandPalette):
    """CommandPalette whose list navigation never raises."""

    def _action_command_list(self, action: str) -> None:
        try:
            super()._action_command_list(action)
        except (KeyError, IndexError):
            pass  # nothing to move to yet

    def dismiss(self, result: Any = None) -> AwaitComplete:
        self._stop_no_matches_countdown()  # its timer would look for the list after closing
        if self.app.screen is not self:  # already closed; a queued key asked again
            return AwaitComplete()
        return super().dismiss(result)

    @work(exclusive=True, group=CommandPalette._GATHER_COMMANDS_GROUP)
    async def _gather_commands(self, search_value: str) -> None:
        try:
            await CommandPalette._gather_commands.__wrapped__(self, search_value)
        except NoMatches:
            pass  # the palette closed while it searched

    def _watch__list_visible(self) -> None:
        try:
            super()._watch__list_visible()
        except NoMatches:
            pass

    async def _watch__show_busy(self) -> None:
        try:
            await super()._watch__show_busy()
        except NoMatches:
            pass
