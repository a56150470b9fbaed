"""A stick figure of an exercise, drawn in braille dots to fill the widget's size."""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from planner.figure import FAR, NEAR, PROPS, draw
from planner.models import Figure

#: How each layer of the drawing looks: the near side in full, the far side and props muted.
LAYER_LOOKS = {PROPS: "dim", FAR: "dim", NEAR: ""}


class FigureView(Widget):
    """One moment of an exercise: `t` 0 is its start pose, 1 its end pose."""

    DEFAULT_CSS = """
    FigureView {
        width: 30;
        height: 10;
    }
    """

    #: How far from the start pose to the end pose the figure is drawn (0..1).
    t: reactive[float] = reactive(0.0)

    def __init__(
        self,
        figure: Figure | None,
        t: float = 0.0,
        *,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.figure = figure
        self.set_reactive(FigureView.t, t)

    def show(self, figure: Figure | None, t: float = 0.0) -> None:
        """Draw another exercise's figure (the player's next exercise)."""
        self.figure = figure
        self.set_reactive(FigureView.t, t)
        self.refresh()

    def lines(self) -> list[str]:
        """The figure as plain text at the widget's size (what a test reads)."""
        if self.figure is None:
            return []
        size = self.content_size
        return draw(self.figure, self.t, size.width, size.height).lines()

    def render(self) -> Content:
        if self.figure is None:
            return Content("")
        size = self.content_size
        drawing = draw(self.figure, self.t, size.width, size.height)
        parts: list[Content] = []
        for index, row in enumerate(drawing.rows):
            if index:
                parts.append(Content("\n"))
            parts.extend(Content.styled(text, LAYER_LOOKS[layer]) for text, layer in row)
        return Content("").join(parts)
