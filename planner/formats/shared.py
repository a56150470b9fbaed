"""What more than one export writer reads: records from a day on, yes or no, the file's key."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date
from typing import Any

from planner.clock import midnight


def from_day(items: Iterable[Any], since: date | None, field: str) -> list[Any]:
    """The records whose `field` (a time) falls on `since` or later; all of them with no day."""
    if since is None:
        return list(items)
    start = midnight(since)
    return [x for x in items if getattr(x, field) >= start]


def yes_no(flag: bool) -> str:
    """A flag as the word a reader expects in a table."""
    return "yes" if flag else "no"


def file_key(repo) -> str:
    """A short key for the data file `repo` holds, from when it was created (its meta record,
    as stored): calendar UIDs and the FHIR bundle's addresses stay the same export to export."""
    meta = repo.meta()
    created = meta.created.isoformat() if meta else ""
    return hashlib.sha256(created.encode()).hexdigest()[:12]
