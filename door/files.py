"""The use cases on a data file as a whole, for commands that have no file open: restore,
import, back up, and a new file of made-up history. The app, which holds its file open, uses
`Door.restore` and `Door.backup`; both carry safety records the same way (`keep_safety`).

Each returns `Done` or `Refused` (one line), as the door does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from door import Done, Refused, Result, close_years, not_saved
from planner.clock import Clock
from planner.codec import dump
from planner.gate import (
    Gate,
    SafetyRecords,
    carried_forward,
    may_start,
    settle,
    settled,
    surgery_wait,
)
from planner.models import Catalog, Plan, Profile, Record, Session, StageEvent
from store import StoreError
from store.merge import Merged
from store.repository import Carry, Replaced
from store.schema import META_TABLE, ORDER_FIELDS, Tables, table_for, validate_document

#: The records no restore or import may roll back (planner.gate.carried_forward).
SAFETY_TABLES = ("screenings", "clearances")


def keep_safety(catalog: Catalog, now: datetime) -> Carry:
    """What a restore or an import keeps of the file it replaces: every safety record (the
    answers to the warning-sign questions, with the reasons an alarm ended, and every doctor's
    clearance) that the data coming in lacks, with the pause or resume they then call for on
    its plan, all in the one write that replaces the file. One line says what was kept."""

    def carry(ours: Tables, theirs: Tables) -> tuple[Tables, list[str]]:
        kept = carried_forward(_records(ours, SAFETY_TABLES), _records(theirs, SAFETY_TABLES))
        health = _newer_health(ours, theirs, catalog, now)
        if not kept and health is None:
            return theirs, []
        lines = []
        if health is not None:
            theirs, words = health
            lines.append(
                f"Kept your newer answers to the health questions ({words}): the file coming "
                "in had older ones."
            )
        tables, gate = _settled(theirs, kept, now, catalog)
        if kept:
            n = len(kept)
            answers = f"{n} newer safety check{'s' if n > 1 else ''}"
            tail = "sessions stay stopped" if gate.stopped else "nothing is rolled back"
            lines.insert(0, f"Kept {answers} the file coming in did not have: {tail}.")
        return tables, lines

    return carry


def _newer_health(
    ours: Tables, theirs: Tables, catalog: Catalog, now: datetime
) -> tuple[Tables, str] | None:
    """When the file replaced holds answers to the health questions (pregnancy, recent spinal
    surgery, osteoporosis) given after those of the data coming in: the data coming in with
    those answers, the "health" events that say when they were given, and a plan rehab built
    refitted to them (as `Door.change_health` does), and the answers in a few words. None when
    the data coming in is as new (a restore or an import never rolls an answer back)."""
    from planner.plan import fit_plan
    from store.merge import HEALTH_ANSWERS, health_changed

    mine = (ours.get("profile") or {}).get("profile")
    incoming = (theirs.get("profile") or {}).get("profile")
    if mine is None or incoming is None or health_changed(ours) <= health_changed(theirs):
        return None
    if all(mine.get(name) == incoming.get(name) for name in HEALTH_ANSWERS):
        return None
    # Every answer as the replaced file has it, one it leaves out (None) left out here too.
    profile = {n: v for n, v in incoming.items() if n not in HEALTH_ANSWERS}
    profile |= {n: mine[n] for n in HEALTH_ANSWERS if n in mine}
    tables = {name: dict(documents) for name, documents in theirs.items()}
    tables["profile"] = {"profile": profile}
    events = tables.setdefault("stage_events", {})
    for key, event in (ours.get("stage_events") or {}).items():
        if event.get("kind") == "health" and key not in events:
            events[key] = event
    person = cast(Profile, validate_document("profile", profile))  # the profile table's model
    plan = _plan_in_force(tables)
    if plan is not None and plan.source is None:
        fitted = fit_plan(catalog, person, plan, now, _latest_pain(tables))
        if fitted != plan:
            tables = _with(tables, [fitted])
    words = "; ".join(
        f"{name.replace('_', ' ')}: {'yes' if mine.get(name) else 'no'}"
        for name in ("pregnant", "recent_surgery", "osteoporosis")
        if mine.get(name) != incoming.get(name)
    )
    return tables, words


def _latest_pain(tables: Tables) -> int | None:
    """The pain last rated in `tables` (`planner.course.latest_pain`'s rule)."""
    from planner.course import latest_rated

    checkins = sorted(_records(tables, ("checkins",)), key=lambda c: c.at)
    sessions = sorted(_records(tables, ("sessions",)), key=lambda s: s.started_at)
    return latest_rated(checkins, sessions)


def _settled(
    tables: Tables, records: list[Any], now: datetime, catalog: Catalog
) -> tuple[Tables, Gate]:
    """`tables` with `records` added and the pause or resume of the plan in force that the
    safety records then call for (`planner.gate.settled`), and the gate after it."""
    plan, safety = _safety_of(tables)
    gate, records = settled(plan, safety, records, now, catalog.rules)
    return _with(tables, records), gate


def _safety_of(tables: Tables) -> tuple[Plan | None, SafetyRecords]:
    """The plan in force and the safety records the gate reads, from a file's tables."""
    profile = next(iter(_records(tables, ("profile",))), None)
    return _plan_in_force(tables), SafetyRecords(
        tuple(sorted(_records(tables, ("screenings",)), key=lambda r: r.at)),
        tuple(s for s in _records(tables, ("sessions",)) if s.new_symptoms),
        tuple(_records(tables, ("clearances",))),
        **surgery_wait(profile),
    )


def _with(tables: Tables, records: Iterable[Record]) -> Tables:
    tables = {name: dict(documents) for name, documents in tables.items()}
    for record in records:
        tables.setdefault(table_for(record), {})[record.id] = dump(record, exclude_none=True)
    return tables


#: Why a merge pauses the plan when a sign one computer had open is closed, in the union, by
#: an answer the other computer gave without having seen it.
UNSEEN_SIGN = "warning sign answered yes on the other computer: answer the safety questions again"


class MergeIn:
    """What a merge keeps of the file it merges into (a `Carry`): every record of both, matched
    by id (`store.merge.merge_tables`), with the closed years' archives counted as the file's,
    the gate settled on the union, and the versions not kept written to a backup. After the
    write, `merged` and `differed_at` say what it did."""

    def __init__(self, path: Path, source: Path, catalog: Catalog, now: datetime) -> None:
        from store.paths import real_data_path

        # The file a link names: its archives and backups lie beside it.
        self.path, self.source = real_data_path(path), source
        self.catalog, self.now = catalog, now
        self.merged: Merged | None = None
        self.differed_at: Path | None = None

    def __call__(self, ours: Tables, theirs: Tables) -> tuple[Tables, list[str]]:
        from store.merge import merge_tables

        merged = self.merged = merge_tables(ours, theirs, _archived_for(self.path, theirs))
        tables = self._stopped_if_either_was(merged.tables, ours, theirs)
        n = sum(len(d) for d in merged.differed.values())
        records = f"{n} record{'s' if n > 1 else ''} differed between the two"
        if tables == ours:
            # Nothing new: the file is left as it is (`_replace_locked`), and any version not
            # kept is still in the file merged in.
            if not n:
                return ours, []
            return ours, [
                f"{records}: this file's were written last; the others stay in {self.source}"
            ]
        lines = []
        if n:
            self.differed_at = _keep_differed(self.path, merged.differed, ours, self.now)
            lines.append(
                f"{records}: kept the version written last; the other "
                f"{'versions are' if n > 1 else 'is'} kept in {self.differed_at}"
            )
        if merged.profile_fields:
            names = ", ".join(f.replace("_", " ") for f in merged.profile_fields)
            lines.append(
                f"Your answers differed ({names}): kept those changed last on either computer"
            )
        if merged.plans_archived:
            lines.append(
                "Each computer had moved to a plan of its own: the one changed last is in force, "
                "the other is kept in the timeline"
            )
        return tables, lines

    def _stopped_if_either_was(self, tables: Tables, ours: Tables, theirs: Tables) -> Tables:
        """The merged tables with the plan in force paused when a sign is open in the union,
        or when one was open on either side before (closed in the union only by an answer the
        other computer gave without having seen it: the person answers again, seeing both).
        A merge never resumes a plan: only new answers do. The pause it writes is the same
        whichever file is merged into which."""
        plan, safety = _safety_of(tables)
        gate = may_start(plan, safety, self.now, self.catalog.rules)
        if plan is None or plan.status != "active":
            return tables
        if gate.signs:
            change = settle(plan, gate, self.now)
            assert change is not None  # an active plan with a sign open is paused
            paused, event = change.plan, change.event
        elif any(
            may_start(*_safety_of(side), self.now, self.catalog.rules).signs
            for side in (ours, theirs)
        ):
            paused = replace(plan, status="paused", pause_reason=UNSEEN_SIGN)
            event = StageEvent(
                at=self.now,
                from_stage=plan.stage,
                to_stage=plan.stage,
                kind="pause",
                reason=UNSEEN_SIGN,
            )
        else:
            return tables
        # An id of its own that both directions of one merge share.
        seed = f"merge-pause {plan.id} {self.now.isoformat()}".encode()
        event = replace(event, id=hashlib.sha1(seed).hexdigest()[:12])
        from store.merge import after, written

        stamp = max(self.now, after(written("plans", tables["plans"][plan.id])))
        return _with(tables, [replace(paused, changed_at=stamp), event])


def _archived_for(path: Path, theirs: Tables) -> Tables:
    """The records of this file's closed years (`store.archive`) that the file merged in may
    hold too: those of each year it has records of."""
    from store import archive

    years = set(archive.years(path))
    wanted: set[int] = set()
    for name in archive.ARCHIVED:
        field = ORDER_FIELDS[name]
        for document in theirs.get(name, {}).values():
            year = int(str(document.get(field, "0000"))[:4] or 0)
            if year in years:
                wanted.add(year)
    found: Tables = {}
    for year in sorted(wanted):
        for name, documents in archive.Archive(path, year).tables().items():
            if name in archive.ARCHIVED:
                found.setdefault(name, {}).update(documents)
    return found


def _keep_differed(path: Path, differed: Tables, ours: Tables, now: datetime) -> Path:
    """The versions a merge did not keep, in a file of their own in backups/ (never pruned)."""
    from store import backups
    from store.storage import serialize

    tables = {**{name: dict(docs) for name, docs in differed.items()}}
    if META_TABLE in ours:
        tables[META_TABLE] = dict(ours[META_TABLE])
    return backups.keep_aside(path, serialize(tables), now, label="merge-differed")


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


def long_note(tables: Mapping[str, object]) -> str | None:
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
    from store.repository import write_documents

    def write() -> Replaced:
        carry = keep_safety(catalog, clock())
        return write_documents(path, tables, clock=clock, reason="import", carry=carry)

    replaced = _replaced(source, tables, "import", write)
    if isinstance(replaced, Refused):
        return replaced
    _split_years(path, clock, catalog)
    return Done(replaced.value, tuple(replaced.value.lines(path)))


def _replaced(
    source: Path, tables: Tables, reason: str, write: Callable[[], Replaced]
) -> Result[Replaced]:
    """`write` (which replaces the file with `tables`, read from `source`) as a result: a note
    longer than rehab takes, data refused, a lock held elsewhere or a full disk in one line."""
    from store import NewerSchemaError
    from store.errors import IncomingDataError

    too_long = long_note(tables)
    if too_long is not None:
        return Refused(
            f"{source}: The data to {reason} is not valid ({too_long}). Nothing was changed."
        )
    try:
        return Done(write())
    except (IncomingDataError, NewerSchemaError) as error:
        # The data coming in is refused: name the file it came from.
        return Refused(f"{source}: {error}")
    except StoreError as error:
        # A lock held elsewhere, a damaged or hard-linked data file: each names its own file.
        return Refused(str(error))
    except OSError as error:
        return Refused(not_saved(error), need="disk")


@dataclass(frozen=True)
class Merging:
    """What `merge_file` did: the write (`replaced`: the backup taken first, …), what came in
    (`merged`), and where the copy merged went when it was a sync tool's conflict copy."""

    replaced: Replaced
    merged: Merged
    copy_moved_to: Path | None = None

    def lines(self, path: Path) -> list[str]:
        """What the merge says after its first line: a line for each thing kept elsewhere."""
        lines = self.replaced.lines(path)
        if self.copy_moved_to is not None:
            lines.append(f"The copy merged is moved to {self.copy_moved_to}")
        return lines


def read_incoming(source: Path, what: str = "to merge") -> Result[Tables]:
    """The tables of a file given to merge (a data file with its closed years' archives, a
    conflict copy, an export), or one line on why it cannot be read."""
    from store.archive import with_archives
    from store.schema import Damage
    from store.storage import parse_tables

    if source.is_dir():
        return Refused(f"{source} is a folder: give the data file {what}.")
    try:
        raw = source.read_bytes()
    except FileNotFoundError:
        return Refused(f"{source} does not exist: nothing was changed.")
    except OSError as error:
        return Refused(f"Cannot read {source}: {error.strerror or error}. Nothing was changed.")
    try:
        return Done(with_archives(source, parse_tables(raw)))
    except Damage as problem:
        return Refused(
            f"{source} is not a rehab data file or export ({problem.reason}). Nothing was changed."
        )
    except StoreError as error:
        return Refused(str(error))


#: What a merge names, in the order it says them: (table, one, many).
_MERGE_WORDS = (
    ("sessions", "session", "sessions"),
    ("checkins", "check-in", "check-ins"),
    ("walks", "walk", "walks"),
    ("bouts", "bout", "bouts"),
    ("screenings", "safety check", "safety checks"),
    ("clearances", "doctor's clearance", "doctor's clearances"),
    ("psfs", "PSFS rating", "PSFS ratings"),
    ("stage_events", "stage event", "stage events"),
    ("plans", "plan", "plans"),
    ("profile", "profile", "profiles"),
)


def merged_words(merged: Merged) -> str:
    """What came in, in a few words: "12 sessions, 5 check-ins, 1 walk"."""
    parts = [
        f"{n} {one if n == 1 else many}"
        for name, one, many in _MERGE_WORDS
        if (n := merged.came.get(name, 0))
    ]
    return ", ".join(parts) if parts else "nothing this file did not have"


def merge_file(
    path: Path, tables: Tables, source: Path, *, clock: Clock, catalog: Catalog
) -> Result[Merging]:
    """Merge another computer's data file, a sync tool's conflict copy of it, or a whole-file
    export (`tables`, read from `source`) into the data file, in one write under its lock,
    the current file backed up first (`MergeIn` says what is kept). A conflict copy beside
    the file then moves into backups/, so the folder is clean. A damaged, newer or foreign
    file is refused in one line and nothing changes. For a command; the app, which holds
    the file open, uses `Door.merge`."""
    from store.repository import write_documents

    def write(carry: Carry) -> Replaced:
        return write_documents(path, tables, clock=clock, reason="merge", carry=carry)

    merging = merged_into(path, tables, source, write, clock=clock, catalog=catalog)
    if isinstance(merging, Done):
        _split_years(path, clock, catalog)
    return merging


def merged_into(
    path: Path,
    tables: Tables,
    source: Path,
    write: Callable[[Carry], Replaced],
    *,
    clock: Clock,
    catalog: Catalog,
) -> Result[Merging]:
    """The merge both `merge_file` and `Door.merge` make: `write` replaces the file with what
    `MergeIn` keeps (under the writer's lock); then a merged conflict copy is put away."""
    from store import conflicts
    from store.paths import real_data_path

    if source.exists() and path.exists() and source.samefile(real_data_path(path)):
        return Refused(f"{source} is the data file itself: give the other computer's copy.")
    carry = MergeIn(path, source, catalog, clock())
    written = _replaced(source, tables, "merge", lambda: write(carry))
    if isinstance(written, Refused):
        return written
    replaced = written.value
    if carry.merged is None:  # there was no file yet: all of it came in
        from store.merge import merge_tables

        carry.merged = merge_tables({}, tables)
    try:
        moved = conflicts.put_away(path, source, clock())
    except OSError:
        moved = None  # merged all the same; the copy stays beside the file, merged again is a no-op
    merging = Merging(replaced, carry.merged, moved)
    return Done(merging, tuple(merging.lines(path)))


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
    "merge_file",
    "merged_into",
    "merged_words",
    "read_incoming",
    "restore_file",
    "write_new_file",
]
