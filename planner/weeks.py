"""Means over spans of days: a chart of months or years draws one point a Monday week (or a few
weeks) instead of one a day, so ten or thirty years stay a readable line and quick to draw."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta


def monday(day: date) -> date:
    """The Monday that begins `day`'s week."""
    return day - timedelta(days=day.weekday())


def span_means(values: Mapping[date, float], start: date, days: int) -> dict[date, float]:
    """The mean of the values in each span of `days` days counted from `start`, keyed by the
    span's first day; a span with no value is left out, and so are values before `start`."""
    sums: dict[int, float] = {}
    counts: dict[int, int] = {}
    for day, value in values.items():
        offset = (day - start).days
        if offset < 0:
            continue
        span = offset // days
        sums[span] = sums.get(span, 0) + value
        counts[span] = counts.get(span, 0) + 1
    return {start + timedelta(days=span * days): sums[span] / counts[span] for span in sorted(sums)}


def weekly_means(values: Mapping[date, float], weeks: int = 1) -> dict[date, float]:
    """The mean of the values of each Monday week (or of each run of `weeks` weeks from the
    first value's Monday), keyed by the span's Monday; weeks with no value are left out."""
    if not values:
        return {}
    return span_means(values, monday(min(values)), 7 * weeks)
