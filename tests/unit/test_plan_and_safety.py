"""Placement, the plan builder and the red-flag screen."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from planner.models import Condition, Equipment
from planner.plan import build_plan, place, why_not
from planner.safety import RED_FLAGS, screen, screening_result
from tests.conftest import NOW, make_profile

TODAY = NOW.date()
OLD = TODAY - timedelta(days=60)


@pytest.mark.parametrize(
    "pain,episode,stage",
    [
        (5, OLD, 1),
        (4, OLD, 2),
        (3, OLD, 2),
        (2, OLD, 3),
        (0, OLD, 3),
        (2, TODAY - timedelta(days=13), 1),
        (2, TODAY - timedelta(days=14), 3),
        (4, TODAY - timedelta(days=13), 1),
        (10, OLD, 1),
    ],
)
def test_first_run_placement(catalog, pain, episode, stage):
    placement = place(pain, episode, TODAY, catalog)
    assert placement.stage == stage
    assert str(pain) in placement.reason
    assert f"start gently with {catalog.stage(stage).name}" in placement.reason or (
        f"start with {catalog.stage(stage).name}" in placement.reason
    )  # the stage as the catalog names it


@pytest.mark.parametrize("pain", [-1, 11])
def test_placement_refuses_pain_outside_0_to_10(catalog, pain):
    with pytest.raises(ValueError):
        place(pain, OLD, TODAY, catalog)


@pytest.mark.parametrize("stage", [1, 2, 3, 4])
def test_plan_is_short_and_fits_the_minutes(catalog, stage):
    profile = make_profile(equipment=list(Equipment))
    plan = build_plan(catalog, profile, stage, NOW)
    assert 3 <= len(plan.prescriptions) <= 6
    assert sum(p.dose.seconds() for p in plan.prescriptions) <= profile.minutes_per_session * 60
    for p in plan.prescriptions:
        ex = catalog.exercise(p.exercise_id)
        assert ex.stage == "any" or ex.stage <= stage  # earlier stages' moves warm up
        assert not ex.optional
        assert not ex.bounds.allows(p.dose)


@pytest.mark.parametrize("stage", [1, 2, 3, 4])
def test_stenosis_keeps_extension_moves_out_of_the_plan(catalog, stage):
    plan = build_plan(catalog, make_profile(stenosis=True, equipment=list(Equipment)), stage, NOW)
    assert not any(catalog.exercise(p.exercise_id).extension for p in plan.prescriptions)


def test_with_no_equipment_at_all_the_plan_holds_only_what_needs_none(catalog):
    profile = make_profile(equipment=[Equipment.NONE])
    for stage in (1, 2, 3, 4):
        plan = build_plan(catalog, profile, stage, NOW)
        assert all(not catalog.exercise(p.exercise_id).needs() for p in plan.prescriptions)
    assert "needs" in why_not(catalog.exercise("table-lean"), profile)


def test_stage_two_offers_extension_to_people_without_stenosis(catalog):
    plan = build_plan(catalog, make_profile(equipment=list(Equipment)), 2, NOW)
    assert any(catalog.exercise(p.exercise_id).extension for p in plan.prescriptions)


def test_condition_filter_uses_the_profile(catalog):
    profile = make_profile(conditions=[Condition.LUMBAGO], episode_start=date(2026, 11, 18))
    plan = build_plan(catalog, profile, 1, NOW)
    for p in plan.prescriptions:
        assert Condition.LUMBAGO in catalog.exercise(p.exercise_id).conditions


def _answers(**yes):
    answers = {flag.id: False for flag in RED_FLAGS}
    answers.update(yes)
    return answers


def test_red_flag_screen_levels():
    assert screening_result(_answers()) == "clear"
    assert screening_result(_answers(fever=True)) == "see-doctor"
    assert screening_result(_answers(fever=True, **{"bladder-bowel": True})) == "emergency"
    for flag in RED_FLAGS:
        result = screening_result(_answers(**{flag.id: True}))
        assert result == ("emergency" if flag.level == "emergency" else "see-doctor")


def test_every_cauda_equina_sign_is_an_emergency():
    emergency = {f.id for f in RED_FLAGS if f.level == "emergency"}
    assert {"saddle-numbness", "bladder-bowel", "both-legs", "foot-drop"} <= emergency


def test_screen_refuses_unanswered_questions():
    answers = _answers()
    answers.pop("fever")
    with pytest.raises(ValueError, match="fever"):
        screen(answers, NOW)
    assert screen(_answers(), NOW).result == "clear"
