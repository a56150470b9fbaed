"""The progression engine: flares, moving on, stepping back, dose steps (README, safety rules).

Every function is pure: it takes the catalog's rules, the history and `now`, and returns a
result with its reasons and numbers. Nothing here reads a clock or a file.
"""

from __future__ import annotations

import bisect
from abc import abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import field, replace
from datetime import date, datetime, timedelta
from typing import Literal, TypeVar, overload

from planner.clock import midnight
from planner.models import (
    REACH_WORDS,
    REACHES,
    Bout,
    Catalog,
    CheckIn,
    Criterion,
    Dose,
    DoseBounds,
    Frozen,
    MoveOnRule,
    Plan,
    Reach,
    Rules,
    Session,
    Slot,
    StageEvent,
    Walk,
    value,
)
from planner.walking import is_flare as walk_flared

ReachMove = Literal["centralising", "peripheralising"]

STAGE_SETTING_KINDS = ("start", "advance", "step-back", "override")


T = TypeVar("T")


class Timed(Sequence[T]):
    """Records oldest first whose times are known without reading them (`times`, in the same
    order): what the store hands `History` for the stage timeline, so a start reads the few
    events the rules look at, not every one of thirty years. `History.of` keeps one as it is,
    and a slice of one is one too."""

    __slots__ = ()

    @property
    @abstractmethod
    def times(self) -> tuple[datetime, ...]:
        """Each record's time, oldest first."""

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> Timed[T]: ...
    @abstractmethod
    def __getitem__(self, index: int | slice) -> T | Timed[T]: ...


@value
class History(Frozen):
    """What happened, each list sorted oldest first. Build with `History.of(...)`."""

    sessions: tuple[Session, ...] = ()
    checkins: tuple[CheckIn, ...] = ()
    #: A tuple, or the store's `Timed` timeline, each event read when first looked at.
    events: Sequence[StageEvent] = ()
    #: Short bouts of the exercises done through the day (README, safety rules), oldest first.
    bouts: tuple[Bout, ...] = ()
    #: The walks of the walking programme, oldest first: a walk that flared counts toward a
    #: step back as a session's flare does.
    walks: tuple[Walk, ...] = ()
    _session_starts: tuple[datetime, ...] = field(default=(), repr=False, compare=False)
    _checkin_times: tuple[datetime, ...] = field(default=(), repr=False, compare=False)
    _event_times: tuple[datetime, ...] = field(default=(), repr=False, compare=False)

    @classmethod
    def of(
        cls,
        sessions: Iterable[Session] = (),
        checkins: Iterable[CheckIn] = (),
        events: Iterable[StageEvent] = (),
        bouts: Iterable[Bout] = (),
        walks: Iterable[Walk] = (),
    ) -> History:
        """A history from records in any order; each list is sorted oldest first here."""
        s = tuple(sorted(sessions, key=lambda x: x.started_at))
        c = tuple(sorted(checkins, key=lambda x: x.at))
        e: Sequence[StageEvent]
        if isinstance(events, Timed):  # in time order already, and read as looked at
            e, e_times = events, events.times
        else:
            e = tuple(sorted(events, key=lambda x: x.at))
            e_times = tuple(x.at for x in e)
        b = tuple(sorted(bouts, key=lambda x: x.at))
        return cls(
            sessions=s,
            checkins=c,
            events=e,
            bouts=b,
            walks=tuple(sorted(walks, key=lambda x: x.at)),
            _session_starts=tuple(x.started_at for x in s),
            _checkin_times=tuple(x.at for x in c),
            _event_times=e_times,
        )

    def __post_init__(self) -> None:
        if len(self._event_times) != len(self.events):  # made without `of`: worked out here
            events = self.events
            times = events.times if isinstance(events, Timed) else tuple(x.at for x in events)
            object.__setattr__(self, "_event_times", times)

    def sessions_since(self, when: datetime) -> tuple[Session, ...]:
        """The sessions started at or after `when`, oldest first."""
        return self.sessions[bisect.bisect_left(self._session_starts, when) :]

    def checkins_since(self, when: datetime) -> tuple[CheckIn, ...]:
        """The check-ins made at or after `when`, oldest first."""
        return self.checkins[bisect.bisect_left(self._checkin_times, when) :]

    def until(self, now: datetime) -> History:
        """What had happened by `now`. A record dated later (the clock was wrong when it was
        made, or a file came from a machine whose clock was) is shown where records are
        listed, but never drives today's advice."""
        s = self.sessions[: bisect.bisect_right(self._session_starts, now)]
        c = self.checkins[: bisect.bisect_right(self._checkin_times, now)]
        e = self.events[: bisect.bisect_right(self._event_times, now)]
        b = tuple(x for x in self.bouts if x.at <= now)
        w = tuple(x for x in self.walks if x.at <= now)
        if (
            len(s) == len(self.sessions)
            and len(c) == len(self.checkins)
            and len(e) == len(self.events)
            and len(b) == len(self.bouts)
            and len(w) == len(self.walks)
        ):
            return self
        return History(
            sessions=s,
            checkins=c,
            events=e,
            bouts=b,
            walks=w,
            _session_starts=self._session_starts[: len(s)],
            _checkin_times=self._checkin_times[: len(c)],
            _event_times=self._event_times[: len(e)],
        )

    def events_at(self, moment: datetime) -> Sequence[StageEvent]:
        """The stage events made at exactly `moment` (reading no other)."""
        times = self._event_times
        return self.events[bisect.bisect_left(times, moment) : bisect.bisect_right(times, moment)]

    def stage_started_at(self, stage: int) -> datetime | None:
        """When the current run of `stage` began: its latest start/advance/step-back/override."""
        for event in reversed(self.events):
            if event.kind in STAGE_SETTING_KINDS:
                return event.at if event.to_stage == stage else None
        return None


RECENT_DAYS = 45  # every rule but "sessions in this stage" looks back 30 days at most


def history_since(
    catalog: Catalog, stage: int, events: Sequence[StageEvent], now: datetime
) -> datetime:
    """How far back the rules need history: 45 days, or to the stage's start when its move-on
    rule counts sessions since then. Reading only this keeps ten years as quick as one week."""
    base = now - timedelta(days=RECENT_DAYS)
    if catalog.stage(stage).move_on is None:
        return base
    start = History.of(events=events).stage_started_at(stage)
    return min(base, start) if start is not None else base


def plural(n: int, word: str) -> str:
    """ "session" or "sessions", as the number asks."""
    return word if n == 1 else word + "s"


def _day_label(when: datetime) -> str:
    return f"{when:%d %b} {when:%H:%M}"


# ---------------------------------------------------------------------------------------------
# Flares


def flare_reasons(session: Session, rules: Rules) -> list[str]:
    """Why a session counts as a flare (pain-monitoring model); empty when it does not.

    Pain is the worse of back and leg pain (docs/clinical.md §6). Leg symptoms that reached further
    down the leg after the session than before it (peripheralising) count as a flare too, and
    so does an exercise stopped because it hurt or the symptoms spread (README, safety rules).
    """
    reasons = []
    before, after = session.worse_before, session.worse_after
    if after is not None:
        if after > rules.flare_pain_after_above:
            reasons.append(f"pain after {after} (above {rules.flare_pain_after_above})")
        elif after >= before + rules.flare_rise:
            reasons.append(f"pain rose {before}→{after} (+{rules.flare_rise} or more)")
    was, now = session.reach_before, session.reach_after
    if was is not None and now is not None and reach_moved(was, now) == "peripheralising":
        reasons.append(
            f"the leg symptoms spread further down ({REACH_WORDS[was]} → {REACH_WORDS[now]})"
        )
    if any(e.spread_down for e in session.entries):
        reasons.append("an exercise was stopped because the leg symptoms spread further down")
    elif session.stopped_for_pain:
        reasons.append("an exercise was stopped because it hurt")
    return reasons


def reach_moved(before: Reach | None, after: Reach | None) -> ReachMove | None:
    """Centralising (the leg symptoms retreat toward the spine: a good sign) or peripheralising
    (they spread further down: stop), from one reach to a later one; None when either is not
    known or nothing moved (Werneke et al. 2001, docs/clinical.md §6)."""
    if before is None or after is None or before == after:
        return None
    return "centralising" if REACHES.index(after) < REACHES.index(before) else "peripheralising"


def load_flare(session: Session, rules: Rules) -> bool:
    """A flare of the session's load as a whole: the pain after it, or the leg symptoms after
    it (not an exercise stopped because it hurt: that one is the exercise's alone)."""
    before, after = session.worse_before, session.worse_after
    if after is not None and (
        after > rules.flare_pain_after_above or after >= before + rules.flare_rise
    ):
        return True
    was, now = session.reach_before, session.reach_after
    return was is not None and now is not None and reach_moved(was, now) == "peripheralising"


def is_flare(session: Session, rules: Rules) -> bool:
    """Does this session count as a flare (`flare_reasons` says why)?"""
    return bool(flare_reasons(session, rules))


def first_checkins_by_day(checkins: Iterable[CheckIn]) -> dict[date, CheckIn]:
    """The day's check-in is its first one."""
    days: dict[date, CheckIn] = {}
    for c in checkins:
        days.setdefault(c.at.date(), c)
    return days


@value
class Flare24h(Frozen):
    """A 24-hour flare: the day's first check-in at or above the day before's pre-session pain
    plus the rule's rise."""

    day: date  # the day of the raised check-in
    before: int  # the previous day's pre-session pain
    after: int  # this day's first check-in


def flares_24h(history: History, rules: Rules, since: date) -> list[Flare24h]:
    """24-hour flares from `since` on: a day's first check-in ≥ yesterday's pre-session pain + 2."""
    start = midnight(since - timedelta(days=1))
    pre_pain: dict[date, int] = {}
    for s in history.sessions_since(start):
        pre_pain.setdefault(s.day, s.worse_before)
    return flares_24h_of(pre_pain, history.checkins, rules, since)


def flares_24h_of(
    pre_pain: Mapping[date, int], checkins: Sequence[CheckIn], rules: Rules, since: date
) -> list[Flare24h]:
    """`flares_24h` from each day's pre-session pain (the day's first session's
    `worse_before`, from the day before `since` on) and the check-ins, oldest first."""
    found = []
    start = bisect.bisect_left([c.at for c in checkins], midnight(since))
    for day, checkin in first_checkins_by_day(checkins[start:]).items():
        before = pre_pain.get(day - timedelta(days=1))
        if before is not None and checkin.worse_pain >= before + rules.flare_24h_rise:
            found.append(Flare24h(day, before, checkin.worse_pain))
    return found


# ---------------------------------------------------------------------------------------------
# Moving on


@value
class MoveOnCheck(Frozen):
    """Every criterion for moving on to the next stage, each with its numbers; ok when all hold."""

    from_stage: int
    to_stage: int | None
    criteria: tuple[Criterion, ...]

    @property
    def ok(self) -> bool:
        """Whether there is a next stage and every criterion for it holds."""
        return self.to_stage is not None and all(c.ok for c in self.criteria)

    @property
    def failing(self) -> list[Criterion]:
        """The criteria that do not hold yet, in order."""
        return [c for c in self.criteria if not c.ok]

    def reason(self) -> str:
        """One sentence for the person: moving on is allowed, or what still stands in the way."""
        if self.to_stage is None:
            return "This is the last stage: keep the routine going."
        if self.ok:
            return f"Every criterion holds: you may move on to stage {self.to_stage}."
        return "Not yet: " + "; ".join(f"{c.label.lower()} ({c.detail})" for c in self.failing)


def _adherence(
    history: History, rule: MoveOnRule, slots: int, today: date, bouts: dict[str, int]
) -> Criterion:
    """Done sessions over planned ones in the window before today, with the day's bouts
    (`bouts`: exercise id → times a day) counted beside them, each up to its times a day."""
    days = rule.adherence_days or 14
    first = today - timedelta(days=days)
    planned = days * slots
    per_day: dict[tuple[date, str], bool] = {}
    for s in history.sessions_since(midnight(first)):
        if s.is_done and s.day < today:
            per_day[(s.day, s.slot)] = True
    done = len(per_day)
    detail = f"{done} of {planned} planned sessions"
    if bouts:
        planned_bouts = days * sum(bouts.values())
        logged: dict[tuple[date, str], int] = {}
        for b in history.bouts:
            day = b.at.date()
            if first <= day < today and b.exercise_id in bouts:
                logged[(day, b.exercise_id)] = logged.get((day, b.exercise_id), 0) + 1
        done_bouts = sum(min(n, bouts[ex_id]) for (_, ex_id), n in logged.items())
        detail += f" and {done_bouts} of {planned_bouts} bouts"
        done += done_bouts
        planned += planned_bouts
    pct = round(100 * done / planned) if planned else 0
    need = rule.min_adherence_pct or 0
    return Criterion(
        key="adherence",
        label=f"Adherence over {days} days",
        ok=pct >= need,
        detail=f"{detail} ({pct} %) — needs ≥ {need} %",
    )


def _days_criterion(rule: MoveOnRule, start: datetime, today: date) -> Criterion:
    days = (today - start.date()).days
    return Criterion(
        key="days",
        label="Days in this stage",
        ok=days >= rule.min_days,
        detail=f"{days} of {rule.min_days} days",
    )


def _sessions_criterion(rule: MoveOnRule, in_stage: list[Session]) -> Criterion:
    done = sum(1 for s in in_stage if s.is_done)
    return Criterion(
        key="sessions",
        label="Sessions done in this stage",
        ok=done >= rule.min_sessions,
        detail=f"{done} of {rule.min_sessions} {plural(rule.min_sessions, 'session')}",
    )


#: The move-on check-ins must be fresh: the newest at most this many days old, the oldest at
#: most FRESH_OLDEST (docs/clinical.md §2: the pain now, not a month ago, decides).
FRESH_NEWEST = 3
FRESH_OLDEST = 7


def _checkins_criterion(
    rule: MoveOnRule, history: History, today: date, start: datetime
) -> Criterion:
    """The day's first check-in on each of the last n days that have one, each at most the
    stage's limit: on n different days, all since the stage began, the newest at most
    FRESH_NEWEST days old and the oldest at most FRESH_OLDEST. Otherwise it says what is
    missing."""
    n = rule.checkin_count
    oldest = max(midnight(today - timedelta(days=FRESH_OLDEST)), start)
    recent = list(first_checkins_by_day(history.checkins_since(oldest)).values())[-n:]
    pains = [c.worse_pain for c in recent]  # the worse of back and leg (docs/clinical.md §6)
    newest_age = (today - recent[-1].at.date()).days if recent else None
    fresh = newest_age is not None and newest_age <= FRESH_NEWEST
    ok = len(pains) == n and fresh and all(p <= rule.checkin_max for p in pains)
    shown = "pain " + (", ".join(str(p) for p in pains) if pains else "none yet")
    if any(c.leg_pain is not None for c in recent):
        # Both numbers, so the person sees which one holds them back (README, safety rules).
        back = ", ".join(str(c.pain) for c in recent)
        leg = ", ".join("?" if c.leg_pain is None else str(c.leg_pain) for c in recent)
        shown = f"back {back} · leg {leg} (the worse counts)"
    missing = n - len(pains)
    if missing:
        have = f" (check in on {missing} more {plural(missing, 'day')}"
        have += f" within {FRESH_OLDEST} days)" if pains else ")"
    elif not fresh:
        have = f" (the newest is {newest_age} days old: check in today)"
    else:
        have = ""
    return Criterion(
        key="checkins",
        label=f"Last {n} daily check-ins",
        ok=ok,
        detail=f"{shown}{have} — needs ≤ {rule.checkin_max} on each",
    )


def _flares_criterion(rule: MoveOnRule, rules: Rules, in_stage: list[Session]) -> Criterion:
    """No flare in the stage's last n sessions."""
    last = in_stage[-rule.no_flare_sessions :] if rule.no_flare_sessions else []
    flared = [s for s in last if is_flare(s, rules)]
    if flared:
        worst = flared[-1]
        detail = (
            f"{len(flared)} {plural(len(flared), 'flare')}; latest "
            f"{_day_label(worst.started_at)}: "
            f"{flare_reasons(worst, rules)[0]}"
        )
    else:
        detail = f"none in the last {len(last)} {plural(len(last), 'session')}"
    return Criterion(
        key="flares",
        label=f"No flare in the last {rule.no_flare_sessions} sessions",
        ok=not flared,
        detail=detail,
    )


def move_on_check(
    catalog: Catalog,
    stage: int,
    history: History,
    now: datetime,
    slots: int = 1,
    stage_start: datetime | None = None,
    bouts: dict[str, int] | None = None,
) -> MoveOnCheck:
    """Each move-on criterion of the stage with its numbers; all must hold to advance.
    `bouts`: the plan's exercises done in bouts, each with its times a day (adherence)."""
    rule = catalog.stage(stage).move_on
    if rule is None:
        return MoveOnCheck(stage, None, ())
    rules = catalog.rules
    today = now.date()
    start = stage_start or history.stage_started_at(stage) or now
    in_stage = [s for s in history.sessions_since(start) if s.stage == stage]
    criteria = [
        _days_criterion(rule, start, today),
        _sessions_criterion(rule, in_stage),
        _checkins_criterion(rule, history, today, start),
        _flares_criterion(rule, rules, in_stage),
    ]
    if rule.no_24h_flare_days:
        since = today - timedelta(days=rule.no_24h_flare_days - 1)
        f24 = [
            f
            for f in flares_24h(history, rules, since)
            if midnight(f.day) >= midnight(start.date())
        ]
        detail = (
            "none"
            if not f24
            else "; ".join(f"{f.day:%d %b}: pain {f.before}→{f.after} next morning" for f in f24)
        )
        criteria.append(
            Criterion(
                key="flare24",
                label=f"No 24-hour flare in the last {rule.no_24h_flare_days} days",
                ok=not f24,
                detail=detail,
            )
        )

    if rule.min_adherence_pct is not None:
        criteria.append(_adherence(history, rule, slots, today, bouts or {}))

    return MoveOnCheck(stage, stage + 1, tuple(criteria))


# ---------------------------------------------------------------------------------------------
# Stepping back


@value
class StepBack(Frozen):
    """A step back advised: to which stage, and the flares or the high pain that call for it."""

    from_stage: int
    to_stage: int
    reason: str


def step_back_check(
    catalog: Catalog,
    stage: int,
    history: History,
    now: datetime,
    stage_start: datetime | None = None,
) -> StepBack | None:
    """2 flares within 7 days (a session's, a next morning's, or a walk's), or a pain of 7 or
    more (any check-in, or before a session), since this stage began → go back one stage.

    Only what happened after the stage began counts: the pain that placed someone in a stage
    (or made them step back) must not send them back again.
    """
    rules = catalog.rules
    start = stage_start or history.stage_started_at(stage) or datetime.min
    window = max(start, now - timedelta(days=rules.step_back_flare_days))
    target = max(stage - 1, 1)
    session_flares = [
        s for s in history.sessions_since(window) if s.started_at > start and is_flare(s, rules)
    ]
    day_flares = [f for f in flares_24h(history, rules, window.date()) if midnight(f.day) > start]
    walk_flares = [
        w for w in history.walks if w.at >= window and w.at > start and walk_flared(w, rules)
    ]
    count = len(session_flares) + len(day_flares) + len(walk_flares)
    where = (
        f"stage {target}"
        if target < stage
        else "lower doses in stage 1 (and see a doctor if it does not settle)"
    )
    if count >= rules.step_back_flares:
        return StepBack(
            stage,
            target,
            f"{count} flares in the last {rules.step_back_flare_days} "
            f"days (the limit is {rules.step_back_flares - 1}): go back to {where}.",
        )
    high = high_pains(catalog, stage, history, now, start)
    unsettled = [h for h in high if settled_by(catalog, stage, history, h) is None]
    if unsettled:
        at, pain, what = max(unsettled)
        return StepBack(
            stage,
            target,
            f"{what} of {pain}/10 on {_day_label(at)} ({rules.step_back_checkin} or more): "
            f"go back to {where}.",
        )
    return None


#: (when, the worse pain, what it was: "a check-in", "pain before a session", ...)
HighPain = tuple[datetime, int, str]


def high_pains(
    catalog: Catalog, stage: int, history: History, now: datetime, start: datetime
) -> list[HighPain]:
    """Every pain of 7 or more (`rules.step_back_checkin`) in the step-back window since the
    stage began: every check-in, the pain before each session (an evening session started at
    8 is as telling as a morning check-in of 8), and the pain rated at the first run, which is
    a check-in like any other (docs/clinical.md §7, pain decides). The pain that made someone
    step back, rated before that step, does not send them back again."""
    rules = catalog.rules
    window = max(start, now - timedelta(days=rules.step_back_flare_days))
    # The first run's check-in is kept at the very moment the programme starts.
    first_run = any(e.kind == "start" for e in history.events_at(start))
    limit = rules.step_back_checkin

    def counts(at: datetime) -> bool:
        return at > start or (first_run and at == start)

    high = [
        (c.at, c.worse_pain, "a check-in")
        for c in history.checkins_since(window)
        if counts(c.at) and c.worse_pain >= limit
    ]
    high += [
        (s.started_at, s.worse_before, "pain before a session")
        for s in history.sessions_since(window)
        if counts(s.started_at) and s.worse_before >= limit
    ]
    return high


def settle_limit(catalog: Catalog, stage: int) -> int:
    """The pain a daily check-in must not pass for a high pain to count as settled: the
    stage's own move-on limit (the last stage, which has none, the one before it's)."""
    rule = catalog.stage(stage).move_on or catalog.stage(max(stage - 1, 1)).move_on
    return rule.checkin_max if rule is not None else catalog.rules.dose_step_max_pain


#: A single high pain settles after this many later daily check-ins within the stage's limit.
SETTLE_CHECKINS = 3


def settled_by(
    catalog: Catalog, stage: int, history: History, high: HighPain
) -> list[CheckIn] | None:
    """The later days' first check-ins that settled a single high pain: SETTLE_CHECKINS in a
    row on the days after it, each within the stage's limit; None while it has not settled
    (any later day above the limit starts the count again)."""
    at, _, _ = high
    limit = settle_limit(catalog, stage)
    run: list[CheckIn] = []
    later = first_checkins_by_day(history.checkins_since(midnight(at.date() + timedelta(days=1))))
    for c in later.values():
        run = [*run, c] if c.worse_pain <= limit else []
        if len(run) >= SETTLE_CHECKINS:
            return run[:SETTLE_CHECKINS]
    return None


def settled_words(
    catalog: Catalog, stage: int, history: History, now: datetime, start: datetime
) -> str | None:
    """What Progress says when a single high pain has settled and no longer advises a step
    back, or None."""
    done = [
        (h, run)
        for h in high_pains(catalog, stage, history, now, start)
        if (run := settled_by(catalog, stage, history, h)) is not None
    ]
    if not done:
        return None
    (at, pain, what), run = max(done, key=lambda item: item[0])
    limit = settle_limit(catalog, stage)
    return (
        f"{what.capitalize()} of {pain}/10 on {_day_label(at)} has settled: "
        f"{len(run)} daily check-ins since at {limit} or less."
    )


# ---------------------------------------------------------------------------------------------
# Dose steps within a stage (double progression)


def harder_dose(dose: Dose, bounds: DoseBounds) -> Dose | None:
    """One dose step harder: +1 rep to its bound, then +2 s hold, then +1 set (minutes: +1 min)."""
    if dose.reps is not None and bounds.reps and dose.reps < bounds.reps[1]:
        return replace(dose, reps=dose.reps + 1)
    if dose.hold_s is not None and bounds.hold_s and dose.hold_s < bounds.hold_s[1]:
        return replace(dose, hold_s=min(dose.hold_s + 2, bounds.hold_s[1]))
    if dose.minutes is not None and bounds.minutes and dose.minutes < bounds.minutes[1]:
        return replace(dose, minutes=dose.minutes + 1)
    if dose.sets < bounds.sets[1]:
        return replace(dose, sets=dose.sets + 1)
    return None


def easier_dose(dose: Dose, bounds: DoseBounds) -> Dose | None:
    """One dose step easier, undoing the last kind of step first: a set, then hold, then reps."""
    if dose.sets > bounds.sets[0]:
        return replace(dose, sets=dose.sets - 1)
    if dose.minutes is not None and bounds.minutes and dose.minutes > bounds.minutes[0]:
        return replace(dose, minutes=dose.minutes - 1)
    if dose.hold_s is not None and bounds.hold_s and dose.hold_s > bounds.hold_s[0]:
        return replace(dose, hold_s=max(dose.hold_s - 2, bounds.hold_s[0]))
    if dose.reps is not None and bounds.reps and dose.reps > bounds.reps[0]:
        return replace(dose, reps=dose.reps - 1)
    return None


def within_physio(plan: Plan, exercise_id: str, dose: Dose) -> bool:
    """Whether `dose` stays inside the dose a physiotherapist gave this exercise (True when the
    plan is rehab's own, or they gave it none): no more sets, reps, seconds held or minutes."""
    cap = plan.source.doses.get(exercise_id) if plan.source is not None else None
    if cap is None:
        return True
    return all(
        getattr(dose, name) is None or getattr(dose, name) <= (getattr(cap, name) or 0)
        for name in ("sets", "reps", "hold_s", "minutes")
    )


@value
class DoseSuggestion(Frozen):
    """One dose step, up or down, for one exercise, with the sessions behind it."""

    exercise_id: str
    current: Dose
    proposed: Dose
    direction: Literal["up", "down"]
    reason: str
    #: For a step down, the session in which it hurt (a decline answers that session only).
    session_id: str | None = None


def dose_suggestions(
    catalog: Catalog,
    plan: Plan,
    history: History,
    lookback: int = 40,
    budget_s: int | None = None,
    slots: Sequence[Slot] = ("morning", "evening"),
) -> list[DoseSuggestion]:
    """Suggest a step up after 2 easy sessions at the current dose; a step down after a flare.

    With `budget_s` (the minutes per session the person chose), no step up is suggested that
    would make a session run longer than that: a short session is one people keep doing.
    """
    rules = catalog.rules
    used = max(
        (sum(p.dose.seconds() for p in plan.for_slot(slot, slots)) for slot in slots),
        default=0,
    )
    need = rules.dose_step_sessions
    recent = [s for s in history.sessions[-lookback:] if s.plan_id == plan.id]
    out: list[DoseSuggestion] = []
    for p in plan.prescriptions:
        ex = catalog.exercises.get(p.exercise_id)
        if ex is None:
            continue
        runs = [
            (s, e)
            for s in recent
            for e in s.entries
            if e.exercise_id == p.exercise_id and not e.skipped
        ]
        if not runs:
            continue
        # One step down per time it hurt, for the exercise that hurt (or every exercise of a
        # session that flared by its pain), and only that: it stays offered until it is taken
        # (the dose changes) or declined for that session, however many sessions come after.
        hurt = [
            (s, e)
            for s, e in runs
            if e.prescribed == p.dose and (e.stopped_hurt or load_flare(s, rules))
        ]
        if hurt:
            last_s, last_e = hurt[-1]
            declined = any(
                d.exercise_id == p.exercise_id and d.session_id == last_s.id for d in plan.declined
            )
            lower = easier_dose(p.dose, ex.bounds)
            if lower is not None and not declined:
                why = (
                    "it was stopped because it hurt"
                    if last_e.stopped_hurt
                    else "a session with it was a flare"
                )
                out.append(
                    DoseSuggestion(
                        ex.id,
                        p.dose,
                        lower,
                        "down",
                        f"{ex.name}: {why} — one step easier.",
                        session_id=last_s.id,
                    )
                )
                continue
        last_s, last_e = runs[-1]
        if last_e.stopped_hurt or is_flare(last_s, rules):
            continue  # no step up straight after it hurt
        if any(
            d.exercise_id == p.exercise_id and d.current == p.dose and d.session_id is None
            for d in plan.declined
        ):
            continue
        at_dose = [(s, e) for s, e in runs if e.prescribed == p.dose][-need:]
        good = [
            (s, e)
            for s, e in at_dose
            if e.done
            and s.worse_after is not None
            and s.worse_after <= rules.dose_step_max_pain
            and s.difficulty in ("easy", "ok")
            and not is_flare(s, rules)
        ]
        if len(at_dose) == need and len(good) == need:
            higher = harder_dose(p.dose, ex.bounds)
            if higher is not None and not within_physio(plan, p.exercise_id, higher):
                higher = None  # the physiotherapist's dose is the ceiling
            too_long = (
                budget_s is not None
                and higher is not None
                and used - p.dose.seconds() + higher.seconds() > budget_s
            )
            if higher is not None and not too_long:
                out.append(
                    DoseSuggestion(
                        ex.id,
                        p.dose,
                        higher,
                        "up",
                        f"{ex.name}: {need} sessions in a row done with pain ≤ "
                        f"{rules.dose_step_max_pain} and rated easy or ok — one step up.",
                    )
                )
    return out
