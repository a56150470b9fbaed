"""Back and leg pain apart, and how far down the leg (issue 16, part 1; SPEC §3b): the rules
decide on the worse of the two; symptoms spreading down the leg stop an exercise and make a
flare; retreating toward the spine is a good sign."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from planner.models import CheckIn, ExerciseEntry, worse
from planner.progression import (
    History,
    flare_reasons,
    flares_24h,
    is_flare,
    move_on_check,
    reach_moved,
    step_back_check,
)
from seeds import load_catalog
from tests.conftest import NOW
from tests.unit.worlds import at, checkin, session, world

CATALOG = load_catalog()
RULES = CATALOG.rules
TODAY = NOW.date()


@pytest.mark.parametrize(
    "back, leg, expected", [(3, None, 3), (3, 6, 6), (6, 3, 6), (0, 0, 0), (10, 10, 10)]
)
def test_the_worse_of_the_two(back, leg, expected):
    assert worse(back, leg) == expected
    assert CheckIn(at=NOW, pain=back, leg_pain=leg).worse_pain == expected


@pytest.mark.parametrize(
    "before, after, moved",
    [
        ("thigh", "buttock", "centralising"),
        ("foot", "none", "centralising"),
        ("buttock", "thigh", "peripheralising"),
        ("below-knee", "foot", "peripheralising"),
        ("thigh", "thigh", None),
        (None, "foot", None),
        ("foot", None, None),
    ],
)
def test_reach_moves(before, after, moved):
    assert reach_moved(before, after) == moved


def legged(**changes):
    return replace(session(TODAY - timedelta(days=1), before=2, after=2), **changes)


@pytest.mark.parametrize(
    "changes, flare, says",
    [
        ({}, False, None),
        ({"leg_before": 3, "leg_after": 6}, True, "pain after 6"),  # the leg is the worse
        ({"leg_before": 2, "leg_after": 4}, True, "pain rose 2→4"),
        ({"leg_before": 4, "leg_after": 5}, False, None),  # 4→5: +1, and not above 5
        ({"reach_before": "thigh", "reach_after": "below-knee"}, True, "spread further down"),
        ({"reach_before": "thigh", "reach_after": "buttock"}, False, None),  # centralising
    ],
)
def test_a_flare_uses_the_worse_pain_and_a_spreading_reach(changes, flare, says):
    s = legged(**changes)
    assert is_flare(s, RULES) is flare
    if says:
        assert any(says in reason for reason in flare_reasons(s, RULES))


def test_an_exercise_stopped_as_the_symptoms_spread_is_a_flare_that_says_so():
    base = legged()
    entry = replace(base.entries[0], stopped_hurt=True, spread_down=True)
    reasons = flare_reasons(replace(base, entries=[entry]), RULES)
    assert reasons == ["an exercise was stopped because the leg symptoms spread further down"]
    hurt = replace(base.entries[0], stopped_hurt=True)
    assert flare_reasons(replace(base, entries=[hurt]), RULES) == [
        "an exercise was stopped because it hurt"
    ]
    assert isinstance(entry, ExerciseEntry)


def test_a_leg_pain_of_7_calls_for_a_step_back_and_a_back_pain_of_3_does_not_hide_it():
    start = at(TODAY - timedelta(days=20))
    low = History.of(checkins=[CheckIn(at=at(TODAY), pain=3, leg_pain=6)])
    assert step_back_check(CATALOG, 2, low, NOW, stage_start=start) is None
    high = History.of(checkins=[CheckIn(at=at(TODAY), pain=3, leg_pain=7)])
    back = step_back_check(CATALOG, 2, high, NOW, stage_start=start)
    assert back is not None and "7" in back.reason
    before = History.of(sessions=[legged(leg_before=7)])
    assert step_back_check(CATALOG, 2, before, NOW, stage_start=start) is not None


def test_moving_on_counts_the_worse_of_back_and_leg_in_the_daily_check_ins():
    ok = world(1, days=10, sessions=6, checkins=[2, 2, 2], pain=2)
    assert move_on_check(CATALOG, 1, ok, NOW, slots=2).ok
    leg = [replace(c, leg_pain=5) if i == 2 else c for i, c in enumerate(ok.checkins)]
    stuck = History.of(ok.sessions, leg, ok.events)
    check = move_on_check(CATALOG, 1, stuck, NOW, slots=2)
    details = " ".join(c.detail for c in check.criteria)
    assert not check.ok and "back 2, 2, 2 · leg ?, ?, 5 (the worse counts)" in details


def test_a_24_hour_flare_counts_the_leg():
    yesterday = TODAY - timedelta(days=1)
    h = History.of(
        sessions=[legged(leg_before=3)],
        checkins=[CheckIn(at=at(TODAY, 7), pain=2, leg_pain=5)],
    )
    assert [f.after for f in flares_24h(h, RULES, TODAY)] == [5]
    calm = History.of(sessions=[legged(leg_before=3)], checkins=[checkin(TODAY, 4)])
    assert flares_24h(calm, RULES, TODAY) == []  # 4 < 3 + 2
    assert yesterday == calm.sessions[0].day
