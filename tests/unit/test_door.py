"""The door (door/): each use case asks the rules, saves in one write, and says no in one line.

These are the entries where people and files met the rules and got past them: a restore or an
import that rolled back an emergency, a bare all-clear that reopened it, a first run at pain 9
that started at stage 4, a swap out of the acute set, a refusal that came as an exception.
Each is shown here on the door; tests/tui/test_one_door.py shows them on the screens.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from door import Done, Door, Refused
from door.files import import_file, restore_file
from planner.models import CheckIn, Condition, Rating, Session
from planner.report_words import day
from planner.safety import RED_FLAGS, SESSION_CHECKS
from store import Repository
from tests.conftest import make_profile

ALL_NO = {flag.id: False for flag in RED_FLAGS}
SESSION_NO = {flag.id: False for flag in SESSION_CHECKS}


@pytest.fixture
def path(tmp_path):
    return tmp_path / "data" / "rehab.json"


@pytest.fixture
def open_door(path, clock, catalog):
    opened: list[Repository] = []

    def open_() -> Door:
        repo = Repository.open(path, clock=clock)
        opened.append(repo)
        return Door(repo, catalog, clock)

    yield open_
    for repo in opened:
        repo.close()


def started(door: Door, pain: int = 3, stage: int | None = None, **profile) -> Door:
    """A person past the first run: all-clear answers, then the profile and the first plan."""
    assert isinstance(door.answer_screening(ALL_NO, "first-run"), Done)
    person = make_profile(**profile)
    offer = door.first_run_offer(person, Rating(pain))
    done = door.first_run(person, Rating(pain), stage or offer.placement.stage, "my physio")
    assert isinstance(done, Done), done
    return door


def done(result):
    assert isinstance(result, Done), result
    return result.value


def refused(result) -> Refused:
    assert isinstance(result, Refused), result
    return result


# -- answers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answers",
    [
        {},
        {**ALL_NO, "fever": None},
        {key: False for key in list(ALL_NO)[:-1]},
        {**ALL_NO, "made-up": False},
    ],
    ids=["none", "one blank", "one missing", "one unknown"],
)
def test_a_screening_is_kept_only_with_every_question_answered_explicitly(open_door, answers):
    door = open_door()
    no = refused(door.answer_screening(answers))
    assert "Please answer every question" in no.reason or "Unknown" in no.reason
    assert door.repo.screenings() == []


def test_the_end_of_session_answers_must_both_be_given(open_door, clock):
    door = started(open_door())
    session = _session(door, clock)
    assert refused(door.finish_session(session, {"same-day": False, "one-leg": None}))
    assert door.repo.sessions() == []


# -- after an alarm --------------------------------------------------------------------------


def _session(door: Door, clock) -> Session:
    start = done(door.start_session(Rating(3)))
    return Session(
        plan_id=start.plan.id,
        stage=start.plan.stage,
        slot=start.slot,
        started_at=clock(),
        ended_at=clock() + timedelta(minutes=10),
        pain_before=3,
        pain_after=3,
    )


def alarm_after_a_session(door: Door, clock) -> None:
    gate = done(door.finish_session(_session(door, clock), {**SESSION_NO, "same-day": True}))
    assert gate.why == "emergency"


def test_a_bare_all_clear_after_an_alarm_is_refused_and_keeps_nothing(open_door, clock):
    door = started(open_door())
    alarm_after_a_session(door, clock)
    clock.advance(minutes=1)
    before = len(door.repo.screenings())
    no = refused(door.answer_screening(ALL_NO))
    assert no.need == "after-emergency"
    assert "a doctor has seen you" in no.reason
    assert len(door.repo.screenings()) == before
    assert door.gate().why == "emergency"


@pytest.mark.parametrize(
    "why, seen, ok",
    [
        ("seen-doctor", 0, True),
        ("seen-doctor", None, False),  # a visit needs its day
        ("seen-doctor", -1, False),  # before the alarm: it does not answer it
        ("seen-doctor", 2, False),  # in the future
        ("mistake", None, True),
    ],
)
def test_an_alarm_ends_with_a_dated_visit_or_a_mistake(open_door, clock, why, seen, ok):
    door = started(open_door())
    alarm_after_a_session(door, clock)
    clock.advance(days=1)
    seen_on = None if seen is None else clock().date() - timedelta(days=1) + timedelta(days=seen)
    result = door.answer_screening(ALL_NO, after_emergency=why, seen_on=seen_on)
    if not ok:
        refused(result)
        assert door.gate().why == "emergency"
        return
    assert done(result).open
    kept = door.repo.screenings()[-1]
    assert (kept.after_emergency, kept.seen_on) == (why, seen_on)
    assert door.repo.active_plan().status == "active"
    assert "resume" in [e.kind for e in door.repo.stage_events()]


def test_a_reason_is_not_asked_for_or_kept_when_no_alarm_is_open(open_door, clock):
    door = started(open_door())
    clock.advance(days=1)
    assert done(door.answer_screening(ALL_NO, after_emergency="mistake")).open
    assert door.repo.screenings()[-1].after_emergency is None


def test_a_new_yes_to_a_same_day_sign_needs_no_reason_and_stays_stopped(open_door, clock):
    door = started(open_door())
    alarm_after_a_session(door, clock)
    clock.advance(minutes=5)
    gate = done(door.answer_screening({**ALL_NO, "foot-drop": True}))
    assert gate.why == "emergency"


# -- restore and import never roll back a safety record -------------------------------------


def test_restore_carries_a_newer_emergency_into_the_restored_file(open_door, path, clock, catalog):
    """Item 2: the morning's backup put back after the after-session bladder "yes" undid it."""
    door = started(open_door())
    morning = done(door.backup())
    clock.advance(hours=3)
    alarm_after_a_session(door, clock)
    kept = door.repo.screenings()[-1]
    clock.advance(minutes=10)
    replaced = done(door.restore(morning))
    assert any("Kept 1 newer safety check" in line for line in replaced.lines(path))
    assert any("sessions stay stopped" in line for line in replaced.lines(path))
    assert kept.id in {s.id for s in door.repo.screenings()}
    assert door.gate().why == "emergency"
    assert door.repo.active_plan().status == "paused"  # in the same write
    assert refused(door.start_session(Rating(2))).need == "signs"


def test_the_command_line_restore_carries_it_too(open_door, path, clock, catalog):
    door = started(open_door())
    morning = done(door.backup())
    clock.advance(hours=3)
    alarm_after_a_session(door, clock)
    door.repo.close()
    replaced = done(restore_file(path, morning, clock=clock, catalog=catalog))
    assert "sessions stay stopped" in " ".join(replaced.carried)
    with Repository.open(path, clock=clock, readonly=True) as repo:
        assert Door(repo, catalog, clock).gate().why == "emergency"


def test_import_carries_every_safety_record_the_export_lacks(open_door, path, clock, catalog):
    """An export from before a clearance and a sign: both come along, and only they do."""
    door = started(open_door())
    export = json.loads(json.dumps(door.repo.documents()))
    clock.advance(days=1)
    done(door.answer_screening({**ALL_NO, "cancer": True}))
    done(door.record_clearances(["cancer"], clock().date(), "GP"))
    clock.advance(minutes=1)
    done(door.check_in(CheckIn(at=clock(), pain=2)))  # not a safety record: not carried
    door.repo.close()
    replaced = done(import_file(path, export, path, clock=clock, catalog=catalog))
    assert replaced.carried == (
        "Kept 2 newer safety checks the file coming in did not have: nothing is rolled back.",
    )
    with Repository.open(path, clock=clock, readonly=True) as repo:
        assert len(repo.screenings()) == 2 and len(repo.clearances()) == 1
        assert len(repo.checkins()) == 1  # the first run's only
        assert Door(repo, catalog, clock).gate().open


@pytest.mark.parametrize("how", ["restore", "import"])
def test_a_health_answer_given_after_the_backup_is_never_rolled_back(
    open_door, path, clock, catalog, how
):
    """A yes to recent spinal surgery (and to pregnancy) given after a backup: putting the
    backup back, or importing an older export, keeps the newer answers, the events that say
    when they were given, and the wait for a go-ahead; a plan rehab built loses again what
    they leave out."""
    door = started(open_door())
    backup = done(door.backup())
    export = json.loads(json.dumps(door.repo.documents()))
    clock.advance(days=1)
    done(door.change_health({"pregnant": True, "recent-surgery": True, "osteoporosis": False}))
    after = door.repo.active_plan()
    door.repo.close()
    if how == "restore":
        replaced = done(restore_file(path, backup, clock=clock, catalog=catalog))
    else:
        replaced = done(import_file(path, export, path, clock=clock, catalog=catalog))
    assert any("newer answers to the health questions" in line for line in replaced.carried)
    with Repository.open(path, clock=clock, readonly=True) as repo:
        profile = repo.profile()
        assert profile.pregnant and profile.recent_surgery
        assert [e.kind for e in repo.stage_events()].count("health") == 1
        assert Door(repo, catalog, clock).gate().why == "surgery"
        ids = {p.exercise_id for p in repo.active_plan().prescriptions}
        assert ids == {p.exercise_id for p in after.prescriptions}


def test_a_no_to_surgery_given_after_the_backup_ends_the_wait_it_began(
    open_door, path, clock, catalog
):
    """A yes to surgery in the backup, a no since: the no is kept whole (no date of a yes left
    behind), and sessions do not wait for a go-ahead."""
    door = started(open_door())
    clock.advance(days=1)
    done(door.change_health({"pregnant": False, "recent-surgery": True, "osteoporosis": False}))
    clock.advance(minutes=1)
    backup = done(door.backup())
    clock.advance(days=1)
    done(door.change_health({"pregnant": False, "recent-surgery": False, "osteoporosis": False}))
    door.repo.close()
    done(restore_file(path, backup, clock=clock, catalog=catalog))
    with Repository.open(path, clock=clock, readonly=True) as repo:
        profile = repo.profile()
        assert profile.recent_surgery is False and profile.surgery_said_at is None
        assert Door(repo, catalog, clock).gate().why != "surgery"


def test_an_older_health_answer_in_the_file_replaced_rolls_nothing(open_door, path, clock, catalog):
    """Answers changed after the backup was made are the backup's own only if newer: a
    backup made after the change carries them already, and nothing is said."""
    door = started(open_door())
    clock.advance(days=1)
    done(door.change_health({"pregnant": True, "recent-surgery": False, "osteoporosis": False}))
    clock.advance(minutes=1)
    backup = done(door.backup())
    assert done(door.restore(backup)).carried == ()


def test_restoring_a_backup_that_holds_every_safety_record_carries_nothing(open_door, path):
    door = started(open_door())
    backup = done(door.backup())
    assert done(door.restore(backup)).carried == ()


# -- the first run ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pain, stages",
    [(9, (1,)), (7, (1,)), (6, (1, 2, 3, 4)), (3, (1, 2, 3, 4))],
)
def test_the_first_run_offers_no_higher_stage_at_a_pain_that_advises_a_step_back(
    open_door, pain, stages
):
    door = open_door()
    person = make_profile(conditions=[Condition.LUMBAGO], episode_start=date(2026, 11, 19))
    assert door.first_run_offer(person, Rating(pain)).stages == stages


def test_first_run_at_pain_nine_cannot_start_at_stage_four(open_door):
    """Item 5: lumbago, pain 9, stage 4 with a reason planned Bridge and Back raise."""
    door = open_door()
    done(door.answer_screening(ALL_NO, "first-run"))
    person = make_profile(conditions=[Condition.LUMBAGO], episode_start=date(2026, 11, 19))
    no = refused(door.first_run(person, Rating(9), 4, "I feel fine"))
    assert "stage 1" in no.reason
    assert door.repo.is_new()
    plan = done(door.first_run(person, Rating(9), 1)).plan
    assert [p.exercise_id for p in plan.prescriptions] == ["pelvic-tilt-lying"]


def test_first_run_needs_the_answers_first_and_a_reason_to_start_higher(open_door):
    door = open_door()
    assert refused(door.first_run(make_profile(), Rating(3), 2)).reason
    done(door.answer_screening(ALL_NO, "first-run"))
    assert "say why" in refused(door.first_run(make_profile(), Rating(3), 4)).reason
    assert done(door.first_run(make_profile(), Rating(3), 4, "my physio said so")).plan.stage == 4


# -- the plan --------------------------------------------------------------------------------


def test_swap_stays_inside_the_acute_set_at_pain_nine(open_door, catalog):
    """Item 4: at pain 9 in acute lumbago Calm holds the lying tilt only; Swap offered the
    seated tilt "(harder)", knee to chest and the lengthening holds."""
    door = open_door()
    done(door.answer_screening(ALL_NO, "first-run"))
    person = make_profile(conditions=[Condition.LUMBAGO], episode_start=date(2026, 11, 19))
    done(door.first_run(person, Rating(9), 1))
    assert door.swap_options("pelvic-tilt-lying") == []
    # The seated tilt is the harder neighbour (and the pain 9 advises a step back): refused.
    assert "Not harder now" in refused(door.swap("pelvic-tilt-lying", "pelvic-tilt-seated")).reason
    # Knee to chest is of the stage but not of the set at this pain: refused for that.
    no = refused(door.swap("pelvic-tilt-lying", "knee-to-chest-single"))
    assert "acute" in no.reason
    assert [p.exercise_id for p in door.repo.active_plan().prescriptions] == ["pelvic-tilt-lying"]


def test_swap_offers_the_acute_sets_own_movements_at_pain_five(open_door, clock, catalog):
    door = open_door()
    done(door.answer_screening(ALL_NO, "first-run"))
    person = make_profile(conditions=[Condition.LUMBAGO], episode_start=date(2026, 11, 19))
    plan = done(door.first_run(person, Rating(5), 1)).plan
    allowed = set(catalog.stage(1).acute[0].exercises) | {
        a for s in catalog.stage(1).acute for a in s.exercises if s.min_pain <= 5
    }
    for p in plan.prescriptions:
        assert {e.id for e, _ in door.swap_options(p.exercise_id)} <= allowed


def test_nothing_harder_while_a_step_back_is_advised(open_door, clock):
    door = started(open_door(), pain=3)  # stage 2
    clock.advance(hours=2)
    done(door.check_in(CheckIn(at=clock(), pain=8)))
    advice = door.standing().advice
    assert advice.step_back is not None
    first = door.repo.active_plan().prescriptions[0]
    bigger = replace(first.dose, sets=first.dose.sets + 1)
    assert "Not harder now" in refused(door.change_dose(first.exercise_id, bigger)).reason
    assert refused(door.move_on_early("I feel fine")).reason
    assert door.repo.active_plan().stage == 2


def test_a_refusal_is_never_an_exception(open_door, clock):
    """Item 6: `o` after the weekly check fell overdue raised from inside the planner."""
    door = started(open_door(), pain=3)
    clock.advance(days=9)  # the weekly check is overdue: the gate is closed
    assert "safety check" in refused(door.move_on_early("my physio said so")).reason
    assert refused(door.move_on())
    assert refused(door.start_session(Rating(2))).need == "rescreen-due"
    assert refused(door.record_bout())
    assert door.repo.active_plan().stage == 2


def test_a_full_disk_is_a_refusal_and_changes_nothing(open_door, clock, monkeypatch):
    import store.atomic

    door = started(open_door())

    def full(fd, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store.atomic, "_write_all", full)
    door.repo.close()
    door.repo = Repository.open(door.repo.path, clock=clock)
    no = refused(door.check_in(CheckIn(at=clock(), pain=2)))
    assert no.need == "disk" and "No space left on device" in no.reason
    door.repo.close()


# -- the reason an alarm ended is kept and shown ----------------------------------------------


def test_why_an_alarm_ended_is_in_the_timeline_the_report_and_the_fhir_bundle(
    open_door, path, clock, catalog
):
    from fhir.resources.R4B.bundle import Bundle

    from store.export_stream import pieces
    from tui.screens.history_words import timeline_line

    door = started(open_door())
    alarm_after_a_session(door, clock)
    clock.advance(days=1)
    seen = clock().date()
    done(door.answer_screening(ALL_NO, after_emergency="seen-doctor", seen_on=seen))
    [resume] = [e for e in door.repo.stage_events() if e.kind == "resume"]
    assert resume.reason.endswith(f"seen by a doctor on {seen:%d %b %Y}")

    ended = [s for s in door.repo.screenings() if s.after_emergency]
    line = str(timeline_line(door.repo.stage_events(), None, catalog, seen, 200, ended))
    assert f"resumed (seen by a doctor {seen.day} {seen:%b})" in line

    report = "".join(pieces("md", door.repo, catalog, clock(), None, None))
    assert "Same-day warning signs (patient-reported), and how each ended:" in report
    assert "answered yes: after a session: a same-day sign (saddle numbness" in report
    assert f"all clear; the same-day warning sign ended: seen by a doctor on {day(seen)}" in (
        report
    )

    bundle = json.loads("".join(pieces("fhir", door.repo, catalog, clock(), None, None)))
    Bundle.model_validate(bundle)
    said = {
        e["resource"]["code"]["text"]: e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Observation"
    }
    assert said["Warning sign needing medical help the same day"]["valueBoolean"] is True
    assert said["Why a same-day warning sign ended"]["valueString"] == (
        f"The same-day warning sign ended: seen by a doctor on {seen:%d %b %Y}."
    )


def test_an_alarm_ended_with_no_plan_to_resume_is_on_the_stages_line_on_its_own(catalog):
    from datetime import datetime

    from planner.models import Screening
    from tui.screens.history_words import timeline_line

    at = datetime(2026, 11, 20, 9, 0)
    ended = Screening(
        at=at, answers=ALL_NO, result="clear", context="first-run", after_emergency="mistake"
    )
    line = str(timeline_line([], None, catalog, at.date(), 200, [ended]))
    assert line == "20 Nov alarm ended (the yes was a mistake)"


# -- before a session: the pain decides what is offered first --------------------------------


@pytest.mark.parametrize(
    "pain, stage_pain, choices",
    [
        (5, 3, ()),  # 5 or less: nothing to ask
        (6, 3, ("lighter",)),  # above 5: the stage's lighter session, or rest
        (7, 3, ("lower-stage",)),  # 7 or more: a step back now, the stage below's, or rest
        (7, 6, ("lighter",)),  # ... at stage 1 (pain 6 at the first run places in Calm)
    ],
)
def test_the_pain_before_a_session_offers_the_lighter_choice_first(
    open_door, pain, stage_pain, choices
):
    door = started(open_door(), pain=stage_pain)
    assert door.session_offer(Rating(pain)).choices == choices


def test_a_session_at_a_high_pain_starts_only_as_chosen_and_the_choice_is_kept(
    open_door, clock, catalog
):
    door = started(open_door(), pain=3)  # stage 2
    plan = door.repo.active_plan()
    assert refused(door.start_session(Rating(6))).need == "choice"
    assert door.repo.sessions() == []
    light = done(door.start_session(Rating(6), "lighter"))
    for p in light.plan.prescriptions:
        bounds = catalog.exercise(p.exercise_id).bounds
        assert p.dose.sets == bounds.sets[0]
    assert light.chosen == "lighter" and light.plan.stage == 2
    assert door.repo.active_plan().prescriptions == plan.prescriptions  # a copy, not saved
    lower = done(door.start_session(Rating(8), "lower-stage"))
    assert lower.plan.stage == 1 and lower.chosen == "lower-stage"
    assert refused(door.start_session(Rating(6), "lower-stage"))  # not offered at 6
    assert done(door.start_session(Rating(3))).chosen is None
    # The choice goes into the session record and the report.
    session = Session(
        plan_id=lower.plan.id,
        stage=lower.plan.stage,
        slot=lower.slot,
        started_at=clock(),
        ended_at=clock() + timedelta(minutes=10),
        pain_before=8,
        pain_after=6,
        chosen=lower.chosen,
    )
    done(door.finish_session(session, SESSION_NO))
    assert door.repo.sessions()[-1].chosen == "lower-stage"
    from store.export_stream import pieces

    report = "".join(pieces("md", door.repo, catalog, clock(), None, None))
    assert "pain 8 before it: chose the stage below's session offered" in report


def test_rest_today_starts_no_session_and_keeps_the_pain_as_the_days_check_in(open_door, clock):
    door = started(open_door(), pain=3)
    clock.advance(days=1)
    assert done(door.start_session(Rating(7), "rest")) is None
    assert door.repo.checkins()[-1].pain == 7
    assert door.repo.sessions() == []


def test_after_recent_spinal_surgery_sessions_wait_for_the_go_ahead(open_door, clock):
    door = started(open_door(), pain=3, recent_surgery=True)
    assert door.gate().why == "surgery"
    assert refused(door.start_session(Rating(2))).gate.why == "surgery"
    assert refused(door.record_go_ahead(clock().date() + timedelta(days=1)))  # in the future
    assert done(door.record_go_ahead(clock().date(), "surgeon: walk and exercise gently")).open
    assert done(door.start_session(Rating(2))) is not None
    assert refused(door.record_go_ahead(clock().date()))  # nothing waits for one now


# -- directional preference -------------------------------------------------------------------


def spreading_world(door: Door, clock) -> None:
    """A stage-2 plan with bending-forward exercises that spread the leg symptoms twice, and a
    bending-back one that brought them nearer the spine."""
    from planner.models import Prescription
    from tests.unit.test_clinical_rules import leg_session

    plan = door.repo.active_plan()
    forward = ("knee-to-chest-double", "toe-pull-chin-tuck", "table-lean")
    catalog = door.catalog
    door.repo.save_plan(
        replace(
            plan,
            stage=2,
            prescriptions=[
                Prescription(exercise_id=e, dose=catalog.exercise(e).dose) for e in forward
            ],
        )
    )
    for s in (
        leg_session(5, ("thigh", "below-knee"), "knee-to-chest-double"),
        leg_session(3, ("thigh", "below-knee"), "toe-pull-chin-tuck"),
        leg_session(1, ("below-knee", "thigh"), "prone-on-elbows"),
    ):
        door.repo.save_session(replace(s, plan_id=plan.id))


def leaning_person(door: Door, clock) -> Door:
    """Past the first run with sciatica, months in, in the spreading world."""
    door = started(
        door, conditions=[Condition.SCIATICA], leg_symptoms=True, episode_start=date(2026, 8, 1)
    )
    spreading_world(door, clock)
    return door


def test_favouring_a_direction_swaps_the_spreading_exercises_in_one_write(open_door, clock):
    from planner.models import Direction

    door = leaning_person(open_door(), clock)
    standing = door.standing()
    assert standing.favour is not None
    plan = done(door.favour_direction())
    ways = {door.catalog.exercise(p.exercise_id).direction for p in plan.prescriptions}
    assert Direction.FORWARD not in ways
    assert door.repo.active_plan() == plan
    assert door.standing().favour is None  # taken: nothing more to suggest
    refused(door.favour_direction())


def test_no_direction_is_favoured_while_sessions_are_stopped(open_door, clock):
    door = leaning_person(open_door(), clock)
    assert isinstance(door.answer_screening({**ALL_NO, "saddle-numbness": True}, "re-screen"), Done)
    assert door.standing().favour is None
    before = door.repo.active_plan()
    refused(door.favour_direction())
    assert door.repo.active_plan() == before


# -- the health answers, changed later --------------------------------------------------------

HEALTH_NO = {"pregnant": False, "recent-surgery": False, "osteoporosis": False}
HEALTH_NO_PROFILE = {"pregnant": False, "recent_surgery": False, "osteoporosis": False}


def test_a_later_yes_to_pregnancy_takes_the_front_lying_exercises_out_and_is_in_the_timeline(
    open_door,
):
    from planner.models import Position

    door = started(open_door(), pain=3, stage=1, **HEALTH_NO_PROFILE)
    before = door.repo.active_plan()
    assert any(
        door.catalog.exercise(p.exercise_id).position is Position.PRONE
        for p in before.prescriptions
    ), "the world needs a front-lying exercise to take out"
    result = door.change_health({**HEALTH_NO, "pregnant": True})
    person = done(result)
    assert person.pregnant is True and door.repo.profile().pregnant is True
    plan = door.repo.active_plan()
    positions = {door.catalog.exercise(p.exercise_id).position for p in plan.prescriptions}
    assert Position.PRONE not in positions
    assert len(plan.prescriptions) == len(before.prescriptions)  # another stands in
    event = door.repo.stage_events()[-1]
    assert (event.kind, event.reason) == ("health", "Answers changed: pregnant: yes")
    assert any("leaves out" in line for line in result.said)


@pytest.mark.parametrize(
    "answers, why",
    [
        ({"pregnant": True, "recent-surgery": False}, "Please answer every question"),
        ({**HEALTH_NO, "pregnant": None}, "Please answer every question"),
        (HEALTH_NO, "Nothing changed"),
    ],
)
def test_health_answers_are_kept_only_whole_and_changed(open_door, answers, why):
    door = started(open_door(), **HEALTH_NO_PROFILE)
    before = door.repo.documents()
    assert why in refused(door.change_health(answers)).reason
    assert door.repo.documents() == before


def test_a_later_yes_to_surgery_waits_for_a_go_ahead_given_after_it(open_door, clock):
    door = started(open_door(), **HEALTH_NO_PROFILE)
    assert door.gate().open
    said = done(door.change_health({**HEALTH_NO, "recent-surgery": True}))
    assert said.surgery_said_at == clock()
    assert door.gate().why == "surgery"
    clock.advance(days=1)
    done(door.record_go_ahead(clock().date(), ""))
    assert door.gate().open
    # No surgery any more, then a new one: the old go-ahead does not answer it.
    done(door.change_health(HEALTH_NO))
    clock.advance(days=30)
    done(door.change_health({**HEALTH_NO, "recent-surgery": True}))
    assert door.gate().why == "surgery"


def test_a_physiotherapists_plan_stays_theirs_when_an_answer_changes(open_door):
    from planner.plan_file import PlanFile

    door = started(open_door(), pain=3, stage=1, **HEALTH_NO_PROFILE)
    theirs = door.repo.active_plan().prescriptions
    done(door.import_plan(PlanFile(1, theirs, "A. Physio"), "p.toml"))
    plan = door.repo.active_plan()
    result = door.change_health({**HEALTH_NO, "pregnant": True})
    assert door.repo.active_plan().prescriptions == plan.prescriptions
    done(result)
    assert any("your physiotherapist chose it" in line for line in result.said)


# -- a physiotherapist's plan ------------------------------------------------------------------


def test_a_plan_file_is_loaded_in_one_write_with_its_event(open_door, clock, catalog):
    """The plan and the "loaded from …" stage event (and the plan it
    archives) are one write, so a crash keeps all of them or none. The backup before it
    copies the file and writes no record."""
    from planner.plan import build_plan
    from planner.plan_file import PlanFile

    door = started(open_door(), pain=3)
    before = door.repo.active_plan()
    theirs = build_plan(catalog, door.repo.profile(), before.stage, clock())
    commits: list[dict] = []
    commit = door.repo.storage.commit

    def recording(changes):
        commits.append({name: set(documents) for name, documents in changes.items()})
        return commit(changes)

    door.repo.storage.commit = recording
    plan = done(door.import_plan(PlanFile(before.stage, theirs.prescriptions, "A. Physio"), "p"))
    event = door.repo.stage_events()[-1]
    assert event.reason == "A plan from your physiotherapist (A. Physio) was loaded from p."
    assert len(commits) == 1
    assert commits[0]["plans"] == {plan.id, before.id}
    assert commits[0]["stage_events"] == {event.id}


def test_a_plan_file_the_disk_refuses_leaves_neither_plan_nor_event(open_door, clock, catalog):
    from planner.plan import build_plan
    from planner.plan_file import PlanFile

    door = started(open_door(), pain=3)
    before, events = door.repo.active_plan(), door.repo.stage_events()
    theirs = build_plan(catalog, door.repo.profile(), before.stage, clock())

    def full(changes):
        raise OSError(28, "No space left on device")

    door.repo.storage.commit = full
    no = refused(door.import_plan(PlanFile(before.stage, theirs.prescriptions, "A. Physio"), "p"))
    assert no.need == "disk" and "No space left on device" in no.reason
    assert door.repo.active_plan() == before and door.repo.stage_events() == events


# -- the walking level's kept fold ---------------------------------------------------------------


def test_the_kept_walking_fold_is_made_again_when_what_it_came_from_differs(catalog, clock):
    """The door folds the closed years' weeks once; another closed year's sums (a merge, a
    restore), another start or walks before the file's first day make it fold them again."""
    from types import SimpleNamespace

    from planner.days import day_sums
    from planner.models import Walk
    from planner.walking import fold

    first_day = datetime(2025, 1, 1)
    door = Door(SimpleNamespace(live_since=lambda: first_day), catalog, clock)  # type: ignore[arg-type]
    person = make_profile(walk_comfortable=20, walk_since=date(2023, 1, 5))
    rules = catalog.rules

    def sums(minutes: int, pain: int) -> dict:
        walks = [
            Walk(at=datetime(2023, 1, 5, 17) + timedelta(days=d), minutes=minutes, pain_after=pain)
            for d in range(0, 600, 2)
        ]
        return day_sums([], [], walks, rules)

    calm, flared = sums(20, 1), sums(20, 9)
    kept = door._folded(person, [], calm)
    assert kept == fold(person, [], rules, first_day.date(), calm)
    assert door._folded(person, [], dict(calm)) is kept  # equal: kept
    assert door._folded(person, [], flared) == fold(person, [], rules, first_day.date(), flared)
    assert door._folded(person, [], flared) != kept
    later = replace(person, walk_comfortable=40)
    assert door._folded(later, [], flared) == fold(later, [], rules, first_day.date(), flared)


def test_a_standing_reads_the_few_stage_events_the_rules_look_at(tmp_path):
    """Years of stage events (here 300 pauses and resumes after the first start): working out
    where the person stands reads the latest few and the first, and stands exactly where the
    whole timeline read at once would put them."""
    from planner.models import StageEvent
    from planner.progression import History
    from rehab.commands import write_demo
    from seeds import load_catalog

    now = datetime(2026, 11, 21, 12)
    path = tmp_path / "data" / "rehab.json"
    write_demo(path, 120, 7, lambda: now, adherence=1.0)
    with Repository.open(path, clock=lambda: now) as repo:
        plan = repo.active_plan()
        first = repo.stage_events()[0]
        repo.save(
            *[
                StageEvent(
                    at=first.at + timedelta(minutes=n + 1),
                    kind="pause" if n % 2 == 0 else "resume",
                    from_stage=first.to_stage,
                    to_stage=first.to_stage,
                )
                for n in range(300)
            ]
        )
    with Repository.open(path, clock=lambda: now, readonly=True) as repo:
        door = Door(repo, load_catalog(), lambda: now)
        standing = door.standing()
        read = len(repo._table("stage_events")._models)
        lazy = repo.recent_history

        def whole(*args) -> History:  # the same history, its timeline read at once
            got = lazy(*args)
            events = repo.stage_events()
            return History.of(got.sessions, got.checkins, events, got.bouts, got.walks)

        repo.recent_history = whole  # type: ignore[method-assign]
        at_once = door.standing()
    assert plan is not None and len(at_once.history.events) > 300
    assert isinstance(at_once.history.events, tuple) and not isinstance(
        standing.history.events, tuple
    )
    assert read <= 12, read
    assert standing == at_once


def test_a_walk_before_the_days_check_in_that_spreads_the_leg_symptoms_is_a_flare(open_door, clock):
    """A morning walk, before any check-in that day, that ends with the leg symptoms further
    down than last said (yesterday: none; after the walk: the foot) was kept as no flare, and
    nothing was said: the walk was read against that day's check-in alone. It is read against
    the last rating now, kept with the walk, and said as the flare it is."""
    from planner.models import Walk
    from planner.walking import is_flare

    door = started(open_door(), leg_symptoms=True)
    assert isinstance(door.set_walking(20), Done)
    done(door.check_in(CheckIn(at=clock(), pain=2, leg_pain=0, reach="none")))
    clock.advance(days=1)  # the next morning, before any check-in
    walked = Walk(at=clock(), minutes=10, pain_after=2, leg_after=2, reach_after="foot")
    result = door.record_walk(walked)
    assert isinstance(result, Done), result
    [said] = result.said
    assert said.startswith("That walk counts as a flare: the leg symptoms spread further down")
    [kept] = door.repo.walks()
    assert (kept.day_reach, kept.reach_after) == ("none", "foot") and is_flare(
        kept, door.catalog.rules
    )
    # A walk that keeps to where they were said to reach says nothing more.
    clock.advance(hours=2)
    calm = door.record_walk(replace(walked, at=clock(), reach_after="none", leg_after=0))
    assert isinstance(calm, Done) and calm.said == ()
