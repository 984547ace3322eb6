"""The `?` screen: every screen with its key, and every key of the screen underneath."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from tui.registry import SCREENS


class HelpScreen(ModalScreen[None]):
    """A modal listing the keys; escape, q or ? closes it."""

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close help", key_display="esc/q/?"),
        *(Binding(info.key, f"app.show('{info.name}')", info.title, show=False)
          for info in SCREENS),
    ]

    def __init__(self, title: str, about: str, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.screen_title = title
        self.about = about
        self.keys = keys

    def compose(self) -> ComposeResult:
        screens = Table.grid(padding=(0, 2))
        for info in SCREENS:
            screens.add_row(Text(info.key, style="bold"), Text(info.title, style="bold"),
                            info.summary)
        keys = Table.grid(padding=(0, 2))
        for key, description in self.keys:
            keys.add_row(Text(key, style="bold"), description)
        with VerticalScroll(id="help-body"):
            yield Static(Text("symnn: the mathematics of neural networks", style="bold"))
            yield Static(Text("\nScreens", style="bold underline"))
            yield Static(screens)
            yield Static(Text(f"\n{self.screen_title}", style="bold underline"))
            if self.about:
                yield Static(self.about)
            yield Static(keys)
            yield Static(Text(
                "\nEverywhere: ctrl+p opens the command palette (find any screen or action), "
                "tab moves between fields, escape leaves a text field, q quits. "
                "The mouse works too: click fields, buttons and footer keys.",
                style="dim"))
            yield Static(Text("\nescape, q or ? closes this help", style="italic"))
        yield Footer()  # "esc Close help" at the bottom: the screen's q Quit does not apply here

    async def action_dismiss(self, result: None = None) -> None:
        if self.app.screen is self:  # a queued second escape must not close the screen below
            self.dismiss(None)
