"""Property-based tests over random histories (hypothesis): the engine's safety promises."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.advice import advise
from planner.gate import SafetyRecords
from planner.models import Condition, Equipment, Plan
from planner.plan import build_plan
from planner.progression import History, step_back_check
from planner.stages import step_back
from seeds import load_catalog
from tests.apart import run_apart
from tests.conftest import NOW, make_profile
from tests.unit.safety_worlds import CLOSED_STATES, violations, worlds
from tests.unit.worlds import checkin, session
from tests.unit.worlds import world as build_world

pytestmark = pytest.mark.slow  # seconds of generated worlds

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
        sessions.append(
            session(
                TODAY - timedelta(days=ago),
                slot=draw(st.sampled_from(["morning", "evening"])),
                stage=stage,
                before=draw(pains),
                after=draw(pains),
                completed=draw(st.booleans()),
                hurt=draw(st.booleans()),
            )
        )
    checkins = [
        checkin(TODAY - timedelta(days=draw(st.integers(0, max(days, 1)))), draw(pains))
        for _ in range(draw(st.integers(0, 20)))
    ]
    base = build_world(stage, days=days, sessions=0, checkins=[], pain=0)
    return stage, History.of(sessions, checkins, base.events)


@settings(max_examples=400, deadline=None)
@given(worlds())
def test_no_safety_promise_is_broken_in_any_world(world):
    """A non-clear screening → no session, no move-on; a step back advised → no move-on, no
    step up, no advance even as an override; move-on only when every criterion holds."""
    assert violations(world) == []


@pytest.mark.parametrize("state", CLOSED_STATES)
def test_every_way_a_sign_can_be_open_closes_the_gate(state):
    @settings(max_examples=40, deadline=None, database=None)
    @given(worlds(state=state))
    def check(world):
        assert not world.advice().gate.open
        assert violations(world) == []

    check()


#: The branches the property above must reach in a good share of its worlds to prove
#: something: (what, the test, the least share of REACH_WORLDS derandomized worlds).
BRANCHES = [
    ("every move-on criterion holds", lambda w: w.advice().move_on.ok, 0.2),
    ("move-on recommended", lambda w: w.advice().recommend_move_on, 0.2),
    ("the gate is closed", lambda w: not w.advice().gate.open, 0.2),
    ("a step back is advised", lambda w: w.advice().step_back is not None, 0.2),
    ("a step up is offered", lambda w: any(d.direction == "up" for d in w.advice().doses), 0.2),
    (
        "a step back advised while every criterion holds",
        lambda w: w.advice().step_back is not None and w.advice().move_on.ok,
        0.05,
    ),
    (
        "the gate closed while every criterion holds",
        lambda w: not w.advice().gate.open and w.advice().move_on.ok,
        0.1,
    ),
]
REACH_WORLDS = 600


def reach() -> dict[str, float]:
    """The share of REACH_WORLDS generated worlds (derandomized) in which each branch holds."""
    seen: list[list[bool]] = []

    @settings(
        max_examples=REACH_WORLDS,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(worlds())
    def probe(world):
        seen.append([bool(predicate(world)) for _, predicate, _ in BRANCHES])

    probe()
    return {
        branch: sum(row[n] for row in seen) / len(seen) for n, (branch, _, _) in enumerate(BRANCHES)
    }


#: In a fresh Python (tests/apart.py): the worlds a derandomized run draws shift with what else
#: the process has imported (in a worker, the rarest branch was met in 0.09 of 300 worlds one
#: way and 0.053 another, against 0.05 asked). Apart, the share is the same every run: the
#: rarest is 0.095 of 600, the next 0.25 against 0.2. One pass tests every branch on each world.
_REACH = """
import json
from tests.unit.test_properties import reach
print(json.dumps(reach()))
"""


def test_the_worlds_reach_the_branches_the_properties_check():
    """The property above proves something only if its worlds reach these branches often."""
    shares = run_apart(_REACH)
    short = [
        f"{branch}: {shares[branch]:.2f} of the worlds, {least} asked"
        for branch, _, least in BRANCHES
        if shares[branch] < least
    ]
    assert not short, short


@settings(max_examples=100, deadline=None)
@given(histories(stage=1))
def test_stepping_back_never_goes_below_stage_one(case):
    _, history = case
    back = step_back_check(CATALOG, 1, history, NOW)
    assert back is None or back.to_stage == 1
    plan = build_plan(CATALOG, make_profile(), 1, NOW)
    assert step_back(CATALOG, make_profile(), plan, NOW).plan.stage == 1


@settings(max_examples=200, deadline=None)
@given(
    st.sets(st.sampled_from(list(Equipment))),
    st.sets(st.sampled_from(list(Condition)), min_size=1),
    st.integers(5, 60),
    st.booleans(),
    st.integers(1, 4),
)
def test_a_plan_never_holds_an_exercise_the_profile_lacks_equipment_for(
    equipment, conditions, minutes, stenosis, stage
):
    profile = make_profile(
        equipment=sorted(equipment | {Equipment.NONE}),
        conditions=sorted(conditions),
        minutes_per_session=minutes,
        stenosis=stenosis,
    )
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
    window = History.of(
        [s for s in history.sessions if s.started_at >= since],
        [c for c in history.checkins if c.at >= since],
        history.events,
    )
    profile = make_profile()
    plan = Plan(id="plan", stage=stage, created_at=NOW - timedelta(days=40), prescriptions=[])
    full = advise(CATALOG, profile, plan, history, SafetyRecords(), None, NOW)
    part = advise(CATALOG, profile, plan, window, SafetyRecords(), None, NOW)
    assert full.move_on == part.move_on
    assert full.step_back == part.step_back
