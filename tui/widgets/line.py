"""A line of a place, drawn from the one value its screen holds (bound with `data_bind`)."""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING

from rich.console import RenderableType
from textual.content import Content
from textual.reactive import var
from textual.widgets import Static

if TYPE_CHECKING:
    from planner.advice import Standing
    from planner.models import Catalog


def content_key(content: Content) -> Hashable:
    """What a Content shows, styles included (Content's own == compares the text only)."""
    return content.plain, tuple(content.spans)


class Line(Static):
    """A Static whose text comes from a value: `show` puts it up, and the same text again
    costs nothing (no layout), so a redraw of the whole place only repaints what changed."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, markup=False)
        self._key: Hashable = None

    def show(self, content: Content | None) -> None:
        """Show `content`, or hide the line when None."""
        self.display = content is not None
        if content is not None:
            self.show_renderable(content, content_key(content))

    def show_renderable(self, renderable: RenderableType | Content, key: Hashable) -> None:
        """Show a renderable, redrawn only when `key` (what it was made from) changed."""
        self.display = True
        if key != self._key:
            self._key = key
            self.update(renderable)


class StandingLine(Line):
    """A line of a place drawn from the `Standing` its screen holds, with the catalog at hand
    (Today's and Progress's lines)."""

    #: Where the person stands now, bound to the screen's `standing`.
    standing: var[Standing | None] = var(None)

    def __init__(
        self, catalog: Catalog, *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.catalog = catalog
