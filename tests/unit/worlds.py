"""Small builders for histories, so each test states only what matters to it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from planner.models import CheckIn, Dose, ExerciseEntry, Session, StageEvent
from planner.progression import History
from tests.conftest import NOW


def at(day: date, hour: int = 8) -> datetime:
    return datetime.combine(day, time(hour))


def session(
    day: date,
    *,
    slot: str = "morning",
    stage: int = 1,
    before: int = 2,
    after: int | None = 2,
    completed: bool = True,
    hurt: bool = False,
    plan_id: str = "plan",
    entries: list[ExerciseEntry] | None = None,
    difficulty: str | None = "ok",
) -> Session:
    hour = 8 if slot == "morning" else 18
    if entries is None:
        entries = [
            ExerciseEntry(
                exercise_id="bridge",
                name="Bridge",
                prescribed=Dose(sets=1, reps=5),
                sets_done=1,
                reps_done=5,
                stopped_hurt=hurt,
            )
        ]
    return Session(
        plan_id=plan_id,
        stage=stage,
        slot=slot,
        started_at=at(day, hour),
        ended_at=at(day, hour) + timedelta(minutes=15),
        pain_before=before,
        pain_after=after,
        entries=entries,
        completed=completed,
        difficulty=difficulty,
    )


def checkin(day: date, pain: int, hour: int = 7) -> CheckIn:
    return CheckIn(at=at(day, hour), pain=pain)


def world(
    stage: int,
    *,
    days: int,
    sessions: int,
    checkins: list[int],
    pain: int,
    flare_ago: int | None = None,
    flare24_days_ago: int | None = None,
    now: datetime = NOW,
) -> History:
    """A history in `stage` that began `days` ago, with `sessions` recent sessions.

    Sessions run newest-first from yesterday evening, two a day, each with pain `pain` before
    and after (no flare). `checkins` are the first check-ins of the last len(checkins) days,
    oldest first. `flare_ago` makes the session that many back (0 = newest) a flare;
    `flare24_days_ago` makes that day's check-in a 24-hour flare.
    """
    today = now.date()
    start = today - timedelta(days=days)
    events = [StageEvent(at=at(start, 7), to_stage=stage, kind="start")]
    made = []
    for k in range(sessions):
        day = today - timedelta(days=1 + k // 2)
        slot = "evening" if k % 2 == 0 else "morning"
        after = 6 if k == flare_ago else pain
        made.append(session(day, slot=slot, stage=stage, before=pain, after=after))
    ins = [
        checkin(today - timedelta(days=len(checkins) - 1 - i), p) for i, p in enumerate(checkins)
    ]
    if flare24_days_ago is not None:
        flare_day = today - timedelta(days=flare24_days_ago)
        made.append(
            session(
                flare_day - timedelta(days=1),
                slot="morning",
                stage=stage,
                before=pain - 2,
                after=pain - 2,
            )
        )
        made = [
            s
            for s in made
            if not (s.day == flare_day - timedelta(days=1) and s.pain_before == pain)
        ]
        ins = [c for c in ins if c.at.date() != flare_day] + [checkin(flare_day, pain)]
    return History.of(made, ins, events)
