"""One shape for a place's commands in the palette (ctrl+p): a list of (name, callback, help).

A place lists what it offers in `commands()`; searching and discovery are the same for every
place. Names are ours but may hold brackets (an exercise's alias), so they are shown as
literal text, never read as markup (`matcher.highlight()` would read them as markup).
"""

from __future__ import annotations

from collections.abc import Callable

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

#: A command: its name in the palette, what it does, and one line of help.
Command = tuple[str, Callable[[], object], str]


class PlaceCommands(Provider):
    """A place's commands. Subclasses give `commands()` and how many open the palette."""

    #: How many of `commands()` (from the first) show before anything is typed.
    DISCOVER: int | None = None

    def commands(self) -> list[Command]:
        """Everything this place offers, for the screen now shown (empty elsewhere)."""
        raise NotImplementedError

    async def search(self, query: str) -> Hits:
        """The commands whose names match what was typed, as literal text."""
        matcher = self.matcher(query)
        for name, callback, help_text in self.commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, Content(name), callback, text=name, help=help_text)

    async def discover(self) -> Hits:
        """The first DISCOVER commands, shown before anything is typed."""
        for name, callback, help_text in self.commands()[: self.DISCOVER]:
            yield DiscoveryHit(Content(name), callback, text=name, help=help_text)

    def run_action(self, action: str) -> Callable[[], object]:
        """A callback that runs one of the screen's actions, as its key would."""
        screen = self.screen

        async def run() -> None:
            await screen.run_action(action)

        return run
