"""Data: where the file lives, its backups; back up now, restore, export, merge."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import DataTable, Input, Label, Static

import planner.formats as export_formats
from planner.text import screen_safe
from tui.parse import InputProblem
from tui.screens.base import MainScreen, asks
from tui.screens.modals import AskScreen, ConfirmScreen
from tui.text import literal
from tui.widgets.checklist import CheckList
from tui.widgets.text_fields import TextInput


def format_choices() -> list[tuple[str, str]]:
    """Each export format's name and what it is, as the dialog lists them (`planner.formats`):
    the one it starts on first, where the cursor starts, then the table's order."""
    rows = sorted(export_formats.EXPORT_FORMATS, key=lambda f: f.name != export_formats.SUGGESTED)
    return [(f.name, f.about) for f in rows]


def endings() -> dict[str, str]:
    """Each export format's file name ending."""
    return {f.name: f.ending for f in export_formats.EXPORT_FORMATS}


class ExportScreen(AskScreen[tuple[str, Path] | None]):
    """Pick a format and where to write it; the file is private (0600)."""

    OK = "Export"

    def __init__(self, now: datetime) -> None:
        super().__init__("Export")
        self.stamp = now.date().isoformat()

    def default_path(self, fmt: str) -> str:
        return str(Path.home() / f"rehab-{self.stamp}.{endings()[fmt]}")

    def fields(self) -> ComposeResult:
        yield CheckList(
            format_choices(), selected=[export_formats.SUGGESTED], single=True, id="format"
        )
        yield Label("Save as:")
        yield TextInput(self.default_path(export_formats.SUGGESTED), id="path", compact=True)

    @on(CheckList.Changed)
    def format_changed(self, event: CheckList.Changed) -> None:
        fmt = event.checklist.value or export_formats.SUGGESTED
        field = self.query_one("#path", Input)
        ending_of = endings()
        for ending in sorted(ending_of.values(), key=len, reverse=True):
            if field.value.endswith("." + ending):
                field.value = field.value[: -len(ending)] + ending_of[fmt]
                break

    def read(self) -> tuple[str, Path]:
        fmt = self.query_one("#format", CheckList).value or export_formats.SUGGESTED
        raw = self.query_one("#path", Input).value.strip()
        if not raw:
            raise InputProblem("Please give a file name.")
        path = Path(raw).expanduser().absolute()
        if path.is_dir() or not path.parent.is_dir():
            raise InputProblem(
                f"Cannot write there: {path.parent} is not a folder, or the name is a folder."
            )
        return fmt, path


class MergeScreen(AskScreen[Path | None]):
    """Which file to merge: another computer's data file, a conflict copy, or an export."""

    OK = "Merge"

    def __init__(self, suggested: Path | None) -> None:
        super().__init__(
            "Merge a file from another computer: every record of both is kept, and your "
            "file is backed up first."
        )
        self.suggested = suggested

    def fields(self) -> ComposeResult:
        yield Label("The file to merge:")
        yield TextInput(str(self.suggested or ""), id="merge-path", compact=True)

    def read(self) -> Path:
        raw = self.query_one("#merge-path", Input).value.strip()
        if not raw:
            raise InputProblem("Please give the file to merge.")
        path = Path(raw).expanduser().absolute()
        if not path.is_file():
            raise InputProblem(f"There is no file at {path}.")
        return path


def size_text(n: float) -> str:
    """A file size as a person reads it: bytes, KB or MB."""
    for unit in ("bytes", "KB", "MB"):
        if n < 1024 or unit == "MB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} bytes"


class DataScreen(MainScreen):
    """Data: where the file is, its size and records, its backups; back up, restore, export."""

    PLACE = "data"
    CSS_PATH = "data.tcss"
    BINDINGS = [
        Binding("b", "backup", "Back up now", tooltip="back up now"),
        Binding("r", "restore", "Restore selected", tooltip="restore the selected backup"),
        Binding(
            "e",
            "export",
            "Export",
            tooltip="export: report, spreadsheet, calendar, FHIR or everything",
        ),
        Binding(
            "m",
            "merge",
            "Merge a file…",
            tooltip="merge a file from another computer: every record of both is kept",
        ),
    ]

    def compose_body(self) -> ComposeResult:
        with Vertical(id="data-body"):
            yield Static(id="file", markup=False)
            yield Static(Content.styled("Backups (newest first)", "bold"))
            yield DataTable(id="backups", cursor_type="row")
            yield Static(
                "None yet: b makes one now, and one is made each day with its first save.",
                id="no-backups",
                markup=False,
            )
            yield Static(id="data-help", markup=False, classes="dim")

    async def on_mount(self) -> None:  # Textual runs MainScreen's too, after this one
        self.query_one(DataTable).add_columns("Backup", "Made", "Size")

    def refresh_view(self) -> None:
        repo = self.app.repo
        path = repo.path
        try:
            size = size_text(os.stat(path).st_size)
        except OSError:
            size = "not written yet"
        # Counted as stored: asking for the records would read and validate every one (most of
        # a second at ten years) just to count them.
        stored = repo.counts()
        counts = (
            f"{stored['sessions']} sessions · {stored['checkins']} check-ins · "
            f"{stored['stage_events']} stage events"
        )
        self.query_one("#file", Static).update(
            Content.assemble(
                ("Your data file", "bold"),
                "\n",
                literal(str(path)),  # a path may hold anything: REHAB_DATA, a synced folder
                f"\n{size} · {counts}\n",
                "Private: only you can read it (0600). Nothing leaves this computer.",
            )
        )
        table = self.query_one(DataTable)
        table.clear()
        backups = repo.backups()
        table.display = bool(backups)
        self.query_one("#no-backups").display = not backups
        self.offer(restore=bool(backups))  # r: only with a backup to put back
        for b in backups:
            stat = b.path.stat()
            table.add_row(
                Text(screen_safe(b.path.name)),
                # A daily copy's name has no time: it holds the file as the day began.
                Text(
                    f"{b.day.isoformat()} {b.at:%H:%M} · {b.reason}"
                    if b.reason != "daily"
                    else f"{b.day.isoformat()} · daily, as the day began"
                ),
                Text(size_text(stat.st_size)),
                key=str(b.path),
            )
        self.query_one("#data-help", Static).update(
            Content(
                "b makes a backup now · r puts the selected backup back (your current file is "
                "backed up first) · e exports a report for your physiotherapist, a spreadsheet, "
                "a calendar or everything · m merges a file from another computer."
            )
        )

    def action_backup(self) -> None:
        result = self.app.door.backup()
        if not self.app.said(result):
            return
        made = result.value
        self.notify(f"Backed up to {made}" if made else "Nothing to back up yet.", markup=False)
        self.refresh_view()

    @asks
    async def action_export(self) -> None:
        app = self.app
        target = await app.push_screen_wait(ExportScreen(app.now()))
        if target is None:
            return
        fmt, path = target
        from planner.formats import NothingToExport
        from store.atomic import write_out
        from store.export_stream import pieces
        from store.zone import local_zone

        # From the store the app holds: the file is never opened a second time (README, Your data).
        try:
            texts = pieces(fmt, app.repo, app.catalog, app.now(), None, local_zone())
            write_out(path, (text.encode() for text in texts))
        except (NothingToExport, OSError) as exc:
            self.notify(str(exc), severity="error", markup=False, timeout=10)
            return
        self.notify(f"Exported to {path}", markup=False, timeout=10)

    @asks
    async def action_merge(self) -> None:
        from store.conflicts import beside

        copies = beside(self.app.repo.path)
        path = await self.app.push_screen_wait(MergeScreen(copies[0] if copies else None))
        if path is not None:
            self.app.merge_from(path)

    @asks
    async def action_restore(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            self.notify("There is no backup yet.", markup=False)
            return
        # Each row is keyed by its backup's path (refresh_view).
        key = cast(str, table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        name = os.path.basename(key)
        if not await self.app.push_screen_wait(
            ConfirmScreen(
                f"Put back {name}? Your current file is backed up first, so nothing is lost.",
                "Restore",
                "Cancel",
            )
        ):
            return
        # The door carries every safety record the backup lacks into the file it restores: a
        # warning sign answered since is never undone by putting an old file back.
        if self.app.said(self.app.door.restore(key), done=f"Restored {name}."):
            self.app.refresh_views()
