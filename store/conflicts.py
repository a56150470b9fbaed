"""Copies of the data file that a sync tool left beside it when two computers wrote it between
two syncs (Syncthing, Dropbox, Nextcloud and ownCloud each name them their own way). rehab
notices them (`beside`), and once one is merged (`rehab merge`, `m` on Today) moves it into
backups/ (`put_away`) so the folder is clean. Nothing here reads what a copy holds."""

from __future__ import annotations

import contextlib
import os
import re
from datetime import datetime
from pathlib import Path

from store.atomic import ensure_private_dir, fsync_dir
from store.paths import backup_dir, real_data_path

#: What each sync tool puts between the file's stem and its ending:
#: Syncthing `rehab.sync-conflict-20261206-081500-ABCDEFG.json`; Dropbox
#: `rehab (Sam's conflicted copy 2026-12-06).json`; Nextcloud
#: `rehab (conflicted copy 2026-12-06 081500).json`; ownCloud `rehab_conflict-20261206-081500.json`.
MARKS = (
    r"\.sync-conflict-\d{8}-\d{6}-[A-Za-z0-9]+",
    r" \([^()/]*conflicted copy[^()/]*\)(?: \(\d+\))?",
    r"_conflict-\d{8}-\d{6}",
)


def _pattern(data_path: Path) -> re.Pattern[str]:
    stem, suffix = re.escape(data_path.stem), re.escape(data_path.suffix)
    return re.compile(f"{stem}(?:{'|'.join(MARKS)}){suffix}", re.IGNORECASE)


def is_copy_of(data_path: Path, candidate: Path) -> bool:
    """Is `candidate` a sync tool's conflict copy of the data file, lying beside it?"""
    real = real_data_path(data_path)
    return (
        candidate.parent.resolve() == real.parent
        and _pattern(real).fullmatch(candidate.name) is not None
    )


def beside(data_path: Path) -> list[Path]:
    """The conflict copies of the data file in its folder, oldest name first; [] when none
    (or the folder cannot be read). One listing of the folder: cheap at every start."""
    real = real_data_path(data_path)
    pattern = _pattern(real)
    try:
        with os.scandir(real.parent) as entries:
            names = [e.name for e in entries if pattern.fullmatch(e.name) and e.is_file()]
    except OSError:
        return []
    return [real.parent / name for name in sorted(names)]


def put_away(data_path: Path, copy: Path, now: datetime) -> Path | None:
    """Move a merged conflict copy into backups/ (kept, 0600, never offered for a restore);
    None when `copy` is not one lying beside the data file (an export elsewhere stays where
    it is)."""
    if not copy.exists() or not is_copy_of(data_path, copy):
        return None
    folder = backup_dir(real_data_path(data_path))
    ensure_private_dir(folder)
    target = folder / f"merged-{now:%Y-%m-%d-%H%M%S}-{copy.name}"
    with contextlib.suppress(OSError):
        os.chmod(copy, 0o600)
    os.replace(copy, target)
    fsync_dir(folder)
    fsync_dir(copy.parent)
    return target


__all__ = ["MARKS", "beside", "is_copy_of", "put_away"]
