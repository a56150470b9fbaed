"""`copy.deepcopy` of a model (planner.models.Model.__deepcopy__): the same record, sharing
nothing that can change, as the store's private copies promise."""

from __future__ import annotations

import copy
from datetime import date, datetime, time, timedelta
from enum import Enum

from planner.codec import dump
from planner.models import Model
from planner.synthetic import generate

END = datetime(2026, 3, 10, 12, 0)
SHAREABLE = (str, int, float, type(None), date, time, timedelta, Enum)


def changeable(value: object, found: list[object]) -> list[object]:
    """Every list, dict, tuple and model inside `value` (itself included) but frozen models
    of unchangeable values."""
    if isinstance(value, SHAREABLE):
        return found
    if isinstance(value, Model):
        inside: list[object] = []
        for name in value.__dataclass_fields__:  # type: ignore[attr-defined]
            changeable(getattr(value, name), inside)
        # A frozen model (its fields cannot be set) holding nothing that can change is a
        # value like a date: a copy may share it (a dose).
        fixed = type(value).__dataclass_params__.frozen  # type: ignore[attr-defined]
        if not (fixed and all(isinstance(v, tuple) for v in inside)):
            found.append(value)
        found.extend(inside)
        return found
    found.append(value)
    if isinstance(value, dict):
        for item in value.values():
            changeable(item, found)
    elif isinstance(value, (list, tuple)):
        for item in value:
            changeable(item, found)
    return found


def test_a_copy_is_the_same_record_and_shares_nothing_that_can_change(catalog):
    made = generate(catalog, 120, END, seed=5)
    records = made.records()
    kinds = {type(r).__name__ for r in records}
    assert {"Profile", "Plan", "Session", "CheckIn", "Walk", "Screening", "StageEvent"} <= kinds
    for record in records:
        copied = copy.deepcopy(record)
        assert type(copied) is type(record)
        assert copied == record and dump(copied) == dump(record)
        theirs = {id(v) for v in changeable(record, []) if not isinstance(v, tuple)}
        mine = [v for v in changeable(copied, []) if not isinstance(v, tuple)]
        assert not [v for v in mine if id(v) in theirs], type(record).__name__


def test_changing_a_copy_leaves_the_record_as_it_was(catalog):
    made = generate(catalog, 30, END, seed=5)
    plan = next(iter(made.plans.values()))
    before = dump(plan)
    copied = copy.deepcopy(plan)
    copied.prescriptions.clear()
    session = made.sessions[0]
    copied_session = copy.deepcopy(session)
    copied_session.entries[0].sets_done = 99
    assert dump(plan) == before
    assert session.entries[0].sets_done != 99


def test_what_a_copy_shares_cannot_be_changed(catalog):
    """A copy shares a plan's doses (frozen, of numbers and words): setting one is refused."""
    import dataclasses

    import pytest

    plan = next(iter(generate(catalog, 30, END, seed=5).plans.values()))
    copied = copy.deepcopy(plan)
    assert copied.prescriptions[0].dose is plan.prescriptions[0].dose
    with pytest.raises(dataclasses.FrozenInstanceError):
        copied.prescriptions[0].dose.sets = 9  # type: ignore[misc]
