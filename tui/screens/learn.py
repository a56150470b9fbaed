"""Learn: every education card in full, with the articles and guidelines it rests on."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from planner.models import Catalog, EducationCard
from tui.screens.base import RehabModal


def cited(catalog: Catalog, source: str) -> str:
    """A card's source as a person reads it: a guideline by name, an article by its title and
    file name (the file name is the citation)."""
    if source.startswith("guideline:"):
        return source.removeprefix("guideline:")
    title, _ = catalog.source(source)
    return f"{title} (article {source.split('_')[0]})"


def card_text(catalog: Catalog, card: EducationCard) -> Content:
    """A whole card: its title, its paragraphs and its sources."""
    return Content.assemble(
        (card.title, "bold"),
        "\n",
        "\n\n".join(card.body),
        "\n",
        ("Sources: " + "; ".join(cited(catalog, s) for s in card.sources), "dim"),
    )


class LearnScreen(RehabModal[None]):
    """Every card of the catalog, in the catalog's order (Library, key l)."""

    BINDINGS = [Binding("escape,q,l", "close", "Close")]

    def __init__(self, catalog: Catalog) -> None:
        super().__init__()
        self.catalog = catalog

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help", id="learn"):
            yield Static(Content.styled("Learn: short reading about your back", "bold"))
            for card in self.catalog.cards.values():
                yield Static(card_text(self.catalog, card), classes="card", markup=False)
            yield Static(Content("Esc closes this list."), classes="dim")

    def action_close(self) -> None:
        self.dismiss(None)
