"""The acute phase as article 003 describes it (issue 16, part 3; SPEC §3b): placement uses the
condition, and in acute lumbago Calm holds only the gentle movements the article allows, lying
down at severe pain. Table by table, at the edges."""

from __future__ import annotations

from datetime import timedelta

import pytest

from planner.course import latest_pain
from planner.models import Condition
from planner.plan import acute_set, build_plan, place, reset_plan
from planner.progression import History
from planner.stages import start_programme, step_back
from seeds import load_catalog
from tests.conftest import NOW, make_profile
from tests.unit.worlds import checkin, session

CATALOG = load_catalog()
TODAY = NOW.date()
GENTLE = ["shoulder-circles", "pelvic-tilt-seated", "package-seat"]
LYING = ["pelvic-tilt-lying"]


def lumbago(days_ago: int = 5, **changes):
    start = TODAY - timedelta(days=days_ago)
    return make_profile(conditions=[Condition.LUMBAGO], episode_start=start, **changes)


def ids(plan) -> list[str]:
    return [p.exercise_id for p in plan.prescriptions]


@pytest.mark.parametrize(
    "pain, expected",
    [(0, None), (4, None), (5, GENTLE), (7, GENTLE), (8, LYING), (10, LYING)],
)
def test_calm_in_acute_lumbago_by_pain(pain, expected):
    plan = build_plan(CATALOG, lumbago(), 1, NOW, pain)
    assert ids(plan) == (expected or ids(build_plan(CATALOG, lumbago(), 1, NOW)))


def test_the_plan_at_pain_9_differs_from_the_plan_at_pain_5():
    assert ids(build_plan(CATALOG, lumbago(), 1, NOW, 9)) != ids(
        build_plan(CATALOG, lumbago(), 1, NOW, 5)
    )


@pytest.mark.parametrize(
    "conditions, days_ago, stage, applies",
    [
        ([Condition.LUMBAGO], 41, 1, True),  # the last acute day (under 6 weeks)
        ([Condition.LUMBAGO], 42, 1, False),  # six weeks: past the acute phase
        ([Condition.LUMBAGO, Condition.LDH], 3, 1, True),
        ([Condition.LDH], 3, 1, False),  # article 003 is about lumbago
        ([Condition.NO_KNOWN_CAUSE], 3, 1, False),
        ([Condition.LUMBAGO], 3, 2, False),  # only Calm has acute sets
    ],
)
def test_who_the_acute_sets_apply_to(conditions, days_ago, stage, applies):
    start = TODAY - timedelta(days=days_ago)
    found = acute_set(CATALOG, conditions, start, stage, TODAY, 9)
    assert (found is not None) is applies


def test_placement_says_what_the_acute_plan_holds_and_why():
    start = TODAY - timedelta(days=4)
    at5 = place(5, start, TODAY, CATALOG, [Condition.LUMBAGO])
    at9 = place(9, start, TODAY, CATALOG, [Condition.LUMBAGO])
    other = place(9, start, TODAY, CATALOG, [Condition.LDH])
    assert at5.stage == at9.stage == other.stage == 1
    assert "article 003 allows (shoulder circles" in at5.reason
    assert "severe pain" in at9.reason and "pelvic tilt, lying" in at9.reason
    assert "acute lumbago" not in other.reason


def test_the_first_plan_and_a_step_back_to_calm_follow_the_pain():
    profile = lumbago()
    first = start_programme(CATALOG, profile, 1, NOW, "start", 1, pain=9)
    assert ids(first.plan) == LYING
    stage2 = build_plan(CATALOG, profile, 2, NOW)
    back = step_back(CATALOG, profile, stage2, NOW, pain=6)
    assert back.plan.stage == 1 and ids(back.plan) == GENTLE
    calm = build_plan(CATALOG, profile, 1, NOW, 8)
    assert ids(reset_plan(CATALOG, profile, calm, NOW, pain=5)) == GENTLE


def test_latest_pain_is_the_last_rated_of_check_ins_and_sessions():
    assert latest_pain(History()) is None
    yesterday = TODAY - timedelta(days=1)
    history = History.of(sessions=[session(yesterday, before=6)], checkins=[checkin(yesterday, 3)])
    assert latest_pain(history) == 6  # the session (08:00) came after the check-in (07:00)
    history = History.of(sessions=[session(yesterday, before=6)], checkins=[checkin(TODAY, 8)])
    assert latest_pain(history) == 8


def test_a_leg_users_placement_says_the_pain_is_the_worse_of_the_two():
    start = TODAY - timedelta(days=40)
    placed = place(5, start, TODAY, CATALOG, [Condition.SCIATICA], leg=True)
    assert placed.reason.startswith("Your pain (the worse of back and leg) is 5/10")
    assert place(5, start, TODAY, CATALOG).reason.startswith("Your pain is 5/10")
