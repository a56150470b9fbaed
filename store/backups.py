"""Copies of the data file in `backups/` beside it: one a day, and one before anything drastic.

- `rehab-2026-11-20.json` — the file as it stood before the first write of that day;
- `rehab-2026-11-20-103000-before-migrate.json` — taken before a migrate, import or restore
  (or `-manual` for "backup now").

The newest `KEEP` are kept. Backups are 0600 in a 0700 directory, written atomically. The clock
is always passed in, and names the backups; their order is the order they were made in (each
one's modification time is set after every other's), so a clock that jumped, and names dated
in the future, can never make an older copy pass for the newest.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from store.atomic import ensure_private_dir, read_bytes, write_atomic
from store.paths import backup_dir

KEEP = 14


@dataclass(frozen=True, order=True)
class Backup:
    """One backup file; sorts oldest first by when it was made (then by its name)."""

    made: int  # nanoseconds: its modification time, kept in the order backups were made
    day: date
    at: time
    path: Path
    reason: str

    @property
    def name(self) -> str:
        """The file's name, as lists of backups show it."""
        return self.path.name


def _pattern(data_path: Path) -> re.Pattern[str]:
    stem = re.escape(data_path.stem)
    return re.compile(
        rf"^{stem}-(?P<day>\d{{4}}-\d{{2}}-\d{{2}})"
        rf"(?:-(?P<at>\d{{6}})(?:\.(?P<n>\d+))?-(?P<reason>[a-z-]+))?\.json$"
    )


def list_backups(data_path: Path) -> list[Backup]:
    """This file's backups, newest first."""
    directory = backup_dir(data_path)
    try:
        names = [p.name for p in directory.iterdir()]
    except (FileNotFoundError, NotADirectoryError):
        return []
    pattern = _pattern(data_path)
    found: list[Backup] = []
    for name in names:
        match = pattern.match(name)
        if match is None:
            continue
        try:
            day = date.fromisoformat(match["day"])
            # A daily copy holds the file as it stood when the day began.
            at = datetime.strptime(match["at"], "%H%M%S").time() if match["at"] else time.min
            made = (directory / name).stat().st_mtime_ns
        except (ValueError, OSError):
            continue
        found.append(Backup(made, day, at, directory / name, match["reason"] or "daily"))
    return sorted(found, reverse=True)


def newest_backup(data_path: Path) -> Path | None:
    """The newest backup of this file, if any."""
    backups = list_backups(data_path)
    return backups[0].path if backups else None


def daily_backup(data_path: Path, today: date) -> Path | None:
    """Copy the file as it is now to `rehab-<today>.json` unless today's copy exists already.

    Call before the write that would change it. Returns the new backup, or None if none was made.
    """
    target = backup_dir(data_path) / f"{data_path.stem}-{today.isoformat()}.json"
    if target.exists():
        return None
    return _copy(data_path, target)


def backup_now(
    data_path: Path, now: datetime, reason: str, data: bytes | None = None
) -> Path | None:
    """Copy the file as it is now, named for `now` and `reason` (`before-restore`, `manual`…).

    `data`, when given, is what to keep instead of the file's bytes (the file with a running
    writer's journal folded in). Returns the backup, or None when there is no file to copy.
    """
    if not re.fullmatch(r"[a-z]+(-[a-z]+)*", reason):
        raise ValueError(f"a backup reason is lower-case words joined by '-', got {reason!r}")
    stamp = f"{data_path.stem}-{now:%Y-%m-%d-%H%M%S}"
    return _copy(data_path, _unused(backup_dir(data_path), stamp, f"-{reason}.json"), data)


def _unused(directory: Path, stamp: str, tail: str) -> Path:
    """`stamp + tail` in `directory`, or `stamp.2 + tail`, `.3`…: a backup never replaces
    another (two imports in the same second kept only the second's)."""
    target, n = directory / f"{stamp}{tail}", 1
    while target.exists():
        n += 1
        target = directory / f"{stamp}.{n}{tail}"
    return target


def keep_aside(data_path: Path, data: bytes, now: datetime, label: str = "damaged") -> Path:
    """Save bytes that must not be used but must not be lost either: a damaged file before it
    is replaced, or a journal that is not of its file (`label` says which). Never pruned,
    never offered for a restore."""
    target = _unused(
        backup_dir(data_path), f"{data_path.stem}.{label}-{now:%Y-%m-%d-%H%M%S}", ".json"
    )
    ensure_private_dir(target.parent)
    write_atomic(target, data)
    return target


def copy_temps(data_path: Path) -> Callable[[str], bool]:
    """Picks the temp files a crash left in `backups/` while copying this file (another data
    file's, sharing the folder, are left alone), for `store.atomic.remove_stray_temps`."""
    mine = (f".{data_path.stem}-", f".{data_path.name}.")
    return lambda name: name.startswith(mine) and ".tmp-" in name


def prune(data_path: Path, keep: int = KEEP) -> list[Path]:
    """Delete all but the newest `keep` backups of this file; returns what was deleted."""
    removed: list[Path] = []
    for backup in list_backups(data_path)[keep:]:
        with contextlib.suppress(FileNotFoundError):
            backup.path.unlink()
            removed.append(backup.path)
    return removed


def _copy(data_path: Path, target: Path, data: bytes | None = None) -> Path | None:
    data = read_bytes(data_path) if data is None else data
    if data is None:
        return None
    ensure_private_dir(target.parent)
    write_atomic(target, data)
    _made_last(data_path, target)
    prune(data_path)
    return target


def _made_last(data_path: Path, target: Path) -> None:
    """Give `target` a modification time after every other backup's, so it is the newest
    whatever the clock says (after the clock went back, the system's time would be older)."""
    others = [b.made for b in list_backups(data_path) if b.path != target]
    mine = target.stat().st_mtime_ns
    if others and mine <= max(others):
        later = max(others) + 1_000_000  # a millisecond on (a coarser filesystem ties: by name)
        os.utime(target, ns=(later, later))
