"""Changing a plan by hand: doses within bounds, swaps, reset, declined suggestions."""

from __future__ import annotations

from dataclasses import replace

import pytest

from planner.models import DeclinedStep, Equipment
from planner.plan import build_plan, change_dose, reset_plan, swap, swap_options
from planner.progression import History, dose_suggestions, harder_dose
from tests.conftest import NOW, make_profile


@pytest.fixture
def plan(catalog):
    return build_plan(catalog, make_profile(), 3, NOW)


def test_dose_change_within_bounds_is_kept_and_outside_is_refused(catalog, plan):
    p = plan.prescriptions[-1]
    ex = catalog.exercise(p.exercise_id)
    top = ex.bounds.sets[1]
    changed = change_dose(catalog, plan, ex.id, replace(p.dose, sets=top))
    assert changed.prescriptions[-1].dose.sets == top and changed.id == plan.id
    with pytest.raises(ValueError, match=f"sets must be 1–{top}"):
        change_dose(catalog, plan, ex.id, replace(p.dose, sets=top + 1))


def test_swap_offers_neighbours_first_and_refuses_what_does_not_suit(catalog, plan):
    taken = {p.exercise_id for p in plan.prescriptions}
    for p in plan.prescriptions:
        ex = catalog.exercise(p.exercise_id)
        free = [n for n in (ex.easier, ex.harder) if n and n not in taken]
        if free:
            break
    options = swap_options(catalog, make_profile(), plan, ex.id)
    assert options[0][0].id == free[0] and options[0][1] in ("easier", "harder")
    assert not {e.id for e, _ in options} & taken
    swapped = swap(catalog, make_profile(), plan, ex.id, free[0])
    assert free[0] in [p.exercise_id for p in swapped.prescriptions]
    assert ex.id not in [p.exercise_id for p in swapped.prescriptions]
    with pytest.raises(ValueError, match="needs"):
        swap(
            catalog,
            make_profile(equipment=[Equipment.NONE, Equipment.MAT]),
            plan,
            "bridge",
            "bar-hang",
        )


def test_reset_goes_back_to_the_stage_default(catalog, plan):
    p = plan.prescriptions[0]
    ex = catalog.exercise(p.exercise_id)
    edited = change_dose(catalog, plan, ex.id, harder_dose(p.dose, ex.bounds))
    assert reset_plan(catalog, make_profile(), edited, NOW).prescriptions == plan.prescriptions


def test_a_declined_step_is_not_suggested_again_from_the_same_dose(catalog):
    from datetime import timedelta

    from tests.unit.test_progression import _entry, _plan_with
    from tests.unit.worlds import session

    ex = catalog.exercise("bridge")
    plan = _plan_with(catalog, ex.id, ex.dose)
    two = [
        session(
            NOW.date() - timedelta(days=d),
            stage=3,
            after=2,
            difficulty="easy",
            entries=[_entry(ex, ex.dose)],
        )
        for d in (2, 1)
    ]
    [up] = dose_suggestions(catalog, plan, History.of(two))
    declined = replace(
        plan, declined=[DeclinedStep(exercise_id=ex.id, current=up.current, proposed=up.proposed)]
    )
    assert dose_suggestions(catalog, declined, History.of(two)) == []


HELD = "A step back is advised: a check-in of 7/10."


def test_while_held_back_a_dose_may_go_down_but_never_up(catalog, plan):
    p = plan.prescriptions[-1]
    ex = catalog.exercise(p.exercise_id)
    up = harder_dose(p.dose, ex.bounds)
    assert up is not None
    with pytest.raises(ValueError, match="Not harder now. A step back is advised"):
        change_dose(catalog, plan, ex.id, up, held_back=HELD)
    assert change_dose(catalog, plan, ex.id, up).prescriptions[-1].dose == up  # not held
    if p.dose.sets > ex.bounds.sets[0]:
        lower = replace(p.dose, sets=p.dose.sets - 1)
        assert change_dose(catalog, plan, ex.id, lower, held_back=HELD)


def test_while_held_back_no_harder_swap_is_offered_or_accepted(catalog):
    profile = make_profile()
    plan = build_plan(catalog, profile, 1, NOW)
    with_harder = [
        p.exercise_id
        for p in plan.prescriptions
        if catalog.exercise(p.exercise_id).harder
        and catalog.exercise(p.exercise_id).harder
        not in {q.exercise_id for q in plan.prescriptions}
    ]
    assert with_harder, "stage 1 has an exercise with a harder neighbour outside the plan"
    ex = catalog.exercise(with_harder[0])
    free = [why for _, why in swap_options(catalog, profile, plan, ex.id)]
    held = swap_options(catalog, profile, plan, ex.id, held_back=HELD)
    assert "harder" in free and ex.harder not in [e.id for e, _ in held]
    with pytest.raises(ValueError, match="Not harder now"):
        swap(catalog, profile, plan, ex.id, ex.harder, held_back=HELD)


def test_while_held_back_a_reset_may_not_raise_a_dose(catalog, plan):
    lowered = plan
    for p in plan.prescriptions:
        ex = catalog.exercise(p.exercise_id)
        if p.dose.sets > ex.bounds.sets[0]:
            lowered = change_dose(catalog, plan, ex.id, replace(p.dose, sets=ex.bounds.sets[0]))
            break
    assert lowered != plan, "a stage-3 exercise whose sets can go down"
    with pytest.raises(ValueError, match="Not now: the default doses are higher"):
        reset_plan(catalog, make_profile(), lowered, NOW, held_back=HELD)
    assert reset_plan(catalog, make_profile(), lowered, NOW).prescriptions == plan.prescriptions
