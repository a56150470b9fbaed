"""planner.course (issue 16, parts 3 and 6): when to advise a doctor, and what the PSFS says.
Each rule table by table, at its edges; the thresholds are the seeds' ([rules])."""

from __future__ import annotations

from datetime import timedelta

import pytest

from planner.course import no_improvement, psfs_change, see_doctor_advice, severe_days_running
from planner.models import PsfsItem, PsfsRating, StageEvent
from planner.progression import History
from seeds import load_catalog
from tests.conftest import NOW
from tests.unit.worlds import at, checkin, session

RULES = load_catalog().rules
TODAY = NOW.date()


def day(ago: int):
    return TODAY - timedelta(days=ago)


def checkins(**pain_by_days_ago: int) -> History:
    """`d3=8` is a check-in of 8 three days ago."""
    return History.of(checkins=[checkin(day(int(k[1:])), v) for k, v in pain_by_days_ago.items()])


@pytest.mark.parametrize(
    "pains, found",
    [
        ({"d3": 8, "d2": 8, "d1": 8}, True),
        ({"d2": 9, "d1": 10, "d0": 8}, True),  # up to today
        ({"d3": 8, "d2": 8, "d1": 7}, False),  # 7 is under the threshold of 8
        ({"d4": 8, "d3": 8, "d1": 8}, False),  # a day between with no rating breaks the run
        ({"d3": 8, "d2": 8, "d1": 8, "d0": 2}, True),  # still advised the day after
        ({"d8": 8, "d7": 8, "d6": 8}, True),  # the run ended six days ago: still shown
        ({"d9": 8, "d8": 8, "d7": 8}, False),  # a week ago: no longer today's advice
    ],
)
def test_pain_of_8_or_more_on_three_days_running(pains, found):
    assert (severe_days_running(checkins(**pains), NOW, RULES) is not None) is found


def test_a_session_pain_counts_toward_the_severe_days_and_a_future_one_does_not():
    history = History.of(
        sessions=[session(day(2), before=3, after=8)],
        checkins=[checkin(day(3), 8), checkin(day(1), 9)],
    )
    assert severe_days_running(history, NOW, RULES) == [day(3), day(2), day(1)]
    tomorrow = History.of(checkins=[checkin(day(1), 8), checkin(day(0), 8), checkin(day(-1), 9)])
    assert severe_days_running(tomorrow, NOW, RULES) is None


def started(days_ago: int):
    return at(day(days_ago), 6)


@pytest.mark.parametrize(
    "since, then, now, advised",
    [
        (28, 6, 5, True),  # four weeks, one point better: not the 2 that matter
        (28, 6, 4, False),  # two points better: a meaningful improvement (the edge)
        (27, 6, 6, False),  # not four weeks yet
        (40, 4, 3, True),  # still 3: still hurting
        (40, 3, 2, False),  # 2/10 and steady is no reason to worry (the floor)
        (40, 5, 7, True),  # worse
    ],
)
def test_no_improvement_after_four_weeks(since, then, now, advised):
    history = [checkin(day(28 + k), then) for k in range(3)] + [
        checkin(day(k), now) for k in range(3)
    ]
    found = no_improvement(history, started(since), NOW, RULES)
    assert (found is not None) is advised
    if advised:
        assert (found.then, found.now) == (then, now)


def test_no_improvement_needs_check_ins_then_and_now():
    recent_only = [checkin(day(k), 6) for k in range(5)]
    assert no_improvement(recent_only, started(40), NOW, RULES) is None
    old_only = [checkin(day(28 + k), 6) for k in range(3)]
    assert no_improvement(old_only, started(40), NOW, RULES) is None
    assert no_improvement(recent_only + old_only, None, NOW, RULES) is None


def test_the_advice_names_both_reasons_and_starts_from_the_programme():
    events = [StageEvent(at=started(35), to_stage=1, kind="start")]
    cs = [checkin(day(28 + k), 8) for k in range(3)] + [checkin(day(k), 8) for k in range(3)]
    lines = see_doctor_advice(History.of(checkins=cs, events=events), NOW, RULES)
    assert len(lines) == 2
    assert "not eased (about 8/10 then, 8/10 now)" in lines[0]
    assert "8/10 or more on 3 days running" in lines[1]
    no_start = see_doctor_advice(History.of(checkins=cs), NOW, RULES)
    assert len(no_start) == 1 and "days running" in no_start[0]


def rating(days_ago: int, *scores: int, names=("Walking", "Sitting", "Lifting")) -> PsfsRating:
    items = [PsfsItem(activity=n, score=s) for n, s in zip(names, scores, strict=True)]
    return PsfsRating(at=at(day(days_ago)), items=items)


@pytest.mark.parametrize(
    "first, last, meaningful, worse",
    [
        ((4, 4, 4), (6, 6, 6), True, False),  # +2.0 of the mean: the edge
        ((4, 4, 4), (5, 6, 6), False, False),  # +1.7, no activity by 3
        ((4, 4, 4), (7, 4, 4), True, False),  # one activity +3
        ((4, 4, 4), (6, 4, 4), False, False),  # one activity +2
        ((6, 6, 6), (4, 4, 4), True, True),  # −2.0: flagged for the clinician
        ((6, 6, 6), (5, 5, 4), False, False),  # −1.7 and no activity by 3: not yet
        ((6, 6, 6), (3, 6, 5), True, False),  # one activity fell by 3; the mean by 1.3
    ],
)
def test_psfs_change_since_the_baseline(first, last, meaningful, worse):
    change = psfs_change([rating(30, *first), rating(10, 5, 5, 5), rating(0, *last)], RULES)
    assert change is not None
    assert change.baseline.mean == sum(first) / 3 and change.latest.mean == sum(last) / 3
    assert (change.meaningful, change.worse) == (meaningful, worse)
    assert ("tell your clinician" in change.words()) is worse


def test_psfs_change_needs_two_ratings_and_matches_activities_by_name_not_position():
    assert psfs_change([rating(0, 4, 4, 4)], RULES) is None
    renamed = rating(0, 7, 4, 4, names=("Sitting", "walking", "Lifting"))
    change = psfs_change([rating(9, 4, 4, 4), renamed], RULES)
    assert change is not None and change.meaningful  # sitting went 4 → 7


def test_a_check_in_dated_later_today_does_not_count_as_now():
    """Issue 14, item 7: a record dated after `now` never drives today's advice."""
    then = [checkin(day(28 + k), 6) for k in range(3)]
    later_today = checkin(day(0), 1, hour=NOW.hour + 3)
    assert no_improvement([*then, later_today], started(40), NOW, RULES) is None  # none now
    with_now = [*then, checkin(day(1), 6), later_today]
    assert no_improvement(with_now, started(40), NOW, RULES) is not None


def test_the_report_gives_the_psfs_change_since_the_first_rating_and_flags_a_fall():
    from planner.formats.md_report import ReportData, markdown_report
    from tests.conftest import make_profile

    catalog = load_catalog()
    better = [rating(40, 4, 4, 4), rating(0, 7, 6, 6)]
    worse = [rating(40, 6, 6, 6), rating(20, 5, 5, 5), rating(0, 4, 4, 4)]
    for ratings, words, flagged in (
        (better, "+2.3 — a meaningful improvement", False),
        (worse, "-2.0 — worse by a meaningful amount", True),
    ):
        data = ReportData(make_profile(), None, psfs=ratings)
        # The period starts after the first rating: the baseline is still the first ever.
        report = markdown_report(catalog, data, NOW, since=day(21))
        section = report.split("## PSFS trend")[1].split("## ")[0]
        assert f"Since the baseline: PSFS {ratings[-1].mean:.1f} (baseline " in section
        assert words in section
        assert ("**Flag for the clinician:**" in section) is flagged


def test_the_reach_over_days_centralising_and_peripheralising():
    from planner.course import reach_change
    from planner.models import CheckIn

    def rated(days_ago: int, reach: str, hour: int = 7) -> CheckIn:
        return CheckIn(at=at(day(days_ago), hour), pain=3, leg_pain=4, reach=reach)

    up = reach_change(History.of(checkins=[rated(3, "foot"), rated(0, "thigh")]), NOW)
    assert up is not None and up.moved == "centralising" and "a good sign" in up.words()
    assert up.since == day(3) and (up.then, up.now) == ("foot", "thigh")
    down = reach_change(History.of(checkins=[rated(1, "buttock"), rated(0, "below-knee")]), NOW)
    assert down is not None and down.moved == "peripheralising" and "go gently" in down.words()
    same = History.of(checkins=[rated(1, "thigh"), rated(0, "thigh")])
    assert reach_change(same, NOW) is None
    today_only = History.of(checkins=[rated(0, "foot", 7), rated(0, "thigh", 9)])
    assert reach_change(today_only, NOW) is None  # within a day: the session summary says it
    later = History.of(checkins=[rated(1, "thigh"), rated(0, "foot", NOW.hour + 2)])
    assert reach_change(later, NOW) is None  # dated after now: not today's
