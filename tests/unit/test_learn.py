"""planner.learn (issue 16, part 5): Today's education card fits what is happening."""

from __future__ import annotations

from datetime import timedelta

import pytest

from planner.advice import stand
from planner.gate import SafetyRecords
from planner.learn import moment, todays_card
from planner.models import Plan
from planner.safety import RED_FLAGS, screen
from seeds import load_catalog
from tests.conftest import NOW, make_profile
from tests.unit.worlds import world

CATALOG = load_catalog()
ALL_NO = {flag.id: False for flag in RED_FLAGS}
CLEAR = SafetyRecords(screenings=(screen(ALL_NO, NOW - timedelta(days=1), "weekly"),))
SIGN = SafetyRecords(
    screenings=(screen(ALL_NO | {"fever": True}, NOW - timedelta(days=1), "weekly"),)
)


def standing(history, safety=CLEAR, now=NOW):
    stage = history.events[0].to_stage
    plan = Plan(stage=stage, created_at=now - timedelta(days=30), prescriptions=[])
    return stand(CATALOG, make_profile(), plan, history, safety, None, now)


@pytest.mark.parametrize(
    "history, safety, expected",
    [
        (world(1, days=3, sessions=2, checkins=[2, 2], pain=2), CLEAR, "first-days"),
        (world(1, days=6, sessions=2, checkins=[2, 2], pain=2), CLEAR, "first-days"),
        (world(1, days=7, sessions=2, checkins=[2, 2], pain=2), CLEAR, "any"),  # the edge
        (world(1, days=10, sessions=6, checkins=[2, 2, 2], pain=2), CLEAR, "before-moving-on"),
        # A flare in the last two days (the newest session, then the third newest: two days
        # ago in the evening), but not the fourth (two days ago in the morning, 52 h back).
        (
            world(1, days=10, sessions=6, checkins=[2, 2, 2], pain=2, flare_ago=0),
            CLEAR,
            "after-flare",
        ),
        (
            world(1, days=10, sessions=6, checkins=[2, 2, 2], pain=2, flare_ago=2),
            CLEAR,
            "after-flare",
        ),
        (
            world(1, days=20, sessions=3, checkins=[2, 2, 2], pain=2, flare_ago=2),
            CLEAR,
            "after-flare",
        ),
        (world(2, days=20, sessions=4, checkins=[2, 2, 2], pain=2, flare_ago=3), CLEAR, "any"),
        (world(1, days=10, sessions=6, checkins=[2, 2, 2], pain=2), SIGN, "paused"),
        (world(1, days=3, sessions=2, checkins=[2, 2], pain=2), SIGN, "paused"),
    ],
)
def test_the_moment_in_order_of_importance(history, safety, expected):
    assert moment(CATALOG, standing(history, safety)) == expected


def test_advice_to_see_a_doctor_has_its_own_moment_and_the_card_on_scans_among_its_cards():
    history = world(1, days=20, sessions=2, checkins=[8, 8, 8], pain=2)
    assert standing(history).advice.see_doctor
    assert moment(CATALOG, standing(history)) == "see-doctor"
    cards = {c.id for c in CATALOG.cards.values() if "see-doctor" in c.moments}
    assert cards == {"when-to-see-a-doctor", "scans-rarely-needed"}
    first_days = {c.id for c in CATALOG.cards.values() if "first-days" in c.moments}
    assert "scans-rarely-needed" in first_days


def test_a_moment_shows_its_own_cards_and_over_the_days_each_of_them():
    history = world(1, days=0, sessions=0, checkins=[2], pain=2)
    seen = set()
    for k in range(CATALOG.rules.card_first_days):
        today = todays_card(CATALOG, standing(history, now=NOW + timedelta(days=k)))
        assert today is not None and "first-days" in today.card.moments
        assert today.why == "For your first days"
        seen.add(today.card.id)
    everyone = {c.id for c in CATALOG.cards.values() if not c.pregnant_only}
    assert seen == {c.id for c in CATALOG.cards.values() if "first-days" in c.moments} & everyone


def test_a_pregnant_person_is_shown_the_card_for_them_first_and_nobody_else_is():
    from dataclasses import replace

    history = world(1, days=0, sessions=0, checkins=[2], pain=2)
    plain = standing(history)
    pregnant = replace(plain, profile=replace(plain.profile, pregnant=True))
    assert todays_card(CATALOG, pregnant).card.id == "pregnancy-back-pain"
    for k in range(30):
        later = replace(plain, now=NOW + timedelta(days=k))
        card = todays_card(CATALOG, later)
        assert card is None or card.card.id != "pregnancy-back-pain"


def test_a_sign_shows_when_to_see_a_doctor():
    history = world(1, days=10, sessions=6, checkins=[2, 2, 2], pain=2)
    today = todays_card(CATALOG, standing(history, SIGN))
    assert today is not None and today.card.id == "when-to-see-a-doctor"


def test_every_card_is_shown_at_some_moment():
    moments = {"paused", "see-doctor", "after-flare", "before-moving-on", "first-days", "any"}
    for card in CATALOG.cards.values():
        assert card.moments and set(card.moments) <= moments, card.id
