"""Pain over a window, a point a day or a point a Monday week (or a run of weeks): a chart of
months or years draws the weeks' means instead of every day, so ten or thirty years stay a
readable line and quick to draw. Everything is read from the day sums (planner.days)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, timedelta
from typing import NamedTuple

from planner.days import DaySum

#: Windows up to this many days are a point a day; longer ones a point a week or more.
BY_DAY_UP_TO = 31


def monday(day: date) -> date:
    """The Monday that begins `day`'s week."""
    return day - timedelta(days=day.weekday())


def days_per_point(start: date, end: date, points: int) -> int:
    """1 for a window of up to `BY_DAY_UP_TO` days; else 7 (a Monday week), or the fewest
    whole weeks a point that keep the points to at most `points`."""
    if (end - start).days + 1 <= BY_DAY_UP_TO:
        return 1
    weeks = math.ceil(((end - monday(start)).days + 1) / 7)
    return 7 * max(1, math.ceil(weeks / max(points, 1)))


class PainPoints(NamedTuple):
    """A window's pain, a point per span of days, each keyed by its span's first day: a day,
    or the Monday that begins its week (which may fall before the window's first day)."""

    #: the mean of the span's days' first check-ins (the ones the rules read)
    back: tuple[tuple[date, float], ...]
    #: the mean of the span's days' first leg ratings
    leg: tuple[tuple[date, float], ...]
    #: how far down the leg at most (an index of REACHES)
    reach: tuple[tuple[date, int], ...]
    #: the sessions' and walks' flares
    flares: tuple[tuple[date, int], ...]


def pain_points(days: Mapping[date, DaySum], start: date, end: date, step: int) -> PainPoints:
    """The days from `start` to `end` in spans of `step` days (from `start` when `step` is 1,
    else from its Monday), each span's days summed in one pass over the day sums."""
    origin = (start if step == 1 else monday(start)).toordinal()
    low, high = start.toordinal(), end.toordinal()
    spans = (high - origin) // step + 1
    back_sum, back_n = [0] * spans, [0] * spans
    leg_sum, leg_n = [0] * spans, [0] * spans
    reach: list[int | None] = [None] * spans
    flares = [0] * spans
    for day, r in days.items():
        o = day.toordinal()
        if o < low or o > high:
            continue
        i = (o - origin) // step
        if r.pain_first is not None:
            back_sum[i] += r.pain_first
            back_n[i] += 1
        if r.leg_first is not None:
            leg_sum[i] += r.leg_first
            leg_n[i] += 1
        if r.reach_max is not None and (reach[i] is None or r.reach_max > reach[i]):  # type: ignore[operator]
            reach[i] = r.reach_max
        flares[i] += r.session_flares + r.walk_flares
    keys = [date.fromordinal(origin + i * step) for i in range(spans)]
    return PainPoints(
        tuple((keys[i], back_sum[i] / back_n[i]) for i in range(spans) if back_n[i]),
        tuple((keys[i], leg_sum[i] / leg_n[i]) for i in range(spans) if leg_n[i]),
        tuple((keys[i], r) for i, r in enumerate(reach) if r is not None),
        tuple((keys[i], f) for i, f in enumerate(flares) if f),
    )
