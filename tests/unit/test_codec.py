"""`planner.codec`: the pydantic-free paths (`dump`, `from_checked`) agree with pydantic's own.

Start-up reads records checked before with `from_checked` and writes with `dump`; pydantic validates
everything else. If the two ever disagreed, a record would read back differently depending on
whether its file had been checked before, so these tests hold them equal on real data (the demo
generator's records and the shipped catalog) and on random records (hypothesis).
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from planner import codec
from planner.codec import YEARS, Invalid, dump, from_checked, validate
from planner.models import (
    Bout,
    CheckIn,
    Clearance,
    Dose,
    DoseBounds,
    Exercise,
    Plan,
    PlanSource,
    Profile,
    PsfsRating,
    Screening,
    Session,
    StageEvent,
    Walk,
)
from planner.synthetic import generate
from seeds import load_catalog
from seeds.loader import DATA, _checked_before, _load, _parse
from store.schema import TABLE_MODELS, Meta
from tests.conftest import NOW

CATALOG = load_catalog()


def pydantic_dump(model: object, **options: bool) -> object:
    return TypeAdapter(type(model)).dump_python(model, mode="json", **options)


@pytest.mark.slow
def test_the_demo_history_reads_back_the_same_on_both_paths():
    history = generate(CATALOG, 60, NOW, seed=3)
    records = history.records()
    assert {type(r) for r in records} >= {Session, CheckIn, StageEvent, Screening, PsfsRating}
    for record in records:
        cls = type(record)
        assert cls in TABLE_MODELS.values()
        document = dump(record, exclude_none=True)
        assert document == pydantic_dump(record, exclude_none=True)
        assert from_checked(cls, document) == validate(cls, document) == record


def test_the_shipped_catalog_loads_the_same_without_pydantic():
    checked = _load(DATA)  # every field validated by pydantic
    assert _load(DATA, _checked_before, _parse(DATA)) == checked == load_catalog()
    for exercise in checked.exercises.values():
        assert dump(exercise) == pydantic_dump(exercise)


def test_checked_documents_are_copies_the_record_does_not_share():
    document = dump(generate(CATALOG, 3, NOW, seed=1).sessions[0])
    session = from_checked(Session, document)
    session.entries.append(session.entries[0])
    assert len(document["entries"]) == len(session.entries) - 1


def test_cross_field_checks_hold_without_pydantic_too():
    with pytest.raises(ValueError, match="needs reps"):
        from_checked(Dose, {"sets": 2})
    with pytest.raises(ValueError, match="reps: bounds"):
        from_checked(DoseBounds, {"reps": [5, 2]})


def test_pydantic_problems_name_the_field_in_one_line():
    with pytest.raises(Invalid) as caught:
        validate(CheckIn, {"id": "c", "at": "2026-11-20T08:00:00", "pain": 11, "mood": "x"})
    assert caught.value.first() == "pain: Input should be less than or equal to 10; 1 more problem"
    assert caught.value.problems[1]["msg"] == "Extra inputs are not permitted"
    with pytest.raises(Invalid, match="id"):
        validate(Exercise, {**dump(CATALOG.exercise("bridge")), "id": "Bridge Two"})


# Random records. Dose needs one of reps, hold_s or minutes, which its __post_init__ checks.
st.register_type_strategy(
    Dose, st.builds(Dose, reps=st.integers(1, 50), hold_s=st.none() | st.integers(1, 120))
)
# Times as rehab keeps them: naive, within the years it accepts (planner.codec.YEARS).
_FIRST, _LAST = (date(year, 1, 1) for year in (YEARS[0], YEARS[1] + 1))
st.register_type_strategy(date, st.dates(_FIRST, _LAST - timedelta(days=1)))
st.register_type_strategy(
    datetime,
    st.datetimes(datetime.combine(_FIRST, time()), datetime.combine(_LAST, time()) - timedelta(1)),
)


@st.composite
def _screenings(draw):
    """A screening, and half the time one that ends an alarm (its reason checked across
    fields: a full screening, and a doctor's visit no later than the screening)."""
    screening = draw(st.builds(Screening, after_emergency=st.none(), seen_on=st.none()))
    if draw(st.booleans()):
        return screening
    why = draw(st.sampled_from(["seen-doctor", "mistake"]))
    return dataclasses.replace(
        screening,
        context=draw(st.sampled_from(["first-run", "weekly", "re-screen"])),
        after_emergency=why,
        seen_on=draw(st.dates(_FIRST, screening.at.date())) if why == "seen-doctor" else None,
    )


st.register_type_strategy(Screening, _screenings())


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(st.data())
def test_random_records_round_trip_the_same_on_both_paths(data):
    cls = data.draw(st.sampled_from([*TABLE_MODELS.values(), Meta]))
    record = data.draw(st.from_type(cls))
    document = dump(record, exclude_none=True)
    assert document == pydantic_dump(record, exclude_none=True)
    assert from_checked(cls, document) == validate(cls, document) == record


# ---------------------------------------------------------------------------------------------
# The time rule walks only the fields that can hold a date (codec._time_fields): it must find
# exactly what a walk over every field finds.


def every_field_walk(value, where=()):
    """The time rule's walk before it skipped fields: every field of every model, in order."""
    if isinstance(value, date):
        return codec._first_odd_time(value, where)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        items = ((f.name, getattr(value, f.name)) for f in dataclasses.fields(value))
    elif isinstance(value, (list, tuple)):
        items = enumerate(value)
    elif isinstance(value, dict):
        items = value.items()
    else:
        return None
    for key, item in items:
        found = every_field_walk(item, (*where, key))
        if found is not None:
            return found
    return None


def date_paths(value, where=()):
    """Where every date in a model is, found by walking every field."""
    if isinstance(value, date):
        return [where]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        items = [(f.name, getattr(value, f.name)) for f in dataclasses.fields(value)]
    elif isinstance(value, (list, tuple, dict)):
        items = list(value.items() if isinstance(value, dict) else enumerate(value))
    else:
        return []
    return [p for key, item in items for p in date_paths(item, (*where, key))]


def put(value, path, new):
    """`value` with the thing at `path` replaced by `new` (frozen models are rebuilt)."""
    if not path:
        return new
    key, rest = path[0], path[1:]
    if dataclasses.is_dataclass(value):
        return dataclasses.replace(value, **{key: put(getattr(value, key), rest, new)})
    if isinstance(value, dict):
        return {**value, key: put(value[key], rest, new)}
    items = list(value)
    items[key] = put(items[key], rest, new)
    return type(value)(items)


def at_path(value, path):
    for key in path:
        value = getattr(value, key) if dataclasses.is_dataclass(value) else value[key]
    return value


def odd(when: date, kind: str) -> date:
    if kind == "zone":
        moment = when if isinstance(when, datetime) else datetime.combine(when, time())
        return moment.replace(tzinfo=UTC)
    # The first of the month: 29 February has no day in most years past the edges.
    return when.replace(year=YEARS[1] + 1 if kind == "late" else YEARS[0] - 1, day=1)


def check_every_date_of(record) -> int:
    """Make each date of `record` odd in turn: both walks find that one, at that place."""
    assert codec._first_odd_time(record, ()) is None
    paths = date_paths(record)
    for path in paths:
        for kind in ("zone", "late", "early"):
            changed = put(record, path, odd(at_path(record, path), kind))
            found = codec._first_odd_time(changed, ())
            assert found is not None and found == every_field_walk(changed), (path, kind)
            assert found[0] == path
    return len(paths)


def test_the_time_rule_finds_an_odd_time_wherever_one_can_be():
    history = generate(CATALOG, 30, NOW, seed=5)
    plan = next(iter(history.plans.values()))
    dose = plan.prescriptions[0].dose
    from_physio = dataclasses.replace(
        plan,
        archived_at=NOW,
        source=PlanSource(imported_at=NOW, doses={plan.prescriptions[0].exercise_id: dose}),
    )
    cleared = Clearance(at=NOW, sign="cancer_history", seen_on=NOW.date())
    records = [*history.records(), from_physio, cleared]
    checked = {type(r) for r in records}
    assert checked >= {Session, CheckIn, Plan, Profile, Walk, Bout, Clearance, PsfsRating}
    # The nested one too: a physiotherapist's plan keeps when it was loaded inside `source`.
    assert ("source", "imported_at") in date_paths(from_physio)
    assert sum(check_every_date_of(r) for r in records) > len(records)


def test_a_field_that_is_not_typed_is_walked():
    @dataclasses.dataclass(frozen=True)
    class Loose:
        anything: Any
        text: str = ""

    assert codec._time_fields(Loose) == ("anything",)
    found = codec._first_odd_time(Loose([{"at": datetime(2300, 1, 1)}]), ())
    assert found is not None and found[0] == ("anything", 0, "at")


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_random_records_have_their_odd_times_found_by_both_walks(data):
    cls = data.draw(st.sampled_from([*TABLE_MODELS.values(), Meta]))
    record = data.draw(st.from_type(cls))
    paths = date_paths(record)
    if not paths:
        return
    path = data.draw(st.sampled_from(paths))
    kind = data.draw(st.sampled_from(["zone", "late", "early"]))
    changed = put(record, path, odd(at_path(record, path), kind))
    found = codec._first_odd_time(changed, ())
    assert found is not None and found == every_field_walk(changed) and found[0] == path
