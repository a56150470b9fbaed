"""Fields for the person's own words: every character they type or paste is kept as it came.

Textual inserts a typed key only when `str.isprintable()` says so, and the zero-width joiner
and non-joiner are format characters (Cf), which it says are not: "🧘‍♀️" arrived as "🧘♀️". These
fields insert those two as well (variation selectors are printable already). A paste is kept
exactly, control characters and all; the fields draw their text through
`planner.text.screen_safe`, as everything else on the screen is drawn, so none of it reaches
the terminal raw.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.widgets import TextArea

from planner.text import screen_safe
from tui.compat import ShownSafeInput

#: Format characters that are part of how text is written: emoji sequences, scripts that join.
JOINERS = frozenset("\u200c\u200d")


class WordsInput(ShownSafeInput):
    """An Input for free text that keeps joiners and draws control characters as pictures."""

    async def on_key(self, event: events.Key) -> None:
        if event.character in JOINERS:
            event.stop()
            event.prevent_default()
            self.insert_text_at_cursor(event.character)


class WordsArea(TextArea):
    """A TextArea for free text that keeps joiners and draws control characters as pictures."""

    async def on_key(self, event: events.Key) -> None:
        if event.character in JOINERS:
            event.stop()
            event.prevent_default()
            self.insert(event.character)

    def on_paste(self, event: events.Paste) -> None:
        # TextArea inserts the paste but lets it bubble on: an app that forwards it inserts twice.
        event.stop()

    def get_line(self, line_index: int) -> Text:
        """The line as drawn: one character for one, so the cursor and selection still fit."""
        return Text(screen_safe(self.document.get_line(line_index)), end="", no_wrap=True)
