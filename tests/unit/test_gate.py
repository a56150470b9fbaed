"""The gate (SPEC §3b): may a session start now, and why not — derived from the records alone."""

from __future__ import annotations

from datetime import timedelta

import pytest

from planner.gate import SafetyRecords, may_start, settle, settled, with_records
from planner.models import Clearance, Plan, Screening, Session
from planner.safety import (
    CLEARABLE,
    RED_FLAGS,
    SESSION_CHECKS,
    after_session_screening,
    screen,
    screening_result,
)
from seeds import load_catalog
from tests.conftest import NOW
from tests.unit.worlds import session

RULES = load_catalog().rules
ALL_NO = {flag.id: False for flag in RED_FLAGS}
PLAN = Plan(id="plan", stage=2, created_at=NOW - timedelta(days=20), prescriptions=[])


def full(days_ago: float = 1, **yes: bool) -> Screening:
    answers = ALL_NO | {key.replace("_", "-"): value for key, value in yes.items()}
    return screen(answers, NOW - timedelta(days=days_ago), "weekly")


def gate(*records, plan: Plan | None = PLAN):
    return may_start(plan, with_records(SafetyRecords(), records), NOW, RULES)


def with_symptoms(s: Session) -> Session:
    return Session(**{**{n: getattr(s, n) for n in s.__dataclass_fields__}, "new_symptoms": True})


def test_a_recent_clear_screening_opens_the_gate():
    g = gate(full())
    assert g.open and g.why == "ok" and g.reason == ""


@pytest.mark.parametrize(
    "records, why",
    [
        ((), "no-screen"),
        ((full(fever=True),), "see-doctor"),
        ((full(bladder_bowel=True),), "emergency"),
        ((full(fever=True, foot_drop=True),), "emergency"),
        ((full(), after_session_screening({"same-day": True, "one-leg": False}, NOW)), "emergency"),
        (
            (full(), after_session_screening({"same-day": False, "one-leg": True}, NOW)),
            "see-doctor",
        ),
        # An old file's after-session answer, before the question was split in two.
        (
            (
                full(),
                Screening(
                    at=NOW,
                    answers={"after-session-symptoms": True},
                    result="see-doctor",
                    context="after-session",
                ),
            ),
            "see-doctor",
        ),
        # A crash between the session and its screening: only the session was saved.
        ((full(), with_symptoms(session(NOW.date()))), "see-doctor"),
        # A result with no answer behind it (hand-edited or foreign): the result is believed.
        ((Screening(at=NOW, answers={}, result="emergency", context="re-screen"),), "emergency"),
        ((full(days_ago=8.5),), "rescreen-due"),
    ],
)
def test_the_gate_stays_closed_and_says_why(records, why):
    g = gate(*records)
    assert not g.open and g.why == why
    assert g.reason  # always in words
    if why in ("emergency", "see-doctor"):
        assert g.signs and g.stopped


def test_the_weekly_rescreen_closes_the_gate_only_after_a_days_grace():
    assert gate(full(days_ago=7.9)).open
    assert gate(full(days_ago=8 + 1 / 24)).why == "rescreen-due"
    assert "8 days ago" in gate(full(days_ago=8 + 1 / 24)).reason


def test_a_paused_plan_stays_closed_until_the_gate_settles_it():
    paused = Plan(
        **{**{n: getattr(PLAN, n) for n in PLAN.__dataclass_fields__}, "status": "paused"}
    )
    g = gate(full(), plan=paused)
    assert g.why == "paused" and g.stopped
    change = settle(paused, g, NOW)
    assert change is not None and change.plan.status == "active"
    assert change.event.kind == "resume"


def test_a_full_screening_after_a_session_yes_answers_it():
    yes = after_session_screening({"same-day": False, "one-leg": True}, NOW - timedelta(hours=2))
    assert gate(full(days_ago=1), yes).why == "see-doctor"
    rescreen = full(days_ago=1 / 24)
    assert gate(full(days_ago=1), yes, rescreen).open
    # ... but only a full one: another clear session check does not lift it.
    fine = after_session_screening({"same-day": False, "one-leg": False}, NOW)
    assert gate(full(days_ago=1), yes, fine).why == "see-doctor"


def clearance(sign: str) -> Clearance:
    return Clearance(at=NOW - timedelta(hours=1), sign=sign, seen_on=NOW.date())


@pytest.mark.parametrize("sign", sorted(CLEARABLE))
def test_a_doctor_can_clear_a_sign_of_history(sign):
    closed = gate(full(**{sign: True}))
    assert closed.why == "see-doctor" and closed.clearable and "(d)" in closed.reason
    opened = gate(full(**{sign: True}), clearance(sign))
    assert opened.open and [c.sign for c in opened.cleared] == [sign]
    # The clearance stays: next week's honest "yes" needs no new visit ...
    assert gate(full(days_ago=1 / 24, **{sign: True}), clearance(sign)).open


@pytest.mark.parametrize("sign", sorted(CLEARABLE))
def test_a_new_sign_beside_a_cleared_one_still_closes_the_gate(sign):
    g = gate(full(**{sign: True, "night_pain": True}), clearance(sign))
    assert g.why == "see-doctor" and [s.flag.id for s in g.signs] == ["night-pain"]
    assert not g.clearable


@pytest.mark.parametrize("sign", sorted({f.id for f in RED_FLAGS} - CLEARABLE))
def test_a_sign_of_change_can_never_be_cleared(sign):
    g = gate(full(**{sign: True}), clearance(sign))
    assert not g.open and not g.clearable and "(d)" not in g.reason


def test_same_day_signs_are_emergencies_and_never_of_history():
    emergency = {f.id for f in RED_FLAGS if f.level == "emergency"}
    assert emergency == {"saddle-numbness", "bladder-bowel", "both-legs", "sexual", "foot-drop"}
    assert not emergency & CLEARABLE
    assert [f.level for f in SESSION_CHECKS] == ["emergency", "urgent"]
    assert screening_result({"same-day": True, "one-leg": False}) == "emergency"
    assert screening_result({"same-day": False, "one-leg": True}) == "see-doctor"


def test_the_rescreen_asks_about_one_leg_and_the_same_day_signs():
    asked = {f.id for f in RED_FLAGS}
    assert "one-leg" in asked
    assert {"saddle-numbness", "bladder-bowel", "both-legs", "foot-drop"} <= asked
    with pytest.raises(ValueError, match="unanswered"):
        screen({key: False for key in asked - {"one-leg"}}, NOW)


def test_both_session_questions_must_be_answered():
    with pytest.raises(ValueError):
        after_session_screening({"same-day": False}, NOW)


def test_settle_pauses_an_active_plan_on_a_sign_and_leaves_it_on_an_overdue_rescreen():
    change = settle(PLAN, gate(full(fever=True)), NOW)
    assert change is not None and change.plan.status == "paused"
    assert change.event.kind == "pause" and "fever" in change.event.reason
    assert settle(PLAN, gate(full(days_ago=30)), NOW) is None
    assert settle(PLAN, gate(full()), NOW) is None


def test_settled_saves_what_changed_the_gate_with_the_pause_or_resume_it_causes():
    """What the app saves in one write after a safety answer: decided here, not in a screen."""
    safety = SafetyRecords(screenings=(full(days_ago=3),))
    sign = full(days_ago=0, fever=True)
    g, to_save = settled(PLAN, safety, [sign], NOW, RULES)
    assert g.why == "see-doctor" and to_save[0] is sign
    assert [type(r).__name__ for r in to_save] == ["Screening", "Plan", "StageEvent"]
    assert to_save[1].status == "paused" and to_save[2].kind == "pause"

    paused = to_save[1]
    clear = full(days_ago=0)
    g, to_save = settled(paused, with_records(safety, [sign]), [clear], NOW, RULES)
    assert g.open and to_save[1].status == "active" and to_save[2].kind == "resume"

    g, to_save = settled(PLAN, safety, [clear], NOW, RULES)
    assert g.open and to_save == [clear]  # nothing to pause or resume


def test_a_screening_from_the_future_never_counts_as_fresh_or_clears_a_sign():
    """Issue 14, item 7: after the clock jumped, a future-dated record drove today."""
    tomorrow_clear = full(days_ago=-1)
    assert gate(full(days_ago=10), tomorrow_clear).why == "rescreen-due"
    assert gate(full(days_ago=1, fever=True), tomorrow_clear).why == "see-doctor"
    # ... but a sign in it still counts: the careful reading of a muddled clock.
    assert gate(full(days_ago=1), full(days_ago=-1, foot_drop=True)).why == "emergency"
    future_clearance = Clearance(at=NOW + timedelta(days=2), sign="cancer", seen_on=NOW.date())
    assert gate(full(days_ago=1, cancer=True), future_clearance).why == "see-doctor"


def test_a_session_dated_later_today_does_not_do_todays_slot():
    """Issue 14, item 7: a record dated after now is shown, never drives today."""
    from planner.advice import today_sessions
    from planner.progression import History
    from tests.conftest import make_profile

    profile = make_profile(slots=["morning", "evening"])
    later = session(NOW.date(), slot="evening")  # 18:00, and now is 12:00
    earlier = session(NOW.date(), slot="morning")  # 08:00
    done = today_sessions(PLAN, profile, History.of(sessions=[later, earlier]), NOW)
    assert done == {"morning": earlier, "evening": None}


# -- After an alarm: a same-day sign ends only with an all-clear that says why ------------------


def reason(days_ago: float, why: str | None, **yes: bool) -> Screening:
    """A full re-screen, all no unless told, ending an alarm for `why` (None: a bare all-clear)."""
    screening = full(days_ago, **yes)
    if why is None:
        return screening
    at = screening.at
    seen = at.date() - timedelta(days=1) if why == "seen-doctor" else None
    return Screening(
        at=at,
        answers=screening.answers,
        result=screening.result,
        context="re-screen",
        after_emergency=why,
        seen_on=seen,
    )


SAME_DAY = after_session_screening({"same-day": True, "one-leg": False}, NOW - timedelta(days=3))


@pytest.mark.parametrize(
    "records, why",
    [
        # The case that was wrong: a bare all-clear a minute later reopened everything.
        ((full(5), SAME_DAY, reason(2, None)), "emergency"),
        ((full(5), full(3, bladder_bowel=True), reason(2, None)), "emergency"),
        # Two bare all-clears, weeks of them: still open.
        ((full(5), SAME_DAY, reason(2, None), reason(1, None)), "emergency"),
        # Its neighbours: a reason ends it, either reason.
        ((full(5), SAME_DAY, reason(2, "seen-doctor")), "ok"),
        ((full(5), SAME_DAY, reason(2, "mistake")), "ok"),
        # A reason before the alarm ends nothing after it.
        ((reason(5, "mistake"), SAME_DAY, reason(2, None)), "emergency"),
        # A reason ends the alarm, not a new yes in the same answers.
        ((full(5), SAME_DAY, reason(2, "seen-doctor", fever=True)), "see-doctor"),
        ((full(5), SAME_DAY, reason(2, "seen-doctor", foot_drop=True)), "emergency"),
        # A see-a-doctor sign needs no reason: a bare all-clear answers it, as before.
        ((full(5, fever=True), reason(2, None)), "ok"),
    ],
)
def test_a_same_day_sign_ends_only_with_an_all_clear_that_says_why(records, why):
    assert gate(*records).why == why


def test_an_open_alarm_names_only_its_same_day_signs():
    """The later all-clear answered the other questions: only the emergency stays open."""
    alarm = full(3, bladder_bowel=True, fever=True)
    g = gate(full(5), alarm, reason(2, None))
    assert [s.flag.id for s in g.signs] == ["bladder-bowel"]
    assert g.signs[0].at == alarm.at


def test_a_reason_saved_at_the_same_moment_as_the_alarm_but_after_it_ends_it():
    alarm = after_session_screening({"same-day": True, "one-leg": False}, NOW)
    assert gate(full(5), alarm, reason(0, "mistake")).open


def test_a_reason_dated_after_now_ends_nothing():
    """A clock that jumped back: a reason from the future is not yet given."""
    assert gate(full(5), SAME_DAY, reason(-1, "seen-doctor"), reason(1, None)).why == "emergency"
