"""Fields for the person's own words: every character they type is kept as typed.

Textual inserts a typed key only when `str.isprintable()` says so, and the zero-width joiner
and non-joiner are format characters (Cf), which it says are not: "🧘‍♀️" arrived as "🧘♀️". These
fields insert those two as well (variation selectors are printable already). Control characters
are still never inserted; what reaches the screen goes through `tui.text.literal`.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input, TextArea

#: Format characters that are part of how text is written: emoji sequences, scripts that join.
JOINERS = frozenset("\u200c\u200d")


class WordsInput(Input):
    """An Input for free text that keeps joiners."""

    async def on_key(self, event: events.Key) -> None:
        if event.character in JOINERS:
            event.stop()
            event.prevent_default()
            self.insert_text_at_cursor(event.character)


class WordsArea(TextArea):
    """A TextArea for free text that keeps joiners."""

    async def on_key(self, event: events.Key) -> None:
        if event.character in JOINERS:
            event.stop()
            event.prevent_default()
            self.insert(event.character)
