"""A scrollbar thumb drawn in whole cells.

Textual draws a thumb's ends as partial blocks (▁▂▃…▇) for smoothness. On our dim track those
ends read as stray chart fragments beside History's pain chart, and a screen reader or a plain
capture shows them as text. Whole cells cannot be mistaken for data. `ScrollBar.renderer` is
Textual's public hook for this (see textual.scrollbar.ScrollBar).
"""

from __future__ import annotations

from typing import ClassVar

from textual.scrollbar import ScrollBar, ScrollBarRender


class WholeCellThumb(ScrollBarRender):
    """The stock renderer with every partial end glyph blank: the thumb is whole cells only."""

    VERTICAL_BARS: ClassVar[list[str]] = [" "] * 8
    HORIZONTAL_BARS: ClassVar[list[str]] = [" "] * 8


def use_whole_cell_thumbs() -> None:
    """Draw every scrollbar of the app with `WholeCellThumb`."""
    ScrollBar.renderer = WholeCellThumb
