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

`Seals` keeps a form's fields (and its lists) from taking keys typed after the one that sent
the form on, until the form has read them.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar, cast

from rich.text import Text
from textual import events
from textual.widget import Widget
from textual.widgets import TextArea

from planner.text import screen_safe
from tui.compat import KeysInOrder, ShownSafeInput

#: Format characters that are part of how text is written: emoji sequences, scripts that join.
JOINERS = frozenset("\u200c\u200d")


class Seals:
    """A field that takes no more keys once one has sent its form on, until the form has read
    it. A form lists the keys that send it on (`SEALS_ON`: Enter, ctrl+s, ctrl+n) and reads its
    fields in a handler marked `reads_fields`. Textual hands each key to the field that has
    the focus when the key arrives, and the form's handler runs later: typed fast, "1", Enter,
    "0" saved a pain of 10, and at the first run "10" days, ctrl+n, "4" (the next step's pain)
    kept an episode 4 days old. The keys typed after the one that sent the form on were meant
    for what comes next: they are dropped, as keys typed before a dialog is up are."""

    sealed = False
    #: Does Enter here send the form on? In a one-line field it submits it; in a list it moves
    #: to the next line, in a note it starts one.
    ENTER_SENDS = False

    async def on_key(self, event: events.Key) -> None:
        if self.sealed:
            event.stop()
            event.prevent_default()
        elif event.key in getattr(cast(Widget, self).screen, "SEALS_ON", ()) and (
            event.key != "enter" or self.ENTER_SENDS
        ):
            self.sealed = True  # and the key goes on: to submit, or up to the form's binding

    def on_focus(self, event: events.Focus) -> None:
        self.sealed = False  # the field was given the focus again: it is being typed in


def unseal(form: Widget) -> None:
    """The form has read its fields (or refused what they hold): they take keys again."""
    for field in form.query("*"):
        if isinstance(field, Seals):
            field.sealed = False


H = TypeVar("H", bound=Callable[..., Any])


def reads_fields(handler: H) -> H:
    """Mark a form's handler that reads its fields when a key sends the form on (`Seals`):
    however it ends (read, refused, gone on), its fields take keys again after it."""
    if inspect.iscoroutinefunction(handler):

        @functools.wraps(handler)
        async def run_async(self: Widget, *args: Any, **kwargs: Any) -> Any:
            try:
                return await handler(self, *args, **kwargs)
            finally:
                unseal(self)

        return cast(H, run_async)

    @functools.wraps(handler)
    def run(self: Widget, *args: Any, **kwargs: Any) -> Any:
        try:
            return handler(self, *args, **kwargs)
        finally:
            unseal(self)

    return cast(H, run)


class TextInput(Seals, ShownSafeInput):
    """A one-line field that keeps its value exactly as typed or pasted and draws it as
    `screen_safe` shows it (with the pinned Textual: tui/compat.py; Textual's own `Input` on
    any other)."""

    ENTER_SENDS = True


class WordsInput(TextInput):
    """An Input for free text that keeps joiners and draws control characters as pictures."""

    async def on_key(self, event: events.Key) -> None:
        if event.character in JOINERS and not self.sealed:  # a sealed field drops it (Seals)
            event.stop()
            event.prevent_default()
            self.insert_text_at_cursor(event.character)


class WordsArea(Seals, KeysInOrder, TextArea):
    """A TextArea for free text that keeps joiners and draws control characters as pictures."""

    async def on_key(self, event: events.Key) -> None:
        if event.character in JOINERS and not self.sealed:  # a sealed field drops it (Seals)
            event.stop()
            event.prevent_default()
            self.insert(event.character)

    def on_paste(self, event: events.Paste) -> None:
        # TextArea inserts the paste but lets it bubble on: an app that forwards it inserts twice.
        event.stop()

    def get_line(self, line_index: int) -> Text:
        """The line as drawn: one character for one, so the cursor and selection still fit."""
        return Text(screen_safe(self.document.get_line(line_index)), end="", no_wrap=True)
