"""Data: where the file lives, its backups; back up now, restore, export."""

from __future__ import annotations

import os

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import DataTable, Static

from tui.screens.base import MainScreen
from tui.screens.modals import ConfirmScreen


def size_text(n: int) -> str:
    for unit in ("bytes", "KB", "MB"):
        if n < 1024 or unit == "MB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} bytes"


class DataScreen(MainScreen):
    PLACE = "data"
    CSS_PATH = "data.tcss"
    BINDINGS = [
        Binding("b", "backup", "Back up now"),
        Binding("r", "restore", "Restore selected"),
    ]

    def compose_body(self) -> ComposeResult:
        with Vertical(id="data-body"):
            yield Static(id="file", markup=False)
            yield Static(Content.styled("Backups (newest first)", "bold"))
            yield DataTable(id="backups", cursor_type="row")
            yield Static(id="data-help", markup=False, classes="dim")

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("Backup", "Made", "Size")

    def refresh_view(self) -> None:
        repo = self.app.repo
        path = repo.path
        try:
            size = size_text(os.stat(path).st_size)
        except OSError:
            size = "not written yet"
        counts = (f"{len(repo.sessions())} sessions · {len(repo.checkins())} check-ins · "
                  f"{len(repo.stage_events())} stage events")
        self.query_one("#file", Static).update(Content.assemble(
            ("Your data file", "bold"), "\n", str(path), f"\n{size} · {counts}\n",
            "Private: only you can read it (0600). Nothing leaves this computer."))
        table = self.query_one(DataTable)
        table.clear()
        for b in repo.backups():
            stat = b.path.stat()
            table.add_row(Text(b.path.name), Text(f"{b.day.isoformat()} {b.at:%H:%M} · {b.reason}"),
                          Text(size_text(stat.st_size)), key=str(b.path))
        self.query_one("#data-help", Static).update(Content(
            "b makes a backup now · r puts the selected backup back (your current file is "
            "backed up first). From a shell: rehab export --format md|csv|json|ics."))

    def action_backup(self) -> None:
        made = self.app.repo.backup_now()
        self.notify(f"Backed up to {made}" if made else "Nothing to back up yet.",
                    markup=False)
        self.refresh_view()

    @work
    async def action_restore(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            self.notify("There is no backup yet.", markup=False)
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        name = os.path.basename(key)
        if not await self.app.push_screen_wait(ConfirmScreen(
                f"Put back {name}? Your current file is backed up first, so nothing is lost.",
                "Restore", "Cancel")):
            return
        try:
            self.app.repo.restore(key)
        except Exception as exc:  # a damaged backup is refused with its one-line reason
            self.notify(str(exc), severity="error", markup=False, timeout=10)
            return
        self.notify(f"Restored {name}.", markup=False)
        self.refresh_view()
