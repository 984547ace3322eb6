"""Textual's Select and SelectionList with one crash guarded: page up/down on an option list
whose lines are not laid out yet raises KeyError in Textual's OptionList (a fast key after
opening the list does it). Here such a key does nothing instead of ending the app."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Select, SelectionList
from textual.widgets._select import SelectCurrent, SelectOverlay


class _SafePaging:
    """Mixin for OptionList subclasses: paging before layout is a no-op."""

    def _move_page(self, direction) -> None:
        try:
            super()._move_page(direction)
        except (KeyError, IndexError):
            pass  # no lines yet: nothing to move to


class _SafeSelectOverlay(_SafePaging, SelectOverlay):
    pass


class SafeSelect(Select):
    """Select whose drop-down list cannot crash on early paging keys."""

    def compose(self) -> ComposeResult:
        yield SelectCurrent(self.prompt)
        yield _SafeSelectOverlay(type_to_search=self._type_to_search).data_bind(
            compact=Select.compact
        )


class SafeSelectionList(_SafePaging, SelectionList):
    """SelectionList that cannot crash on early paging keys."""
