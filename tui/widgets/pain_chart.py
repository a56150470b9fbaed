"""History's pain chart: back and leg pain over the window as two lines, the stages as labelled
spans, flares flagged, and how far down the leg under the leg line when there is room.

Thirty days or fewer are drawn a point a day; longer windows a point a Monday week (the mean of
its days), or a point a few weeks when the weeks outnumber the chart's columns, so "All" at
thirty years stays a readable line and quick to draw. Everything comes from the day sums
(planner.days). Importing this module imports plotext: History imports it when it is opened.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from textual.app import ComposeResult
from textual.containers import VerticalGroup
from textual.content import Content
from textual.reactive import var
from textual_plotext import Plot

from planner.days import DaySum
from planner.models import Catalog, StageEvent
from planner.progression import STAGE_SETTING_KINDS
from planner.weeks import days_per_point, monday, pain_points
from tui.widgets.chart import Chart
from tui.widgets.history import Period
from tui.widgets.line import Line

BACK_MARKER = "•"
LEG_MARKER = "x"
FLARE_MARKER = "⚑"
#: The lines' colours, the same on every theme (the markers tell them apart without colour).
BACK_COLOR = (0, 130, 200)
LEG_COLOR = (245, 130, 48)
FLARE_COLOR = (230, 25, 75)
#: The cells left of the plot's columns: the 0–10 labels and the axis.
GUTTER = 4
Point = tuple[date, float]


@dataclass(frozen=True)
class PainChartData:
    """What the pain chart draws for a window, each series keyed by its point's first day."""

    start: date
    end: date
    #: how many days a point stands for: 1, 7 (a Monday week) or a multiple of 7
    days_per_point: int
    #: the day's first check-in (the one the rules read), or the mean of those of a point's days
    back: tuple[Point, ...] = ()
    #: the day's first leg rating, likewise; empty for someone with no leg symptoms
    leg: tuple[Point, ...] = ()
    #: how far down the leg at most (an index of REACHES) on a point's days
    reach: tuple[tuple[date, int], ...] = ()
    #: the flares on a point's days: sessions' and walks'
    flares: tuple[tuple[date, int], ...] = ()
    #: (the first day in the window, stage number, its name): the stage in force at the start
    #: first, then each change of stage inside the window
    stages: tuple[tuple[date, int, str], ...] = ()

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def stage_spans(
    events: Sequence[StageEvent], start: date, end: date, names: Mapping[int, str]
) -> tuple[tuple[date, int, str], ...]:
    """The stages over the window: the one in force on `start` (from `start`), then every stage
    change inside it, each with its first day and its name."""
    spans: list[tuple[date, int, str]] = []
    for e in sorted((e for e in events if e.kind in STAGE_SETTING_KINDS), key=lambda e: e.at):
        day = e.at.date()
        if day > end:
            break
        item = (max(day, start), e.to_stage, names.get(e.to_stage, ""))
        if spans and spans[-1][0] == item[0]:
            spans[-1] = item  # the later change of the same day is the one that held
        elif day < start:
            spans = [item]
        else:
            spans.append(item)
    return tuple(spans)


def pain_chart_data(
    days: Mapping[date, DaySum],
    start: date,
    end: date,
    stages: tuple[tuple[date, int, str], ...] = (),
    columns: int = 120,
) -> PainChartData:
    """The chart of the window `start`–`end` from its day sums: a point a day up to
    `BY_DAY_UP_TO` days, else a point a Monday week, or a point a run of weeks when there are
    more weeks than `columns` (the plot's width in cells)."""
    step = days_per_point(start, end, columns)
    points = pain_points(days, start, end, step)
    return PainChartData(start, end, step, *points, stages=stages)


# ---------------------------------------------------------------------------------------------
# Drawing


def what_a_point_is(data: PainChartData) -> str:
    """The x axis's words: what one point stands for."""
    if data.days_per_point == 1:
        return "each day's first check-in"
    if data.days_per_point == 7:
        return "a point a week (Mon–Sun): its mean"
    return f"a point every {data.days_per_point // 7} weeks: their mean"


def columns_per_day(data: PainChartData, width: int) -> float:
    """How many cells a day has on a chart `width` cells wide."""
    return max(width - GUTTER, 1) / max(data.days, 1)


def shows_reach(data: PainChartData, width: int) -> bool:
    """Whether the chart writes how far down the leg under the leg line: by day, with two
    cells a day, and only for days the symptoms went below the back."""
    return (
        data.days_per_point == 1
        and columns_per_day(data, width) >= 2
        and any(furthest for _, furthest in data.reach)
        and bool(data.leg)
    )


def stage_runs(data: PainChartData) -> list[tuple[int, int, str]]:
    """The stages as drawn, each (its first day's offset in the window, stage, name): by day on
    a chart by day; else each point takes the stage in force on most of its days, and points of
    the same stage run together."""
    days = data.days
    spans = [((first - data.start).days, stage, name) for first, stage, name in data.stages]
    step = data.days_per_point
    if step == 1 or not spans:
        return spans
    origin = (monday(data.start) - data.start).days  # the first point's Monday, 0 or before
    held: list[dict[tuple[int, str], int]] = [{} for _ in range((days - 1 - origin) // step + 1)]
    for n, (begin, stage, name) in enumerate(spans):
        end = spans[n + 1][0] if n + 1 < len(spans) else days
        while begin < end:
            i = (begin - origin) // step
            stop = min(end, origin + (i + 1) * step)
            held[i][stage, name] = held[i].get((stage, name), 0) + stop - begin
            begin = stop
    runs: list[tuple[int, int, str]] = []
    for i, stages in enumerate(held):
        if stages:
            stage, name = max(stages, key=stages.__getitem__)
            if not runs or runs[-1][1] != stage:
                runs.append((max(origin + i * step, 0), stage, name))
    return runs


def drawn_stages(data: PainChartData, width: int) -> list[tuple[int, int, str]]:
    """`stage_runs`, or none when they would be closer than a few cells apart on average."""
    runs = stage_runs(data)
    return runs if len(runs) <= max(width - GUTTER, 1) / 6 else []


def legend(
    data: PainChartData, width: int, highest: int | None = None, latest: int | None = None
) -> str:
    """The words under the chart: the markers, the reach's digits when it has any, and the
    `highest` and `latest` of every check-in (a worse one later in a day is not hidden)."""
    parts = [f"{BACK_MARKER} back"]
    if data.leg:
        parts.append(f"{LEG_MARKER} leg")
    parts.append(f"{FLARE_MARKER} flare")
    if len(drawn_stages(data, width)) > 1:
        parts.append("│ stage change")
    elif len(stage_runs(data)) > 1:
        parts.append("too many stage changes to draw (the Stages line lists them)")
    if shows_reach(data, width):
        parts.append("1–4 under the leg: how far down (buttock, thigh, below knee, foot)")
    if highest is not None:
        parts.append(f"check-ins: highest {highest}, latest {latest}")
    return " · ".join(parts)


def tick_words(day: date, long: bool) -> str:
    return f"{day:%b %Y}" if long else f"{day.day} {day:%b}"


def runs(points: Sequence[Point], step: int) -> Iterable[Sequence[Point]]:
    """The points split where one is missing, so a line never bridges days (or weeks) without a
    rating."""
    begun = 0
    for n in range(1, len(points) + 1):
        if n == len(points) or (points[n][0] - points[n - 1][0]).days > step:
            yield points[begun:n]
            begun = n


class PainChart(Chart[PainChartData]):
    """Back and leg pain over a window (0–10, by day or by week), stages and flares marked."""

    EMPTY = "No check-ins in this period yet: press c to check in."

    def has_points(self, data: PainChartData) -> bool:
        return bool(data.back or data.leg)

    def draw(self, plt: Plot, data: PainChartData, width: int, height: int) -> None:
        step = data.days_per_point
        last = data.days - 1

        def x(day: date) -> float:
            # A point sits in the middle of its days that fall inside the window.
            lo = max((day - data.start).days, 0)
            hi = min((day - data.start).days + step - 1, last)
            return (lo + hi) / 2

        per_day = columns_per_day(data, width)
        columns = per_day * data.days
        rows = max(height - 3, 2)  # less the axis, the dates, the axis words
        plt.xaxes(True, False)  # the axes below and left only: the top line is a data row
        plt.yaxes(True, False)
        plt.xlim(-0.5, last + 0.5)
        plt.ylim(0, 10)
        plt.yticks([0, 5, 10])
        count = max(2, min(7, int(columns) // 14))
        ticks: list[float] = sorted({round(last * n / (count - 1)) for n in range(count)})
        long = data.days > 300
        plt.xticks(ticks, [tick_words(data.start + timedelta(days=t), long) for t in ticks])
        plt.ylabel("pain 0–10")
        plt.xlabel(what_a_point_is(data))

        # The stages: a line where each begins, its number and name on top where they fit.
        spans = drawn_stages(data, width)
        for n, (begins, stage, name) in enumerate(spans):
            ends = spans[n + 1][0] if n + 1 < len(spans) else last
            if n:
                plt.vertical_line(begins - 0.5)
            room = (ends - begins) * per_day - 1
            words = f"{stage} {name}" if len(f"{stage} {name}") <= room else f"{stage}"
            if len(words) <= room:
                plt.text(words, x=begins + 1 / per_day, y=10, alignment="left", color="default")

        lines = ((data.leg, LEG_MARKER, LEG_COLOR), (data.back, BACK_MARKER, BACK_COLOR))
        for series, marker, color in lines:  # the back's drawn last: on top where they meet
            for run in runs(series, step):
                xs = [x(day) for day, _ in run]
                ys = [value for _, value in run]
                if len(run) == 1:
                    plt.scatter(xs, ys, marker=marker, color=color)
                else:
                    plt.plot(xs, ys, marker=marker, color=color)
        # How far down the leg, a digit just under each day's leg point, when a day has cells.
        if shows_reach(data, width):
            leg = dict(data.leg)
            below = 10 / max(rows - 1, 1)
            for day, furthest in data.reach:
                if day in leg and furthest:
                    y = leg[day] - below if leg[day] - below >= 0 else leg[day] + below
                    plt.text(str(furthest), x=x(day), y=y, alignment="center", color=LEG_COLOR)
        # Flares on the top line, above their day or week.
        if data.flares:
            plt.scatter(
                [x(d) for d, _ in data.flares],
                [10] * len(data.flares),
                marker=FLARE_MARKER,
                color=FLARE_COLOR,
            )


def period_chart(period: Period, names: Mapping[int, str]) -> PainChartData:
    """The chart of History's window. "All" begins with the first record; a window with its
    first day. A record dated after today (a clock that was wrong) is shown where it falls,
    never dropped and never a crash: the chart then runs on to its day."""
    held = [day for day, r in period.days.items() if r.sessions or r.checkins]
    first = held[0] if held else period.today
    start = first if period.since is None else period.since.date()
    last = max([period.today, *held[-1:]])
    return pain_chart_data(
        period.days,
        start,
        last,
        stage_spans(period.events, start, last, names),
        columns=period.width - 2 - GUTTER,
    )


class PainPanel(VerticalGroup):
    """History's pain chart and the words under it, drawn from the window's `Period`."""

    #: What History read for the window shown, bound to HistoryScreen.period.
    period: var[Period | None] = var(None)

    def __init__(self, catalog: Catalog) -> None:
        super().__init__()
        self.names = {n: stage.name for n, stage in catalog.stages.items()}
        self.chart = PainChart(id="history-chart")
        self.caption = Line(id="history-legend")

    def compose(self) -> ComposeResult:
        yield self.chart
        yield self.caption

    def watch_period(self, period: Period | None) -> None:
        if period is None or not self.is_mounted:
            return
        data = period_chart(period, self.names)
        self.chart.update(data)
        rated = [r for r in period.days.values() if r.checkins]
        words = legend(
            data,
            period.width - 2,
            highest=max((r.pain_high for r in rated), default=None),  # type: ignore[type-var]
            latest=rated[-1].pain_last if rated else None,
        )
        self.caption.show(Content(words))

    def on_mount(self) -> None:
        self.watch_period(self.period)
