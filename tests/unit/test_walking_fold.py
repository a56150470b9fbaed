"""The walking level folded in two parts equals the level folded from the start.

The door folds the closed years' weeks once (`planner.walking.fold`) and hands them to every
later `walking`: whatever the walks, the split between archived day sums and walks in the file,
the day the fold stops at and the day asked about, the target is the very same."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from planner.days import day_sums
from planner.models import Walk
from planner.walking import fold, walking
from seeds import load_catalog
from tests.conftest import make_profile
from tests.unit.worlds import at

CATALOG = load_catalog()
RULES = CATALOG.rules
BACKWARD = CATALOG.exercises[RULES.backward_walk_exercise]
SINCE = date(2020, 3, 5)  # a Thursday: programme weeks are not calendar weeks

walks_strategy = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=500),  # the day, from the programme's start
        st.integers(min_value=1, max_value=45),  # minutes
        st.integers(min_value=0, max_value=10),  # pain after
    ),
    max_size=120,
)


@settings(max_examples=150, deadline=None)
@given(
    walked=walks_strategy,
    cut=st.integers(min_value=0, max_value=520),
    until=st.integers(min_value=-10, max_value=560),
    later_days=st.integers(min_value=7, max_value=100),
    comfortable=st.integers(min_value=1, max_value=60),
)
def test_folding_the_closed_weeks_first_changes_nothing(
    walked, cut, until, later_days, comfortable
):
    person = make_profile(walk_comfortable=comfortable, walk_since=SINCE)
    walks = sorted(
        (Walk(at=at(SINCE + timedelta(days=d), 17), minutes=m, pain_after=p) for d, m, p in walked),
        key=lambda w: w.at,
    )
    # Closed years end a year before today: this week's walks are never in the day sums.
    day = SINCE + timedelta(days=cut + later_days)
    full = walking(person, walks, RULES, day, 2, BACKWARD)
    # Walks before the cut day are kept as day sums (a closed year), the rest as walks.
    cut_day = SINCE + timedelta(days=cut)
    earlier = day_sums([], [], [w for w in walks if w.at.date() < cut_day], RULES)
    later = [w for w in walks if w.at.date() >= cut_day]
    split = walking(person, later, RULES, day, 2, BACKWARD, earlier)
    assert asdict(split) == asdict(full)
    # The weeks before `until` folded first, from those same walks and sums.
    stop = SINCE + timedelta(days=until)
    folded = fold(person, later, RULES, stop, earlier)
    assert folded is not None and folded.until <= max(stop, SINCE)
    resumed = walking(person, later, RULES, day, 2, BACKWARD, earlier, folded)
    assert asdict(resumed) == asdict(full)


def test_a_fold_of_another_programme_is_not_used():
    walks = [
        Walk(at=at(SINCE + timedelta(days=d), 17), minutes=20, pain_after=1) for d in range(14)
    ]
    day = SINCE + timedelta(days=16)
    person = make_profile(walk_comfortable=20, walk_since=SINCE)
    other = make_profile(walk_comfortable=40, walk_since=SINCE)
    folded = fold(other, walks, RULES, day, None)
    assert folded is not None and folded.level != fold(person, walks, RULES, day, None).level
    assert walking(person, walks, RULES, day, 2, BACKWARD, None, folded) == walking(
        person, walks, RULES, day, 2, BACKWARD
    )
