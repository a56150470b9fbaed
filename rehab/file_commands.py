"""`rehab import` and `rehab merge`: another file's records into the data file, through the door.
Neither imports textual."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TextIO

from planner.clock import Clock
from planner.text import screen_safe
from rehab.commands import CommandError, done, sessions_stopped

_TABLE_WORDS = (
    ("sessions", "sessions"),
    ("checkins", "check-ins"),
    ("stage_events", "stage events"),
    ("plans", "plans"),
    ("psfs", "PSFS ratings"),
    ("screenings", "red-flag screens"),
    ("clearances", "doctor clearances"),
)


def cmd_merge(args: argparse.Namespace, out: TextIO, clock: Clock) -> int:
    """`rehab merge FILE`: another computer's copy of the data file (or a conflict copy, or an
    export) merged into this one; a bad file is refused in one line and nothing changes."""
    from door.files import merge_file, merged_words, read_incoming
    from seeds import load_catalog
    from store import resolve_data_path

    source = Path(os.path.abspath(Path(args.path).expanduser()))
    path = resolve_data_path(args.data)
    tables = done(read_incoming(source))
    merging = done(merge_file(path, tables, source, clock=clock, catalog=load_catalog()))
    lines = [f"Merged {source}", f"    into {path}: from it, {merged_words(merging.merged)}."]
    out.writelines(screen_safe(f"{line}\n") for line in lines + merging.lines(path))
    out.write(screen_safe(sessions_stopped(path, clock)))
    return 0


def cmd_import(args: argparse.Namespace, out: TextIO, clock: Clock) -> int:
    """`rehab import FILE`: check a whole-file export, back up the current file, then replace it;
    a bad file is refused in one line and nothing changes."""
    from door.files import import_file
    from seeds import load_catalog
    from store import resolve_data_path
    from store.schema import Damage
    from store.storage import parse_tables

    source = Path(os.path.abspath(Path(args.path).expanduser()))
    path = resolve_data_path(args.data)
    if source.is_dir():
        raise CommandError(f"{source} is a folder: give the JSON file made by rehab export.")
    try:
        raw = source.read_bytes()
    except FileNotFoundError:
        raise CommandError(f"{source} does not exist: nothing was imported.") from None
    except OSError as error:
        raise CommandError(f"Cannot read {source}: {error.strerror or error}.") from None
    try:
        tables = parse_tables(raw)
    except Damage as problem:
        raise CommandError(
            f"{source} is not a rehab JSON export ({problem.reason}). Nothing was changed."
        ) from None
    # Every safety record the export lacks is carried into the file written (door.files).
    kept = done(import_file(path, tables, source, clock=clock, catalog=load_catalog()))
    counts = ", ".join(f"{len(tables.get(name, {}))} {words}" for name, words in _TABLE_WORDS)
    profile = "a profile" if tables.get("profile") else "no profile"
    out.write(screen_safe(f"Imported {source}\n    into {path}: {profile}, {counts}.\n"))
    out.writelines(screen_safe(f"{line}\n") for line in kept.lines(path))
    out.write(screen_safe(sessions_stopped(path, clock)))
    return 0
