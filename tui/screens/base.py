"""What the five main places share: header, the row of places, footer, refresh on return."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header

from tui.widgets.footer import Footer
from tui.widgets.navbar import NavBar


class MainScreen(Screen):
    """A main place. Subclasses give `PLACE`, `compose_body()` and `refresh_view()`."""

    PLACE = ""
    BINDINGS = [Binding("c", "app.checkin", "Check in")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar(self.PLACE)
        yield from self.compose_body()
        yield Footer()

    def compose_body(self) -> ComposeResult:
        raise NotImplementedError

    def on_screen_resume(self) -> None:
        # Sent when first shown too (after mount), so this is the one place to redraw.
        self.refresh_view()

    def refresh_view(self) -> None:
        """Read what is needed from the app and redraw. Called on mount and on every return."""
