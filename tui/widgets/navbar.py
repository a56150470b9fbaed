"""The row of places at the top: which one you are in is marked, not only coloured."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from tui.places import PLACES


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
        for place in PLACES:
            if parts:
                parts.append("  ")
            if place.name == self.current:
                parts.append((f"▸{place.key} {place.label}", "bold reverse"))
            else:
                parts.append(f" {place.key} {place.label}")
        self.update(Content.assemble(*parts))
