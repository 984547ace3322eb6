"""Keys handled one at a time, each sent where the focus is when its turn comes.

Textual routes a key to the widget focused when the app *receives* it. Keys that arrive
together (fast typing, a paste of keys, or a terminal read delayed while a worker thread holds
the interpreter) are therefore all sent to the same widget before the first one has moved the
focus: after "esc f tab tab tab 0.5" the digits went to the screen as shortcuts instead of into
the field that the tabs reached. Here the app holds each key until the previous one is handled
(stopped by a widget, or back at the app after its bindings ran), so every key acts on the
state its predecessors left, as the learner typed them.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque

from textual import events

KEY_TIMEOUT = 2.0  # seconds a key may take before the next one goes anyway (a lost key)
POLL = 0.005  # seconds between checks that the key in hand has been handled


class KeysInTurn:
    """App mixin: a key is routed only after the previous key has been handled."""

    _key_in_hand: events.Key | None = None  # the key being handled (or last handled)
    _key_screen = None  # the screen that had the key in hand: if it is left, so is the key
    _key_since = 0.0
    _keys_waiting: deque | None = None
    _key_poll = False
    _keys_released: list | None = None  # posted by _release_next, not yet dispatched

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            if not event.is_forwarded:
                if not self._is_released(event):
                    if self._keys_waiting or self._key_busy():
                        self._wait_turn(event)
                        return
                    self._key_in_hand, self._key_since = event, time.monotonic()
                self._key_screen = self.screen if self.screen_stack else None
                await super().on_event(event)
                if not event.is_forwarded:  # a priority binding took it: handled
                    self._key_in_hand = None
                return
            if event is self._key_in_hand:
                await super().on_event(event)  # back at the app, its bindings ran: handled
                self._key_in_hand = None
                return
        await super().on_event(event)

    @property
    def keys_waiting(self) -> int:
        """How many keys wait for their turn."""
        return len(self._keys_waiting or ())

    def _is_released(self, event: events.Key) -> bool:
        """Was ``event`` posted by _release_next (its turn has come)? Forgets it if so."""
        released = self._keys_released or []
        for i, key in enumerate(released):
            if key is event:
                del released[i]
                return True
        return False

    def _key_busy(self) -> bool:
        """Is the key in hand still on its way (not stopped, not back, its screen still shown,
        not timed out)?"""
        key = self._key_in_hand
        return (key is not None and not key._stop_propagation
                and bool(self.screen_stack) and self.screen is self._key_screen
                and time.monotonic() - self._key_since < KEY_TIMEOUT)

    def _wait_turn(self, event: events.Key) -> None:
        if self._keys_waiting is None:
            self._keys_waiting = deque()
        self._keys_waiting.append(event)
        self._poll_later()

    def _poll_later(self) -> None:
        if not self._key_poll:
            self._key_poll = True
            asyncio.get_running_loop().call_later(POLL, self._release_next)

    def _release_next(self) -> None:
        """Post the next waiting key once the one in hand is handled (else check again)."""
        self._key_poll = False
        if not self._keys_waiting:
            return
        if not self.is_running or not self.screen_stack:
            self._keys_waiting.clear()  # the app is closing: nothing is left to type into
            return
        if not self._key_busy():
            # a field types every printable key without moving the focus: a run of them goes
            # together (typing fast stays fast); any other key waits for the one before
            from textual.widgets import Input

            typing = isinstance(self.focused, Input)
            while self._keys_waiting:
                waiting = self._keys_waiting.popleft()
                released = events.Key(waiting.key, waiting.character)
                self._key_in_hand, self._key_since = released, time.monotonic()
                self._key_screen = self.screen
                if self._keys_released is None:
                    self._keys_released = []
                self._keys_released.append(released)
                self.post_message(released)
                if not (typing and released.is_printable and self._keys_waiting
                        and self._keys_waiting[0].is_printable):
                    break
        if self._keys_waiting:
            self._poll_later()
