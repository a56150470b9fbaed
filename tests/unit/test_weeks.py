"""A window's pain a point a day or a Monday week (planner.weeks), against a count of its own."""

from __future__ import annotations

import random
from datetime import date, timedelta

from planner.days import DaySum
from planner.weeks import days_per_point, monday, pain_points

END = date(2026, 11, 22)  # a Sunday


def some_days(count: int) -> dict[date, DaySum]:
    rng = random.Random(11)
    days = {}
    for n in range(count):
        if rng.random() < 0.25:
            continue
        leg = rng.randint(0, 10) if rng.random() < 0.6 else None
        days[END - timedelta(days=n)] = DaySum(
            checkins=1,
            pain_first=rng.randint(0, 10),
            leg_first=leg,
            reach_max=None if leg is None else rng.randint(0, 4),
            session_flares=int(rng.random() < 0.2),
            walk_flares=int(rng.random() < 0.1),
        )
    return dict(sorted(days.items()))


def test_monday_begins_the_week_of_every_day():
    assert monday(END) == date(2026, 11, 16)
    assert monday(date(2026, 11, 16)) == date(2026, 11, 16)
    assert {monday(END - timedelta(days=n)).weekday() for n in range(14)} == {0}


def test_a_month_is_by_day_longer_windows_by_week_and_decades_by_runs_of_weeks():
    assert days_per_point(END - timedelta(days=30), END, 100) == 1
    assert days_per_point(END - timedelta(days=31), END, 100) == 7
    assert days_per_point(END - timedelta(days=364), END, 100) == 7
    ten_years = days_per_point(END - timedelta(days=3652), END, 100)
    assert ten_years == 7 * 6  # 523 weeks in at most 100 points
    assert (END - monday(END - timedelta(days=3652))).days // ten_years + 1 <= 100


def test_by_day_each_point_is_that_days_first_ratings():
    days = some_days(60)
    start = END - timedelta(days=29)
    points = pain_points(days, start, END, 1)
    inside = {d: r for d, r in days.items() if d >= start}
    assert points.back == tuple((d, float(r.pain_first)) for d, r in inside.items())
    assert points.leg == tuple(
        (d, float(r.leg_first)) for d, r in inside.items() if r.leg_first is not None
    )


def test_by_week_each_point_is_its_iso_weeks_mean_and_only_the_windows_days_count():
    days = some_days(800)
    start = END - timedelta(days=400)  # a Saturday: its week's Monday falls before the window
    points = pain_points(days, start, END, 7)
    back, leg, reach, flares = iso_week_sums(days, start, END)
    assert points.back == tuple((k, sum(v) / len(v)) for k, v in sorted(back.items()))
    assert points.leg == tuple((k, sum(v) / len(v)) for k, v in sorted(leg.items()))
    assert dict(points.reach) == reach
    assert dict(points.flares) == flares
    assert points.back[0][0] == monday(start) < start


def test_runs_of_weeks_are_the_means_of_all_their_days():
    days = {date(2026, 11, 2) + timedelta(days=n): DaySum(pain_first=n % 11) for n in range(21)}
    points = pain_points(days, date(2026, 11, 2), date(2026, 11, 22), 14)
    assert points.back == (
        (date(2026, 11, 2), sum(n % 11 for n in range(14)) / 14),
        (date(2026, 11, 16), sum(n % 11 for n in range(14, 21)) / 7),
    )
    assert points.leg == points.reach == points.flares == ()


def iso_week_sums(days, start: date, end: date):
    """Counted apart from planner.weeks: each day's ISO week (keyed by its Monday), from
    `start` to `end`: back and leg ratings, the furthest reach, the flares."""
    back: dict[date, list[int]] = {}
    leg: dict[date, list[int]] = {}
    reach: dict[date, int] = {}
    flares: dict[date, int] = {}
    for day, r in days.items():
        if not start <= day <= end:
            continue
        year, week, _ = day.isocalendar()
        key = date.fromisocalendar(year, week, 1)
        back.setdefault(key, []).append(r.pain_first)
        if r.leg_first is not None:
            leg.setdefault(key, []).append(r.leg_first)
            reach[key] = max(reach.get(key, 0), r.reach_max)
        if r.session_flares + r.walk_flares:
            flares[key] = flares.get(key, 0) + r.session_flares + r.walk_flares
    return back, leg, reach, flares
