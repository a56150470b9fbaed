"""The move-on table of SPEC §3, number by number, plus flares, step-back and dose steps."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from planner.models import DeclinedStep, Dose, DoseBounds, ExerciseEntry, Plan, Prescription
from planner.progression import (
    History,
    dose_suggestions,
    easier_dose,
    flare_reasons,
    flares_24h,
    harder_dose,
    is_flare,
    move_on_check,
    step_back_check,
)
from tests.conftest import NOW
from tests.unit.worlds import checkin, session, world

TODAY = NOW.date()

# (stage, min_days, min_sessions, checkin_max, no_flare_sessions) straight from SPEC §3.
TABLE = [(1, 3, 4, 4, 3), (2, 7, 8, 3, 5), (3, 14, 12, 2, 5)]


def passing_world(stage, days, sessions, cmax, **changes):
    args = dict(days=days, sessions=sessions, checkins=[cmax] * 3, pain=cmax)
    args.update(changes)
    return world(stage, **args)


def check(catalog, stage, history, slots=1):
    return move_on_check(catalog, stage, history, NOW, slots=slots)


@pytest.mark.parametrize("stage,days,sessions,cmax,nf", TABLE)
def test_every_criterion_holds_exactly_at_the_thresholds(catalog, stage, days, sessions, cmax, nf):
    result = check(catalog, stage, passing_world(stage, days, sessions, cmax))
    assert result.ok, result.reason()
    assert result.to_stage == stage + 1


@pytest.mark.parametrize("stage,days,sessions,cmax,nf", TABLE)
def test_one_day_short_blocks_move_on(catalog, stage, days, sessions, cmax, nf):
    result = check(catalog, stage, passing_world(stage, days - 1, sessions, cmax))
    assert [c.key for c in result.failing] == ["days"]
    assert f"{days - 1} of {days} days" in result.failing[0].detail


@pytest.mark.parametrize("stage,days,sessions,cmax,nf", TABLE)
def test_one_session_short_blocks_move_on(catalog, stage, days, sessions, cmax, nf):
    result = check(catalog, stage, passing_world(stage, days, sessions - 1, cmax))
    assert "sessions" in [c.key for c in result.failing]
    assert f"{sessions - 1} of {sessions} sessions" in result.failing[0].detail


@pytest.mark.parametrize("stage,days,sessions,cmax,nf", TABLE)
def test_a_checkin_one_above_the_limit_blocks_move_on(catalog, stage, days, sessions, cmax, nf):
    for position in range(3):
        pains = [cmax] * 3
        pains[position] = cmax + 1
        result = check(catalog, stage, passing_world(stage, days, sessions, cmax, checkins=pains))
        assert [c.key for c in result.failing] == ["checkins"], result.reason()
        assert f"needs ≤ {cmax}" in result.failing[0].detail


def test_fewer_than_three_checkins_block_move_on(catalog):
    result = check(catalog, 1, passing_world(1, 3, 4, 4, checkins=[2, 2]))
    assert [c.key for c in result.failing] == ["checkins"]
    assert "check in on 1 more day" in result.failing[0].detail


@pytest.mark.parametrize("stage,days,sessions,cmax,nf", TABLE)
def test_flare_inside_the_window_blocks_and_just_outside_does_not(
    catalog, stage, days, sessions, cmax, nf
):
    inside = check(catalog, stage, passing_world(stage, days, sessions, cmax, flare_ago=nf - 1))
    assert [c.key for c in inside.failing] == ["flares"]
    outside = check(catalog, stage, passing_world(stage, days, sessions, cmax, flare_ago=nf))
    assert outside.ok, outside.reason()


@pytest.mark.parametrize("stage", [1, 2])
def test_24h_flare_in_the_last_three_days_blocks(catalog, stage):
    _, days, sessions, cmax, _ = TABLE[stage - 1]
    base = dict(days=days + 3, sessions=sessions + 6)
    inside = check(catalog, stage, passing_world(stage, cmax=cmax, flare24_days_ago=2, **base))
    assert [c.key for c in inside.failing] == ["flare24"], inside.reason()
    outside = check(catalog, stage, passing_world(stage, cmax=cmax, flare24_days_ago=3, **base))
    assert outside.ok, outside.reason()


def test_adherence_just_at_and_just_below_seventy_percent(catalog):
    # Two slots over 14 days plan 28 sessions: 20 is 71 %, 19 is 68 %.
    at = check(catalog, 3, passing_world(3, 14, 20, 2), slots=2)
    assert at.ok, at.reason()
    below = check(catalog, 3, passing_world(3, 14, 19, 2), slots=2)
    assert [c.key for c in below.failing] == ["adherence"]
    assert "19 of 28" in below.failing[0].detail


def test_last_stage_has_nowhere_to_go(catalog):
    result = check(catalog, 4, passing_world(4, 30, 40, 1))
    assert not result.ok and result.to_stage is None


def test_flare_rules(catalog):
    rules = catalog.rules
    assert not is_flare(session(TODAY, before=4, after=5), rules)
    assert is_flare(session(TODAY, before=3, after=5), rules)  # a rise of 2
    assert "pain after 6" in flare_reasons(session(TODAY, before=5, after=6), rules)[0]
    assert not is_flare(session(TODAY, before=2, after=3), rules)
    assert is_flare(session(TODAY, before=2, after=4), rules)
    assert is_flare(session(TODAY, before=1, after=1, hurt=True), rules)


def test_24h_flare_needs_the_next_days_first_checkin(catalog):
    yday = TODAY - timedelta(days=1)
    h = History.of([session(yday, before=2)], [checkin(TODAY, 3, hour=6), checkin(TODAY, 4, 9)])
    assert flares_24h(h, catalog.rules, yday) == []  # first check-in 3 < 2 + 2
    h = History.of([session(yday, before=2)], [checkin(TODAY, 4, hour=6)])
    assert [f.day for f in flares_24h(h, catalog.rules, yday)] == [TODAY]


def test_two_flares_in_a_week_recommend_one_stage_back(catalog):
    h = world(3, days=20, sessions=6, checkins=[2, 2, 2], pain=2)
    assert step_back_check(catalog, 3, h, NOW) is None
    flares = [session(TODAY - timedelta(days=d), stage=3, before=2, after=6) for d in (2, 5)]
    h = History.of([*h.sessions, *flares], h.checkins, h.events)
    back = step_back_check(catalog, 3, h, NOW)
    assert back is not None and back.to_stage == 2 and "2 flares" in back.reason


def test_a_checkin_of_seven_recommends_stepping_back_but_never_below_one(catalog):
    h = world(1, days=5, sessions=2, checkins=[3, 7], pain=3)
    back = step_back_check(catalog, 1, h, NOW)
    assert back is not None and back.to_stage == 1 and "7/10" in back.reason


def test_dose_steps_go_reps_then_hold_then_sets_and_back():
    bounds = DoseBounds(sets=(1, 2), reps=(5, 6), hold_s=(5, 7))
    dose = Dose(sets=1, reps=5, hold_s=5)
    ups = []
    while (dose := harder_dose(dose, bounds)) is not None:
        ups.append((dose.sets, dose.reps, dose.hold_s))
    assert ups == [(1, 6, 5), (1, 6, 7), (2, 6, 7)]
    assert easier_dose(Dose(sets=2, reps=6, hold_s=7), bounds) == Dose(sets=1, reps=6, hold_s=7)
    assert easier_dose(Dose(sets=1, reps=5, hold_s=5), bounds) is None


def _plan_with(catalog, ex_id, dose):
    return Plan(
        id="plan",
        stage=3,
        created_at=NOW - timedelta(days=10),
        prescriptions=[Prescription(exercise_id=ex_id, dose=dose)],
    )


def _entry(ex, dose, **kw):
    return ExerciseEntry(
        exercise_id=ex.id,
        name=ex.name,
        prescribed=dose,
        sets_done=dose.sets,
        reps_done=dose.reps or 0,
        **kw,
    )


def test_two_easy_sessions_suggest_one_step_up_and_a_hurt_suggests_one_down(catalog):
    ex = catalog.exercise("bridge")
    plan = _plan_with(catalog, ex.id, ex.dose)
    one = [
        session(
            TODAY - timedelta(days=2),
            stage=3,
            after=2,
            difficulty="easy",
            entries=[_entry(ex, ex.dose)],
        )
    ]
    assert dose_suggestions(catalog, plan, History.of(one)) == []
    two = [
        *one,
        session(
            TODAY - timedelta(days=1),
            stage=3,
            after=3,
            difficulty="ok",
            entries=[_entry(ex, ex.dose)],
        ),
    ]
    [up] = dose_suggestions(catalog, plan, History.of(two))
    assert up.direction == "up" and up.proposed == harder_dose(ex.dose, ex.bounds)
    hard = [
        *one,
        session(
            TODAY - timedelta(days=1),
            stage=3,
            after=3,
            difficulty="hard",
            entries=[_entry(ex, ex.dose)],
        ),
    ]
    assert dose_suggestions(catalog, plan, History.of(hard)) == []
    higher = harder_dose(ex.dose, ex.bounds)
    plan_hi = _plan_with(catalog, ex.id, higher)
    hurt = [session(TODAY, stage=3, after=4, entries=[_entry(ex, higher, stopped_hurt=True)])]
    [down] = dose_suggestions(catalog, plan_hi, History.of(hurt))
    assert down.direction == "down" and down.proposed == easier_dose(higher, ex.bounds)


def test_the_pain_rated_at_the_first_run_counts_but_the_one_before_a_step_back_does_not(
    catalog,
):
    """The first run's pain is a check-in for every rule (docs/clinical.md §7): a 7 there
    advises lower doses in Calm. The pain that made someone step back is not counted again."""
    from planner.models import StageEvent

    start = NOW - timedelta(hours=2)
    first = replace(checkin(TODAY, 7), at=start)
    began = [StageEvent(at=start, to_stage=1, kind="start")]
    assert step_back_check(catalog, 1, History.of([], [first], began), NOW) is not None
    stepped = [
        StageEvent(at=start - timedelta(days=20), to_stage=2, kind="start"),
        StageEvent(at=start, from_stage=2, to_stage=1, kind="step-back"),
    ]
    before = replace(checkin(TODAY, 8), at=start - timedelta(minutes=5))
    assert step_back_check(catalog, 1, History.of([], [before], stepped), NOW) is None
    later = replace(checkin(TODAY, 7), at=NOW - timedelta(hours=1))
    assert step_back_check(catalog, 1, History.of([], [before, later], stepped), NOW) is not None


def test_no_step_up_that_would_make_the_session_longer_than_the_person_chose(catalog):
    ex = catalog.exercise("bridge")
    plan = _plan_with(catalog, ex.id, ex.dose)
    two = [
        session(
            TODAY - timedelta(days=d),
            stage=3,
            after=2,
            difficulty="easy",
            entries=[_entry(ex, ex.dose)],
        )
        for d in (2, 1)
    ]
    history = History.of(two)
    roomy = ex.dose.seconds() + 600
    assert dose_suggestions(catalog, plan, history, budget_s=roomy)
    assert dose_suggestions(catalog, plan, history, budget_s=ex.dose.seconds()) == []


def test_one_hurt_suggests_one_step_down_once(catalog):
    """Issue 12 item 8: the step down re-fired after each accepted step (four in a row)."""
    ex = catalog.exercise("bridge")
    dose = Dose(sets=3, reps=12, hold_s=5)
    hurt = session(TODAY, stage=3, after=4, entries=[_entry(ex, dose, stopped_hurt=True)])
    [down] = dose_suggestions(catalog, _plan_with(catalog, ex.id, dose), History.of([hurt]))
    assert down.direction == "down" and down.session_id == hurt.id
    accepted = _plan_with(catalog, ex.id, down.proposed)
    assert dose_suggestions(catalog, accepted, History.of([hurt])) == []


def test_a_step_down_can_be_declined_and_a_new_hurt_offers_it_again(catalog):
    ex = catalog.exercise("bridge")
    dose = Dose(sets=3, reps=12, hold_s=5)
    plan = _plan_with(catalog, ex.id, dose)
    hurt = session(
        TODAY - timedelta(days=1), stage=3, after=4, entries=[_entry(ex, dose, stopped_hurt=True)]
    )
    [down] = dose_suggestions(catalog, plan, History.of([hurt]))
    no = replace(
        plan,
        declined=[
            DeclinedStep(
                exercise_id=ex.id,
                current=down.current,
                proposed=down.proposed,
                session_id=down.session_id,
            )
        ],
    )
    assert dose_suggestions(catalog, no, History.of([hurt])) == []
    again = session(TODAY, stage=3, after=4, entries=[_entry(ex, dose, stopped_hurt=True)])
    [later] = dose_suggestions(catalog, no, History.of([hurt, again]))
    assert later.direction == "down" and later.session_id == again.id


def test_a_declined_step_down_does_not_silence_step_ups(catalog):
    ex = catalog.exercise("bridge")
    plan = replace(
        _plan_with(catalog, ex.id, ex.dose),
        declined=[
            DeclinedStep(exercise_id=ex.id, current=ex.dose, proposed=ex.dose, session_id="old")
        ],
    )
    two = [
        session(
            TODAY - timedelta(days=d),
            stage=3,
            after=2,
            difficulty="easy",
            entries=[_entry(ex, ex.dose)],
        )
        for d in (2, 1)
    ]
    [up] = dose_suggestions(catalog, plan, History.of(two))
    assert up.direction == "up"


@pytest.mark.parametrize("pain, advised", [(6, False), (7, True), (9, True)])
def test_pain_before_a_session_counts_toward_stepping_back(catalog, pain, advised):
    """Issue 12 item 7: morning check-in 3, then evening sessions starting at 8."""
    history = world(2, days=10, sessions=0, checkins=[3, 3, 3], pain=3)
    evening = session(TODAY - timedelta(days=1), slot="evening", stage=2, before=pain, after=3)
    history = History.of([*history.sessions, evening], history.checkins, history.events)
    back = step_back_check(catalog, 2, history, NOW)
    assert (back is not None) == advised
    if advised:
        assert f"pain before a session of {pain}/10" in back.reason


def test_any_checkin_of_seven_counts_not_only_the_days_first(catalog):
    history = world(2, days=10, sessions=0, checkins=[2, 2, 2], pain=2)
    later = checkin(TODAY, 7, hour=15)
    history = History.of(history.sessions, [*history.checkins, later], history.events)
    assert step_back_check(catalog, 2, history, NOW) is not None


def test_a_physiotherapists_dose_is_the_ceiling_for_steps_up_but_not_for_steps_down(catalog):
    """Issue 17: after `rehab plan import`, steps up stay inside the physiotherapist's doses;
    a step down after it hurt is still offered."""
    from planner.models import PlanSource

    ex = catalog.exercise("bridge")
    two = [
        session(
            TODAY - timedelta(days=d),
            stage=3,
            after=2,
            difficulty="easy",
            entries=[_entry(ex, ex.dose)],
        )
        for d in (2, 1)
    ]
    own = _plan_with(catalog, ex.id, ex.dose)
    at_their_dose = replace(own, source=PlanSource(imported_at=NOW, doses={ex.id: ex.dose}))
    assert dose_suggestions(catalog, at_their_dose, History.of(two)) == []
    higher = harder_dose(ex.dose, ex.bounds)
    room = replace(own, source=PlanSource(imported_at=NOW, doses={ex.id: higher}))
    [up] = dose_suggestions(catalog, room, History.of(two))
    assert up.proposed == higher
    other = replace(own, source=PlanSource(imported_at=NOW, doses={"cat-camel": ex.dose}))
    assert len(dose_suggestions(catalog, other, History.of(two))) == 1
    high = _plan_with(catalog, ex.id, higher)
    capped = replace(high, source=PlanSource(imported_at=NOW, doses={ex.id: higher}))
    hurt = [session(TODAY, stage=3, after=4, entries=[_entry(ex, higher, stopped_hurt=True)])]
    [down] = dose_suggestions(catalog, capped, History.of(hurt))
    assert down.direction == "down"
