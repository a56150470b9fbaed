"""Each day's sums: what History's charts and the walking level read of a day, in one row.

A day of records (its check-ins, sessions and walks) comes down to a few numbers: the day's
first, highest and latest pain, its leg ratings and how far down the leg, how many sessions and
how they went, how long the walks were and whether one flared. History draws every chart and
line from these rows, and the walking level folds its weeks over them (`planner.walking`), so a
closed year kept in an archive file (README, "Your data") is read as its rows, not as its
thousands of records, and gives the very same screen and level.

Rows are derived, never the truth: `day_sums` makes them from the records, an archive stores
the rows of its own immutable records beside them, named by `SUMS_VERSION` and the rules, and
a row that was made by other rules is made again from the records.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import fields
from datetime import date, datetime
from typing import Any, NamedTuple

from planner.models import REACHES, CheckIn, Rules, Session, Walk
from planner.progression import is_flare
from planner.walking import is_flare as walk_flared

#: Raise when a row's meaning changes: every archive's rows are then made again.
SUMS_VERSION = 1


class DaySum(NamedTuple):
    """One day, summed. Pain is 0–10; None where the day had no such rating."""

    checkins: int = 0
    pain_first: int | None = None  # the day's first check-in: the one the rules read
    pain_high: int | None = None
    pain_last: int | None = None
    leg_first: int | None = None  # the first leg rating (a check-in's, or before a session)
    leg_high: int | None = None
    leg_last: int | None = None
    reach_max: int | None = None  # how far down the leg at most (an index of REACHES)
    sessions: int = 0
    session_flares: int = 0
    change_sum: int = 0  # pain after minus pain before, over the sessions rated after
    change_n: int = 0
    walks: int = 0
    walk_minutes: int = 0
    walk_flares: int = 0


EMPTY = DaySum()


class WalkSum(NamedTuple):
    """A day's walks alone, as the walking level reads them (`planner.walking`)."""

    walks: int
    walk_minutes: int
    walk_flares: int


def _higher(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else max(a, b)


def day_sums(
    sessions: Iterable[Session],
    checkins: Iterable[CheckIn],
    walks: Iterable[Walk],
    rules: Rules,
) -> dict[date, DaySum]:
    """Every day that has a record, summed; records in time order (as the store hands them)."""
    rows: dict[date, dict[str, int | None]] = {}
    legs: list[tuple[datetime, int]] = []  # (when, leg pain): sorted as History sorts them

    def row(day: date) -> dict[str, int | None]:
        found = rows.get(day)
        if found is None:
            found = rows[day] = EMPTY._asdict()
        return found

    def reach(day: date, value: str | None) -> None:
        if value is not None:
            r = row(day)
            r["reach_max"] = _higher(r["reach_max"], REACHES.index(value))

    for c in checkins:
        day = c.at.date()
        r = row(day)
        r["checkins"] = (r["checkins"] or 0) + 1
        if r["pain_first"] is None:
            r["pain_first"] = c.pain
        r["pain_high"] = _higher(r["pain_high"], c.pain)
        r["pain_last"] = c.pain
        if c.leg_pain is not None:
            legs.append((c.at, c.leg_pain))
        reach(day, c.reach)
    for s in sessions:
        day = s.day
        r = row(day)
        r["sessions"] = (r["sessions"] or 0) + 1
        if is_flare(s, rules):
            r["session_flares"] = (r["session_flares"] or 0) + 1
        if s.pain_after is not None:
            r["change_sum"] = (r["change_sum"] or 0) + s.pain_after - s.pain_before
            r["change_n"] = (r["change_n"] or 0) + 1
        if s.leg_before is not None:
            legs.append((s.started_at, s.leg_before))
        reach(day, s.reach_before)
        reach(day, s.reach_after)
    for w in walks:
        r = row(w.at.date())
        r["walks"] = (r["walks"] or 0) + 1
        r["walk_minutes"] = (r["walk_minutes"] or 0) + w.minutes
        if walk_flared(w, rules):
            r["walk_flares"] = (r["walk_flares"] or 0) + 1
    # The leg's first and latest of a day go by time, whichever record said it (History's
    # leg chart sorts the check-ins' and the sessions' ratings together).
    legs.sort()
    for at, pain in legs:
        r = rows[at.date()]
        if r["leg_first"] is None:
            r["leg_first"] = pain
        r["leg_high"] = _higher(r["leg_high"], pain)
        r["leg_last"] = pain
    return {day: DaySum(**r) for day, r in sorted(rows.items())}  # type: ignore[arg-type]


def rules_digest(rules: Rules) -> str:
    """What made a row: this module's meaning (`SUMS_VERSION`) and every rule a flare reads."""
    text = json.dumps([SUMS_VERSION, {f.name: repr(getattr(rules, f.name)) for f in fields(rules)}])
    return hashlib.sha1(text.encode()).hexdigest()[:16]


# ---------------------------------------------------------------------------------------------
# As stored in an archive: {"MM-DD": [the row's fields in order]}, days with a record only.


def to_document(rows: Mapping[date, DaySum]) -> dict[str, list[int | None]]:
    return {f"{day:%m-%d}": list(row) for day, row in rows.items()}


def from_document(year: int, document: object) -> dict[date, DaySum]:
    """The rows an archive stored; ValueError naming what is wrong when they are not rows.
    (Read at every start for the walking level: one pass, no per-value call.)"""
    return _rows(year, document, DaySum, "day sums", {int, type(None)})


def _rows(year: int, document: object, row: Any, what: str, kinds: set[type]) -> dict[date, Any]:
    """`{"MM-DD": [numbers]}` of `year` as `row` tuples by day; ValueError naming what is
    wrong (a day that is not one, a row of the wrong length, a value not of `kinds`)."""
    if not isinstance(document, dict):
        raise ValueError(f"its {what} should be an object")
    rows: dict[date, Any] = {}
    width = len(row._fields)
    make = row._make
    for key, values in document.items():
        try:
            if type(key) is not str or len(key) != 5 or key[2] != "-":
                raise ValueError
            day = date(year, int(key[:2]), int(key[3:]))
        except ValueError:
            raise ValueError(f"its {what} name a day that is not one: {key!r}") from None
        if type(values) is not list or len(values) != width:
            raise ValueError(f"its {what} for {day} are not {width} numbers")
        rows[day] = make(values)
    if not {type(v) for values in document.values() for v in values} <= kinds:
        raise ValueError(f"its {what} hold something other than whole numbers")
    return rows


def walks_to_document(rows: Mapping[date, DaySum]) -> dict[str, list[int]]:
    """The days with a walk: {"MM-DD": [walks, minutes, flares]}."""
    return {
        f"{day:%m-%d}": [r.walks, r.walk_minutes, r.walk_flares]
        for day, r in rows.items()
        if r.walks
    }


def walks_from_document(year: int, document: object) -> dict[date, WalkSum]:
    """The days with a walk an archive stored; ValueError naming what is wrong."""
    return _rows(year, document, WalkSum, "walks' sums", {int})
