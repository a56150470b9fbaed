"""Closed years: the records of a calendar year that ended more than twelve months ago.

They leave the data file for a file of their own in `archive/` beside it, one per year
(`archive/rehab-2024.json` for `rehab.json`), so the file opened every day holds what is needed
every day (this year and the last) and opens as fast after thirty years as after thirty days.

An archive is written once, atomically and durably (0600, in a 0700 folder), in the data file's
own layout, with a second copy in `backups/archive/`; it is never changed after, except to be
written anew, atomically, when a record of its year arrives late (an import, a restore) or when
its day sums were made by other rules. Only sessions, check-ins, walks and bouts move: the
profile, plans, stage events, PSFS ratings and every safety record stay in the data file.

Its first line after the opening holds the year's day sums (`planner.days`): what History's
charts and the walking level read of a closed year, made from the very records below it when
it was written, named by the rules that made them. Reading them costs one short read, not a
parse of the year; when the rules have changed since, they are made again from the records.

The newest archive's walks' line also keeps the walking level folded to its year's end
(`planner.walking.fold`), for the programme it was folded for and named by the checksum of
every earlier archive's walks' line: a start reads those checksums and this one line instead
of folding every week since the programme began (`Repository.walk_history_folded`). Anything
else (a late walk still in the file, an older archive written again, the programme started
again) and it is not used; the next writer folds it again (`Repository.close_years`).

A move writes the archive first and then the data file without those records: a crash in
between leaves a record in both, which is read once (the data file's copy) and whose move the
next writer finishes.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from planner.days import (
    DaySum,
    WalkSum,
    from_document,
    to_document,
    walks_from_document,
    walks_to_document,
)
from store.atomic import ensure_private_dir, fsync_dir, temp_prefix, write_atomic
from store.errors import DataFileError, NewerSchemaError
from store.layout import CHECKSUM, Written, render, sealed
from store.migrations import current_version, migrate
from store.paths import backup_dir
from store.schema import META_ID, META_TABLE, Tables
from store.storage import FIND, parse

#: The tables whose records move to a closed year's archive, each by its time field's year.
ARCHIVED = ("sessions", "checkins", "walks", "bouts")
#: The archive's first table: the days with a walk (line 3, what every start reads for the
#: walking level), then every day's sums (line 4, what History "All" reads).
SUMS = "day_sums"
WALKS = "walks"
WALKS_LINE, SUMS_LINE = 2, 3
#: How far the head of an archive is read at most to find its day sums (a year is ~25 KB).
HEAD_MAX = 4 << 20
HEAD_PIECE = 16 << 10  # a year of daily walks is a 5 KB line: read in one piece
#: The start of the walks' line as `write` lays it out (`pydantic_core` keeps the order of a
#: dict's keys): the rules digest and the schema, before the year's days.
_MADE_BY = re.compile(rb'"walks":\{"rules":"([0-9a-f]+)","schema":([1-9][0-9]*),')


def folder(data_path: Path) -> Path:
    """`archive/` beside the data file."""
    return data_path.parent / "archive"


def path_for(data_path: Path, year: int) -> Path:
    """`archive/rehab-2024.json` for `rehab.json`'s records of 2024."""
    return folder(data_path) / f"{data_path.stem}-{year:04d}.json"


def kept_copy(data_path: Path, year: int) -> Path:
    """The second copy of an archive, in the backups folder."""
    return backup_dir(data_path) / "archive" / path_for(data_path, year).name


def years(data_path: Path) -> list[int]:
    """The years that have an archive beside this data file, oldest first."""
    pattern = re.compile(re.escape(data_path.stem) + r"-(\d{4})\.json")
    try:
        names = os.listdir(folder(data_path))
    except (FileNotFoundError, NotADirectoryError):
        return []
    return sorted(int(m.group(1)) for n in names if (m := pattern.fullmatch(n)))


def with_archives(data_path: Path, tables: Tables) -> Tables:
    """The tables read from a data file with the records of its closed years' archives added
    (each record once: the file's copy), for a merge that takes another computer's whole
    history. A copy that has no archives of its own (a sync tool's conflict copy, an export)
    comes back as it is. A damaged archive is refused like the file (`ArchiveError`)."""
    found = years(data_path)
    if not found:
        return tables
    whole = {name: dict(documents) for name, documents in tables.items()}
    for year in found:
        for name, documents in Archive(data_path, year).tables().items():
            if name in ARCHIVED:
                live = whole.setdefault(name, {})
                whole[name] = {**documents, **live}
    return whole


def temps(data_path: Path) -> tuple[tuple[Path, ...], Callable[[str], bool]]:
    """Where a writer killed while writing an archive (or its copy) leaves temp files, and
    which names they have: for `store.atomic.remove_stray_temps`, under the writer's lock,
    before it writes one again."""
    name = re.escape(f"{data_path.stem}-0000.json").replace("0000", r"\d{4}")
    pattern = re.compile(re.escape(temp_prefix(Path("x"))).replace("x", name, 1))
    return (folder(data_path), kept_copy(data_path, 0).parent), lambda n: bool(pattern.match(n))


def live_since(now: datetime) -> datetime:
    """The first moment whose records stay in the data file: the start of last year. A year
    moves out once it ended more than twelve months ago."""
    return datetime(now.year - 1, 1, 1)


def damaged(path: Path, reason: str, data_path: Path, year: int) -> DataFileError:
    copy = kept_copy(data_path, year)
    advice = (
        f"Its copy is {copy}: put it in its place, for example: cp '{copy}' '{path}'"
        if copy.exists() and copy != path
        else "No copy of it was found: keep the file, and ask for help before changing it."
    )
    return DataFileError(path, reason, advice=advice)


@dataclass
class Archive:
    """One closed year's file, read as it is asked for: its day sums from its head alone, its
    records (parsed and checked, each line against its checksum) the first time they are."""

    data_path: Path
    year: int
    _head: dict[str, Any] | None = field(default=None, repr=False)
    _tables: Tables | None = field(default=None, repr=False)
    #: What was read of the head, decoded, by the rules digest it was asked for: the file
    #: does not change while this object lives (a writer that rewrites it makes a new one).
    _decoded: dict[tuple[str, str], Any] = field(default_factory=dict, repr=False)

    @property
    def path(self) -> Path:
        return path_for(self.data_path, self.year)

    def _refused(self, reason: str) -> DataFileError:
        return damaged(self.path, reason, self.data_path, self.year)

    def head(self) -> dict[str, Any]:
        """The day-sums document (`{"rules": …, "days": {…}, "counts": {…}}`), checked."""
        if self._head is None:
            found = self._line(SUMS_LINE, str(self.year))
            counts = found.get("counts")
            if not isinstance(counts, dict) or not all(type(v) is int for v in counts.values()):
                raise self._refused("its counts of records are not whole numbers")
            self._head = found
        return self._head

    def _line(self, number: int, key: str) -> dict[str, Any]:
        """The document on line `number` of the head, `key` its id; checked by its checksum
        and by shape. From the records in memory when they were read already."""
        if self._tables is not None:
            found: object = self._tables.get(SUMS, {}).get(key)
        else:
            found = self._read_line(number, key)
        if not isinstance(found, dict) or not isinstance(found.get("rules"), str):
            raise self._refused(f"it does not begin with the day sums of {self.year}")
        return found

    def _raw_line(self, number: int) -> bytes:
        """Line `number` of the head as it is on disk (without its comma), its checksum checked."""
        data = b""
        try:
            with open(self.path, "rb") as f:
                # The walks' line is a few KB, all the sums about 25: read until it has ended.
                while data.count(b"\n") <= number and len(data) < HEAD_MAX:
                    piece = f.read(HEAD_PIECE)
                    if not piece:
                        break
                    data += piece
        except FileNotFoundError:
            raise self._refused("it is missing") from None
        lines = data.split(b"\n", number + 1)
        if (
            len(lines) <= number + 1
            or lines[0] != b"{"
            or lines[1] != b'"' + SUMS.encode() + b'":{'
        ):
            raise self._refused(f"it does not begin with the day sums of {self.year}")
        text = lines[number].removesuffix(b",")
        if sealed(text) is not True:
            raise self._refused(f"its day sums do not match their checksum ({CHECKSUM})")
        if number == WALKS_LINE:  # its checksum, the last field `seal` wrote: `walks_crc`
            self._decoded["walks-crc", ""] = text[-10:-2].decode("ascii")
        return text

    def _read_line(self, number: int, key: str) -> object:
        text = self._raw_line(number)
        try:
            document = json.loads(b"{" + text + b"}")
        except ValueError as error:
            raise self._refused(f"its day sums are not valid JSON: {error}") from None
        found = document.get(key) if isinstance(document, dict) else None
        if isinstance(found, dict):
            found.pop(CHECKSUM, None)
        return found

    def made_by(self) -> tuple[str, int]:
        """The rules and the data schema it was written by, from its first line alone (both
        lines of the head are written together): what a writer checks at every start. Read
        from the line's start, as `write` lays it out, once its checksum holds: the year's
        days after them are decoded only when asked for (every archive is asked this at
        every start). A line laid out otherwise is decoded whole."""
        if self._tables is None and ("walks-line", "") not in self._decoded:
            quick = _MADE_BY.match(self._raw_line(WALKS_LINE))
            if quick is not None:
                return quick[1].decode("ascii"), int(quick[2])
        first = self._walks_line()
        schema = first.get("schema", current_version())
        if type(schema) is not int or schema < 1:
            raise self._refused("its schema version is not a whole number")
        return first["rules"], schema

    def sums(self, digest: str) -> dict[date, DaySum] | None:
        """The year's day sums, or None when other rules made them (make them again)."""
        head = self.head()
        if head["rules"] != digest:
            return None
        found = self._decoded.get(("sums", digest))
        if found is None:
            try:
                found = self._decoded["sums", digest] = from_document(self.year, head.get("days"))
            except ValueError as error:
                raise self._refused(str(error)) from None
            # Held once, as sums: the stored form goes (a new head; the tables' own is kept).
            self._head = {key: value for key, value in head.items() if key != "days"}
        return found

    def sums_read(self, digest: str) -> bool:
        """Have this rules' day sums been read (or found made by other rules)?"""
        return ("sums", digest) in self._decoded or (
            self._head is not None and self._head["rules"] != digest
        )

    def walk_sums(self, digest: str) -> dict[date, WalkSum] | None:
        """The days the year had a walk, as the walking level reads them (its head's first
        line alone, a few KB), or None when other rules made them."""
        cached: dict[date, WalkSum] | None = self._decoded.get(("walks", digest))
        if cached is not None:
            return cached
        found = self._walks_line()
        if found["rules"] != digest:
            return None
        try:
            rows = walks_from_document(self.year, found.get("days"))
        except ValueError as error:
            raise self._refused(str(error)) from None
        self._decoded["walks", digest] = rows
        return rows

    def walks_crc(self) -> str:
        """The checksum of the walks' line as written (checked against its bytes, not decoded):
        what names this year's walks in a later archive's walking level."""
        if ("walks-crc", "") not in self._decoded:
            self._raw_line(WALKS_LINE)
        return str(self._decoded["walks-crc", ""])

    def fold_document(self, digest: str) -> dict[str, Any] | None:
        """The walking level folded to this year's end, as stored with its walks (a
        `planner.walking.folded_to_document`, and under "archives" the walks' checksums of
        every earlier archive it was folded from); None when it has none or other rules made it."""
        found = self._walks_line()
        stored = found.get("fold")
        if found["rules"] != digest or stored is None:
            return None
        if not isinstance(stored, dict):
            raise self._refused("its walking level is not an object")
        return stored

    def _walks_line(self) -> dict[str, Any]:
        found = self._decoded.get(("walks-line", ""))
        if found is None:
            found = self._decoded["walks-line", ""] = self._line(WALKS_LINE, WALKS)
        return found

    def counts(self) -> dict[str, int]:
        return dict(self.head()["counts"])

    def tables(self) -> Tables:
        """Every record of the year, as stored (checksums checked and taken out)."""
        if self._tables is None:
            try:
                with open(self.path, "rb") as f:
                    data = f.read()
            except FileNotFoundError:
                raise self._refused("it is missing") from None
            try:
                tables = parse(self.path, data, FIND)
            except DataFileError as error:
                raise self._refused(error.reason) from None
            for name in tables:
                if name != SUMS and name not in ARCHIVED:
                    raise self._refused(f"it holds a table an archive never holds: {name!r}")
            self._tables = self._upgraded(tables)
        return self._tables

    def schema(self) -> int:
        """The data schema its records were written in (the data file's numbering)."""
        return self.made_by()[1]

    def _upgraded(self, tables: Tables) -> Tables:
        """An archive written by an older rehab read as this one reads: migrated in memory the
        way the data file is (`store.migrations`), and rewritten by the next `close_years`.
        One from a newer rehab is refused, as a newer data file is."""
        schema, latest = self.schema(), current_version()
        if schema > latest:
            raise NewerSchemaError(self.path, schema, latest)
        if schema == latest:
            return tables
        records = {n: t for n, t in tables.items() if n != SUMS}
        stub = {META_ID: {"schema_version": schema}}
        try:
            migrated = migrate({META_TABLE: stub, **records}, schema)
        except Exception as error:  # a migration meeting data it did not expect
            raise self._refused(
                f"it could not be upgraded from schema {schema}: {error!r}"
            ) from None
        migrated.pop(META_TABLE, None)
        return {SUMS: tables.get(SUMS, {}), **migrated}

    def forget_records(self) -> None:
        """Let the records go from memory (they are read again when next asked for)."""
        self._tables = None


def write(
    data_path: Path,
    year: int,
    tables: Mapping[str, Mapping[str, dict[str, Any]]],
    rows: Mapping[date, DaySum],
    digest: str,
    fold: Mapping[str, Any] | None = None,
) -> Archive:
    """Write the archive of `year` (and its copy in backups/): atomically, durably, 0600.
    `fold`: the walking level at the year's end (`Archive.fold_document`), when known."""
    head = {
        "rules": digest,
        "counts": {name: len(tables.get(name, {})) for name in ARCHIVED},
        "days": to_document(rows),
    }
    walks: dict[str, Any] = {
        "rules": digest,
        "schema": current_version(),
        "days": walks_to_document(rows),
    }
    if fold is not None:
        walks["fold"] = dict(fold)
    ordered: dict[str, Mapping[str, dict[str, Any]]] = {SUMS: {WALKS: walks, str(year): head}}
    for name in ARCHIVED:
        ordered[name] = tables.get(name, {})
    data = b"".join(render(ordered, Written()))
    target = path_for(data_path, year)
    for place in (target, kept_copy(data_path, year)):
        ensure_private_dir(place.parent)
        write_atomic(place, data)
    archive = Archive(data_path, year)
    archive._head = head
    return archive


def set_aside(data_path: Path, now: datetime) -> Path | None:
    """Before an import replaces the file: its closed years are another file's history, so
    the archives (and their copies) move into one folder in backups/, kept and never read
    again. None when there were none."""
    found = years(data_path)
    if not found:
        return None
    aside = backup_dir(data_path) / f"{data_path.stem}-archive-before-import-{now:%Y-%m-%d-%H%M%S}"
    n = 1
    while aside.exists():
        n += 1
        aside = aside.with_name(aside.name.split(".")[0] + f".{n}")
    ensure_private_dir(aside)
    for year in found:
        os.replace(path_for(data_path, year), aside / path_for(data_path, year).name)
        kept_copy(data_path, year).unlink(missing_ok=True)
    fsync_dir(aside)
    fsync_dir(folder(data_path))
    return aside
