"""One door for every change: screens and commands change records only through `door/`.

Read from the source, so a new screen or command that writes through the repository (or calls
the store's whole-file writers) turns this red before anyone runs it.
"""

from __future__ import annotations

import ast
import inspect
import subprocess
import sys
from pathlib import Path

import store.repository
from store.repository import Repository

ROOT = Path(__file__).resolve().parents[2]

#: Every Repository method that writes: found from the class, so a new one is covered too.
READS = {
    "path",
    "readonly",
    "open",
    "close",
    "notices",
    "storage",
    "meta",
    "is_new",
    "profile",
    "screenings",
    "alarms_ended",
    "latest_screening",
    "safety_records",
    "clearances",
    "plan",
    "plans",
    "active_plan",
    "session",
    "sessions",
    "recent_history",
    "checkins",
    "bouts",
    "walks",
    "stage_events",
    "psfs",
    "psfs_on_demand",
    "latest_psfs",
    "check_all",
    "documents",
    "counts",
    "backups",
    "live_since",
    "archive_years",
    "day_sums",
    "walk_history",
    "walk_history_folded",
    "sessions_of_year",
    "read_ahead",  # decodes what a later read will ask for: writes nothing
}
WRITES = {
    name
    for name, _ in inspect.getmembers(Repository)
    if not name.startswith("_") and name not in READS
}
#: The store's own functions that replace or copy the file: only door.files calls them.
FILE_WRITERS = {"restore", "write_documents", "backup"}


def test_the_repository_writers_are_the_ones_this_test_knows():
    """A new Repository method is a write until this test is told it is a read."""
    assert {"save", "save_session", "save_plan", "restore", "backup_now", "record_checkin"} <= (
        WRITES
    )
    assert not WRITES & READS


def _calls(path: Path) -> list[tuple[int, str]]:
    """`something.repo.NAME(...)` / `repo.NAME(...)` for a write NAME, and calls of the store's
    file writers, in one file."""
    tree = ast.parse(path.read_text(), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner, name = node.func.value, node.func.attr
            owner_name = getattr(owner, "attr", None) or getattr(owner, "id", "")
            if owner_name == "repo" and name in WRITES:
                found.append((node.lineno, f"repo.{name}"))
        if isinstance(node, ast.ImportFrom) and node.module in ("store", "store.repository"):
            for alias in node.names:
                if alias.name in FILE_WRITERS:
                    found.append((node.lineno, f"from {node.module} import {alias.name}"))
    return found


def test_no_screen_or_command_writes_through_the_repository():
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {what}"
        for folder in ("tui", "rehab")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for line, what in _calls(path)
    ]
    assert offenders == []


def test_the_check_finds_a_write_when_there_is_one(tmp_path):
    """The scan above can fail: it finds each way a screen could write."""
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from store.repository import restore\n"
        "def f(self, app, repo):\n"
        "    self.app.repo.save_session(1)\n"
        "    repo.save(2)\n"
        "    app.repo.backup_now()\n"
        "    app.repo.sessions()\n"
    )
    assert [what for _, what in _calls(bad)] == [
        "from store.repository import restore",
        "repo.save_session",
        "repo.save",
        "repo.backup_now",
    ]


def test_the_door_imports_neither_textual_nor_the_command_line():
    code = (
        "import sys, door, door.files; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rehab', 'tui')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_store_file_writers_still_exist():
    """The names FILE_WRITERS guards are the store's real ones (a rename would blind the scan)."""
    for name in FILE_WRITERS:
        assert callable(getattr(store.repository, name))
