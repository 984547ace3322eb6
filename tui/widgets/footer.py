"""Textual's Footer, rebuilt only when the keys it shows change.

Textual rebuilds the footer (one widget per key, each restyled twice as it mounts) whenever
a screen's bindings may have changed: at start-up, on each resize and on each focus change,
and once per notice even when several arrive before the next frame. Six rebuilds went into
the stepper's start-up for the same keys. This footer rebuilds at most once per frame, and
only when the keys, their labels, their enabled state or the palette hint differ.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    """A Footer that skips rebuilds which would show the same keys."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._shown: tuple | None = None
        self._rebuild_pending = False

    def bindings_changed(self, screen: Screen) -> None:
        """Textual's notice that ``screen``'s bindings may have changed."""
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_after_refresh(self._rebuild_if_changed)

    async def _rebuild_if_changed(self) -> None:
        self._rebuild_pending = False
        shown = self._keys_shown()
        if shown != self._shown:
            self._shown = shown
            await self.recompose()

    def _keys_shown(self) -> tuple:
        """Everything ``Footer.compose`` reads: the shown bindings with their state, and
        the palette hint."""
        active = self.screen.active_bindings
        keys = tuple((binding, enabled, tooltip)
                     for _, binding, enabled, tooltip in active.values() if binding.show)
        palette = active.get(self.app.COMMAND_PALETTE_BINDING)
        return keys, self.show_command_palette, palette and palette[1:], self.compact
