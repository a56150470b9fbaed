"""Clinical rules where time, leg pain and the first answers meet (docs/clinical.md §3, §6, §7):
each rule as a table, the case that was wrong and its neighbours."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from planner.course import daily_worst, latest_pain, see_doctor_advice
from planner.gate import SafetyRecords, may_start, rescreen_due, with_records
from planner.models import CheckIn, Clearance, Condition, Plan, Screening
from planner.plan import place
from planner.progression import History
from planner.safety import RED_FLAGS, SESSION_CHECKS, SIGNS, screen
from seeds import load_catalog
from tests.conftest import NOW
from tests.unit.worlds import at, session

CATALOG = load_catalog()
RULES = CATALOG.rules
ALL_NO = {flag.id: False for flag in RED_FLAGS}
PLAN = Plan(id="plan", stage=2, created_at=NOW - timedelta(days=60), prescriptions=[])


def full(days_ago: float, **yes: bool) -> Screening:
    answers = ALL_NO | {key.replace("_", "-"): value for key, value in yes.items()}
    return screen(answers, NOW - timedelta(days=days_ago), "weekly")


def cleared(days_ago: float, sign: str) -> Clearance:
    at_ = NOW - timedelta(days=days_ago)
    return Clearance(at=at_, sign=sign, seen_on=at_.date())


def gate(*records):
    return may_start(PLAN, with_records(SafetyRecords(), records), NOW, RULES)


# -- 1. A clearance covers what came before it, not what comes after -------------------------------


@pytest.mark.parametrize(
    "records, why",
    [
        # The case that was wrong: a year-old clearance of an old fall let a new fall through.
        ((full(400, trauma=True), cleared(399, "trauma"), full(1, trauma=True)), "see-doctor"),
        # ... and injecting drugs now after a cleared immune answer.
        ((full(30, immune=True), cleared(29, "immune"), full(2, immune=True)), "see-doctor"),
        # Its neighbours: the yes it answered stays covered while it is the newest.
        ((full(6, cancer=True), cleared(5, "cancer")), "ok"),
        # Nothing new since: covered, the next week's answers all no.
        ((full(30, cancer=True), cleared(29, "cancer"), full(2)), "ok"),
        # A new yes, then a new visit: covered again.
        (
            (
                full(30, cancer=True),
                cleared(29, "cancer"),
                full(3, cancer=True),
                cleared(2, "cancer"),
            ),
            "ok",
        ),
        # A clearance of one sign covers no other.
        ((full(30, cancer=True, trauma=True), cleared(29, "cancer")), "see-doctor"),
    ],
)
def test_a_clearance_covers_the_yes_it_answered_and_not_a_later_one(records, why):
    assert gate(*records).why == why


def test_after_a_clearance_the_question_asks_what_is_new_since_the_visit():
    for flag in RED_FLAGS:
        assert flag.asked(None) == flag.question
        if flag.history:
            asked = flag.asked(date(2026, 11, 3))
            assert "03 Nov 2026" in asked and asked != flag.question
        else:
            assert flag.asked(date(2026, 11, 3)) == flag.question


# -- 2. The worse of back and leg, everywhere ---------------------------------------------------


def leg_checkin(days_ago: int, back: int, leg: int) -> CheckIn:
    return CheckIn(at=at(NOW.date() - timedelta(days=days_ago), 7), pain=back, leg_pain=leg)


def test_leg_pain_of_nine_on_three_days_running_advises_a_doctor():
    """The case that was wrong: leg 9 with back 3 on three days running gave no advice."""
    history = History.of(checkins=[leg_checkin(d, 3, 9) for d in (2, 1, 0)])
    assert any("3 days running" in line for line in see_doctor_advice(history, NOW, RULES))
    # Its neighbour: the leg at 7 is not severe.
    calm = History.of(checkins=[leg_checkin(d, 3, 7) for d in (2, 1, 0)])
    assert not see_doctor_advice(calm, NOW, RULES)


def test_no_improvement_reads_the_worse_of_back_and_leg():
    from planner.models import StageEvent

    start = NOW - timedelta(days=35)
    events = [StageEvent(at=start, to_stage=1, kind="start")]
    then = [leg_checkin(d, 1, 6) for d in range(28, 35)]
    now = [leg_checkin(d, 1, 6) for d in range(0, 7)]
    history = History.of(checkins=then + now, events=events)
    assert any("has not eased" in line for line in see_doctor_advice(history, NOW, RULES))


def test_the_pain_that_picks_the_acute_set_is_the_worse_of_the_two():
    history = History.of(checkins=[leg_checkin(0, 2, 8)])
    assert latest_pain(history) == 8
    worst = daily_worst(History.of(sessions=[session(NOW.date(), before=2)]), NOW.date())
    assert worst == {NOW.date(): 2}


# -- 8. The same-day questions say every sign ------------------------------------------------


def test_the_same_day_questions_name_every_sign_of_cauda_equina():
    same_day = next(f for f in SESSION_CHECKS if f.id == "same-day").question.lower()
    for words in (
        "numbness between your legs",
        "bladder or bowel control or feeling",
        "not feeling when the bladder is full",
        "both legs",
        "sexual function",
        "foot that drops",
    ):
        assert words in same_day
    assert "not feeling when your bladder or bowel is full" in SIGNS["bladder-bowel"].question


# -- 9. The acute phase has one length ---------------------------------------------------------


@pytest.mark.parametrize(
    "days, stage, words",
    [
        (10, 1, "under 14"),
        (20, 2, "past its first 14 days"),  # was: "past its acute phase" at three weeks
        (41, 2, "past its first 14 days"),
        (42, 2, "past its acute phase (six weeks)"),
    ],
)
def test_placement_speaks_of_the_acute_phase_as_the_acute_sets_do(days, stage, words):
    today = NOW.date()
    placed = place(3, today - timedelta(days=days), today, CATALOG, [Condition.LUMBAGO])
    assert placed.stage == stage and words in placed.reason


# -- 10. The weekly reminder on day 7, the gate on day 8 ------------------------------------------


@pytest.mark.parametrize(
    "days, due, open_",
    [
        (6.99, False, True),
        (7, True, True),  # the reminder from day 7
        (8, True, True),  # the grace day: still open
        (8.01, True, False),  # past the grace: closed until answered
    ],
)
def test_the_weekly_check_is_asked_on_day_seven_and_required_after_day_eight(days, due, open_):
    safety = with_records(SafetyRecords(), [full(days)])
    assert rescreen_due(safety, NOW, RULES) is due
    gate_now = may_start(PLAN, safety, NOW, RULES)
    assert gate_now.open is open_
    assert open_ or gate_now.why == "rescreen-due"
