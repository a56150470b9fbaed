"""The use cases on a data file as a whole, for commands that have no file open: restore,
import, back up, and a new file of made-up history. The app, which holds its file open, uses
`Door.restore` and `Door.backup`; both carry safety records the same way (`keep_safety`).

Each returns `Done` or `Refused` (one line), as the door does.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from door import Done, Refused, Result, close_years, not_saved
from planner.clock import Clock
from planner.codec import dump
from planner.gate import SafetyRecords, carried_forward, settled, surgery_wait
from planner.models import Catalog, Plan, Record, Session
from store import StoreError
from store.repository import Carry, Replaced
from store.schema import Tables, table_for, validate_document

#: The records no restore or import may roll back (planner.gate.carried_forward).
SAFETY_TABLES = ("screenings", "clearances")


def keep_safety(catalog: Catalog, now: datetime) -> Carry:
    """What a restore or an import keeps of the file it replaces: every safety record (the
    answers to the warning-sign questions, with the reasons an alarm ended, and every doctor's
    clearance) that the data coming in lacks, with the pause or resume they then call for on
    its plan, all in the one write that replaces the file. One line says what was kept."""

    def carry(ours: Tables, theirs: Tables) -> tuple[Tables, list[str]]:
        kept = carried_forward(_records(ours, SAFETY_TABLES), _records(theirs, SAFETY_TABLES))
        if not kept:
            return theirs, []
        plan = _plan_in_force(theirs)
        profile = next(iter(_records(theirs, ("profile",))), None)
        safety = SafetyRecords(
            tuple(sorted(_records(theirs, ("screenings",)), key=lambda r: r.at)),
            tuple(s for s in _records(theirs, ("sessions",)) if s.new_symptoms),
            tuple(_records(theirs, ("clearances",))),
            **surgery_wait(profile),
        )
        gate, records = settled(plan, safety, kept, now, catalog.rules)
        tables = {name: dict(documents) for name, documents in theirs.items()}
        for record in records:
            tables.setdefault(table_for(record), {})[record.id] = dump(record, exclude_none=True)
        n = len(kept)
        answers = f"{n} newer safety check{'s' if n > 1 else ''}"
        tail = "sessions stay stopped" if gate.stopped else "nothing is rolled back"
        return tables, [f"Kept {answers} the file coming in did not have: {tail}."]

    return carry


def _records(tables: Tables, names: Iterable[str]) -> list[Any]:
    return [
        validate_document(name, document)
        for name in names
        for document in tables.get(name, {}).values()
    ]


def _plan_in_force(tables: Tables) -> Plan | None:
    plans: list[Plan] = [p for p in _records(tables, ("plans",)) if p.status != "archived"]
    return max(plans, key=lambda p: p.created_at, default=None)


def restore_file(
    path: Path, backup_path: Path, *, clock: Clock, catalog: Catalog
) -> Result[Replaced]:
    """Put a backup back in place of the data file (under its lock), carrying every safety
    record the backup lacks (`keep_safety`); the file replaced is backed up first."""
    from store.repository import restore

    try:
        kept = restore(path, backup_path, clock=clock, carry=keep_safety(catalog, clock()))
    except StoreError as error:
        return Refused(str(error))
    except OSError as error:
        return Refused(not_saved(error), need="disk")
    _split_years(path, clock, catalog)
    return Done(kept, tuple(kept.lines(path)))


def long_note(tables: Tables) -> str | None:
    """Where the data coming in holds a note longer than rehab takes (`NOTE_MAX`), in a few
    words naming the record; None when none is. A file may hold longer ones, taken before the
    limit (`NOTE_KEPT_MAX`), but none comes in."""
    from planner.models import NOTE_MAX
    from store.schema import shown

    def notes(document: Any) -> Iterable[str]:
        if isinstance(document, dict):
            for key, value in document.items():
                if key == "note" and isinstance(value, str):
                    yield value
                else:
                    yield from notes(value)
        elif isinstance(document, list):
            for value in document:
                yield from notes(value)

    for name, documents in tables.items():
        if not isinstance(documents, dict):
            continue
        for key, document in documents.items():
            longest = max((len(note) for note in notes(document)), default=0)
            if longest > NOTE_MAX:
                return (
                    f"{name} document {shown(key)}: a note of {longest:,} characters; rehab "
                    f"takes notes up to {NOTE_MAX:,}"
                )
    return None


def import_file(
    path: Path, tables: Tables, source: Path, *, clock: Clock, catalog: Catalog
) -> Result[Replaced]:
    """Replace the data file with the tables of an export read from `source` (checked first;
    the current file backed up), carrying every safety record they lack (`keep_safety`).
    A note longer than rehab takes is refused here (`long_note`)."""
    from store import NewerSchemaError
    from store.errors import IncomingDataError
    from store.repository import write_documents

    too_long = long_note(tables)
    if too_long is not None:
        return Refused(
            f"{source}: The data to import is not valid ({too_long}). Nothing was changed."
        )
    try:
        kept = write_documents(
            path, tables, clock=clock, reason="import", carry=keep_safety(catalog, clock())
        )
    except (IncomingDataError, NewerSchemaError) as error:
        # The data coming in is refused: name the file it came from.
        return Refused(f"{source}: {error}")
    except StoreError as error:
        # A lock held elsewhere, a damaged or hard-linked data file: each names its own file.
        return Refused(str(error))
    except OSError as error:
        return Refused(not_saved(error), need="disk")
    _split_years(path, clock, catalog)
    return Done(kept, tuple(kept.lines(path)))


def _split_years(path: Path, clock: Clock, catalog: Catalog) -> None:
    """After an import or a restore, the closed years in what was written go to their archives
    at once (or, if that cannot be done now, the next time the file is opened: nothing is lost
    either way). A restored backup from before a move holds them again: the move finishes."""
    from store import Repository

    try:
        with Repository.open(path, clock=clock) as repo:
            close_years(repo, catalog)
    except (StoreError, OSError):
        pass


def backup_file(path: Path, *, clock: Clock) -> Result[Path | None]:
    """Copy the data file to its backups now (needs no lock: see `store.repository.backup`)."""
    from store.repository import backup

    try:
        return Done(backup(path, clock=clock))
    except StoreError as error:
        return Refused(str(error))
    except OSError as error:
        return Refused(not_saved(error), need="disk")


def write_new_file(
    path: Path, records: Iterable[Record], *, clock: Clock, catalog: Catalog | None = None
) -> Result[int]:
    """A new data file holding `records` (made-up history the real planner made), in one
    write; never over a file that exists. Says how many sessions it holds."""
    from store import Repository

    if path.exists():
        return Refused(f"{path} already exists: the demo only writes a new file.")
    records = list(records)
    try:
        with Repository.open(path, clock=clock) as repo:
            repo.save(*records)
            if catalog is not None:
                close_years(repo, catalog)
    except StoreError as error:
        return Refused(str(error))
    except OSError as error:
        return Refused(not_saved(error), need="disk")
    return Done(sum(1 for r in records if isinstance(r, Session)))


__all__ = [
    "SAFETY_TABLES",
    "backup_file",
    "import_file",
    "keep_safety",
    "restore_file",
    "write_new_file",
]
