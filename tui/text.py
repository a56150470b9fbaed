"""User text on screen: always literal, never markup, never raw terminal control codes."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.content import Content

# C0 controls (but newline and tab) and DEL become their visible Unicode pictures: ESC → ␛.
_PICTURES = {code: 0x2400 + code for code in range(0x20) if chr(code) not in "\n\t"}
_PICTURES[0x7F] = 0x2421
# C1 controls (0x80–0x9F) can also start escape sequences in some terminals.
_PICTURES.update({code: 0xFFFD for code in range(0x80, 0xA0)})


def screen_safe(text: str) -> str:
    """Text with control characters turned into their visible pictures (ESC shows as ␛), so
    typed text can never drive the terminal. Exports use `planner.export.export_safe`, which
    writes U+FFFD instead: a file is read by other programs, not by eye."""
    return text.translate(_PICTURES)


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
