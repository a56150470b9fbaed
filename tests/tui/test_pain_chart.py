"""History's pain chart (tui.widgets.pain_chart): its series are the day sums, by day for a
month and as Monday-week means for longer windows, checked against a count of their own; and
the chart draws back and leg apart with markers of their own, on a 0–10 axis with dates."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from textual.app import App, ComposeResult

from planner.days import DaySum
from planner.models import StageEvent
from tests.unit.test_weeks import iso_week_sums
from tui.widgets.pain_chart import (
    BACK_MARKER,
    FLARE_MARKER,
    LEG_MARKER,
    PainChart,
    PainChartData,
    drawn_stages,
    legend,
    pain_chart_data,
    stage_runs,
    stage_spans,
)

END = date(2026, 11, 21)


def random_days(count: int, seed: int = 5) -> dict[date, DaySum]:
    """`count` days back from END, most with a check-in, some with leg pain, flares, a reach."""
    rng = random.Random(seed)
    days: dict[date, DaySum] = {}
    for n in range(count):
        if rng.random() < 0.2:
            continue  # a day without records
        leg = rng.randint(0, 10) if rng.random() < 0.7 else None
        days[END - timedelta(days=n)] = DaySum(
            checkins=1,
            pain_first=rng.randint(0, 10),
            leg_first=leg,
            reach_max=rng.randint(0, 4) if leg is not None else None,
            session_flares=rng.randint(0, 1),
            walk_flares=int(rng.random() < 0.1),
        )
    return dict(sorted(days.items()))


def test_thirty_days_are_drawn_a_point_a_day_each_the_days_first_ratings():
    days = random_days(400)
    start = END - timedelta(days=29)
    data = pain_chart_data(days, start, END)
    assert data.days_per_point == 1
    inside = [d for d in days if start <= d <= END]
    assert data.back == tuple((d, float(days[d].pain_first)) for d in inside)
    assert data.leg == tuple(
        (d, float(days[d].leg_first)) for d in inside if days[d].leg_first is not None
    )
    assert dict(data.flares) == {
        d: days[d].session_flares + days[d].walk_flares
        for d in inside
        if days[d].session_flares + days[d].walk_flares
    }


def test_longer_windows_are_monday_week_means_of_the_days_in_the_window():
    days = random_days(400)
    start = END - timedelta(days=364)
    data = pain_chart_data(days, start, END, columns=120)
    assert data.days_per_point == 7
    # Counted apart: each day's ISO week, its mean, keyed by that week's Monday.
    back, leg, reach, flares = iso_week_sums(days, start, END)
    assert dict(data.back) == {k: sum(v) / len(v) for k, v in back.items()}
    assert dict(data.leg) == {k: sum(v) / len(v) for k, v in leg.items()}
    assert dict(data.reach) == reach
    assert dict(data.flares) == flares
    assert [d for d, _ in data.back] == sorted(back)
    assert all(d.weekday() == 0 for d, _ in data.back)


def test_thirty_years_are_runs_of_weeks_no_more_points_than_columns():
    days = random_days(30 * 365)
    start = min(days)
    data = pain_chart_data(days, start, END, columns=100)
    assert data.days_per_point % 7 == 0 and data.days_per_point > 7
    assert len(data.back) <= 100
    # Every point is the mean of the days of its run of weeks, from the first day's Monday.
    first, value = data.back[3]
    inside = [
        r.pain_first for d, r in days.items() if first <= d < first + timedelta(data.days_per_point)
    ]
    assert value == sum(inside) / len(inside)
    assert first.weekday() == 0


def test_the_stages_are_the_one_in_force_at_the_start_then_each_change():
    def event(day: int, kind: str, to: int) -> StageEvent:
        return StageEvent(at=datetime(2026, 11, day, 9), kind=kind, to_stage=to)

    events = [
        event(1, "start", 1),
        event(5, "advance", 2),
        event(12, "pause", 2),
        event(15, "step-back", 1),
        event(18, "advance", 2),
    ]
    names = {1: "Calm", 2: "Mobilize"}
    spans = stage_spans(events, date(2026, 11, 10), END, names)
    assert spans == (
        (date(2026, 11, 10), 2, "Mobilize"),
        (date(2026, 11, 15), 1, "Calm"),
        (date(2026, 11, 18), 2, "Mobilize"),
    )


class ChartApp(App):
    def __init__(self, data: PainChartData) -> None:
        super().__init__()
        self.data = data

    def compose(self) -> ComposeResult:
        chart = PainChart()
        chart.styles.height = 12
        yield chart

    def on_mount(self) -> None:
        self.query_one(PainChart).update(self.data)


async def test_back_and_leg_have_markers_of_their_own_on_a_labelled_0_to_10_axis():
    start = END - timedelta(days=29)
    days = {
        start + timedelta(days=n): DaySum(checkins=1, pain_first=8, leg_first=2) for n in range(30)
    }
    days[start + timedelta(days=10)] = DaySum(
        checkins=1, pain_first=8, leg_first=2, session_flares=1
    )
    data = pain_chart_data(days, start, END, ((start, 3, "Strengthen"),))
    assert BACK_MARKER != LEG_MARKER
    async with ChartApp(data).run_test(size=(80, 14)) as pilot:
        await pilot.pause()
        lines = pilot.app.query_one(PainChart).render().plain.splitlines()
    back_rows = [n for n, line in enumerate(lines) if line.count(BACK_MARKER) > 20]
    leg_rows = [n for n, line in enumerate(lines) if line.count(LEG_MARKER) > 20]
    assert len(back_rows) == 1 and len(leg_rows) == 1
    assert back_rows[0] < leg_rows[0]  # 8 above 2
    assert LEG_MARKER not in lines[back_rows[0]] and BACK_MARKER not in lines[leg_rows[0]]
    assert lines[0].startswith("10") and FLARE_MARKER in lines[0] and "3 Strengthen" in lines[0]
    text = "\n".join(lines)
    assert "pain 0–10" in text and "each day's first check-in" in text
    assert f"{start.day} {start:%b}" in text and f"{END.day} {END:%b}" in text
    assert legend(data, 78).startswith(f"{BACK_MARKER} back · {LEG_MARKER} leg · ")


async def test_someone_without_leg_symptoms_gets_the_back_line_alone():
    start = END - timedelta(days=29)
    days = {start + timedelta(days=n): DaySum(checkins=1, pain_first=4) for n in range(30)}
    data = pain_chart_data(days, start, END)
    assert data.leg == () and "leg" not in legend(data, 78)
    async with ChartApp(data).run_test(size=(80, 14)) as pilot:
        await pilot.pause()
        lines = pilot.app.query_one(PainChart).render().plain.splitlines()
    assert any(line.count(BACK_MARKER) > 20 for line in lines)
    assert not any(LEG_MARKER in line for line in lines[:-3])  # above the dates and words


async def test_how_far_down_the_leg_is_written_under_the_leg_line_by_day():
    start = END - timedelta(days=29)
    days = {
        start + timedelta(days=n): DaySum(checkins=1, pain_first=1, leg_first=7, reach_max=3)
        for n in range(30)
    }
    data = pain_chart_data(days, start, END)
    assert "1–4 under the leg" in legend(data, 78)
    async with ChartApp(data).run_test(size=(80, 14)) as pilot:
        await pilot.pause()
        lines = pilot.app.query_one(PainChart).render().plain.splitlines()
    [leg_row] = [n for n, line in enumerate(lines) if line.count(LEG_MARKER) > 20]
    assert lines[leg_row + 1].count("3") >= 25  # a digit under (nearly) every day
    # By week there is no digit a day: the legend does not promise one.
    long = pain_chart_data(days, END - timedelta(days=89), END)
    assert "under the leg" not in legend(long, 78)


def test_a_point_of_weeks_takes_the_stage_held_most_of_its_days_and_too_many_are_not_drawn():
    start = date(2026, 8, 3)  # a Monday
    names = {3: "Strengthen", 4: "Condition"}
    # Stage 4 from the start; stage 3 from Friday to Sunday of the second week (3 of its 7
    # days), and from Thursday to Sunday of the fourth (4 of 7).
    stages = (
        (start, 4, names[4]),
        (start + timedelta(days=11), 3, names[3]),
        (start + timedelta(days=14), 4, names[4]),
        (start + timedelta(days=24), 3, names[3]),
        (start + timedelta(days=28), 4, names[4]),
    )
    data = pain_chart_data({}, start, start + timedelta(days=69), stages)
    assert data.days_per_point == 7
    assert stage_runs(data) == [(0, 4, "Condition"), (21, 3, "Strengthen"), (28, 4, "Condition")]
    flipping = tuple(
        (start + timedelta(days=7 * n), 3 + n % 2, names[3 + n % 2]) for n in range(10)
    )
    data = pain_chart_data({}, start, start + timedelta(days=69), flipping)
    assert len(stage_runs(data)) == 10
    assert drawn_stages(data, 200) == stage_runs(data)
    assert drawn_stages(data, 40) == []  # ten changes in 36 columns: none drawn
    assert "too many stage changes" in legend(data, 40)
