"""The row of places at the top: which one you are in is marked, not only coloured."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

PLACES: list[tuple[str, str, str]] = [
    ("1", "today", "Today"),
    ("2", "progress", "Progress"),
    ("3", "plan", "Plan"),
    ("4", "history", "History"),
    ("5", "library", "Library"),
    ("6", "data", "Data"),
]


class NavBar(Static):
    """The row of the six places, the current one marked; a number key goes to each."""

    DEFAULT_CSS = """
    NavBar {
        height: 1;
        padding: 0 1;
        background: $panel;
    }
    """

    def __init__(self, current: str) -> None:
        super().__init__(markup=False)
        self.current = current

    def on_mount(self) -> None:
        parts: list[Content | str | tuple[str, str]] = []
        for key, mode, label in PLACES:
            if parts:
                parts.append("  ")
            if mode == self.current:
                parts.append((f"▸{key} {label}", "bold reverse"))
            else:
                parts.append(f" {key} {label}")
        self.update(Content.assemble(*parts))
