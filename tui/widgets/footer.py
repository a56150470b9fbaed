"""Textual's footer, minus work it repeats when a screen appears: the same keys, built once."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey


class Footer(TextualFooter):
    """Looks and acts as Textual's `Footer` (8.2.8), which rebuilds all its keys (and so lays
    out and paints the screen again) for every binding change, seven times while History opens,
    and restyles each new key twice (a key's `compact` starts True, then the footer's False is
    bound to it). Here the keys are first built once the screen is shown (its place has drawn
    itself by then), then again only when the bindings differ from those shown, at most once
    per burst of changes; each bound key starts with the footer's `compact`: styled once."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._rebuild_pending = False
        self._built_for: tuple[object, ...] | None = None  # the bindings the keys show

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            # The palette's key is not bound to the footer's `compact`: it keeps its own.
            if isinstance(widget, FooterKey) and not widget.has_class("-command-palette"):
                widget.set_reactive(FooterKey.compact, self.compact)
            yield widget

    def bindings_changed(self, screen: Screen) -> None:
        # Textual's, with one rebuild scheduled at a time, and soon rather than after the next
        # paint: it reads the bindings as they are when it runs, so changes until then are in it.
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_later(self._rebuild)

    async def _rebuild(self) -> None:
        self._rebuild_pending = False
        if not self.screen.stack_updates:
            return  # not shown yet: the screen's first resume brings the bindings it starts with
        # Most changes (focus moving, a screen coming back) leave the keys as they are.
        shown = tuple((key, binding, enabled, tooltip) for key, (_, binding, enabled, tooltip)
                      in self.screen.active_bindings.items())
        if shown != self._built_for:
            self._built_for = shown
            await self.recompose()
