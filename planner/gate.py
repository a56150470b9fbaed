"""The gate: may a session start now, and if not, why — derived from the records alone (README,
safety rules).

Nothing here trusts a flag written beside the records. The plan's "paused" status is what the
gate last concluded, saved with the screening that caused it in one write (`settle`); the gate
itself reads the screenings, the sessions' end-of-session answers and the doctor's clearances,
so a crash between two writes, or an import, can never open it. Today, the palette,
`rehab status`, the calendar and the report all ask `may_start`; nothing else decides.

Sources: docs/clinical.md §3 (NICE NG59, NICE CKS cauda equina) for the signs and their grading.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import field, replace
from datetime import datetime, timedelta
from typing import Any, Literal

from planner.models import (
    Clearance,
    Frozen,
    Plan,
    Profile,
    Record,
    Rules,
    Screening,
    ScreeningResult,
    Session,
    StageEvent,
    value,
)
from planner.safety import CLEARABLE, LEGACY_SESSION_ANSWER, SIGNS, RedFlag, grade
from planner.stages import StageChange

#: Screenings that ask the whole list; the newest one is where the gate starts reading.
FULL_CONTEXTS = frozenset({"first-run", "weekly", "re-screen"})

Why = Literal[
    "ok", "no-plan", "no-screen", "emergency", "see-doctor", "surgery", "rescreen-due", "paused"
]

#: The sign of a Clearance that is the go-ahead of a surgeon or physiotherapist after recent
#: spinal surgery (docs/clinical.md §7): recorded with the day they said so, like a clearance.
GO_AHEAD = "surgery-go-ahead"


@value
class SafetyRecords(Frozen):
    """What the gate reads: the newest full screening and everything after it that bears on it.

    `screenings` is the newest full screening and every after-session screening since, oldest
    first; `sessions` the sessions since it whose end-of-session answer was yes; `clearances`
    every doctor's clearance ever recorded. `Repository.safety_records()` builds it.
    """

    screenings: tuple[Screening, ...] = ()
    sessions: tuple[Session, ...] = ()
    clearances: tuple[Clearance, ...] = ()
    #: The person said they had spinal surgery in the last three months (Profile.recent_surgery):
    #: sessions wait for a go-ahead (GO_AHEAD) given after `surgery_since` (when known).
    surgery: bool = False
    surgery_since: datetime | None = None


def surgery_wait(profile: Profile | None) -> dict[str, Any]:
    """The `SafetyRecords` fields a profile sets: whether sessions wait for a go-ahead after
    spinal surgery, and since when (`Profile.go_ahead_since`)."""
    since = profile.go_ahead_since if profile is not None else None
    return {"surgery": since is not None, "surgery_since": since}


@value
class OpenSign(Frozen):
    """A warning sign answered yes and not yet answered no since, nor cleared by a doctor."""

    flag: RedFlag
    at: datetime
    #: A doctor's clearance could stand in for this sign (it describes history).
    clearable: bool


@value
class Gate(Frozen):
    """Whether a session may start now; if not, why, in words for the person."""

    open: bool
    why: Why
    reason: str
    signs: tuple[OpenSign, ...] = ()
    cleared: tuple[Clearance, ...] = field(default=())

    @property
    def stopped(self) -> bool:
        """Closed for safety (a sign, a pause, no screening): more than the weekly re-screen
        being due, which one set of answers settles. Sessions are not planned ahead."""
        return not self.open and self.why != "rescreen-due"

    @property
    def result(self) -> ScreeningResult:
        """The grade of the open signs: emergency, see-doctor or clear."""
        return grade([s.flag for s in self.signs])

    @property
    def clearable(self) -> bool:
        """Every open sign is one a doctor's clearance may stand in for."""
        return bool(self.signs) and all(s.clearable for s in self.signs)


def with_records(safety: SafetyRecords, records: Iterable[object]) -> SafetyRecords:
    """The safety records as they will be once `records` are saved (the rest are ignored)."""
    screenings = [r for r in records if isinstance(r, Screening)]
    sessions = [r for r in records if isinstance(r, Session) and r.new_symptoms]
    clearances = [r for r in records if isinstance(r, Clearance)]
    return SafetyRecords(
        safety.screenings + tuple(screenings),
        safety.sessions + tuple(sessions),
        safety.clearances + tuple(clearances),
        safety.surgery,
        safety.surgery_since,
    )


def _full(screenings: tuple[Screening, ...], now: datetime | None = None) -> Screening | None:
    """The newest full screening, not counting one dated after `now` (a clock that jumped):
    a screening from the future never counts as fresh, and never clears anything."""
    full = [s for s in screenings if s.context in FULL_CONTEXTS and (now is None or s.at <= now)]
    # Of two at the same moment, the one saved last (records come in the order they were kept).
    return max(reversed(full), key=lambda s: s.at) if full else None


def is_alarm(screening: Screening) -> bool:
    """Did this screening answer yes to a same-day (emergency) sign?"""
    if screening.result == "emergency" and not any(screening.answers.values()):
        return True  # a result with no answers behind it: believe it (see open_signs)
    return any(
        answer and key in SIGNS and SIGNS[key].level == "emergency"
        for key, answer in screening.answers.items()
    )


def ends_alarm(screening: Screening) -> bool:
    """Does this full screening say why a same-day sign before it ended?"""
    return screening.after_emergency is not None and screening.context in FULL_CONTEXTS


def unanswered_emergency(
    screenings: Sequence[Screening], now: datetime | None = None
) -> Screening | None:
    """The newest screening with a same-day sign, unless a full screening after it said why
    the alarm ended (`Screening.after_emergency`): a doctor has seen the person, or the yes was
    a mistake. A bare all-clear is not enough (docs/clinical.md, "after an alarm"). Of records
    at the same moment, the one saved later counts as after. A reason dated after `now` (a
    clock that jumped) ends nothing."""
    ordered = sorted(screenings, key=lambda s: s.at)  # stable: ties keep the order saved
    last = None
    for screening in ordered:
        if is_alarm(screening):
            last = screening
        elif last is not None and ends_alarm(screening) and (now is None or screening.at <= now):
            last = None
    return last


def open_signs(
    safety: SafetyRecords, now: datetime | None = None
) -> tuple[list[OpenSign], list[Clearance]]:
    """Every sign answered yes in the newest full screening or since it, less the cleared ones.

    A session saved with a yes to the end-of-session question counts even when the screening
    that should have come with it is missing (a crash between two writes, an old file). A
    record dated after `now` still counts when it carries a sign, and never clears one.
    """
    full = _full(safety.screenings, now)
    since = full.at if full is not None else datetime.min
    clearances = sorted(
        (c for c in safety.clearances if c.sign in CLEARABLE and (now is None or c.at <= now)),
        key=lambda c: c.at,
    )
    found: dict[str, OpenSign] = {}
    used: dict[str, Clearance] = {}

    def add(flag: RedFlag, at: datetime) -> None:
        # A clearance answers what was known when it was given: a yes at or before it. A yes
        # after it is something new (a new fall, new drugs) and needs its own visit.
        covering = next((c for c in clearances if c.sign == flag.id and c.at >= at), None)
        if covering is not None:
            used[flag.id] = covering
            return
        found.setdefault(flag.id, OpenSign(flag, at, flag.id in CLEARABLE))

    for screening in sorted(safety.screenings, key=lambda s: s.at):
        # A full screening asks every question, the session ones too: what came before it (or
        # at the same moment) is answered by it.
        future = now is not None and screening.at > now
        if (
            screening is not full
            and not future
            and (screening.context in FULL_CONTEXTS or screening.at <= since)
        ):
            continue
        for key, answer in screening.answers.items():
            if answer:
                add(SIGNS.get(key, SIGNS[LEGACY_SESSION_ANSWER]), screening.at)
        if screening.result != "clear" and not any(screening.answers.values()):
            # A result with no answer behind it (a hand-edited or foreign file): believe the
            # worse of the two.
            add(
                RedFlag(
                    "recorded",
                    "A warning sign recorded without its answers",
                    screening.result if screening.result == "emergency" else "urgent",
                ),
                screening.at,
            )
    alarm = unanswered_emergency(safety.screenings, now)
    if alarm is not None and alarm.at <= since:
        # A same-day sign stays open past a later all-clear that did not say why it ended
        # (docs/clinical.md, "after an alarm"): only the emergency signs, since the later
        # screening answered the rest.
        for key, answer in alarm.answers.items():
            flag = SIGNS.get(key)
            if answer and flag is not None and flag.level == "emergency":
                add(flag, alarm.at)
        if alarm.result == "emergency" and not any(alarm.answers.values()):
            add(RedFlag("recorded", "A same-day warning sign recorded", "emergency"), alarm.at)
    for session in safety.sessions:
        if session.new_symptoms and (session.ended_at or session.started_at) > since:
            answered = any(
                s.context == "after-session" and s.at >= session.started_at
                for s in safety.screenings
            )
            if not answered:
                add(SIGNS[LEGACY_SESSION_ANSWER], session.ended_at or session.started_at)
    return list(found.values()), list(used.values())


def may_start(plan: Plan | None, safety: SafetyRecords, now: datetime, rules: Rules) -> Gate:
    """May a session start now? The one answer every screen and command asks for."""
    signs, cleared = open_signs(safety, now)
    if signs:
        result = grade([s.flag for s in signs])
        if result == "emergency":
            reason = (
                "A warning sign that needs medical help today is open. No exercise until "
                "a doctor has seen you; then answer the safety questions again (r)."
            )
            return Gate(False, "emergency", reason, tuple(signs), tuple(cleared))
        if all(s.clearable for s in signs):
            tail = (
                "see a doctor; when they say you may exercise, record it (d), or answer "
                "the safety questions again (r)."
            )
        else:
            tail = "see a doctor, then answer the safety questions again (r)."
        return Gate(
            False, "see-doctor", "A warning sign is open: " + tail, tuple(signs), tuple(cleared)
        )
    full = _full(safety.screenings, now)
    if full is None:
        return Gate(
            False, "no-screen", "Answer the safety questions first (r).", cleared=tuple(cleared)
        )
    if plan is None:
        return Gate(False, "no-plan", "There is no plan yet.", cleared=tuple(cleared))
    since = safety.surgery_since
    if safety.surgery and not any(
        c.sign == GO_AHEAD and c.at <= now and (since is None or c.at > since)
        for c in safety.clearances
    ):
        return Gate(
            False,
            "surgery",
            "After spinal surgery in the last three months, sessions wait for your surgeon's "
            "or physiotherapist's go-ahead: once they say you may start, record it (d).",
            cleared=tuple(cleared),
        )
    if plan.status == "paused":
        return Gate(
            False,
            "paused",
            "Your plan is paused: answer the safety questions again (r) to go on.",
            cleared=tuple(cleared),
        )
    limit = timedelta(days=rules.rescreen_days + rules.rescreen_grace_days)
    if now - full.at > limit:
        days = (now.date() - full.at.date()).days
        return Gate(
            False,
            "rescreen-due",
            f"Your last safety check was {days} days ago: "
            "answer the questions again (r) before the next session.",
            cleared=tuple(cleared),
        )
    return Gate(True, "ok", "", cleared=tuple(cleared))


def rescreen_due(safety: SafetyRecords, now: datetime, rules: Rules) -> bool:
    """The weekly re-screen is due (a reminder from day 7; the gate closes a day later)."""
    full = _full(safety.screenings, now)
    return full is None or now - full.at >= timedelta(days=rules.rescreen_days)


def carried_forward(
    ours: Iterable[Screening | Clearance], theirs: Iterable[Screening | Clearance]
) -> list[Screening | Clearance]:
    """Safety records are never rolled back: of the answers and clearances in the file about
    to be replaced (`ours`), every one the data coming in (`theirs`) lacks, oldest first. The
    gate then reads the union, so a sign answered since the backup (or on this computer only)
    still stops sessions, and only a new record can end it, never a file operation."""
    known = {record.id for record in theirs}
    return sorted((r for r in ours if r.id not in known), key=lambda r: r.at)


def alarm_end_words(screening: Screening) -> str:
    """Why a same-day sign ended, in a few words for the person and their clinician, or ""."""
    if screening.after_emergency == "seen-doctor" and screening.seen_on is not None:
        return f"the same-day warning sign ended: seen by a doctor on {screening.seen_on:%d %b %Y}"
    if screening.after_emergency == "mistake":
        return "the same-day warning sign ended: the yes was a mistake"
    return ""


def settle(
    plan: Plan | None, gate: Gate, now: datetime, ended: Screening | None = None
) -> StageChange | None:
    """The pause or resume the gate calls for, to save in the same write as what changed it.

    An open sign pauses an active plan; when no sign is open any more, a paused plan resumes
    (its event says why an alarm ended, when `ended` is the screening that said so). A closed
    gate for any other reason (the re-screen is due) leaves the plan as it is.
    """
    if plan is None or plan.status == "archived":
        return None
    if gate.signs and plan.status == "active":
        reason = f"warning sign: {gate.result} (" + ", ".join(s.flag.id for s in gate.signs) + ")"
        return StageChange(
            replace(plan, status="paused", pause_reason=reason),
            StageEvent(
                at=now, from_stage=plan.stage, to_stage=plan.stage, kind="pause", reason=reason
            ),
        )
    if not gate.signs and plan.status == "paused":
        why = (
            "warning signs clear"
            if not gate.cleared
            else "warning signs clear or checked by a doctor ("
            + ", ".join(c.sign for c in gate.cleared)
            + ")"
        )
        if ended is not None and alarm_end_words(ended):
            why += "; " + alarm_end_words(ended)
        return StageChange(
            replace(plan, status="active", pause_reason=None),
            StageEvent(
                at=now, from_stage=plan.stage, to_stage=plan.stage, kind="resume", reason=why
            ),
        )
    return None


def settled(
    plan: Plan | None,
    safety: SafetyRecords,
    records: Sequence[Record],
    now: datetime,
    rules: Rules,
) -> tuple[Gate, list[Record]]:
    """What to save in one write, `records` and the pause or resume they cause (`settle`),
    and the gate once all of it is saved. A crash then keeps all or none of them, and since
    the gate is derived from the records it holds even if the pause were lost."""
    after = with_records(safety, records)
    gate = may_start(plan, after, now, rules)
    ended = next((r for r in records if isinstance(r, Screening) and r.after_emergency), None)
    change = settle(plan, gate, now, ended)
    if change is None:
        return gate, list(records)
    # The gate as it stands once the plan is paused or resumed too (a resumed plan is open).
    return may_start(change.plan, after, now, rules), [*records, change.plan, change.event]
