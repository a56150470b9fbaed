"""Realistic made-up history, driven by the real planner: for the demo, tests and benchmarks.

A simulated person with an episode of disc-related back pain that slowly settles (with the odd
flare) checks in most mornings, does most sessions, and follows the planner's advice: moving on
when every criterion holds, stepping back when told to, taking most dose steps. Pure: it returns
records; the caller writes them. Same seed, same history.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from planner.advice import advise
from planner.gate import SafetyRecords
from planner.models import (
    LEG_CONDITIONS,
    REACHES,
    Bout,
    Catalog,
    CheckIn,
    Condition,
    Difficulty,
    Equipment,
    ExerciseEntry,
    Plan,
    Profile,
    PsfsItem,
    PsfsRating,
    Reach,
    Record,
    Screening,
    ScreeningContext,
    Session,
    Slot,
    StageEvent,
    Walk,
)
from planner.plan import place
from planner.progression import History
from planner.safety import RED_FLAGS
from planner.stages import StageChange, advance, start_programme, step_back
from planner.walking import day_pain_before, fold_week, reach_before, start_minutes

NOTES = [
    "Stiff after sitting at work all afternoon.",
    "Felt looser after the knee-to-chest stretch.",
    "Slept badly; took it gently.",
    "Tingling down the left leg eased by the end.",
    "Walked to the shop without stopping [first time in weeks].",
    "Used a hot water bottle first, helped.",
    "Left hip tight; skipped nothing.",
    "Physio said: keep going, add a rep when it feels easy.",
]
ACTIVITIES = [
    "Putting on socks",
    "Sitting through a film",
    "Carrying shopping",
    "Gardening",
    "Getting out of the car",
]
WINDOW_DAYS = 45  # every rule looks back at most ~30 days


@dataclass
class SyntheticHistory:
    """A made-up history for the demo and the benchmarks, as the records the store keeps."""

    profile: Profile
    screenings: list[Screening] = field(default_factory=list)
    plans: dict[str, Plan] = field(default_factory=dict)
    sessions: list[Session] = field(default_factory=list)
    checkins: list[CheckIn] = field(default_factory=list)
    events: list[StageEvent] = field(default_factory=list)
    psfs: list[PsfsRating] = field(default_factory=list)
    walks: list[Walk] = field(default_factory=list)
    bouts: list[Bout] = field(default_factory=list)

    def records(self) -> list[Record]:
        """Every record, ready to save: the profile first, then each kind in turn."""
        return [
            self.profile,
            *self.screenings,
            *self.plans.values(),
            *self.sessions,
            *self.checkins,
            *self.events,
            *self.psfs,
            *self.walks,
            *self.bouts,
        ]

    def apply(self, change: StageChange) -> Plan:
        """Record a stage change as the app would: its plans and its event. Returns the new plan."""
        if change.old_plan is not None:
            self.plans[change.old_plan.id] = change.old_plan
        self.plans[change.plan.id] = change.plan
        self.events.append(change.event)
        return change.plan


def _at(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute))


def _clear(now: datetime, context: ScreeningContext) -> Screening:
    return Screening(
        at=now, answers={f.id: False for f in RED_FLAGS}, result="clear", context=context
    )


def generate(
    catalog: Catalog, days: int, end: datetime, seed: int = 7, adherence: float = 0.86
) -> SyntheticHistory:
    """`days` days of use ending the day before `end`, two slots a day.

    `adherence` is the share of planned sessions done on ordinary days (1.0 for the
    benchmarks' two sessions every day); on flare days people rest more often.
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    rng = random.Random(seed)
    first = end.date() - timedelta(days=days)
    profile = Profile(
        conditions=[Condition.LDH, Condition.SCIATICA],
        episode_start=first - timedelta(days=rng.randint(5, 12)),
        equipment=[Equipment.NONE, Equipment.MAT, Equipment.CHAIR, Equipment.TABLE],
        slots=["morning", "evening"],
        minutes_per_session=15,
        stenosis=False,
        disclaimer_accepted_at=_at(first, 7, 0),
        walk_comfortable=rng.randint(10, 20),
        walk_since=first,
    )
    # Disc-related pain that goes down the leg: back and leg are rated apart (README, safety rules).
    profile = replace(profile, leg_symptoms=bool(LEG_CONDITIONS & set(profile.conditions)))
    out = SyntheticHistory(profile)
    # Walks and bouts draw on a generator of their own, so the sessions and check-ins a seed
    # gives stay what they were before there were walks.
    walk_rng = random.Random(seed * 7919 + 1)
    # The leg, likewise: its own generator, and never worse than the back on the same rating,
    # so every decision (made on the worse of the two) is the one the back pain alone gave.
    leg = _Leg(random.Random(seed * 104_729 + 3))
    # The walking level, carried forward a week at a time (as `walking` folds it from the
    # start, which at every simulated week made the generator quadratic in the years).
    rules = catalog.rules
    assert profile.walk_comfortable
    walk_minutes = start_minutes(profile.walk_comfortable, rules)
    week_from = 0  # the first of the programme week's walks in out.walks
    start = _at(first, 7, 5)
    initial = rng.uniform(5.0, 6.5)  # the underlying pain, settling over a few weeks
    floor = rng.uniform(0.8, 1.6)
    level = initial
    placement = place(round(level), profile.episode_start, first, catalog, profile.conditions)
    out.screenings.append(_clear(start, "first-run"))
    out.checkins.append(leg.checkin(CheckIn(at=start, pain=round(level)), 0, False))
    plan = out.apply(
        start_programme(
            catalog,
            profile,
            placement.stage,
            start,
            placement.reason,
            placement.stage,
            pain=round(level),
        )
    )
    flare_days = 0
    for offset in range(days):
        day = first + timedelta(days=offset)
        # Most episodes settle within weeks (docs/clinical.md §2); now and then a flare of a few
        # days.
        level = floor + (initial - floor) * math.exp(-offset / 18)
        if flare_days == 0 and offset > 10 and rng.random() < 0.012:
            flare_days = rng.randint(2, 4)
        bump = 3.0 if flare_days else 0.0
        flare_days = max(flare_days - 1, 0)
        felt = level + bump

        if offset > 0 and rng.random() < 0.9:
            pain = _clip(felt + rng.gauss(0, 0.6))
            note = rng.choice(NOTES) if rng.random() < 0.05 else ""
            checkin = CheckIn(at=_at(day, 7, rng.randint(0, 40)), pain=pain, note=note)
            out.checkins.append(leg.checkin(checkin, offset, bump > 0))
        if plan.status == "active":
            times: tuple[tuple[Slot, int], ...] = (("morning", 8), ("evening", 18))
            for slot, hour in times:
                # On a flare day people often rest instead.
                if rng.random() < (0.35 * adherence / 0.86 if bump else adherence):
                    session = _session(
                        rng, catalog, plan, slot, _at(day, hour, rng.randint(0, 50)), felt, bump > 0
                    )
                    out.sessions.append(leg.session(session, offset, bump > 0))
        if plan.status == "active":
            for p in plan.bouts(profile.slots):
                for hour in (11, 14, 16, 20)[: p.dose.per_day]:
                    if walk_rng.random() < adherence * 0.9:
                        at = _at(day, hour, walk_rng.randint(0, 50))
                        out.bouts.append(Bout(at=at, exercise_id=p.exercise_id, plan_id=plan.id))
        if offset and offset % 7 == 0:  # the walking level moves once a week
            walk_minutes = fold_week(walk_minutes, out.walks[week_from:], rules)[0]
            week_from = len(out.walks)
        if walk_minutes and walk_rng.random() < adherence * 0.8:
            after = _clip(felt - 0.5 + walk_rng.gauss(0, 0.7) + (1.5 if bump else 0))
            walked = Walk(
                at=_at(day, 17, walk_rng.randint(0, 50)),
                minutes=max(1, walk_minutes + walk_rng.randint(-2, 3)),
                pain_after=after,
                day_pain=day_pain_before(out.checkins[-3:], _at(day, 17, 0)),
            )
            day_reach = reach_before(out.checkins[-3:], walked.at)
            out.walks.append(leg.walk(walked, offset, bump > 0, day_reach))
        now = _at(day, 21, 0)
        if offset % 7 == 6:
            out.screenings.append(_clear(_at(day, 20, 0), "weekly"))
            out.psfs.append(_psfs(rng, now, level))
        plan = _follow_advice(rng, catalog, out, plan, now)
    return out


class _Leg:
    """The leg side of a sciatica history: leg pain that settles faster than the back pain and
    symptoms that retreat up the leg (centralising) over the first weeks, a step further down on
    flare days, now and then easing up the leg within a session."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.start = rng.uniform(5.0, 7.0)

    def level(self, offset: int, flaring: bool) -> float:
        return self.start * math.exp(-offset / 12) + (2.0 if flaring else 0.0)

    def reach(self, offset: int, flaring: bool) -> Reach:
        level = self.level(offset, flaring)
        return (
            "below-knee"
            if level >= 4.5
            else "thigh"
            if level >= 3
            else ("buttock" if level >= 1.5 else "none")
        )

    def pain(self, offset: int, flaring: bool, back: int) -> int:
        """Leg pain, never above the back's, and none while the symptoms do not reach the leg."""
        felt = min(back, _clip(self.level(offset, flaring) + self.rng.gauss(0, 0.6)))
        return 0 if self.reach(offset, flaring) == "none" else felt

    def checkin(self, c: CheckIn, offset: int, flaring: bool) -> CheckIn:
        leg = self.pain(offset, flaring, c.pain)
        return replace(c, leg_pain=leg, reach=self.reach(offset, flaring))

    def session(self, s: Session, offset: int, flaring: bool) -> Session:
        before = self.reach(offset, flaring)
        at = REACHES.index(before)
        after = before
        if flaring and self.rng.random() < 0.5 and at + 1 < len(REACHES):
            after = REACHES[at + 1]  # spread down the leg: a flare (the pain already made it one)
        elif at > 0 and self.rng.random() < 0.3:
            after = REACHES[at - 1]  # eased up the leg during the session: a good sign
        entries = s.entries
        if after != before and REACHES.index(after) > at:
            entries = [replace(e, spread_down=True) if e.stopped_hurt else e for e in entries]
        assert s.pain_after is not None
        return replace(
            s,
            entries=entries,
            leg_before=self.pain(offset, flaring, s.pain_before),
            leg_after=0 if after == "none" else self.pain(offset, flaring, s.pain_after),
            reach_before=before,
            reach_after=after,
        )

    def walk(self, w: Walk, offset: int, flaring: bool, day_reach: Reach | None) -> Walk:
        return replace(
            w,
            leg_after=self.pain(offset, flaring, w.pain_after),
            reach_after=self.reach(offset, flaring),
            day_reach=day_reach,
        )


def _clip(x: float) -> int:
    return max(0, min(10, round(x)))


def _session(
    rng: random.Random,
    catalog: Catalog,
    plan: Plan,
    slot: Slot,
    at: datetime,
    felt: float,
    flaring: bool,
) -> Session:
    before = _clip(felt + rng.gauss(0, 0.5))
    entries = []
    hurt_one = flaring and rng.random() < 0.3
    items = plan.for_slot(slot, ("morning", "evening"))
    for i, p in enumerate(items):
        ex = catalog.exercises[p.exercise_id]
        skipped = rng.random() < 0.04
        hurt = hurt_one and i == len(items) // 2
        sets = 0 if skipped or hurt else p.dose.sets
        entries.append(
            ExerciseEntry(
                exercise_id=ex.id,
                name=ex.name,
                prescribed=p.dose,
                sets_done=sets,
                reps_done=(p.dose.reps or 0) * sets,
                hold_s_done=(p.dose.hold_s or 0) if sets else 0,
                seconds_done=p.dose.seconds() if sets else 0,
                skipped=skipped,
                stopped_hurt=hurt,
                pain_when_stopped=_clip(before + 2) if hurt else None,
            )
        )
    after = _clip(before + (rng.choice([2, 3]) if flaring else rng.choice([-2, -1, -1, 0, 0, 1])))
    difficulties: list[Difficulty] = ["easy", "ok", "hard"]
    difficulty = rng.choices(difficulties, weights=[3, 5, 1 + 3 * flaring])[0]
    return Session(
        plan_id=plan.id,
        stage=plan.stage,
        slot=slot,
        started_at=at,
        ended_at=at + timedelta(minutes=rng.randint(9, 18)),
        pain_before=before,
        pain_after=after,
        entries=entries,
        difficulty=difficulty,
        new_symptoms=False,
        note=rng.choice(NOTES) if rng.random() < 0.08 else "",
        completed=True,
    )


def _psfs(rng: random.Random, now: datetime, level: float) -> PsfsRating:
    base = 10 - level
    return PsfsRating(
        at=now,
        items=[PsfsItem(activity=a, score=_clip(base + rng.gauss(0, 1))) for a in ACTIVITIES[:3]],
    )


def _follow_advice(
    rng: random.Random, catalog: Catalog, out: SyntheticHistory, plan: Plan, now: datetime
) -> Plan:
    window = now - timedelta(days=WINDOW_DAYS)
    history = History.of(
        [s for s in out.sessions[-4 * WINDOW_DAYS :] if s.started_at >= window],
        [c for c in out.checkins[-2 * WINDOW_DAYS :] if c.at >= window],
        out.events,
        [b for b in out.bouts[-4 * WINDOW_DAYS :] if b.at >= window],
        [w for w in out.walks[-2 * WINDOW_DAYS :] if w.at >= window],
    )
    advice = advise(
        catalog, out.profile, plan, history, SafetyRecords((out.screenings[-1],)), None, now
    )
    if advice.step_back is not None:
        return out.apply(step_back(catalog, out.profile, plan, now, advice.step_back))
    if advice.recommend_move_on:
        return out.apply(advance(catalog, out.profile, plan, advice, now))
    ups = [d for d in advice.doses if d.direction == "down" or rng.random() < 0.6]
    if ups:
        changed = {d.exercise_id: d.proposed for d in ups}
        prescriptions = [
            replace(p, dose=changed.get(p.exercise_id, p.dose)) for p in plan.prescriptions
        ]
        plan = replace(plan, prescriptions=prescriptions)
        out.plans[plan.id] = plan
    return plan
