"""`planner.codec`: the pydantic-free paths (`dump`, `from_checked`) agree with pydantic's own.

Start-up reads records checked before with `from_checked` and writes with `dump`; pydantic validates
everything else. If the two ever disagreed, a record would read back differently depending on
whether its file had been checked before, so these tests hold them equal on real data (the demo
generator's records and the shipped catalog) and on random records (hypothesis).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from planner.codec import YEARS, Invalid, dump, from_checked, validate
from planner.models import (
    CheckIn,
    Dose,
    DoseBounds,
    Exercise,
    PsfsRating,
    Screening,
    Session,
    StageEvent,
)
from planner.synthetic import generate
from seeds import load_catalog
from seeds.loader import DATA, _checked_before, _load, _parse
from store.schema import TABLE_MODELS, Meta
from tests.conftest import NOW

CATALOG = load_catalog()


def pydantic_dump(model: object, **options: bool) -> object:
    return TypeAdapter(type(model)).dump_python(model, mode="json", **options)


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


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_random_records_round_trip_the_same_on_both_paths(data):
    cls = data.draw(st.sampled_from([*TABLE_MODELS.values(), Meta]))
    record = data.draw(st.from_type(cls))
    document = dump(record, exclude_none=True)
    assert document == pydantic_dump(record, exclude_none=True)
    assert from_checked(cls, document) == validate(cls, document) == record
