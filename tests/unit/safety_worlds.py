"""Random worlds for the safety properties, biased so every interesting branch is reached often.

A world is a stage, a history and a safety state. The history starts from one in which moving
on is due (enough days, enough done sessions, calm check-ins, no flare), then gets 0–3
disturbances (a flare, a high check-in, a high pain before a session, a check-in just over the
stage's limit, a short stay, too few sessions). The safety state is one of: clear, a sign of
history a doctor has cleared (both open), or a sign open in one of several ways (closed).

`violations(world)` lists every safety promise the engine breaks for the world; the property
tests assert it is empty, and the mutant tests show it is not once a guard is removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from hypothesis import strategies as st

from planner.advice import Advice, advise
from planner.gate import SafetyRecords
from planner.models import Clearance, ExerciseEntry, Plan, Screening, Session, StageEvent
from planner.plan import build_plan
from planner.progression import History, first_checkins_by_day, is_flare
from planner.safety import RED_FLAGS, after_session_screening, screening_result
from planner.stages import advance
from seeds import load_catalog
from tests.conftest import NOW, make_profile
from tests.unit.worlds import at, checkin, session

CATALOG = load_catalog()
TODAY = NOW.date()
PROFILE = make_profile()
ALL_NO = {flag.id: False for flag in RED_FLAGS}

#: Safety states: whether a session may start in each.
OPEN_STATES = ("clear", "cleared")
CLOSED_STATES = ("sign", "emergency", "mixed", "after-session", "session-only", "overdue", "paused")


@dataclass(frozen=True)
class World:
    stage: int
    history: History
    state: str
    safety: SafetyRecords
    plan: Plan

    def advice(self) -> Advice:
        return advise(CATALOG, PROFILE, self.plan, self.history, self.safety, None, NOW)


def _full(answers: dict[str, bool], days_ago: int) -> Screening:
    return Screening(
        at=at(TODAY - timedelta(days=days_ago), 6),
        answers=answers,
        result=screening_result(answers),
        context="weekly",
    )


@st.composite
def safety_states(draw, plan: Plan, state: str | None = None):
    state = state or draw(st.sampled_from(OPEN_STATES * 3 + CLOSED_STATES))
    history_signs = [f.id for f in RED_FLAGS if f.history]
    urgent = [f.id for f in RED_FLAGS if f.level == "urgent"]
    emergency = [f.id for f in RED_FLAGS if f.level == "emergency"]
    recent = draw(st.integers(0, 7))  # the last full screening's age in days: not overdue
    if state == "clear":
        return state, SafetyRecords((_full(ALL_NO, recent),)), plan
    if state == "cleared":
        # The yes, then a doctor's clearance of it: a clearance covers the answers before it.
        signs = draw(st.sets(st.sampled_from(history_signs), min_size=1))
        clearances = tuple(
            Clearance(
                at=at(TODAY - timedelta(days=recent), 7),
                sign=s,
                seen_on=TODAY - timedelta(days=recent),
            )
            for s in signs
        )
        return (
            state,
            SafetyRecords((_full(ALL_NO | dict.fromkeys(signs, True), recent),), (), clearances),
            plan,
        )
    if state in ("sign", "emergency"):
        pool = urgent if state == "sign" else emergency
        signs = draw(st.sets(st.sampled_from(pool), min_size=1))
        # A clearance of some other sign of history must not open the gate, and a sign that
        # is not of history is never cleared, even with a clearance naming it.
        others = [key for key in history_signs if key not in signs]
        named = draw(
            st.sets(
                st.sampled_from(others + [k for k in signs if k not in history_signs]), max_size=2
            )
        )
        clearances = tuple(Clearance(at=at(TODAY), sign=key, seen_on=TODAY) for key in named)
        return (
            state,
            SafetyRecords((_full(ALL_NO | dict.fromkeys(signs, True), recent),), (), clearances),
            plan,
        )
    if state == "mixed":
        # A sign of history, cleared, and a new sign beside it: the new one still closes.
        cleared = draw(st.sampled_from(history_signs))
        new = draw(st.sampled_from([k for k in urgent + emergency if k not in history_signs]))
        clearance = Clearance(
            at=at(TODAY - timedelta(days=recent), 7),
            sign=cleared,
            seen_on=TODAY - timedelta(days=recent),
        )
        answers = ALL_NO | {cleared: True, new: True}
        return state, SafetyRecords((_full(answers, recent),), (), (clearance,)), plan
    if state == "after-session":
        answers = draw(
            st.sampled_from(
                [
                    {"same-day": True, "one-leg": False},
                    {"same-day": False, "one-leg": True},
                    {"same-day": True, "one-leg": True},
                ]
            )
        )
        full = _full(ALL_NO, recent)
        return state, SafetyRecords((full, after_session_screening(answers, NOW))), plan
    if state == "session-only":
        # The crash between the session and its screening: only the session was saved.
        yes = _with_symptoms(session(TODAY, stage=plan.stage))
        return state, SafetyRecords((_full(ALL_NO, recent),), (yes,)), plan
    if state == "overdue":
        days = draw(st.integers(9, 60))
        return state, SafetyRecords((_full(ALL_NO, days),)), plan
    assert state == "paused"
    paused = Plan(**{**_fields(plan), "status": "paused", "pause_reason": "warning sign"})
    return state, SafetyRecords((_full(ALL_NO | {"fever": True}, recent),)), paused


def _fields(record) -> dict:
    return {name: getattr(record, name) for name in record.__dataclass_fields__}


def _with_symptoms(s: Session) -> Session:
    return Session(**{**_fields(s), "new_symptoms": True})


DISTURBANCES = (
    "flare",
    "hurt",
    "high-checkin",
    "high-before",
    "checkin-over",
    "short-stay",
    "few-sessions",
)


def _entries(plan: Plan) -> list[ExerciseEntry]:
    """Every exercise of the plan done in full at its dose (so dose steps come into play)."""
    return [
        ExerciseEntry(
            exercise_id=p.exercise_id,
            name=p.exercise_id,
            prescribed=p.dose,
            sets_done=p.dose.sets,
            reps_done=p.dose.reps or 0,
            hold_s_done=p.dose.hold_s or 0,
            seconds_done=p.dose.seconds(),
        )
        for p in plan.prescriptions
    ]


@st.composite
def histories(draw, plan: Plan):
    """A history in which moving on is due, then 0–3 disturbances (often none)."""
    stage = plan.stage
    rule = CATALOG.stage(stage).move_on
    assert rule is not None
    disturbances = draw(st.lists(st.sampled_from(DISTURBANCES), max_size=3))
    days = rule.min_days + draw(st.integers(0, 10))
    if "short-stay" in disturbances:
        days = draw(st.integers(0, max(rule.min_days - 1, 0)))
    start = TODAY - timedelta(days=days)
    calm = draw(st.integers(0, min(rule.checkin_max, CATALOG.rules.dose_step_max_pain)))
    wanted = rule.min_sessions + draw(st.integers(0, 4))
    if rule.min_adherence_pct is not None:  # enough done sessions for the adherence rule too
        planned = (rule.adherence_days or 14) * len(PROFILE.slots)
        wanted = max(wanted, -(-planned * rule.min_adherence_pct // 100) + 2)
    if "few-sessions" in disturbances:
        wanted = draw(st.integers(0, max(rule.min_sessions - 1, 0)))
    sessions: list[Session] = []
    for k in range(wanted):
        day = TODAY - timedelta(days=1 + k // 2)
        if day <= start:
            break
        sessions.append(
            session(
                day,
                slot="evening" if k % 2 == 0 else "morning",
                stage=stage,
                before=calm,
                after=calm,
                plan_id="plan",
                entries=_entries(plan),
            )
        )
    checkin_days = max(rule.checkin_count, days)
    checkins = [
        checkin(TODAY - timedelta(days=d), calm)
        for d in range(checkin_days)
        if TODAY - timedelta(days=d) > start
    ]
    for what in disturbances:
        back = draw(st.integers(0, 2))
        day = TODAY - timedelta(days=back + 1)
        if what == "flare":
            sessions.append(
                session(
                    day,
                    slot="morning",
                    stage=stage,
                    before=calm,
                    after=draw(st.integers(6, 10)),
                    plan_id="plan",
                )
            )
        elif what == "hurt":
            sessions.append(
                session(
                    day,
                    slot="morning",
                    stage=stage,
                    before=calm,
                    after=calm,
                    hurt=True,
                    plan_id="plan",
                )
            )
        elif what == "high-checkin":
            checkins.append(checkin(day, draw(st.integers(7, 10)), hour=13))
        elif what == "high-before":
            sessions.append(
                session(
                    day,
                    slot="evening",
                    stage=stage,
                    before=draw(st.integers(7, 10)),
                    after=calm,
                    plan_id="plan",
                )
            )
        elif what == "checkin-over":
            day = TODAY - timedelta(days=back)
            checkins = [c for c in checkins if c.at.date() != day]
            checkins.append(checkin(day, draw(st.integers(rule.checkin_max + 1, 6))))
    events = [StageEvent(at=at(start, 7), to_stage=stage, kind="start")]
    return stage, History.of(sessions, checkins, events)


@st.composite
def worlds(draw, state: str | None = None):
    stage = draw(st.integers(1, 3))
    plan = Plan(
        **{**_fields(build_plan(CATALOG, PROFILE, stage, NOW - timedelta(days=60))), "id": "plan"}
    )
    stage, history = draw(histories(plan))
    state, safety, plan = draw(safety_states(plan, state))
    return World(stage, history, state, safety, plan)


# ---------------------------------------------------------------------------------------------
# The promises, each checked against the records directly (an oracle apart from the engine)


def criteria_hold(stage: int, history: History) -> list[str]:
    """The move-on criteria that do not hold, computed from the records without the engine."""
    rule = CATALOG.stage(stage).move_on
    start = history.stage_started_at(stage)
    assert rule is not None and start is not None
    failing = []
    if (TODAY - start.date()).days < rule.min_days:
        failing.append("days")
    in_stage = [s for s in history.sessions if s.stage == stage and s.started_at >= start]
    if sum(s.completed for s in in_stage) < rule.min_sessions:
        failing.append("sessions")
    firsts = first_checkins_by_day(history.checkins)
    last = [firsts[d].pain for d in sorted(firsts)][-rule.checkin_count :]
    if len(last) < rule.checkin_count or max(last) > rule.checkin_max:
        failing.append("checkins")
    if any(is_flare(s, CATALOG.rules) for s in in_stage[-rule.no_flare_sessions :]):
        failing.append("flares")
    return failing


def high_pain(history: History, stage: int) -> bool:
    """A pain of 7 or more reported in the stage's last week (any check-in, or before any
    session) that has not settled: three later days' first check-ins in a row within the
    stage's own move-on limit (docs/clinical.md §7). Worked out here on its own, not by the
    engine's functions."""
    start = history.stage_started_at(stage)
    assert start is not None
    since = max(start, NOW - timedelta(days=CATALOG.rules.step_back_flare_days))
    limit = CATALOG.rules.step_back_checkin
    highs = [c.at for c in history.checkins if c.worse_pain >= limit and c.at > since]
    highs += [
        s.started_at for s in history.sessions if s.worse_before >= limit and s.started_at > since
    ]
    return any(not _settled(history, stage, at) for at in highs)


def _settled(history: History, stage: int, at) -> bool:
    rule = CATALOG.stage(stage).move_on or CATALOG.stage(stage - 1).move_on
    firsts: dict = {}
    for c in sorted(history.checkins, key=lambda c: c.at):
        if c.at.date() > at.date():
            firsts.setdefault(c.at.date(), c.worse_pain)
    run = 0
    for day in sorted(firsts):
        run = run + 1 if firsts[day] <= rule.checkin_max else 0
        if run >= 3:
            return True
    return False


def violations(w: World) -> list[str]:
    """Every safety promise the engine breaks in this world."""
    found = []
    advice = w.advice()
    may_start = w.state in OPEN_STATES
    if advice.gate.open != may_start:
        found.append(f"gate open={advice.gate.open} in state {w.state}")
    held = not may_start or advice.step_back is not None
    if high_pain(w.history, w.stage) and advice.step_back is None:
        found.append("a pain of 7 or more did not advise a step back")
    if advice.recommend_move_on and held:
        found.append(
            f"move on recommended while held back ({w.state}, step back "
            f"{advice.step_back is not None})"
        )
    if held and any(d.direction == "up" for d in advice.doses):
        found.append("a step up offered while held back")
    if held and advice.move_on.to_stage is not None:
        for reason in (None, "I feel fine"):
            try:
                advance(CATALOG, PROFILE, w.plan, advice, NOW, override_reason=reason)
            except ValueError:
                continue
            found.append(f"advance accepted while held back (override={reason!r})")
    if advice.move_on.ok and criteria_hold(w.stage, w.history):
        found.append(f"move-on ok while {criteria_hold(w.stage, w.history)} fail")
    return found
