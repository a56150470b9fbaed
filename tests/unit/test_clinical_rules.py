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


# -- 4. Fresh check-ins only ----------------------------------------------------------------------


def _moving_on(checkin_days_ago: list[int], pains: list[int], stage_days: int = 30):
    from planner.models import StageEvent
    from planner.progression import move_on_check

    start = at(NOW.date() - timedelta(days=stage_days), 6)
    events = [StageEvent(at=start, to_stage=1, kind="start")]
    checkins = [
        CheckIn(at=at(NOW.date() - timedelta(days=d), 7), pain=p)
        for d, p in zip(checkin_days_ago, pains, strict=True)
    ]
    check = move_on_check(CATALOG, 1, History.of(checkins=checkins, events=events), NOW)
    return next(c for c in check.criteria if c.key == "checkins")


@pytest.mark.parametrize(
    "days_ago, ok, words",
    [
        ([25, 24, 23], False, "check in on 3 more days"),  # the case that was wrong: a month old
        ([3, 2, 1], True, ""),
        ([7, 5, 3], True, ""),  # the oldest 7 days, the newest 3: just fresh
        ([8, 5, 3], False, "check in on 1 more day within 7 days"),
        ([6, 5, 4], False, "the newest is 4 days old: check in today"),
        ([1, 1, 0], False, "check in on 1 more day"),  # two on one day count once
    ],
)
def test_the_move_on_check_ins_are_on_three_recent_days(days_ago, ok, words):
    criterion = _moving_on(days_ago, [2] * len(days_ago))
    assert criterion.ok is ok and words in criterion.detail


def test_check_ins_from_before_the_stage_began_do_not_count():
    criterion = _moving_on([4, 3, 2], [2, 2, 2], stage_days=3)
    assert not criterion.ok and "check in on 1 more day" in criterion.detail


# -- 3 and 5. Every pain counts, and a single high pain settles -----------------------------------


def _stepping(checkins: list[tuple[int, int]], kind: str = "start"):
    """A stage 2 begun 10 days ago; `checkins` are (days ago, pain)."""
    from planner.advice import advise
    from tests.conftest import make_profile

    start = at(NOW.date() - timedelta(days=10), 6)
    from planner.models import StageEvent

    events = [StageEvent(at=start, to_stage=2, kind=kind)]
    made = [CheckIn(at=at(NOW.date() - timedelta(days=d), 7), pain=p) for d, p in checkins]
    plan = Plan(id="plan", stage=2, created_at=start, prescriptions=[])
    history = History.of(checkins=made, events=events)
    safety = with_records(SafetyRecords(), [full(1)])
    return advise(CATALOG, make_profile(), plan, history, safety, None, NOW)


@pytest.mark.parametrize(
    "checkins, step_back, settled",
    [
        ([(5, 8)], True, False),  # a single 8, nothing since: step back advised
        ([(5, 8), (4, 3), (3, 3)], True, False),  # two days within the limit: not yet
        ([(5, 8), (4, 3), (3, 3), (2, 3)], False, True),  # three: settled
        ([(5, 8), (4, 3), (3, 5), (2, 3), (1, 3)], True, False),  # a 5 above the limit: again
        ([(5, 8), (4, 3), (3, 3), (2, 3), (1, 9)], True, False),  # a new 9 after it settled
    ],
)
def test_a_single_high_pain_settles_after_three_check_ins_within_the_limit(
    checkins, step_back, settled
):
    advice = _stepping(checkins)
    assert (advice.step_back is not None) is step_back
    assert (advice.settled is not None) is settled
    if settled:
        assert "has settled: 3 daily check-ins since at 3 or less" in advice.settled


# -- 6. One "it hurts", one step ----------------------------------------------------------------


def _plan_and_session():
    """A plan of three exercises; the entries of a session of it (the first stopped because it
    hurt, if asked); and the dose steps a list of sessions gives."""
    from planner.models import ExerciseEntry, Prescription
    from planner.progression import dose_suggestions

    ids = ["bridge", "abdominal-curl", "back-extension-superman"]
    plan = Plan(
        id="plan",
        stage=3,
        created_at=NOW - timedelta(days=20),
        prescriptions=[
            Prescription(exercise_id=i, dose=CATALOG.exercise(i).dose, slot="any") for i in ids
        ],
    )

    def entries(hurt: bool) -> list[ExerciseEntry]:
        return [
            ExerciseEntry(
                exercise_id=i,
                name=i,
                prescribed=CATALOG.exercise(i).dose,
                sets_done=CATALOG.exercise(i).dose.sets,
                stopped_hurt=hurt and n == 0,
            )
            for n, i in enumerate(ids)
        ]

    def suggest(sessions):
        return dose_suggestions(CATALOG, plan, History.of(sessions=sessions), slots=["morning"])

    return plan, entries, suggest


def test_one_it_hurts_suggests_one_step_down_for_that_exercise_only():
    """The case that was wrong: five suggestions, one for every exercise of the session."""
    plan, entries, suggest = _plan_and_session()
    hurt = session(NOW.date() - timedelta(days=2), stage=3, entries=entries(True))
    steps = suggest([hurt])
    assert [(s.exercise_id, s.direction) for s in steps] == [("bridge", "down")]


def test_the_step_down_stays_offered_until_taken_or_declined():
    """It vanished when the next session started; it stays until answered."""
    from planner.models import DeclinedStep

    plan, entries, suggest = _plan_and_session()
    hurt = session(NOW.date() - timedelta(days=2), stage=3, entries=entries(True))
    later = session(NOW.date() - timedelta(days=1), stage=3, entries=entries(False))
    [step] = suggest([hurt, later])
    assert step.exercise_id == "bridge" and step.session_id == hurt.id
    declined = DeclinedStep(
        exercise_id="bridge", current=step.current, proposed=step.proposed, session_id=hurt.id
    )
    plan.declined.append(declined)
    assert suggest([hurt, later]) == []


def test_a_session_that_flared_by_its_pain_steps_every_exercise_down_once():
    plan, entries, suggest = _plan_and_session()
    flared = session(NOW.date() - timedelta(days=1), stage=3, after=7, entries=entries(False))
    assert {s.exercise_id for s in suggest([flared])} == {
        "bridge",
        "abdominal-curl",
        "back-extension-superman",
    }


# -- 7. Walks are symptoms too --------------------------------------------------------------------


@pytest.mark.parametrize(
    "day_pain, after, day_reach, reach, flare",
    [
        (3, 3, "thigh", "below-knee", True),  # the case that was missed: spread down the leg
        (3, 3, "thigh", "thigh", False),
        (3, 3, "thigh", "buttock", False),  # centralising: a good sign
        (3, 5, None, None, True),  # up by 2
        (3, 6, None, None, True),  # above 5
        (3, 4, None, "foot", False),  # no reach before it to compare with
    ],
)
def test_a_walk_flares_by_its_pain_or_by_symptoms_spreading_down_the_leg(
    day_pain, after, day_reach, reach, flare
):
    from planner.models import Walk
    from planner.walking import is_flare

    walk = Walk(
        at=NOW,
        minutes=10,
        pain_after=after,
        day_pain=day_pain,
        day_reach=day_reach,
        reach_after=reach,
    )
    assert is_flare(walk, RULES) is flare


def test_two_flared_walks_in_a_week_advise_a_step_back():
    from planner.models import StageEvent, Walk
    from planner.progression import step_back_check

    start = at(NOW.date() - timedelta(days=20), 6)
    events = [StageEvent(at=start, to_stage=2, kind="start")]

    def walk(days_ago: int, reach: str) -> Walk:
        return Walk(
            at=at(NOW.date() - timedelta(days=days_ago), 17),
            minutes=10,
            pain_after=2,
            day_pain=2,
            day_reach="buttock",
            reach_after=reach,
        )

    one = History.of(events=events, walks=[walk(3, "below-knee"), walk(2, "buttock")])
    assert step_back_check(CATALOG, 2, one, NOW) is None
    two = History.of(events=events, walks=[walk(3, "below-knee"), walk(2, "thigh")])
    back = step_back_check(CATALOG, 2, two, NOW)
    assert back is not None and "2 flares" in back.reason


# -- 11. Contraindications a physiotherapist asks about -------------------------------------------


@pytest.mark.parametrize(
    "health, exercise, left_out",
    [
        ({"pregnant": True}, "prone-lengthen", "lying on the front"),
        ({"pregnant": True}, "prone-on-elbows", "lying on the front"),
        ({"pregnant": True}, "five-point-support", "lying on your back for minutes"),
        ({"pregnant": True}, "pelvic-tilt-lying", None),  # a short time on the back: kept
        ({"pregnant": False}, "prone-lengthen", None),
        ({"osteoporosis": True}, "abdominal-curl", "bends the spine fully forward under load"),
        ({"osteoporosis": True}, "knee-to-chest-double", "fully forward under load"),
        ({"osteoporosis": True}, "knee-to-chest-single", None),
        ({"osteoporosis": True}, "back-extension-superman", None),  # extension is encouraged
        ({}, "abdominal-curl", None),  # not asked (a file from before): nothing assumed
    ],
)
def test_each_contraindication_leaves_out_what_the_catalog_marks(health, exercise, left_out):
    from planner.plan import why_not
    from tests.conftest import make_profile

    profile = make_profile(
        conditions=[Condition.LDH, Condition.SCIATICA, Condition.LUMBAGO, Condition.NO_KNOWN_CAUSE],
        **health,
    )
    reason = why_not(CATALOG.exercise(exercise), profile)
    if left_out is None:
        assert reason is None
    else:
        assert reason is not None and left_out in reason


def test_a_pregnant_persons_plans_hold_nothing_lying_on_the_front():
    from planner.models import Position
    from planner.plan import build_plan
    from tests.conftest import make_profile

    profile = make_profile(pregnant=True)
    for stage in (1, 2, 3, 4):
        plan = build_plan(CATALOG, profile, stage, NOW)
        positions = {CATALOG.exercise(p.exercise_id).position for p in plan.prescriptions}
        assert Position.PRONE not in positions, stage


def test_recent_surgery_waits_for_a_dated_go_ahead():
    from planner.gate import GO_AHEAD

    surgery = SafetyRecords(surgery=True)
    waiting = may_start(PLAN, with_records(surgery, [full(1)]), NOW, RULES)
    assert waiting.why == "surgery" and waiting.stopped
    go = Clearance(at=NOW - timedelta(hours=1), sign=GO_AHEAD, seen_on=NOW.date())
    assert may_start(PLAN, with_records(surgery, [full(1), go]), NOW, RULES).open
    later = Clearance(at=NOW + timedelta(hours=1), sign=GO_AHEAD, seen_on=NOW.date())
    assert may_start(PLAN, with_records(surgery, [full(1), later]), NOW, RULES).why == "surgery"


def test_the_pregnancy_card_is_for_a_pregnant_person_alone():
    assert CATALOG.cards["pregnancy-back-pain"].pregnant_only
    assert not any(c.pregnant_only for c in CATALOG.cards.values() if c.id != "pregnancy-back-pain")


#: Every piece of equipment, so only the health answer leaves an exercise out.
CATALOG_EQUIPMENT = {eq for e in CATALOG.exercises.values() for eq in e.equipment}


@pytest.mark.parametrize("health", [{"pregnant": True}, {"osteoporosis": True}])
def test_an_exercise_left_out_for_a_health_answer_cites_its_source_in_the_evidence(health):
    from planner.plan import why_not
    from tests.conftest import make_profile

    profile = make_profile(
        conditions=[Condition.LDH, Condition.SCIATICA, Condition.LUMBAGO, Condition.NO_KNOWN_CAUSE],
        equipment=list(CATALOG_EQUIPMENT),
        **health,
    )
    source = "ACOG Committee Opinion 804" if "pregnant" in health else "Too Fit To Fracture"
    left_out = [e for e in CATALOG.exercises.values() if why_not(e, profile) is not None]
    assert left_out, "the answer leaves nothing out: the table above would say so"
    uncited = [e.id for e in left_out if source not in (e.evidence or "")]
    assert uncited == []


def test_no_exercise_cites_a_health_source_it_is_not_left_out_for():
    """The evidence says "left out" only where the rule really leaves it out."""
    from planner.plan import why_not
    from tests.conftest import make_profile

    everyone = [Condition.LDH, Condition.SCIATICA, Condition.LUMBAGO, Condition.NO_KNOWN_CAUSE]
    kit = list(CATALOG_EQUIPMENT)
    pregnant = make_profile(conditions=everyone, equipment=kit, pregnant=True)
    brittle = make_profile(conditions=everyone, equipment=kit, osteoporosis=True)
    for e in CATALOG.exercises.values():
        if "ACOG" in (e.evidence or ""):
            assert why_not(e, pregnant) is not None, e.id
        if "Too Fit To Fracture" in (e.evidence or ""):
            assert why_not(e, brittle) is not None, e.id


# -- 12. Directional preference ------------------------------------------------------------------


def leg_session(days_ago: int, reach: tuple[str, str], *done: str, spread: str = ""):
    """A session of a person with leg symptoms: `done` exercises in full, `spread` stopped
    because the symptoms spread further down, the reach before and after."""
    from planner.models import Dose, ExerciseEntry

    def entry(ex_id: str, spread_down: bool) -> ExerciseEntry:
        return ExerciseEntry(
            exercise_id=ex_id,
            name=CATALOG.name_of(ex_id),
            prescribed=Dose(sets=1, reps=5),
            sets_done=0 if spread_down else 1,
            reps_done=2 if spread_down else 5,
            stopped_hurt=spread_down,
            spread_down=spread_down,
        )

    entries = [entry(e, False) for e in done] + ([entry(spread, True)] if spread else [])
    s = session((NOW - timedelta(days=days_ago)).date(), stage=2, entries=entries)
    from dataclasses import replace

    return replace(s, leg_before=4, leg_after=4, reach_before=reach[0], reach_after=reach[1])


FWD, BCK, NEUTRAL = "knee-to-chest-double", "prone-on-elbows", "table-lean"


@pytest.mark.parametrize(
    "sessions, favoured",
    [
        # Forward bending spread the symptoms twice; bending back brought them up once.
        (
            [
                leg_session(5, ("thigh", "below-knee"), FWD),
                leg_session(3, ("thigh", "thigh"), NEUTRAL, spread=FWD),
                leg_session(1, ("below-knee", "thigh"), BCK),
            ],
            "bending back",
        ),
        # The mirror: bending back spread them, bending forward left them be.
        (
            [
                leg_session(6, ("thigh", "thigh"), spread=BCK),
                leg_session(4, ("thigh", "foot"), BCK, NEUTRAL),
                leg_session(2, ("thigh", "thigh"), FWD),
            ],
            "bending forward",
        ),
        # Once is not a pattern.
        ([leg_session(5, ("thigh", "foot"), FWD), leg_session(1, ("foot", "thigh"), BCK)], None),
        # Both directions spread them: no preference to follow.
        (
            [
                leg_session(5, ("thigh", "foot"), FWD),
                leg_session(4, ("thigh", "foot"), FWD),
                leg_session(3, ("thigh", "thigh"), spread=BCK),
                leg_session(1, ("thigh", "thigh"), BCK),
            ],
            None,
        ),
        # The other direction was never tried: nothing shows it helps.
        (
            [leg_session(5, ("thigh", "foot"), FWD), leg_session(3, ("thigh", "foot"), FWD)],
            None,
        ),
        # A spread in a session of both directions, with nothing stopped, blames neither.
        (
            [
                leg_session(5, ("thigh", "foot"), FWD, BCK),
                leg_session(3, ("thigh", "foot"), FWD, BCK),
                leg_session(1, ("foot", "thigh"), BCK),
            ],
            None,
        ),
        # Older than four weeks: about another time.
        (
            [
                leg_session(40, ("thigh", "foot"), FWD),
                leg_session(35, ("thigh", "foot"), FWD),
                leg_session(1, ("foot", "thigh"), BCK),
            ],
            None,
        ),
    ],
)
def test_the_direction_that_centralises_is_favoured(sessions, favoured):
    from planner.direction import preference

    pref = preference(CATALOG, sessions, NOW)
    assert (pref and pref.favour.value) == favoured


def test_plan_suggests_swapping_the_spreading_exercises_for_the_other_direction():
    from planner.direction import favour, favoured
    from planner.models import Direction, Prescription
    from tests.conftest import make_profile

    profile = make_profile(leg_symptoms=True, episode_start=(NOW - timedelta(days=90)).date())
    plan = Plan(
        id="plan",
        stage=2,
        created_at=NOW - timedelta(days=20),
        prescriptions=[
            Prescription(exercise_id=e, dose=CATALOG.exercise(e).dose)
            for e in ("knee-to-chest-double", "toe-pull-chin-tuck", "table-lean")
        ],
    )
    sessions = [
        leg_session(5, ("thigh", "below-knee"), "knee-to-chest-double"),
        leg_session(3, ("thigh", "below-knee"), "toe-pull-chin-tuck"),
        leg_session(1, ("below-knee", "thigh"), "prone-on-elbows"),
    ]
    suggestion = favour(CATALOG, profile, plan, sessions, NOW, pain=3)
    assert suggestion is not None
    words = suggestion.words(CATALOG)
    assert words.startswith("Favour bending back: swap ")
    assert "in 2 sessions" in suggestion.preference.numbers()
    after = favoured(CATALOG, profile, plan, suggestion)
    ways = [CATALOG.exercise(p.exercise_id).direction for p in after.prescriptions]
    assert Direction.FORWARD not in ways and Direction.BACK in ways
    stages = {CATALOG.exercise(p.exercise_id).stage for p in after.prescriptions}
    assert stages <= {2, "any"}, "never harder: the same stage's exercises only"
    # Nothing left to swap: no suggestion.
    assert favour(CATALOG, profile, after, sessions, NOW, pain=3) is None
    # Without leg symptoms there is no reach to go by.
    assert favour(CATALOG, make_profile(), plan, sessions, NOW, pain=3) is None


def section(report: str, title: str) -> str:
    return report.split(f"## {title}\n")[1].split("\n## ")[0]


def test_the_report_shows_the_clinician_the_direction_and_what_was_left_out():
    from planner.formats.md_report import ReportData, markdown_report
    from planner.models import Prescription
    from tests.conftest import make_profile

    profile = make_profile(
        conditions=[Condition.SCIATICA], leg_symptoms=True, pregnant=True, osteoporosis=False
    )
    held = ("knee-to-chest-double", "prone-on-elbows", "table-lean")
    plan = Plan(
        id="plan",
        stage=2,
        created_at=NOW - timedelta(days=20),
        prescriptions=[Prescription(exercise_id=e, dose=CATALOG.exercise(e).dose) for e in held],
    )
    sessions = [
        leg_session(5, ("thigh", "below-knee"), "knee-to-chest-double"),
        leg_session(3, ("thigh", "below-knee"), "toe-pull-chin-tuck"),
        leg_session(1, ("below-knee", "thigh"), "table-lean", "standing-extension"),
    ]
    report = markdown_report(CATALOG, ReportData(profile, plan, sessions), NOW)
    direction = section(report, "Directional preference")
    assert "spread further down after exercises bending forward in 2 sessions" in direction
    assert "still holds exercises bending forward: Knees to chest, both legs" in direction
    rules = section(report, "How rehab decides")
    assert "favouring the way that helps" in rules and "dated go-ahead" in rules
    current = section(report, "Current stage")
    assert "Left out for this person" in current
    assert "Lying on your elbows: is done lying on the front" in current
    assert "pregnancy makes unwise (in the plan all the same)" in current
    # Without leg symptoms there is no reach to go by, and nothing is claimed.
    calm = markdown_report(CATALOG, ReportData(make_profile(), plan, sessions), NOW)
    assert section(calm, "Directional preference").strip() == "None yet."


# -- 11. The health answers change later ---------------------------------------------------------


def test_a_go_ahead_answers_the_operation_it_came_after_not_a_later_one():
    """A go-ahead given for an operation last year does not let a new one through."""
    from planner.gate import GO_AHEAD

    said = NOW - timedelta(days=2)
    old = Clearance(at=NOW - timedelta(days=300), sign=GO_AHEAD, seen_on=date(2026, 1, 25))
    new = Clearance(at=NOW - timedelta(days=1), sign=GO_AHEAD, seen_on=(NOW - timedelta(1)).date())
    waiting = SafetyRecords(surgery=True, surgery_since=said)
    assert may_start(PLAN, with_records(waiting, [full(1), old]), NOW, RULES).why == "surgery"
    assert may_start(PLAN, with_records(waiting, [full(1), old, new]), NOW, RULES).open
    # A file from before the answer was dated: any go-ahead so far counts, as it did.
    undated = SafetyRecords(surgery=True)
    assert may_start(PLAN, with_records(undated, [full(1), old]), NOW, RULES).open


def test_a_profile_waits_from_when_it_said_so():
    from tests.conftest import make_profile

    assert make_profile(recent_surgery=False).go_ahead_since is None
    first = make_profile(recent_surgery=True)
    assert first.go_ahead_since == first.disclaimer_accepted_at
    later = make_profile(recent_surgery=True, surgery_said_at=NOW)
    assert later.go_ahead_since == NOW
