"""User text on screen: always literal, never markup, never raw terminal control codes."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.content import Content

from planner.text import screen_safe


def literal(text: str) -> Content:
    """A Content that shows `text` exactly as typed: no markup, no escapes reach the terminal."""
    return Content(screen_safe(text))


def bullet_list(heading: str, items: list[str]) -> Group:
    """A heading and a bulleted list whose long items wrap under their own first word (a hanging
    indent), not back under the bullet. Every piece is literal text."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=3, no_wrap=True)  # "  •"
    grid.add_column(ratio=1)
    for item in items:
        grid.add_row(Text("  •"), Text(screen_safe(item)))
    return Group(Text(screen_safe(heading)), grid)
