"""The computation graph as a tree whose left/right keys belong to the screen (stepping)."""

from __future__ import annotations

from textual.widgets import Tree


class GraphTree(Tree):
    """A Tree that leaves left/right to the screen: there they step through the passes."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("scroll_left", "scroll_right"):
            return False  # the key goes on to the screen's bindings
        return super().check_action(action, parameters)
