"""The placeholder shown in place of a screen whose part of symnn is not available yet."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.containers import Center, Middle
from textual.widget import Widget
from textual.widgets import Static

from tui.registry import SCREENS, ScreenInfo
from tui.screens.base import SymnnScreen


class UnavailableScreen(SymnnScreen):
    """Says which capability this screen needs and that symnn does not provide it yet."""

    HELP = "This screen opens once the part of symnn it is built on is available."

    def __init__(self, info: ScreenInfo, missing: list[str], detail: str = "") -> None:
        super().__init__(name=info.name)
        self.info = info
        self.missing = missing
        self.detail = detail
        self.title = info.title
        self.sub_title = "not available yet"

    def compose_body(self) -> Iterable[Widget]:
        text = Text()
        text.append(f"{self.info.title}\n\n", style="bold")
        text.append(f"{self.info.summary}\n\n")
        text.append("Not available yet: ", style="bold yellow")
        text.append(f"this screen needs {self.info.capability}.\n")
        if self.missing:
            text.append("Missing from this symnn: " + ", ".join(self.missing) + "\n")
        if self.detail:
            text.append(self.detail + "\n", style="red")
        keys = f"{SCREENS[0].key}-{SCREENS[-1].key}"
        text.append(f"\nThe other screens work: press {keys} to switch, ? for help.", style="dim")
        with Middle():
            with Center():
                yield Static(text, id="unavailable")
