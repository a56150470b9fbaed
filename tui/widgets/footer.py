"""Textual's footer, minus work it repeats when a screen appears: the same keys, built once."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey


class Footer(TextualFooter):
    """Looks and acts as Textual's `Footer` (8.2.8), which rebuilds all its keys for every
    binding change (seven times while History opens) and restyles each new key twice (a key's
    `compact` starts True, then the footer's False is bound to it). Here a burst of changes
    rebuilds once, and each bound key starts with the footer's `compact`: styled once."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._rebuild_pending = False

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            # The palette's key is not bound to the footer's `compact`: it keeps its own.
            if isinstance(widget, FooterKey) and not widget.has_class("-command-palette"):
                widget.set_reactive(FooterKey.compact, self.compact)
            yield widget

    def bindings_changed(self, screen: Screen) -> None:
        # Textual's, with one rebuild scheduled at a time: it reads the bindings as they are
        # when it runs, so changes that arrive before it are in it.
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._rebuild_pending = False
        await self.recompose()
