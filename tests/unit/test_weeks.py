"""Monday weeks' means (planner.weeks), checked against a plain count of each week's days."""

from __future__ import annotations

from datetime import date, timedelta

from planner.weeks import monday, span_means, weekly_means


def test_monday_begins_the_week_of_every_day():
    sunday = date(2026, 12, 6)
    assert monday(sunday) == date(2026, 11, 30)
    assert monday(date(2026, 11, 30)) == date(2026, 11, 30)
    assert {monday(sunday - timedelta(days=n)).weekday() for n in range(14)} == {0}


def test_weekly_means_are_each_monday_weeks_mean_and_skip_empty_weeks():
    values = {
        date(2026, 11, 4): 2,  # a Wednesday: the week of Monday 2 Nov
        date(2026, 11, 8): 5,  # its Sunday
        date(2026, 11, 9): 7,  # the next Monday
        date(2026, 11, 26): 1,  # two weeks on; the week of 16 Nov has nothing
    }
    assert weekly_means(values) == {
        date(2026, 11, 2): 3.5,
        date(2026, 11, 9): 7.0,
        date(2026, 11, 23): 1.0,
    }


def test_weekly_means_of_two_years_equal_a_plain_count_by_iso_week():
    first = date(2024, 1, 3)
    values = {first + timedelta(days=n): (n * 7) % 11 for n in range(0, 730, 3)}
    by_week: dict[tuple[int, int], list[int]] = {}
    for day, value in values.items():
        by_week.setdefault(day.isocalendar()[:2], []).append(value)
    expected = {
        date.fromisocalendar(year, week, 1): sum(v) / len(v) for (year, week), v in by_week.items()
    }
    assert weekly_means(values) == expected


def test_runs_of_weeks_and_spans_from_a_start_leave_out_what_came_before():
    values = {date(2026, 11, 2) + timedelta(days=n): n for n in range(21)}  # 0..20
    assert weekly_means(values, weeks=2) == {
        date(2026, 11, 2): sum(range(14)) / 14,
        date(2026, 11, 16): sum(range(14, 21)) / 7,
    }
    assert span_means(values, date(2026, 11, 20), 7) == {date(2026, 11, 20): sum(range(18, 21)) / 3}
    assert weekly_means({}) == {}
