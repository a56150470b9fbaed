"""Property-based tests over random histories (hypothesis): the engine's safety promises."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from planner.advice import advise
from planner.models import Condition, Equipment, Plan, Screening
from planner.plan import build_plan
from planner.progression import History, is_flare, move_on_check, step_back_check
from planner.stages import step_back
from seeds import load_catalog
from tests.conftest import NOW, make_profile
from tests.unit.worlds import checkin, session
from tests.unit.worlds import world as build_world

CATALOG = load_catalog()
TODAY = NOW.date()

pains = st.integers(0, 10)


@st.composite
def histories(draw, stage=None):
    stage = draw(st.integers(1, 3)) if stage is None else stage
    days = draw(st.integers(0, 120))
    sessions = []
    for _ in range(draw(st.integers(0, 40))):
        ago = draw(st.integers(1, max(days, 1)))
        sessions.append(session(TODAY - timedelta(days=ago),
                                slot=draw(st.sampled_from(["morning", "evening"])),
                                stage=stage, before=draw(pains), after=draw(pains),
                                completed=draw(st.booleans()), hurt=draw(st.booleans())))
    checkins = [checkin(TODAY - timedelta(days=draw(st.integers(0, max(days, 1)))), draw(pains))
                for _ in range(draw(st.integers(0, 20)))]
    base = build_world(stage, days=days, sessions=0, checkins=[], pain=0)
    return stage, History.of(sessions, checkins, base.events)


@settings(max_examples=300, deadline=None)
@given(histories())
def test_never_move_on_with_a_flare_in_the_window_or_a_high_checkin(case):
    stage, history = case
    result = move_on_check(CATALOG, stage, history, NOW, slots=2)
    if not result.ok:
        return
    rule = CATALOG.stage(stage).move_on
    in_stage = [s for s in history.sessions if s.stage == stage]
    assert not any(is_flare(s, CATALOG.rules) for s in in_stage[-rule.no_flare_sessions:])
    firsts = {}
    for c in history.checkins:
        firsts.setdefault(c.at.date(), c.pain)
    last3 = [firsts[d] for d in sorted(firsts)][-3:]
    assert len(last3) == 3 and max(last3) <= rule.checkin_max


@settings(max_examples=100, deadline=None)
@given(histories())
def test_never_recommend_moving_on_while_a_red_flag_is_open(case):
    stage, history = case
    profile = make_profile()
    plan = Plan(id="plan", stage=stage, created_at=NOW - timedelta(days=40), prescriptions=[],
                status="paused", pause_reason="red flag")
    flag = Screening(at=NOW, answers={"fever": True}, result="see-doctor")
    advice = advise(CATALOG, profile, plan, history, flag, None, NOW)
    assert not advice.recommend_move_on
    assert not any("move on" in line for line in advice.banner())


@settings(max_examples=100, deadline=None)
@given(histories(stage=1))
def test_stepping_back_never_goes_below_stage_one(case):
    _, history = case
    back = step_back_check(CATALOG, 1, history, NOW)
    assert back is None or back.to_stage == 1
    plan = build_plan(CATALOG, make_profile(), 1, NOW)
    assert step_back(CATALOG, make_profile(), plan, NOW).plan.stage == 1


@settings(max_examples=200, deadline=None)
@given(st.sets(st.sampled_from(list(Equipment))),
       st.sets(st.sampled_from(list(Condition)), min_size=1),
       st.integers(5, 60), st.booleans(), st.integers(1, 4))
def test_a_plan_never_holds_an_exercise_the_profile_lacks_equipment_for(
        equipment, conditions, minutes, stenosis, stage):
    profile = make_profile(equipment=sorted(equipment | {Equipment.NONE}),
                           conditions=sorted(conditions), minutes_per_session=minutes,
                           stenosis=stenosis)
    plan = build_plan(CATALOG, profile, stage, NOW)
    for p in plan.prescriptions:
        ex = CATALOG.exercise(p.exercise_id)
        assert ex.needs() <= set(profile.equipment)
        assert not (stenosis and ex.extension)
        assert len(plan.prescriptions) <= CATALOG.rules.session_max_exercises


@settings(max_examples=150, deadline=None)
@given(histories())
def test_the_recent_window_decides_exactly_as_the_whole_history(case):
    from planner.progression import history_since

    stage, history = case
    since = history_since(CATALOG, stage, history.events, NOW)
    window = History.of([s for s in history.sessions if s.started_at >= since],
                        [c for c in history.checkins if c.at >= since], history.events)
    profile = make_profile()
    plan = Plan(id="plan", stage=stage, created_at=NOW - timedelta(days=40), prescriptions=[])
    full = advise(CATALOG, profile, plan, history, None, None, NOW)
    part = advise(CATALOG, profile, plan, window, None, None, NOW)
    assert full.move_on == part.move_on
    assert full.step_back == part.step_back
