"""What a valid data file holds: which tables, which model each document must satisfy, and `meta`.

The layout on disk is TinyDB's: `{table: {document key: document}}`. Our rule on top: a document's
key is its own string `id` (never TinyDB's counter), the id is 1–64 letters, digits, `-` and `_`
(`ID_PATTERN`), and every document validates as its model.

Problems are raised as `Damage` (a reason, no path); the caller that knows the path turns it into
a `DataFileError` naming the file and the newest backup.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Final, Literal, TypeVar

from planner.codec import Invalid, from_checked, validate
from planner.models import (
    Bout,
    CheckIn,
    Clearance,
    Limit,
    Plan,
    Profile,
    PsfsRating,
    Record,
    Screening,
    Session,
    StageEvent,
    Walk,
)

Document = dict[str, Any]
M = TypeVar("M")
Tables = dict[str, dict[str, Document]]

META_TABLE = "meta"
META_ID: Final = "meta"

#: Each stored table and the model its documents must validate as.
TABLE_MODELS: dict[str, type[Record]] = {
    "profile": Profile,
    "screenings": Screening,
    "plans": Plan,
    "sessions": Session,
    "checkins": CheckIn,
    "stage_events": StageEvent,
    "psfs": PsfsRating,
    "clearances": Clearance,
    "bouts": Bout,
    "walks": Walk,
}

#: The datetime field each table is kept in order by (profile has one document, no order).
ORDER_FIELDS: dict[str, str] = {
    "screenings": "at",
    "plans": "created_at",
    "sessions": "started_at",
    "checkins": "at",
    "stage_events": "at",
    "psfs": "at",
    "clearances": "at",
    "bouts": "at",
    "walks": "at",
}

TABLE_NAMES = frozenset(TABLE_MODELS) | {META_TABLE}

#: The tables whose records change after they are first written: every save stamps them with
#: the time (`changed_at`), which a merge of two computers' files reads to keep the later one.
STAMPED = frozenset({"profile", "plans"})

#: Every record id: 1–64 letters, digits, '-' and '_'. rehab makes 12 hexadecimal digits
#: (`planner.models.new_id`), and names two records itself ('profile', 'meta'). Anything else
#: (a path, an empty id, a control character, a 100,000-character one) is refused where a file,
#: an import or a backup is read, and before a save.
ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
ID_RULE = "an id is 1 to 64 letters, digits, '-' or '_'"


def shown(key: object) -> str:
    """A document's key or id as a message names it: its repr, cut short when long (a
    100,000-character id must not become a 100,000-character line)."""
    if isinstance(key, str) and len(key) > 40:
        return f"{key[:24]!r}… ({len(key):,} characters)"
    return repr(key)


@dataclass(slots=True, kw_only=True)
class Meta(Record):
    """The file's own record: which schema it is written in, by which rehab, since when."""

    id: Literal["meta"] = META_ID
    schema_version: Annotated[int, Limit(ge=1)]
    app_version: str
    created: datetime


class Damage(Exception):
    """The data is not what we wrote: `reason` says what, in a few words; `also`, what a person
    may do besides restoring a backup (one sentence), when there is something."""

    def __init__(self, reason: str, *, also: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.also = also


class TooNew(Exception):
    """The file's schema is newer than this program knows."""

    def __init__(self, found: int) -> None:
        super().__init__(found)
        self.found = found


def table_for(record: Record) -> str:
    """The table a record is stored in."""
    for name, model in TABLE_MODELS.items():
        if type(record) is model:
            return name
    raise TypeError(f"{type(record).__name__} is not a stored record")


def schema_version_of(tables: Mapping[str, Any]) -> int | None:
    """The schema version the file says it is in; None for an empty file (`{}`).

    Read leniently first, so a file from a newer rehab (whose meta may look different) is reported
    as newer rather than as damaged.
    """
    if not tables:
        return None
    meta_table = tables.get(META_TABLE)
    if not isinstance(meta_table, Mapping) or not isinstance(meta_table.get(META_ID), Mapping):
        raise Damage("it has no meta record, so its schema version is unknown")
    version = meta_table[META_ID].get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise Damage(f"its schema version is not a positive whole number: {version!r}")
    return version


def check_layout(tables: Mapping[str, Any], *, checked_before: bool = False) -> None:
    """Known tables only, each document keyed by its own string id, one well-formed meta record
    (`checked_before`: in bytes checked in full before, so it is read without pydantic)."""
    for name, table in tables.items():
        if name not in TABLE_NAMES:
            raise Damage(f"unknown table {name!r}")
        if not isinstance(table, Mapping):
            raise Damage(f"table {name!r} is not an object")
        for key, document in table.items():
            if not isinstance(document, Mapping):
                raise Damage(f"{name} document {shown(key)} is not an object")
            if document.get("id") != key:
                raise Damage(
                    f"{name} document {shown(key)} has id {shown(document.get('id'))}; "
                    "they must match"
                )
    meta = tables.get(META_TABLE, {})
    if set(meta) != {META_ID}:
        raise Damage("the meta table must hold exactly one record, 'meta'")
    validate_meta(tables, checked_before=checked_before)
    if "profile" in tables and set(tables["profile"]) - {"profile"}:
        raise Damage("the profile table may only hold the record 'profile'")


def validate_meta(tables: Mapping[str, Any], *, checked_before: bool = False) -> Meta:
    """The meta record, or `Damage`; `checked_before`: these bytes were checked in full before."""
    try:
        return _read(Meta, tables[META_TABLE][META_ID], checked_before)
    except Invalid as error:
        raise Damage(f"meta record: {error.first()}") from None


def validate_document(
    table: str, document: Mapping[str, Any], *, checked_before: bool = False
) -> Record:
    """The document as its model, or `Damage` naming the table, the id and the first problem.
    `checked_before`: from bytes this program wrote and checked in full (see `check_stamp`)."""
    record_id = document.get("id")
    if not checked_before and not (isinstance(record_id, str) and ID_PATTERN.fullmatch(record_id)):
        raise Damage(f"{table} document {shown(record_id)}: {ID_RULE}")
    try:
        return _read(TABLE_MODELS[table], document, checked_before)
    except Invalid as error:
        raise Damage(f"{table} document {shown(record_id)}: {error.first()}") from None


def _read(model: type[M], document: Mapping[str, Any], checked_before: bool) -> M:
    """A document checked before is rebuilt without pydantic; any other, or one that does not
    rebuild after all, is validated by pydantic, which says what is wrong."""
    if checked_before:
        try:
            return from_checked(model, document)
        except (TypeError, ValueError, AttributeError):
            pass
    return validate(model, document)
