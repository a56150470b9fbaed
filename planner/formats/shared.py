"""What more than one export writer reads: records from a day on, yes or no, the file's key."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from planner.clock import midnight

if TYPE_CHECKING:
    from planner.days import DaySum, WalkSum
    from planner.gate import SafetyRecords
    from planner.models import CheckIn, Clearance, Plan, Profile, Rules, Screening, Walk


class Stamped(Protocol):
    """The file's own record, as far as a writer reads it: when the file was created."""

    @property
    def created(self) -> datetime: ...


class Records(Protocol):
    """What the writers read of an open data file. `store.Repository` is one; planner/ names
    what it needs here rather than importing the store."""

    path: Path

    def active_plan(self) -> Plan | None: ...
    def check_all(self) -> None: ...
    def checkins(self, since: datetime | date | None = None) -> list[CheckIn]: ...
    def clearances(self) -> list[Clearance]: ...
    def counts(self) -> dict[str, int]: ...
    def each(self, table_name: str, since: datetime | date | None = None) -> Iterator[Any]: ...
    def each_document(self, table_name: str) -> Iterator[tuple[str, dict[str, Any]]]: ...
    def meta(self) -> Stamped | None: ...
    def profile(self) -> Profile | None: ...
    def safety_records(self) -> SafetyRecords: ...
    def screenings(self) -> list[Screening]: ...
    def walk_history(
        self, rules: Rules, since: date
    ) -> tuple[dict[date, DaySum | WalkSum], list[Walk]]: ...


def from_day(items: Iterable[Any], since: date | None, field: str) -> list[Any]:
    """The records whose `field` (a time) falls on `since` or later; all of them with no day."""
    if since is None:
        return list(items)
    start = midnight(since)
    return [x for x in items if getattr(x, field) >= start]


def yes_no(flag: bool) -> str:
    """A flag as the word a reader expects in a table."""
    return "yes" if flag else "no"


def file_key(repo: Records) -> str:
    """A short key for the data file `repo` holds, from when it was created (its meta record,
    as stored): calendar UIDs and the FHIR bundle's addresses stay the same export to export."""
    meta = repo.meta()
    created = meta.created.isoformat() if meta else ""
    return hashlib.sha256(created.encode()).hexdigest()[:12]
