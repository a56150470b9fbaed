"""Draw every exercise's start and end pose on one page, docs/exercises.svg, to look at them
all against their steps: python scripts/contact_sheet.py [OUT.svg]"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from textual.app import App, ComposeResult
from textual.containers import Grid, Horizontal, Vertical
from textual.content import Content
from textual.widgets import Static

from seeds import load_catalog
from tui.widgets.figure import FigureView

OUT = Path(__file__).resolve().parents[1] / "docs" / "exercises.svg"
COLUMNS = 2
CELL_WIDTH = 66  # two 30-column figures, an arrow and a margin
CELL_HEIGHT = 12  # the name and a 10-row figure, and a blank line


class ContactSheet(App):
    """Each exercise: its name and position, its start pose → its end pose."""

    CSS = f"""
    Grid {{
        grid-size: {COLUMNS};
        grid-columns: {CELL_WIDTH};
        grid-rows: {CELL_HEIGHT};
        padding: 0 1;
    }}
    .name {{ height: 1; text-style: bold; }}
    .poses {{ height: 10; }}
    .arrow {{ width: 4; height: 10; content-align: center middle; }}
    """

    def compose(self) -> ComposeResult:
        catalog = load_catalog()
        with Grid():
            for ex in catalog.exercises.values():
                figure = catalog.figures[ex.id]
                with Vertical():
                    yield Static(
                        Content.assemble(
                            (ex.name, "bold"), (f"  {ex.id} · {figure.start.base}", "dim")
                        ),
                        classes="name",
                    )
                    with Horizontal(classes="poses"):
                        yield FigureView(figure, 0.0)
                        yield Static(Content("→"), classes="arrow")
                        yield FigureView(figure, 1.0)


def rows_needed(count: int) -> int:
    return -(-count // COLUMNS) * CELL_HEIGHT


async def shoot(out: Path) -> None:
    count = len(load_catalog().exercises)
    app = ContactSheet()
    async with app.run_test(size=(COLUMNS * CELL_WIDTH + 2, rows_needed(count))) as pilot:
        await pilot.pause()
        svg = app.export_screenshot(title="rehab: every exercise, start → end")
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(svg)


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    asyncio.run(shoot(target))
    print(f"saved {target}")
