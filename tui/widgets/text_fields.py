"""The app's text fields: every character typed or pasted is kept as it came, and drawn as
`planner.text.screen_safe` shows it, as everything else on the screen is drawn, so none of it
reaches the terminal raw (a pasted ESC left stale lines, a bidi override reordered a field).
Screens and widgets build their fields from here, never from Textual's bare `Input` or
`TextArea`: tests/unit/test_one_field.py reads the source for it.

`TextInput` is the one-line field: a pain, a date, minutes, a file's path. For the person's
own words: Textual inserts a typed key only when `str.isprintable()` says so, and the
zero-width joiner and non-joiner are format characters (Cf), which it says are not: "🧘‍♀️"
arrived as "🧘♀️". `WordsInput` and `WordsArea` insert those two as well (variation selectors
are printable already).
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.widgets import TextArea

from planner.text import screen_safe
from tui.compat import KeysInOrder, ShownSafeInput

#: Format characters that are part of how text is written: emoji sequences, scripts that join.
JOINERS = frozenset("\u200c\u200d")


class TextInput(ShownSafeInput):
    """A one-line field that keeps its value exactly as typed or pasted and draws it as
    `screen_safe` shows it (with the pinned Textual: tui/compat.py; Textual's own `Input` on
    any other)."""


class WordsInput(TextInput):
    """An Input for free text that keeps joiners and draws control characters as pictures."""

    async def on_key(self, event: events.Key) -> None:
        if event.character in JOINERS:
            event.stop()
            event.prevent_default()
            self.insert_text_at_cursor(event.character)


class WordsArea(KeysInOrder, TextArea):
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
