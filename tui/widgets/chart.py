"""The charts' common part: a plotext plot (textual-plotext) fed one value, its chart data.

Importing this module imports plotext, so the screens that chart import it when they are first
shown, never at start (tests/unit/test_start_imports.py)."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Generic, TypeVar

from rich.text import Text
from textual_plotext import Plot, PlotextPlot

from tui.compat import plot_theme, size_plot

Data = TypeVar("Data", bound=Hashable)


class Chart(PlotextPlot, Generic[Data]):
    """A chart of one value (`update(data)`): drawn again only when the data, the size or the
    theme change, so a redraw of the screen around it costs nothing. plotext's output is read
    as ANSI into a Text, never as markup."""

    DEFAULT_CSS = """
    Chart {
        height: 10;
    }
    """

    #: What the chart says while it has nothing to draw.
    EMPTY = "Nothing to chart yet."

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.data: Data | None = None
        self._drawn: tuple[object, Text] | None = None

    def update(self, data: Data) -> None:
        """Chart `data` (the same data again changes nothing)."""
        if data != self.data:
            self.data = data
            self.refresh()

    def has_points(self, data: Data) -> bool:
        """Whether `data` has anything to draw (else the chart says `EMPTY`)."""
        return True

    def draw(self, plt: Plot, data: Data, width: int, height: int) -> None:
        """Draw `data` on the cleared plot `plt` of `width` × `height` cells."""
        raise NotImplementedError

    def render(self) -> Text:
        if self.data is None or not self.has_points(self.data):
            return Text(self.EMPTY)
        width, height = self.size.width, self.size.height
        theme = plot_theme(self, self.app.theme)
        key = (self.data, width, height, theme)
        if self._drawn is None or self._drawn[0] != key:
            plt = self.plt
            plt.clear_figure()
            size_plot(plt, width, height)
            plt.theme(theme)
            self.draw(plt, self.data, width, height)
            self._drawn = (key, Text.from_ansi(plt.build(), no_wrap=True))
        return self._drawn[1]
