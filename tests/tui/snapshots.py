"""Screen snapshots: the SVG Textual exports, compared with the one stored in snapshots/.

`pytest --snapshot-update` rewrites them; look at the changed ones (rsvg-convert to PNG) before
committing. On a mismatch the new SVG is written beside the old as NAME.actual.svg.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App
from textual.widgets import Input, TextArea

DIR = Path(__file__).parent / "snapshots"


def still(app: App) -> None:
    """No blinking cursors: a snapshot must not depend on the moment it was taken."""
    for widget in app.screen.query(Input):
        widget.cursor_blink = False
    for widget in app.screen.query(TextArea):
        widget.cursor_blink = False


def assert_snapshot(app: App, name: str, request: pytest.FixtureRequest) -> None:
    still(app)
    svg = app.export_screenshot(title="rehab")
    path = DIR / f"{name}.svg"
    actual = DIR / f"{name}.actual.svg"
    if request.config.getoption("--snapshot-update"):
        DIR.mkdir(exist_ok=True)
        path.write_text(svg)
        actual.unlink(missing_ok=True)
        return
    if not path.exists():
        pytest.fail(f"no stored snapshot {path.name}: run pytest --snapshot-update and look at it")
    if path.read_text() != svg:
        actual.write_text(svg)
        pytest.fail(f"{name} differs from its snapshot; see {actual}")
    actual.unlink(missing_ok=True)
