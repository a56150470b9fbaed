"""Ordered schema migrations: `MIGRATIONS[0]` takes a file from schema 1 to 2, and so on.

The current schema version is `1 + len(MIGRATIONS)`. A migration is a pure function of the raw
tables (`{table: {id: document}}`) that returns the tables in the next schema; it never touches
disk. The repository backs the file up before it writes a migrated file, and refuses a file whose
version is newer than `current_version()`.

To change the schema: add a model change in `planner/models.py`, append one function here, and
add a fixture of the old schema to `tests/store/fixtures/`.
"""

from __future__ import annotations

from collections.abc import Callable

from store.schema import META_ID, META_TABLE, Tables

Migration = Callable[[Tables], Tables]


def _v2_clearances(tables: Tables) -> Tables:
    """Schema 2: a `clearances` table for "a doctor has checked this" records, an
    optional `session_id` on a declined dose step, and the end-of-session question split in
    two. Older records need no change: the new fields default, and an old after-session answer
    still reads as a warning sign (planner.safety.LEGACY_SESSION_ANSWER)."""
    tables.setdefault("clearances", {})
    return tables


#: Conditions whose symptoms reach the leg (README, safety rules): their ratings are back and leg
#: apart. Spelled out, not planner.models.LEG_CONDITIONS: a migration stays as it was released.
_LEG_CONDITIONS = {"sciatica", "ldh"}


def _v3_leg_symptoms(tables: Tables) -> Tables:
    """Schema 3: back and leg pain apart, and how far down the leg. Every pain a
    file holds is kept as it is, as back pain (one rating meant the back); leg pain and reach
    are unknown (null) for every older record, never guessed. The profile learns whether to
    ask for the leg from its conditions, as a first run now does."""
    for profile in tables.get("profile", {}).values():
        conditions = set(profile.get("conditions") or ())
        profile["leg_symptoms"] = bool(conditions & _LEG_CONDITIONS)
    for checkin in tables.get("checkins", {}).values():
        checkin.setdefault("leg_pain", None)
        checkin.setdefault("reach", None)
    for session in tables.get("sessions", {}).values():
        for name in ("leg_before", "leg_after", "reach_before", "reach_after"):
            session.setdefault(name, None)
        for entry in session.get("entries") or ():
            entry.setdefault("spread_down", False)
    return tables


def _v4_walks_and_bouts(tables: Tables) -> Tables:
    """Schema 4: a `walks` table for the walking programme and a `bouts` table for
    exercises done several times a day. The profile has not been asked about walking: its
    walking fields are unknown (null) until the person answers, never guessed."""
    tables.setdefault("walks", {})
    tables.setdefault("bouts", {})
    for profile in tables.get("profile", {}).values():
        profile.setdefault("walk_comfortable", None)
        profile.setdefault("walk_since", None)
    return tables


def _v5_plan_source(tables: Tables) -> Tables:
    """Schema 5: a plan may come from a physiotherapist's file (`source`). Every
    older plan was built by rehab: its source is none."""
    for plan in tables.get("plans", {}).values():
        plan.setdefault("source", None)
    return tables


def _v6_after_emergency(tables: Tables) -> Tables:
    """Schema 6: a session at a high pain says what the person chose (a lighter session, the
    lower stage's, or the planned one); a walk records how far down the leg the symptoms reach
    after it; and a full
    screening that ends a same-day warning sign says why (a doctor has seen
    the person, on a day; or the yes was a mistake). No older screening said so: none is
    guessed, so a same-day sign an older file closed with a bare all-clear is open again until
    the person answers once more and says why (docs/clinical.md, "after an alarm")."""
    for screening in tables.get("screenings", {}).values():
        screening.setdefault("after_emergency", None)
        screening.setdefault("seen_on", None)
    # Walks are symptoms too: how far down the leg after a walk, and before it. Not asked
    # before: unknown, never guessed.
    for walk in tables.get("walks", {}).values():
        walk.setdefault("reach_after", None)
        walk.setdefault("day_reach", None)
    # The three questions a physiotherapist asks (pregnancy, recent spinal surgery,
    # osteoporosis or steroids) were not asked before: unknown, never guessed.
    for profile in tables.get("profile", {}).values():
        for name in ("pregnant", "recent_surgery", "osteoporosis"):
            profile.setdefault(name, None)
    # A session at a high pain before it says what was chosen; no older one was asked.
    for session in tables.get("sessions", {}).values():
        session.setdefault("chosen", None)
    return tables


def _v7_health_answers(tables: Tables) -> Tables:
    """Schema 7: the answers to the questions a physiotherapist asks can change later (a
    "health" stage event says when), and a later yes to recent spinal surgery is dated
    (`surgery_said_at`) so only a go-ahead after it counts. No older file changed them."""
    for profile in tables.get("profile", {}).values():
        profile.setdefault("surgery_said_at", None)
    return tables


def _v8_line_checksums(tables: Tables) -> Tables:
    """Schema 8: each document's line in the file ends with its checksum (`store.layout.seal`),
    added by the writer to every line it writes; no record changes. A rehab of schema 7 would
    read that field as an unknown one and call the file damaged (and advise a restore that
    loses what came since); schema 8 makes it say the file is a newer rehab's instead."""
    return tables


def _v9_changed_at(tables: Tables) -> Tables:
    """Schema 9: the profile and each plan say when the store last wrote them (`changed_at`),
    so a merge of two computers' files keeps the later version. Unknown for what was written
    before: left out, and a merge falls back to the times the records hold."""
    return tables


MIGRATIONS: list[Migration] = [
    _v2_clearances,
    _v3_leg_symptoms,
    _v4_walks_and_bouts,
    _v5_plan_source,
    _v6_after_emergency,
    _v7_health_answers,
    _v8_line_checksums,
    _v9_changed_at,
]


def current_version() -> int:
    """The schema version this program writes (read at call time, so tests can add migrations)."""
    return 1 + len(MIGRATIONS)


def migrate(tables: Tables, from_version: int) -> Tables:
    """The tables brought from `from_version` up to `current_version()`; the input is not changed.

    Each step's result is stamped with its version, so a migration only has to move the data.
    """
    # A deep copy (through JSON, quicker than copy.deepcopy for plain data) keeps the caller's
    # tables intact if a step fails halfway.
    import pydantic_core

    result: Tables = pydantic_core.from_json(pydantic_core.to_json(tables))
    for version, step in enumerate(MIGRATIONS[from_version - 1 :], start=from_version):
        result = step(result)
        result[META_TABLE][META_ID]["schema_version"] = version + 1
    return result
