"""The CSV export: one row per exercise done (or per check-in, walk or PSFS activity).

Pure: records in, text out. Quoted by the `csv` module (RFC 4180, CRLF rows); a cell a
spreadsheet would run as a formula is written as text (`csv_cell`).
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from planner.formats import ExportAsk
from planner.formats.shared import Records, from_day, yes_no
from planner.models import Bout, CheckIn, Dose, PsfsRating, Rules, Session, Walk
from planner.progression import flare_reasons
from planner.text import screen_safe
from planner.walking import walk_flare_reasons

#: A cell starting with one of these is a formula to a spreadsheet (OWASP, "CSV Injection");
#: OWASP's carriage return never starts one here: screen_safe shows it as ␍.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t")


def csv_cell(value: Any) -> Any:
    """A CSV cell that a spreadsheet shows as text: control characters made visible, and a
    leading `'` before anything a spreadsheet would run as a formula (OWASP's advice)."""
    if not isinstance(value, str):
        return value
    # A Windows line break stays a line break; a lone carriage return shows as ␍.
    text = screen_safe(value.replace("\r\n", "\n"))
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


# ---------------------------------------------------------------------------------------------
# CSV: one row per exercise entry

CSV_COLUMNS = (
    "date",
    "time",
    "slot",
    "stage",
    "session_id",
    "exercise_id",
    "exercise",
    "prescribed",
    # The prescribed dose as numbers, for a spreadsheet to compute with (blank: not dosed so).
    "prescribed_sets",
    "prescribed_reps",
    "prescribed_hold_s",
    "prescribed_minutes",
    "prescribed_rest_s",
    "prescribed_per_day",
    "sets_done",
    "reps_done",
    "hold_s_done",
    "seconds_done",
    "skipped",
    "stopped_because_it_hurt",
    "pain_when_stopped",
    "pain_before",
    "pain_after",
    # Leg symptoms (README, safety rules): pain_before/after are then the back's; blank when not
    # asked.
    "leg_before",
    "leg_after",
    "reach_before",
    "reach_after",
    "stopped_because_it_spread",
    "flare",
    "flare_reason",
    "difficulty",
    "session_completed",
    "session_note",
    # The walking programme (README, safety rules): one row per walk, its slot "walk".
    "walk_minutes",
    "walk_backward",
)


def csv_text(
    sessions: Iterable[Session],
    rules: Rules,
    since: date | None = None,
    walks: Iterable[Walk] = (),
    bouts: Iterable[Bout] = (),
) -> str:
    """One row per exercise entry, oldest session first; a session with no entries gets one row.
    Then one row per walk (slot "walk") and per bout (slot "bout"), oldest first.

    Quoted by the `csv` module (RFC 4180, CRLF rows), so notes with commas, quotes and newlines
    read back intact with `csv.reader`.
    """
    return "".join(
        csv_sessions_pieces(
            sorted(from_day(sessions, since, "started_at"), key=lambda x: x.started_at),
            rules,
            _in_order(walks, since),
            _in_order(bouts, since),
        )
    )


def csv_sessions_pieces(
    sessions: Iterable[Session],
    rules: Rules,
    walks: Iterable[Walk] = (),
    bouts: Iterable[Bout] = (),
) -> Iterator[str]:
    """`csv_text` in pieces, written as the records come: each of `sessions`, `walks` and
    `bouts` already oldest first and from the day the export begins (as the store hands them
    out), so ten years of them are never held at once."""
    return _csv_pieces(CSV_COLUMNS, _session_rows(sessions, rules, walks, bouts))


def _session_rows(
    sessions: Iterable[Session], rules: Rules, walks: Iterable[Walk], bouts: Iterable[Bout]
) -> Iterator[dict[str, Any]]:
    for s in sessions:
        reasons = flare_reasons(s, rules)
        common = {
            "date": s.started_at.date().isoformat(),
            "time": f"{s.started_at:%H:%M}",
            "slot": s.slot,
            "stage": s.stage,
            "session_id": s.id,
            "pain_before": s.pain_before,
            "pain_after": _blank(s.pain_after),
            "leg_before": _blank(s.leg_before),
            "leg_after": _blank(s.leg_after),
            "reach_before": _blank(s.reach_before),
            "reach_after": _blank(s.reach_after),
            "flare": yes_no(bool(reasons)),
            "flare_reason": "; ".join(reasons),
            "difficulty": s.difficulty or "",
            "session_completed": yes_no(s.is_done),
            "session_note": s.note,
        }
        if not s.entries:
            yield common
        for e in s.entries:
            yield {
                **common,
                "exercise_id": e.exercise_id,
                "exercise": e.name,
                # ASCII "x": spreadsheets that guess the encoding turn "×" into mojibake.
                "prescribed": e.prescribed.label().replace("×", "x"),
                **_dose_numbers(e.prescribed),
                "sets_done": e.sets_done,
                "reps_done": e.reps_done,
                "hold_s_done": e.hold_s_done,
                "seconds_done": e.seconds_done,
                "skipped": yes_no(e.skipped),
                "stopped_because_it_hurt": yes_no(e.stopped_hurt),
                "stopped_because_it_spread": yes_no(e.spread_down),
                "pain_when_stopped": _blank(e.pain_when_stopped),
            }
    for w in walks:
        why = "; ".join(walk_flare_reasons(w, rules))
        row = {
            "date": w.at.date().isoformat(),
            "time": f"{w.at:%H:%M}",
            "slot": "walk",
            "pain_before": _blank(w.day_pain),
            "pain_after": w.pain_after,
            "leg_after": _blank(w.leg_after),
            "reach_before": _blank(w.day_reach),
            "reach_after": _blank(w.reach_after),
            "flare": yes_no(bool(why)),
            "flare_reason": why,
            "session_note": w.note,
            "walk_minutes": w.minutes,
            "walk_backward": yes_no(w.backward),
        }
        yield row
    for b in bouts:
        row = {
            "date": b.at.date().isoformat(),
            "time": f"{b.at:%H:%M}",
            "slot": "bout",
            "exercise_id": b.exercise_id,
            "session_completed": yes_no(True),
        }
        yield row


def _blank(value: int | str | None) -> str | int:
    return "" if value is None else value


def _dose_numbers(dose: Dose) -> dict[str, str | int]:
    """A dose's numbers under their `prescribed_…` columns."""
    names = ("sets", "reps", "hold_s", "minutes", "rest_s", "per_day")
    return {f"prescribed_{n}": _blank(getattr(dose, n)) for n in names}


#: The tables `rehab export --format csv --table` writes: the sessions (the default, above),
#: and one row per check-in, per walk and per activity of a PSFS rating.
CSV_TABLES = ("sessions", "checkins", "walks", "psfs")
CHECKIN_COLUMNS = ("date", "time", "pain", "leg_pain", "reach", "note")
WALK_COLUMNS = (
    "date",
    "time",
    "minutes",
    "backward",
    "pain_that_day",
    "pain_after",
    "leg_after",
    "reach_before",
    "reach_after",
    "flare",
    "flare_reason",
    "note",
)
PSFS_COLUMNS = ("date", "time", "rating_id", "activity", "score", "mean")


def _csv_pieces(
    columns: Sequence[str], rows: Iterable[Mapping[str, Any]], size: int = 256 * 1024
) -> Iterator[str]:
    """The header and `rows` as CSV, in pieces of about `size` characters, written as the rows
    come."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: csv_cell(v) for k, v in row.items()})
        if buffer.tell() >= size:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _stamped(at: datetime) -> dict[str, str]:
    """The date and time columns of a row."""
    return {"date": at.date().isoformat(), "time": f"{at:%H:%M}"}


def _in_order(items: Iterable[Any], since: date | None) -> list[Any]:
    """Records from `since` on, oldest first (every one of these tables is ordered by `at`)."""
    return sorted(from_day(items, since, "at"), key=lambda x: x.at)


def csv_checkins(checkins: Iterable[CheckIn], since: date | None = None) -> str:
    """One row per daily check-in, oldest first: the report's pain trend, rebuilt."""
    return "".join(csv_checkins_pieces(_in_order(checkins, since)))


def csv_checkins_pieces(checkins: Iterable[CheckIn]) -> Iterator[str]:
    """`csv_checkins` in pieces, from check-ins already oldest first and from the day asked."""
    return _csv_pieces(
        CHECKIN_COLUMNS,
        (
            {
                **_stamped(c.at),
                "pain": c.pain,
                "leg_pain": _blank(c.leg_pain),
                "reach": _blank(c.reach),
                "note": c.note,
            }
            for c in checkins
        ),
    )


def csv_walks(walks: Iterable[Walk], rules: Rules, since: date | None = None) -> str:
    """One row per walk, oldest first, with whether it flared and why."""
    return "".join(csv_walks_pieces(_in_order(walks, since), rules))


def csv_walks_pieces(walks: Iterable[Walk], rules: Rules) -> Iterator[str]:
    """`csv_walks` in pieces, from walks already oldest first and from the day asked."""
    return _csv_pieces(
        WALK_COLUMNS,
        (
            {
                **_stamped(w.at),
                "minutes": w.minutes,
                "backward": yes_no(w.backward),
                "pain_that_day": _blank(w.day_pain),
                "pain_after": w.pain_after,
                "leg_after": _blank(w.leg_after),
                "reach_before": _blank(w.day_reach),
                "reach_after": _blank(w.reach_after),
                "flare": yes_no(bool(walk_flare_reasons(w, rules))),
                "flare_reason": "; ".join(walk_flare_reasons(w, rules)),
                "note": w.note,
            }
            for w in walks
        ),
    )


def csv_psfs(ratings: Iterable[PsfsRating], since: date | None = None) -> str:
    """One row per activity of each PSFS rating, oldest first, with the rating's mean."""
    return "".join(csv_psfs_pieces(_in_order(ratings, since)))


def csv_psfs_pieces(ratings: Iterable[PsfsRating]) -> Iterator[str]:
    """`csv_psfs` in pieces, from ratings already oldest first and from the day asked."""
    return _csv_pieces(
        PSFS_COLUMNS,
        (
            {
                **_stamped(r.at),
                "rating_id": r.id,
                "activity": item.activity,
                "score": item.score,
                "mean": round(r.mean, 2),
            }
            for r in ratings
            for item in r.items
        ),
    )


def pieces(repo: Records, ask: ExportAsk) -> Iterator[str]:
    """The CSV export of what `repo` holds: one of `CSV_TABLES` (`ask.table`), a row at a time,
    from `ask.since` on; with `ask.excel`, after the byte-order mark Excel on Windows needs to
    read it as UTF-8."""
    since, rules = ask.since, ask.catalog.rules
    if ask.table == "checkins":
        rows = csv_checkins_pieces(repo.each("checkins", since))
    elif ask.table == "walks":
        rows = csv_walks_pieces(repo.each("walks", since), rules)
    elif ask.table == "psfs":
        rows = csv_psfs_pieces(repo.each("psfs", since))
    elif ask.table == "sessions":
        rows = csv_sessions_pieces(
            repo.each("sessions", since),
            rules,
            repo.each("walks", since),
            repo.each("bouts", since),
        )
    else:
        raise ValueError(f"unknown CSV table {ask.table!r}")
    return itertools.chain(["\ufeff"] if ask.excel else [], rows)
